#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::Tx;

class TenantTest : public StoreTest {};

TEST_P(TenantTest, CreateGetFindListRoundTrip) {
  auto created =
      store_->Transact([](Tx& tx) { return tx.tenants().Create("JSS Bahmni", "bahmni"); });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_GT(created->id.value, 0);
  EXPECT_EQ(created->name, "JSS Bahmni");
  EXPECT_EQ(created->type, "bahmni");
  EXPECT_TRUE(created->active);
  EXPECT_EQ(created->created_at, clock_.Now());
  EXPECT_EQ(created->uuid.size(), 36u);

  auto got = store_->Read([&](Tx& tx) { return tx.tenants().Get(created->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->uuid, created->uuid);
  auto found = store_->Read([](Tx& tx) { return tx.tenants().FindByName("JSS Bahmni"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, created->id);

  MakeTenant("Another");
  auto all = store_->Read([](Tx& tx) { return tx.tenants().List(); });
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "Another");  // ordered by name
}

TEST_P(TenantTest, NamesAreUnique) {
  MakeTenant("JSS");
  auto dup = store_->Transact([](Tx& tx) { return tx.tenants().Create("JSS", "goonj"); });
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_NE(dup.error().message.find("'JSS' already exists"), std::string::npos);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "1");
}

TEST_P(TenantTest, RenameAndDeactivate) {
  const TenantId a = MakeTenant("A");
  MakeTenant("B");
  clock_.Advance(std::chrono::seconds(5));
  auto renamed = store_->Transact([&](Tx& tx) { return tx.tenants().Rename(a, "A2"); });
  ASSERT_TRUE(renamed.has_value());
  EXPECT_EQ(renamed->name, "A2");
  EXPECT_EQ(renamed->updated_at, clock_.Now());
  auto clash = store_->Transact([&](Tx& tx) { return tx.tenants().Rename(a, "B"); });
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  auto off = store_->Transact([&](Tx& tx) { return tx.tenants().SetActive(a, false); });
  ASSERT_TRUE(off.has_value());
  EXPECT_FALSE(off->active);
}

TEST_P(TenantTest, BadInputNamesTheFieldAndWritesNothing) {
  auto empty = store_->Transact([](Tx& tx) { return tx.tenants().Create("", "bahmni"); });
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().field, "name");
  auto no_type = store_->Transact([](Tx& tx) { return tx.tenants().Create("X", ""); });
  ASSERT_FALSE(no_type.has_value());
  EXPECT_EQ(no_type.error().field, "type");
  auto too_long =
      store_->Transact([](Tx& tx) { return tx.tenants().Create(std::string(201, 'x'), "bahmni"); });
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().field, "name");
  // SQL metacharacters are data, not SQL.
  auto quoted = store_->Transact(
      [](Tx& tx) { return tx.tenants().Create("x'); DROP TABLE tenants; --", "bahmni"); });
  ASSERT_TRUE(quoted.has_value());
  EXPECT_EQ(quoted->name, "x'); DROP TABLE tenants; --");
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "1");
}

TEST_P(TenantTest, LengthsCountCharactersAndInvalidUtf8IsRefused) {
  // 200 Devanagari characters are 600 bytes: within the 200-character limit.
  std::string hindi;
  for (int i = 0; i < 200; ++i) hindi += "\u0915";
  auto long_hindi = store_->Transact([&](Tx& tx) { return tx.tenants().Create(hindi, "bahmni"); });
  ASSERT_TRUE(long_hindi.has_value()) << long_hindi.error().message;
  EXPECT_EQ(long_hindi->name, hindi);
  auto too_long =
      store_->Transact([&](Tx& tx) { return tx.tenants().Create(hindi + "\u0915", "bahmni"); });
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().field, "name");
  for (const std::string& bad : {std::string("ab\xff"), std::string("\xc0\xaf"),
                                 std::string("\xed\xa0\x80"), std::string("\xe0\x80")}) {
    auto refused = store_->Transact([&](Tx& tx) { return tx.tenants().Create(bad, "bahmni"); });
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().field, "name");
    EXPECT_NE(refused.error().message.find("not valid UTF-8"), std::string::npos);
  }
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "1");
}

TEST_P(TenantTest, MissingTenantIsNotFound) {
  auto got = store_->Read([](Tx& tx) { return tx.tenants().Get(TenantId{424242}); });
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  auto renamed =
      store_->Transact([](Tx& tx) { return tx.tenants().Rename(TenantId{424242}, "x"); });
  EXPECT_EQ(renamed.error().code, ErrorCode::kNotFound);
}

TEST_P(TenantTest, AFailedTransactionLeavesNothingBehind) {
  auto result = store_->Transact([](Tx& tx) -> Result<Tenant> {
    auto t = tx.tenants().Create("Half", "bahmni");
    if (!t) return t;
    return tx.tenants().Create("Half", "bahmni");  // conflicts: the whole transaction rolls back
  });
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "0");
  // The store stays usable afterwards.
  EXPECT_GT(MakeTenant("Whole").value, 0);
}

TEST_P(TenantTest, AnExceptionInsideATransactionRollsBackAndIsReported) {
  auto result = store_->Transact([](Tx& tx) -> Status {
    if (auto t = tx.tenants().Create("Thrown", "bahmni"); !t) return Fail(t.error());
    throw std::runtime_error("boom");
  });
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kInternal);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "0");
}

AVNI_ON_EVERY_BACKEND(TenantTest);

}  // namespace
}  // namespace avni::testing
