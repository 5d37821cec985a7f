// GET /tenants/{t}/audit: newest first, paged, before/after as JSON, the tenant's own only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class AuditApiTest : public TenantAdminApiTest {
 protected:
  std::string Path(const std::string& query = "") const {
    return TenantPath(tenant_, "/audit" + query);
  }

  // Five changes, a second apart: config values k0..k4.
  void MakeChanges() {
    for (int i = 0; i < 5; ++i) {
      Reply r = Call("PUT", TenantPath(tenant_, "/config/k" + std::to_string(i)),
                     json{{"value", "v" + std::to_string(i)}}, token_);
      ASSERT_EQ(r.status, 201) << r.raw;
      clock_.Advance(std::chrono::seconds(1));
    }
  }
};

TEST_P(AuditApiTest, ListsNewestFirstWithPaging) {
  MakeChanges();
  Reply r = Call("GET", Path("?size=2"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 5);
  EXPECT_EQ(r.body["page"], 0);
  EXPECT_EQ(r.body["size"], 2);
  ASSERT_EQ(r.body["items"].size(), 2u);
  EXPECT_EQ(r.body["items"][0]["entity_id"], "k4");
  EXPECT_EQ(r.body["items"][1]["entity_id"], "k3");
  EXPECT_GT(r.body["items"][0]["at"].get<std::string>(),
            r.body["items"][1]["at"].get<std::string>());

  r = Call("GET", Path("?size=2&page=2"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 5);
  ASSERT_EQ(r.body["items"].size(), 1u);
  EXPECT_EQ(r.body["items"][0]["entity_id"], "k0");

  r = Call("GET", Path("?size=2&page=3"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_TRUE(r.body["items"].empty());
  EXPECT_EQ(r.body["total"], 5);

  EXPECT_EQ(Call("GET", Path("?sort=-at"), std::nullopt, token_).body["items"].size(), 5u);
  r = Call("GET", Path("?sort=at"), std::nullopt, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "sort");
  r = Call("GET", Path("?size=0"), std::nullopt, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "size");
}

TEST_P(AuditApiTest, EntriesCarryWhoWhatAndBeforeAfterAsJson) {
  ASSERT_EQ(
      Call("PUT", TenantPath(tenant_, "/config/avni_user"), json{{"value", "ana"}}, token_).status,
      201);
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_EQ(
      Call("PUT", TenantPath(tenant_, "/config/avni_user"), json{{"value", "bea"}}, token_).status,
      200);

  Reply r = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["items"].size(), 2u);
  const json& update = r.body["items"][0];
  EXPECT_TRUE(update["id"].is_number_integer());
  EXPECT_EQ(update["actor"], "admin@example.org");
  EXPECT_EQ(update["action"], "config.update");
  EXPECT_EQ(update["entity"], "config");
  EXPECT_EQ(update["entity_id"], "avni_user");
  EXPECT_EQ(update["before"], (json{{"key", "avni_user"}, {"value", "ana"}, {"is_secret", false}}));
  EXPECT_EQ(update["after"], (json{{"key", "avni_user"}, {"value", "bea"}, {"is_secret", false}}));
  EXPECT_TRUE(update["at"].is_string());
  const json& create = r.body["items"][1];
  EXPECT_EQ(create["action"], "config.create");
  EXPECT_TRUE(create["before"].is_null());
}

TEST_P(AuditApiTest, ShowsOnlyTheTenantsOwnEntries) {
  MakeChanges();
  TenantId other = MakeTenant("Other");
  auto appended = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(other).audit().Append("someone", "config.update", "config", "theirs", "",
                                           "not json");
  });
  ASSERT_TRUE(appended.has_value());
  auto global = store_->Transact([&](store::Tx& tx) {
    return tx.global_audit().Append("root", "user.create", "user", "1", "", "{}");
  });
  ASSERT_TRUE(global.has_value());

  Reply r = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 5);
  for (const auto& item : r.body["items"]) EXPECT_NE(item["entity_id"], "theirs");
  EXPECT_EQ(Call("GET", TenantPath(other, "/audit"), std::nullopt, token_).status, 404);

  // Text that is not JSON comes back as text.
  r = Call("GET", TenantPath(other, "/audit"), std::nullopt, SuperAdminToken());
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 1);
  EXPECT_EQ(r.body["items"][0]["after"], "not json");
}

TEST_P(AuditApiTest, OnlyAdminsReadTheAudit) {
  MakeChanges();
  for (Role role : {Role::kViewer, Role::kEditor}) {
    const std::string email = std::string(ToString(role)) + "@example.org";
    User user = MakeUser(email);
    AddMember(tenant_, user.id, role);
    Reply r = Call("GET", Path(), std::nullopt, SignIn(email));
    EXPECT_EQ(r.status, 403) << r.raw;
  }
}

}  // namespace

AVNI_ON_EVERY_BACKEND(AuditApiTest);

}  // namespace avni::testing
