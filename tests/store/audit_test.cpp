#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::seconds;
using store::AuditRepo;
using store::Tx;

class AuditTest : public StoreTest {
 protected:
  // Runs fn(AuditRepo&) in one write transaction: tenant t's log, or the global one.
  template <typename Fn>
  auto Audit(std::optional<TenantId> t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      AuditRepo audit = t ? tx.tenant(*t).audit() : tx.global_audit();
      return fn(audit);
    });
  }

  RowId Append(std::optional<TenantId> t, const std::string& action) {
    auto entry = Audit(t, [&](AuditRepo& audit) {
      return audit.Append("admin@example.org", action, "mapping", "42", "", "");
    });
    EXPECT_TRUE(entry.has_value()) << (entry ? "" : entry.error().message);
    return entry ? entry->id : 0;
  }

  static std::vector<RowId> Ids(const Result<std::vector<AuditEntry>>& entries) {
    std::vector<RowId> out;
    for (const auto& e : *entries) out.push_back(e.id);
    return out;
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
};

TEST_P(AuditTest, AppendAndListRoundTripEveryField) {
  const TenantId t = MakeTenant("T");
  clock_.Advance(seconds(3));
  auto appended = Audit(t, [](AuditRepo& audit) {
    return audit.Append("admin@example.org", "config.update", "config", "avni_api_url",
                        R"({"value":"http://old"})", R"({"value":"http://new"})");
  });
  ASSERT_TRUE(appended.has_value()) << appended.error().message;
  EXPECT_GT(appended->id, 0);
  ASSERT_TRUE(appended->tenant_id.has_value());
  EXPECT_EQ(*appended->tenant_id, t);
  EXPECT_EQ(appended->at, clock_.Now());

  auto listed = Audit(t, [](AuditRepo& audit) { return audit.List(10, 0); });
  ASSERT_TRUE(listed.has_value()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  const AuditEntry& e = listed->front();
  EXPECT_EQ(e.id, appended->id);
  EXPECT_EQ(e.tenant_id, std::optional<TenantId>(t));
  EXPECT_EQ(e.actor, "admin@example.org");
  EXPECT_EQ(e.action, "config.update");
  EXPECT_EQ(e.entity, "config");
  EXPECT_EQ(e.entity_id, "avni_api_url");
  EXPECT_EQ(e.before_json, R"({"value":"http://old"})");
  EXPECT_EQ(e.after_json, R"({"value":"http://new"})");
  EXPECT_EQ(e.at, clock_.Now());
  EXPECT_EQ(Raw("SELECT tenant_id FROM audit_log"), std::to_string(t.value));
  EXPECT_EQ(Raw("SELECT at FROM audit_log"), std::to_string(ToEpochMillis(clock_.Now())));
}

TEST_P(AuditTest, ListIsNewestFirstWithPaging) {
  const TenantId t = MakeTenant("T");
  const RowId first = Append(t, "a.first");
  clock_.Advance(seconds(1));
  const RowId second = Append(t, "a.second");
  clock_.Advance(seconds(1));
  const RowId third = Append(t, "a.third");
  const RowId fourth = Append(t, "a.fourth");  // same time as third: the higher id comes first

  auto all = Audit(t, [](AuditRepo& audit) { return audit.List(10, 0); });
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(Ids(all), (std::vector<RowId>{fourth, third, second, first}));
  auto page = Audit(t, [](AuditRepo& audit) { return audit.List(2, 1); });
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(Ids(page), (std::vector<RowId>{third, second}));
  auto past_end = Audit(t, [](AuditRepo& audit) { return audit.List(10, 4); });
  ASSERT_TRUE(past_end.has_value());
  EXPECT_TRUE(past_end->empty());

  auto zero = Audit(t, [](AuditRepo& audit) { return audit.List(0, 0); });
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().field, "limit");
  auto negative = Audit(t, [](AuditRepo& audit) { return audit.List(10, -1); });
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().field, "offset");
}

TEST_P(AuditTest, EachLogShowsOnlyItsOwnEntries) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId in_a = Append(a, "in.a");
  const RowId in_b = Append(b, "in.b");
  const RowId global = Append(std::nullopt, "user.create");

  auto of_a = Audit(a, [](AuditRepo& audit) { return audit.List(10, 0); });
  ASSERT_TRUE(of_a.has_value());
  EXPECT_EQ(Ids(of_a), (std::vector<RowId>{in_a}));
  auto of_b = Audit(b, [](AuditRepo& audit) { return audit.List(10, 0); });
  ASSERT_TRUE(of_b.has_value());
  EXPECT_EQ(Ids(of_b), (std::vector<RowId>{in_b}));
  auto of_none = Audit(std::nullopt, [](AuditRepo& audit) { return audit.List(10, 0); });
  ASSERT_TRUE(of_none.has_value());
  EXPECT_EQ(Ids(of_none), (std::vector<RowId>{global}));
  EXPECT_FALSE(of_none->front().tenant_id.has_value());

  // The global entry really is stored without a tenant.
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM audit_log WHERE tenant_id IS NULL"), "1");
  EXPECT_EQ(Raw("SELECT action FROM audit_log WHERE tenant_id IS NULL"), "user.create");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM audit_log"), "3");
}

TEST_P(AuditTest, BadEntriesNameTheFieldAndWriteNothing) {
  const TenantId t = MakeTenant("T");
  auto no_actor = Audit(t, [](AuditRepo& audit) { return audit.Append("", "x", "y", "", "", ""); });
  ASSERT_FALSE(no_actor.has_value());
  EXPECT_EQ(no_actor.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_actor.error().field, "actor");
  auto no_action =
      Audit(t, [](AuditRepo& audit) { return audit.Append("me", "", "y", "", "", ""); });
  ASSERT_FALSE(no_action.has_value());
  EXPECT_EQ(no_action.error().field, "action");
  auto no_entity =
      Audit(std::nullopt, [](AuditRepo& audit) { return audit.Append("me", "x", "", "", "", ""); });
  ASSERT_FALSE(no_entity.has_value());
  EXPECT_EQ(no_entity.error().field, "entity");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM audit_log"), "0");

  auto no_tenant = Audit(TenantId{424242},
                         [](AuditRepo& audit) { return audit.Append("me", "x", "y", "", "", ""); });
  ASSERT_FALSE(no_tenant.has_value());
  EXPECT_EQ(no_tenant.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM audit_log"), "0");
}

AVNI_ON_EVERY_BACKEND(AuditTest);

}  // namespace
}  // namespace avni::testing
