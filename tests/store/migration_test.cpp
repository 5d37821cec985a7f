#include <gtest/gtest.h>

#include <thread>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/sql/dsn.hpp"
#include "store/sql/migrations.hpp"
#include "store/sql/migrator.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::Store;

class MigrationTest : public StoreTest {};

TEST_P(MigrationTest, OpenAppliesEveryMigrationOnce) {
  auto state = store_->Schema();
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->applied, store::AllMigrations().back().version);
  EXPECT_EQ(state->applied, state->known);
  EXPECT_TRUE(store_->Ready().has_value());
  // A second Migrate is a no-op.
  auto again = store_->Migrate();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM schema_migrations").at(0),
            std::to_string(store::AllMigrations().size()));
}

TEST_P(MigrationTest, EveryTableOfTheSchemaExists) {
  for (const char* table : {"tenants", "tenant_config", "users", "memberships", "mapping_groups",
                            "mapping_types", "mappings", "entity_links", "sync_status",
                            "error_types", "error_records", "error_record_log", "jobs", "runs",
                            "leases", "audit_log", "flow_locks", "run_entity_counts"}) {
    EXPECT_EQ(db_->QueryColumn(std::string("SELECT COUNT(*) FROM ") + table).at(0), "0") << table;
  }
}

TEST_P(MigrationTest, ASchemaNewerThanTheBinaryIsRefusedWithAClearMessage) {
  store_.reset();
  db_->Execute(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  auto reopened = Store::Open(db_->dsn());
  ASSERT_FALSE(reopened.has_value());
  EXPECT_EQ(reopened.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(reopened.error().message.find("version 999"), std::string::npos)
      << reopened.error().message;
  EXPECT_NE(reopened.error().message.find("newer avni-integrator"), std::string::npos);
}

TEST_P(MigrationTest, ReadyReportsAnUnmigratedDatabase) {
  store_.reset();
  db_->Execute("DELETE FROM schema_migrations");
  store::StoreOptions options;
  options.migrate = false;
  auto reopened = Store::Open(db_->dsn(), options);
  ASSERT_TRUE(reopened.has_value());
  auto ready = (*reopened)->Ready();
  ASSERT_FALSE(ready.has_value());
  EXPECT_NE(ready.error().message.find("avni-integrator migrate"), std::string::npos);
}

TEST_P(MigrationTest, SeveralInstancesMigratingAtOnceAllSucceed) {
  // A fresh database of the same backend, opened by four "instances" at the same moment.
  std::string why;
  auto fresh = TestDatabase::Create(GetParam(), &why);
  ASSERT_TRUE(fresh.has_value()) << why;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto s = Store::Open(fresh->dsn());
      if (!s) errors[i] = s.error().message;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  EXPECT_EQ(fresh->QueryColumn("SELECT COUNT(*) FROM schema_migrations").at(0),
            std::to_string(store::AllMigrations().size()));
}

TEST_P(MigrationTest, AFailingMigrationRollsBackWholeAndKeepsTheOnesBefore) {
  store_.reset();
  auto dsn = store::ParseDsn(db_->dsn());
  ASSERT_TRUE(dsn.has_value());
  soci::session sql;
  if (GetParam() == store::Backend::kSqlite) {
    sql.open(soci::sqlite3, dsn->connect);
  } else {
    sql.open(soci::postgresql, dsn->connect);
  }
  const int base = store::AllMigrations().back().version;
  // Version base+1 works; base+2 creates a table, then fails half-way through.
  const std::string good = "CREATE TABLE good_one (id INTEGER PRIMARY KEY);";
  const std::string bad =
      "CREATE TABLE half_done (id INTEGER PRIMARY KEY); INSERT INTO half_done VALUES (1); "
      "INSERT INTO no_such_table VALUES (1);";
  const std::vector<store::Migration> migrations{
      store::AllMigrations().front(),
      {base + 1, "good", good, good},
      {base + 2, "bad", bad, bad},
  };
  try {
    store::ApplyMigrations(sql, GetParam(), migrations, clock_.Now());
    FAIL() << "the bad migration did not fail";
  } catch (const soci::soci_error& e) {
    EXPECT_NE(std::string(e.what()).find("migration " + std::to_string(base + 2) +
                                         " (bad) failed "
                                         "and was rolled back"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(store::AppliedVersion(sql, GetParam()), base + 1);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM good_one").at(0), "0");
  EXPECT_THROW(db_->QueryColumn("SELECT COUNT(*) FROM half_done"), soci::soci_error);
}

TEST(DsnTest, BadAddressesAreRefusedNamingTheOption) {
  for (const char* dsn : {"mysql://x", "nonsense", "sqlite:", "postgresql://host:notaport/db"}) {
    auto s = Store::Open(dsn);
    ASSERT_FALSE(s.has_value()) << dsn;
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << dsn << ": " << s.error().message;
    EXPECT_EQ(s.error().field, "--db") << dsn;
  }
}

TEST(DsnTest, UnreachablePostgresIsUnavailableAndHidesThePassword) {
  // Port 1 on loopback: nothing listens there.
  auto s = Store::Open("postgresql://avni:hunter2secret@127.0.0.1:1/avni");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(
      s.error().message.find("cannot connect to PostgreSQL at postgresql://avni@127.0.0.1:1/avni"),
      std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().message.find("hunter2secret"), std::string::npos);
}

AVNI_ON_EVERY_BACKEND(MigrationTest);

}  // namespace
}  // namespace avni::testing
