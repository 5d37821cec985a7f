// MappingBulkRepo: whole-tenant reads and batched writes, checked against the raw database.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::Tx;

class MappingBulkTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("A");
    b_ = MakeTenant("B");
    group_ = MakeNamed(a_, true, "Observation");
    type_ = MakeNamed(a_, false, "Concept");
  }

  RowId MakeNamed(TenantId t, bool group, const std::string& name) {
    auto id = store_->Transact([&](Tx& tx) -> Result<RowId> {
      auto repo = tx.tenant(t).mappings();
      if (group) {
        auto g = repo.CreateGroup(name);
        if (!g) return Fail(g.error());
        return g->id;
      }
      auto ty = repo.CreateType(name);
      if (!ty) return Fail(ty.error());
      return ty->id;
    });
    EXPECT_TRUE(id.has_value()) << (id ? "" : id.error().message);
    return id.value_or(0);
  }

  Mapping Of(std::string avni, std::string int_value,
             DataTypeHint hint = DataTypeHint::kCoded) const {
    Mapping m;
    m.group_id = group_;
    m.type_id = type_;
    m.avni_value = std::move(avni);
    m.int_system_value = std::move(int_value);
    m.data_type_hint = hint;
    return m;
  }

  Result<std::int64_t> Insert(TenantId t, const std::vector<Mapping>& rows) {
    return store_->Transact([&](Tx& tx) { return tx.tenant(t).mapping_bulk().InsertMany(rows); });
  }
  Result<std::int64_t> Update(TenantId t, const std::vector<Mapping>& rows) {
    return store_->Transact([&](Tx& tx) { return tx.tenant(t).mapping_bulk().UpdateMany(rows); });
  }
  std::vector<Mapping> Load(TenantId t) {
    auto all = store_->Read([&](Tx& tx) { return tx.tenant(t).mapping_bulk().LoadAll(); });
    EXPECT_TRUE(all.has_value()) << (all ? "" : all.error().message);
    return all.value_or(std::vector<Mapping>{});
  }
  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }

  TenantId a_, b_;
  RowId group_ = 0, type_ = 0;
};

TEST_P(MappingBulkTest, InsertManyWritesEveryFieldOfRowsSpanningSeveralStatements) {
  std::vector<Mapping> rows;
  for (int i = 0; i < 1234; ++i) {
    rows.push_back(Of(fmt::format("avni {}", i), fmt::format("int-{}", i),
                      i % 2 ? DataTypeHint::kNumeric : DataTypeHint::kCoded));
  }
  rows[7].uuid = "given-uuid-7";
  rows[8].about = "it's \"quoted\", with\nnewline; DROP TABLE mappings; --";
  rows[9].avni_value = "Hémoglobine 血红蛋白 ✓";
  rows[10].voided = true;
  auto inserted = Insert(a_, rows);
  ASSERT_TRUE(inserted.has_value()) << inserted.error().message;
  EXPECT_EQ(*inserted, 1234);

  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE tenant_id = " + std::to_string(a_.value)),
            "1234");
  EXPECT_EQ(Raw("SELECT COUNT(DISTINCT uuid) FROM mappings"), "1234");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE voided"), "1");
  EXPECT_EQ(Raw("SELECT avni_value FROM mappings WHERE voided"), "avni 10");
  EXPECT_EQ(Raw("SELECT about FROM mappings WHERE avni_value = 'avni 8'"), rows[8].about);
  EXPECT_EQ(Raw("SELECT avni_value FROM mappings WHERE uuid = 'given-uuid-7'"), "avni 7");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE data_type_hint = 'Numeric'"), "617");

  const auto all = Load(a_);
  ASSERT_EQ(all.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(all[i].avni_value, rows[i].avni_value);  // ordered by id: the order of insertion
    EXPECT_EQ(all[i].int_system_value, rows[i].int_system_value);
    EXPECT_EQ(all[i].data_type_hint, rows[i].data_type_hint);
    EXPECT_EQ(all[i].about, rows[i].about);
    EXPECT_EQ(all[i].voided, rows[i].voided);
    EXPECT_EQ(all[i].group_id, group_);
    EXPECT_EQ(all[i].type_id, type_);
    EXPECT_EQ(all[i].tenant_id, a_);
    EXPECT_EQ(all[i].created_at, clock_.Now());
    EXPECT_EQ(all[i].updated_at, clock_.Now());
    EXPECT_EQ(all[i].uuid.size(), i == 7 ? 12u : 36u);
    if (i > 0) {
      EXPECT_LT(all[i - 1].id, all[i].id);
    }
  }
  EXPECT_TRUE(Load(b_).empty());
}

