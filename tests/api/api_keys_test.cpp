// /tenants/{t}/api-keys: make, list, revoke; a key made here works as a bearer token, with its
// role, in its tenant only. Both backends.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class ApiKeysApiTest : public TenantAdminApiTest {
 protected:
  std::string Path(const std::string& rest = "") const {
    return TenantPath(tenant_, "/api-keys" + rest);
  }

  // Makes a key through the API; returns the whole answer.
  json MakeKey(const std::string& name, const std::string& role, const std::string& token) {
    Reply r = Call("POST", Path(), json{{"name", name}, {"role", role}}, token);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body;
  }
};

TEST_P(ApiKeysApiTest, TheKeyIsShownOnceAndOnlyItsHashIsStored) {
  Reply r = Call("POST", Path(), json{{"name", "ci"}, {"role", "editor"}}, token_);
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::string key = r.body["key"];
  EXPECT_TRUE(key.starts_with("avk_")) << key;
  EXPECT_TRUE(key.starts_with(r.body["prefix"].get<std::string>()));
  EXPECT_LT(r.body["prefix"].get<std::string>().size(), key.size());
  EXPECT_EQ(r.body["name"], "ci");
  EXPECT_EQ(r.body["role"], "editor");
  EXPECT_TRUE(r.body["created_at"].is_string());
  EXPECT_TRUE(r.body["last_used_at"].is_null());
  EXPECT_TRUE(r.body["revoked_at"].is_null());
  EXPECT_FALSE(r.body.contains("key_hash"));

  const auto hash = db_->QueryColumn("SELECT key_hash FROM api_keys" + Where());
  ASSERT_EQ(hash.size(), 1u);
  EXPECT_EQ(hash[0].find(key), std::string::npos);
  EXPECT_EQ(db_->QueryColumn("SELECT CAST(created_by AS TEXT) FROM api_keys" + Where()),
            std::vector<std::string>{std::to_string(admin_.id)});

  Reply list = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_EQ(list.raw.find(key), std::string::npos);
  EXPECT_EQ(list.raw.find(hash[0]), std::string::npos);
  EXPECT_FALSE(list.body["items"][0].contains("key"));

  const auto audit = db_->QueryColumn(
      "SELECT action || ' ' || entity_id || ' ' || before_json || ' ' || after_json FROM "
      "audit_log");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_TRUE(audit[0].starts_with("api_key.create " + std::to_string(r.body["id"].get<int>())));
  EXPECT_EQ(audit[0].find(key), std::string::npos);
  EXPECT_EQ(audit[0].find(hash[0]), std::string::npos);
}

TEST_P(ApiKeysApiTest, AKeyWorksAsABearerTokenUntilRevoked) {
  json made = MakeKey("ci", "admin", token_);
  const std::string key = made["key"];
  Reply r = Call("GET", TenantPath(tenant_, "/config"), std::nullopt, key);
  EXPECT_EQ(r.status, 200) << r.raw;
  r = Call("PUT", TenantPath(tenant_, "/config/avni_user"), json{{"value", "ana"}}, key);
  EXPECT_EQ(r.status, 201) << r.raw;
  // Its own audit entry names the key, not a person.
  auto actor =
      db_->QueryColumn("SELECT actor FROM audit_log" + Where() + " AND action = 'config.create'");
  EXPECT_EQ(actor,
            std::vector<std::string>{"api-key:" + std::to_string(made["id"].get<int>()) + " (ci)"});

  clock_.Advance(std::chrono::minutes(1));
  const std::string revoke = Path("/" + std::to_string(made["id"].get<int>()));
  Reply revoked = Call("DELETE", revoke, std::nullopt, token_);
  ASSERT_EQ(revoked.status, 200) << revoked.raw;
  EXPECT_EQ(revoked.body["id"], made["id"]);
  EXPECT_TRUE(revoked.body["revoked_at"].is_string()) << revoked.raw;
  EXPECT_TRUE(revoked.body["last_used_at"].is_string()) << revoked.raw;
  EXPECT_EQ(
      db_->QueryColumn("SELECT COUNT(*) FROM api_keys" + Where() + " AND revoked_at IS NOT NULL"),
      std::vector<std::string>{"1"});

  r = Call("GET", TenantPath(tenant_, "/config"), std::nullopt, key);
  EXPECT_EQ(r.status, 401) << r.raw;
  EXPECT_EQ(r.error_code(), "unauthenticated");

  // Revoking again changes nothing and audits nothing more.
  clock_.Advance(std::chrono::minutes(1));
  Reply again = Call("DELETE", revoke, std::nullopt, token_);
  EXPECT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["revoked_at"], revoked.body["revoked_at"]);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM audit_log" + Where() +
                             " AND action = 'api_key.revoke'"),
            std::vector<std::string>{"1"});
}

