#include "support/test_database.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "crypto/password.hpp"
#include "store/sql/dsn.hpp"

namespace avni::testing {
namespace {

std::string PostgresDsn() {
  if (const char* dsn = std::getenv("AVNI_INT_TEST_PG_DSN"); dsn && *dsn) return dsn;
  const char* file = std::getenv("AVNI_INT_TEST_PG_DSN_FILE");
  if (file == nullptr || *file == '\0') file = AVNI_TEST_PG_DSN_FILE;
  {
    std::ifstream in(file);
    std::string dsn;
    if (in >> dsn) return dsn;
  }
  return {};
}

std::unique_ptr<soci::session> Connect(store::Backend backend, const std::string& dsn) {
  auto parsed = store::ParseDsn(dsn);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  if (backend == store::Backend::kSqlite) {
    auto s = std::make_unique<soci::session>(soci::sqlite3, parsed->connect);
    *s << "PRAGMA foreign_keys = ON";  // as the Store's own connections have it
    return s;
  }
  return std::make_unique<soci::session>(soci::postgresql, parsed->connect);
}

}  // namespace

bool PostgresRequired() {
  // `make test` sets it: there a missing server is a failure, never a silent skip.
  const char* v = std::getenv("AVNI_INT_REQUIRE_PG");
  return v != nullptr && std::string(v) == "1";
}

std::string BackendName(store::Backend backend) {
  return backend == store::Backend::kSqlite ? "sqlite" : "postgres";
}

std::optional<TestDatabase> TestDatabase::Create(store::Backend backend, std::string* why) {
  TestDatabase db;
  db.backend_ = backend;
  if (backend == store::Backend::kSqlite) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "avni-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    db.dir_ = tmpl;
    db.dsn_ = "sqlite:" + tmpl + "/test.db";
    return db;
  }
  db.admin_dsn_ = PostgresDsn();
  if (db.admin_dsn_.empty()) {
    if (why) *why = "no PostgreSQL for tests: run through ctest, or set AVNI_INT_TEST_PG_DSN";
    return std::nullopt;
  }
  std::string suffix = NewToken(9);
  for (char& c : suffix) c = std::isalnum(static_cast<unsigned char>(c)) ? std::tolower(c) : '_';
  db.schema_ = "t_" + suffix;
  {
    auto admin = Connect(backend, db.admin_dsn_);
    *admin << "CREATE SCHEMA " + db.schema_;
  }
  const char* sep = db.admin_dsn_.find('?') == std::string::npos ? "?" : "&";
  db.dsn_ = db.admin_dsn_ + sep + "options=-csearch_path%3D" + db.schema_;
  return db;
}

TestDatabase::TestDatabase(TestDatabase&& o) noexcept { *this = std::move(o); }

TestDatabase& TestDatabase::operator=(TestDatabase&& o) noexcept {
  backend_ = o.backend_;
  dsn_ = std::move(o.dsn_);
  dir_ = std::move(o.dir_);
  schema_ = std::move(o.schema_);
  admin_dsn_ = std::move(o.admin_dsn_);
  o.dir_.clear();
  o.schema_.clear();
  return *this;
}

TestDatabase::~TestDatabase() {
  try {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      auto admin = Connect(backend_, admin_dsn_);
      *admin << "SET client_min_messages = WARNING";
      *admin << "DROP SCHEMA " + schema_ + " CASCADE";
    }
  } catch (const std::exception&) {
    // Best effort: the throwaway server is removed at the end of the run anyway.
  }
}

std::vector<std::string> TestDatabase::QueryColumn(const std::string& sql) const {
  auto s = Connect(backend_, dsn_);
  soci::rowset<soci::row> rows = (s->prepare << sql);
  std::vector<std::string> out;
  for (const auto& row : rows) {
    if (row.get_indicator(0) == soci::i_null) {
      out.emplace_back();
      continue;
    }
    switch (row.get_properties(0).get_data_type()) {
      case soci::dt_string:
        out.push_back(row.get<std::string>(0));
        break;
      case soci::dt_integer:
        out.push_back(std::to_string(row.get<int>(0)));
        break;
      case soci::dt_long_long:
        out.push_back(std::to_string(row.get<long long>(0)));
        break;
      case soci::dt_unsigned_long_long:
        out.push_back(std::to_string(row.get<unsigned long long>(0)));
        break;
      case soci::dt_double:
        out.push_back(std::to_string(row.get<double>(0)));
        break;
      default:
        out.push_back("?");
        break;
    }
  }
  return out;
}

void TestDatabase::Execute(const std::string& sql) const {
  auto s = Connect(backend_, dsn_);
  *s << sql;
}

}  // namespace avni::testing