TEST_P(MappingBulkTest, EmptyBatchesDoNothing) {
  EXPECT_EQ(Insert(a_, {}).value_or(-1), 0);
  EXPECT_EQ(Update(a_, {}).value_or(-1), 0);
  EXPECT_TRUE(Load(a_).empty());
}

TEST_P(MappingBulkTest, UpdateManyChangesValuesAndKeepsGroupTypeUuidAndCreation) {
  std::vector<Mapping> rows;
  for (int i = 0; i < 700; ++i) rows.push_back(Of(fmt::format("a{}", i), fmt::format("i{}", i)));
  ASSERT_TRUE(Insert(a_, rows).has_value());
  auto before = Load(a_);
  const Timestamp created = clock_.Now();
  clock_.Advance(std::chrono::seconds(30));

  std::vector<Mapping> changed = before;
  for (auto& m : changed) {
    m.int_system_value += "-new";
    m.about = "changed";
    m.data_type_hint = DataTypeHint::kText;
    m.group_id = 999999;  // not written: UpdateMany keeps the group and type
  }
  changed[3].voided = true;
  auto updated = Update(a_, changed);
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(*updated, 700);

  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE int_system_value LIKE '%-new' AND about = "
                "'changed' AND data_type_hint = 'Text'"),
            "700");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE voided"), "1");
  const auto after = Load(a_);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].uuid, before[i].uuid);
    EXPECT_EQ(after[i].group_id, group_);
    EXPECT_EQ(after[i].created_at, created);
    EXPECT_EQ(after[i].updated_at, clock_.Now());
  }
  EXPECT_TRUE(after[3].voided);
}

TEST_P(MappingBulkTest, AnotherTenantsRowsAreNeitherReadNorUpdated) {
  ASSERT_TRUE(Insert(a_, {Of("Yes", "1")}).has_value());
  auto rows = Load(a_);
  ASSERT_EQ(rows.size(), 1u);
  rows[0].int_system_value = "stolen";
  // Tenant B's repository finds no row with A's id.
  auto updated = Update(b_, rows);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(*updated, 0);
  EXPECT_EQ(Raw("SELECT int_system_value FROM mappings"), "1");
  EXPECT_TRUE(Load(b_).empty());
}