TEST_P(ApiKeysApiTest, AKeysRoleIsEnforced) {
  const std::string viewer = MakeKey("dashboard", "viewer", token_)["key"];
  EXPECT_EQ(Call("GET", TenantPath(tenant_, "/config"), std::nullopt, viewer).status, 200);
  Reply r = Call("PUT", TenantPath(tenant_, "/config"), json{{"items", json::array()}}, viewer);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(r.error_code(), "forbidden");
  // Nor may it make keys, least of all stronger ones.
  r = Call("POST", Path(), json{{"name", "escalate"}, {"role", "admin"}}, viewer);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(db_->QueryColumn("SELECT name FROM api_keys" + Where()),
            std::vector<std::string>{"dashboard"});

  // An admin key may make keys; they belong to no user.
  const std::string admin = MakeKey("provisioner", "admin", token_)["key"];
  json made = MakeKey("made-by-key", "editor", admin);
  EXPECT_EQ(made["role"], "editor");
  EXPECT_EQ(db_->QueryColumn("SELECT COALESCE(CAST(created_by AS TEXT), 'none') FROM api_keys" +
                             Where() + " AND name = 'made-by-key'"),
            std::vector<std::string>{"none"});
}

TEST_P(ApiKeysApiTest, AKeyCannotReachAnotherTenant) {
  TenantId other = MakeTenant("Other");
  const std::string key = MakeKey("ci", "admin", token_)["key"];
  for (const std::string rest : {"/config", "/members", "/api-keys", "/audit"}) {
    Reply r = Call("GET", TenantPath(other, rest), std::nullopt, key);
    EXPECT_EQ(r.status, 404) << rest << " " << r.raw;
  }
  Reply r =
      Call("POST", TenantPath(other, "/api-keys"), json{{"name", "x"}, {"role", "viewer"}}, key);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM api_keys WHERE tenant_id = " +
                             std::to_string(other.value)),
            std::vector<std::string>{"0"});
}

TEST_P(ApiKeysApiTest, ListIsNewestFirstPagedAndSortable) {
  for (const std::string name : {"bravo", "alpha", "charlie"}) {
    MakeKey(name, "viewer", token_);
    clock_.Advance(std::chrono::seconds(1));
  }
  Reply r = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  ASSERT_EQ(r.body["items"].size(), 3u);
  EXPECT_EQ(r.body["items"][0]["name"], "charlie");
  EXPECT_EQ(r.body["items"][2]["name"], "bravo");
  for (const auto& item : r.body["items"]) {
    EXPECT_EQ(item.size(), 7u) << item.dump();  // id name prefix role and three times
  }

  r = Call("GET", Path("?sort=name&size=2&page=1"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  ASSERT_EQ(r.body["items"].size(), 1u);
  EXPECT_EQ(r.body["items"][0]["name"], "charlie");
  r = Call("GET", Path("?sort=created_at&size=1"), std::nullopt, token_);
  EXPECT_EQ(r.body["items"][0]["name"], "bravo");
  r = Call("GET", Path("?sort=key_hash"), std::nullopt, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
}

TEST_P(ApiKeysApiTest, BadRequestsAreRefusedAndWriteNothing) {
  MakeKey("ci", "viewer", token_);
  Reply r = Call("POST", Path(), json{{"name", "ci"}, {"role", "viewer"}}, token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_NE(r.raw.find("'ci'"), std::string::npos);
  r = Call("POST", Path(), json{{"name", "x"}, {"role", "root"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "role");
  r = Call("POST", Path(), json{{"name", ""}, {"role", "viewer"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "name");
  r = Call("POST", Path(), json{{"name", std::string(201, 'n')}, {"role", "viewer"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "name");
  r = Call("POST", Path(), json{{"name", "y"}, {"role", "viewer"}, {"key", "avk_mine"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "key");
  EXPECT_EQ(db_->QueryColumn("SELECT name FROM api_keys" + Where()),
            std::vector<std::string>{"ci"});

  r = Call("DELETE", Path("/999999"), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  // Another tenant's key is not found here, and stays valid.
  TenantId other = MakeTenant("Other");
  User bea = MakeUser("bea@example.org");
  AddMember(other, bea.id, Role::kAdmin);
  const std::string bea_token = SignIn("bea@example.org");
  Reply theirs = Call("POST", TenantPath(other, "/api-keys"),
                      json{{"name", "x"}, {"role", "viewer"}}, bea_token);
  ASSERT_EQ(theirs.status, 201) << theirs.raw;
  r = Call("DELETE", Path("/" + std::to_string(theirs.body["id"].get<int>())), std::nullopt,
           token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(Call("GET", TenantPath(other, "/config"), std::nullopt, theirs.body["key"]).status,
            200);

  // Only admins see or make keys.
  User ed = MakeUser("ed@example.org");
  AddMember(tenant_, ed.id, Role::kEditor);
  const std::string editor = SignIn("ed@example.org");
  EXPECT_EQ(Call("GET", Path(), std::nullopt, editor).status, 403);
  EXPECT_EQ(Call("POST", Path(), json{{"name", "z"}, {"role", "viewer"}}, editor).status, 403);
}

}  // namespace

AVNI_ON_EVERY_BACKEND(ApiKeysApiTest);

}  // namespace avni::testing