TEST_P(MappingBulkTest, ValuesAreExchangedByVoidingFirstAndRefusedInOneStep) {
  ASSERT_TRUE(Insert(a_, {Of("Yes", "1"), Of("No", "2")}).has_value());
  auto rows = Load(a_);
  ASSERT_EQ(rows.size(), 2u);
  std::swap(rows[0].int_system_value, rows[1].int_system_value);

  // In one step the first row would take a value the second still holds.
  auto clash = Update(a_, rows);
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Raw("SELECT int_system_value FROM mappings WHERE avni_value = 'Yes'"), "1");

  auto swapped = store_->Transact([&](Tx& tx) -> Result<std::int64_t> {
    auto bulk = tx.tenant(a_).mapping_bulk();
    auto voided = rows;
    for (auto& m : voided) m.voided = true;
    if (auto v = bulk.UpdateMany(voided); !v) return v;
    return bulk.UpdateMany(rows);
  });
  ASSERT_TRUE(swapped.has_value()) << swapped.error().message;
  EXPECT_EQ(Raw("SELECT int_system_value FROM mappings WHERE avni_value = 'Yes'"), "2");
  EXPECT_EQ(Raw("SELECT int_system_value FROM mappings WHERE avni_value = 'No'"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE voided"), "0");
}

TEST_P(MappingBulkTest, AClashInABatchIsAConflictAndNothingOfTheBatchRemains) {
  ASSERT_TRUE(Insert(a_, {Of("Yes", "1")}).has_value());
  std::vector<Mapping> rows;
  for (int i = 0; i < 600; ++i) rows.push_back(Of(fmt::format("a{}", i), fmt::format("i{}", i)));
  rows[550].int_system_value = "1";  // in the second statement; the first has been written
  auto clash = Insert(a_, rows);
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "1");

  // A group of another tenant is refused by the schema's composite foreign key.
  Mapping foreign = Of("x", "y");
  foreign.group_id = MakeNamed(b_, true, "B's group");
  auto refused = Insert(a_, {foreign});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "1");
}

// Every kind of write moves the revision, whoever makes it (these go straight to the store, as
// another instance's would), and only its own tenant's. Before the revision, a cache compared
// the count and latest updated_at of the mappings: a rename of a group or a type, or a second
// edit within a millisecond, left it stale.
TEST_P(MappingBulkTest, TheRevisionMovesWithEveryWriteOfItsTenantOnly) {
  auto revision = [&](TenantId t) {
    auto r = store_->Read([&](Tx& tx) { return tx.tenant(t).mapping_bulk().Revision(); });
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(-1);
  };
  auto moves = [&](const char* what, const std::function<Status(Tx&)>& write) {
    const std::int64_t before = revision(a_), other = revision(b_);
    auto done = store_->Transact(write);
    ASSERT_TRUE(done.has_value()) << what << ": " << done.error().message;
    EXPECT_GT(revision(a_), before) << what;
    EXPECT_EQ(revision(b_), other) << what;
  };
  moves("insert", [&](Tx& tx) -> Status {
    auto n = tx.tenant(a_).mapping_bulk().InsertMany({Of("Yes", "1"), Of("No", "2")});
    if (!n) return Fail(n.error());
    return {};
  });
  auto rows = Load(a_);
  ASSERT_EQ(rows.size(), 2u);
  const RowId first = rows[0].id;
  // The same content twice within one millisecond: the clock does not move here.
  for (const char* about : {"changed", "changed again"}) {
    moves("update", [&](Tx& tx) -> Status {
      rows[0].about = about;
      auto n = tx.tenant(a_).mapping_bulk().UpdateMany({rows[0]});
      if (!n) return Fail(n.error());
      return {};
    });
  }
  moves("void", [&](Tx& tx) -> Status {
    auto m = tx.tenant(a_).mappings().SetVoided(first, true);
    if (!m) return Fail(m.error());
    return {};
  });
  moves("rename group", [&](Tx& tx) -> Status {
    auto g = tx.tenant(a_).mappings().RenameGroup(group_, "Observations");
    if (!g) return Fail(g.error());
    return {};
  });
  moves("rename type", [&](Tx& tx) -> Status {
    auto t = tx.tenant(a_).mappings().RenameType(type_, "Concepts");
    if (!t) return Fail(t.error());
    return {};
  });
  RowId spare = 0;
  moves("create type", [&](Tx& tx) -> Status {
    auto t = tx.tenant(a_).mappings().CreateType("Spare");
    if (!t) return Fail(t.error());
    spare = t->id;
    return {};
  });
  moves("delete type", [&](Tx& tx) { return tx.tenant(a_).mappings().DeleteType(spare); });
}

AVNI_ON_EVERY_BACKEND(MappingBulkTest);

}  // namespace
}  // namespace avni::testing
