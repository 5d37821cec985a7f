// /api/v1/users: the super-admin's list, create, show, grant/revoke, deactivate and password
// reset; with the promise that no response or audit entry carries a password or its hash.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "crypto/password.hpp"
#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class UsersApiTest : public ApiTest {
 protected:
  std::string Hash(RowId id) {
    return db_->QueryColumn("SELECT password_hash FROM users WHERE id = " + std::to_string(id))
        .at(0);
  }

  // A login that is expected to be refused (SignIn asserts success).
  int LoginStatus(const std::string& email, const std::string& password) {
    return Call("POST", "/api/v1/auth/login", json{{"email", email}, {"password", password}})
        .status;
  }

  // Everything the audit log holds, to look for what must never be there.
  std::string AuditText() {
    std::string all;
    for (const auto& s : db_->QueryColumn(
             "SELECT actor || action || entity || entity_id || before_json || after_json "
             "FROM audit_log")) {
      all += s + "\n";
    }
    return all;
  }

  static std::string Path(RowId id) { return "/api/v1/users/" + std::to_string(id); }

  static void ExpectNoSecrets(const Reply& r, const std::string& password) {
    EXPECT_EQ(r.raw.find("password_hash"), std::string::npos) << r.raw;
    EXPECT_EQ(r.raw.find("$argon2"), std::string::npos) << r.raw;
    if (!password.empty()) {
      EXPECT_EQ(r.raw.find(password), std::string::npos) << r.raw;
    }
  }
};

TEST_P(UsersApiTest, CreateStoresAHashNeverThePassword) {
  const std::string root = SuperAdminToken();
  const std::string password = "s3cret-pass-1";
  Reply r = Call("POST", "/api/v1/users",
                 json{{"email", "Ana@Example.org"}, {"password", password}}, root);
  ASSERT_EQ(r.status, 201) << r.raw;
  ExpectNoSecrets(r, password);
  const RowId id = r.body["id"];
  EXPECT_EQ(r.body["email"], "ana@example.org");
  EXPECT_EQ(r.body["super_admin"], false);
  EXPECT_EQ(r.body["active"], true);
  ASSERT_EQ(r.headers.count("Location"), 1u);
  EXPECT_EQ(r.headers.find("Location")->second, Path(id));

  const std::string hash = Hash(id);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(VerifyPassword(hash, password));
  EXPECT_EQ(Count("users WHERE email = 'ana@example.org' AND is_super_admin = FALSE AND "
                  "active = TRUE"),
            "1");
  EXPECT_FALSE(SignIn("ana@example.org", password).empty());

  const std::string audit = "audit_log WHERE tenant_id IS NULL AND entity = 'user'";
  ASSERT_EQ(Count(audit), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT action FROM " + audit).at(0), "user.create");
  EXPECT_EQ(db_->QueryColumn("SELECT actor FROM " + audit).at(0), "root@example.org");
  EXPECT_EQ(db_->QueryColumn("SELECT entity_id FROM " + audit).at(0), std::to_string(id));
  const std::string logged = AuditText();
  EXPECT_NE(logged.find("ana@example.org"), std::string::npos);
  EXPECT_EQ(logged.find(password), std::string::npos);
  EXPECT_EQ(logged.find("$argon2"), std::string::npos);
  EXPECT_EQ(logged.find("password_hash"), std::string::npos);
}

TEST_P(UsersApiTest, CreatesASuperAdminWhoMayManageUsersAtOnce) {
  const std::string root = SuperAdminToken();
  Reply r =
      Call("POST", "/api/v1/users",
           json{{"email", "boss@example.org"}, {"password", "password-456"}, {"super_admin", true}},
           root);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["super_admin"], true);
  EXPECT_EQ(Count("users WHERE email = 'boss@example.org' AND is_super_admin = TRUE"), "1");
  const std::string boss = SignIn("boss@example.org", "password-456");
  EXPECT_EQ(Call("GET", "/api/v1/users", std::nullopt, boss).status, 200);
}

TEST_P(UsersApiTest, CreateRefusesBadInputNamingTheFieldAndWritesNothing) {
  const std::string root = SuperAdminToken();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"password":"password-123"})", "email"},
      {R"({"email":"not-an-address","password":"password-123"})", "email"},
      {R"({"email":"a b@example.org","password":"password-123"})", "email"},
      {json{{"email", std::string(315, 'a') + "@x.org"}, {"password", "password-123"}}.dump(),
       "email"},
      {R"({"email":5,"password":"password-123"})", "email"},
      {R"({"email":"ana@example.org"})", "password"},
      {R"({"email":"ana@example.org","password":"short"})", "password"},
      {json{{"email", "ana@example.org"}, {"password", std::string(1025, 'p')}}.dump(), "password"},
      {R"({"email":"ana@example.org","password":"password-123","super_admin":"yes"})",
       "super_admin"},
      {R"({"email":"ana@example.org","password":"password-123","role":"admin"})", "role"},
      {R"({"email":"ana@example.org",)", "body"},
  };
  for (const auto& [body, field] : cases) {
    Reply r = CallRaw("POST", "/api/v1/users", body, root);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.raw;
    EXPECT_EQ(r.error_code(), "invalid_argument") << body;
    EXPECT_EQ(r.body["error"]["details"]["field"], field) << body << " -> " << r.raw;
    ExpectNoSecrets(r, "password-123");
  }
  EXPECT_EQ(Count("users"), "1");  // the super-admin
  EXPECT_EQ(Count("audit_log"), "0");
}

TEST_P(UsersApiTest, CreateRefusesATakenEmailNamingIt) {
  const std::string root = SuperAdminToken();
  MakeUser("ana@example.org");
  Reply r = Call("POST", "/api/v1/users",
                 json{{"email", "ANA@example.org"}, {"password", "password-789"}}, root);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("ana@example.org"),
            std::string::npos);
  EXPECT_EQ(Count("users"), "2");
  EXPECT_EQ(Count("audit_log"), "0");
  EXPECT_FALSE(SignIn("ana@example.org", "password-123").empty());  // the old password stands
}

TEST_P(UsersApiTest, EveryUserRouteNeedsASuperAdmin) {
  const TenantId t = MakeTenant("A");
  const User admin = MakeUser("admin@example.org");
  AddMember(t, admin.id, Role::kAdmin);
  const std::string admin_token = SignIn("admin@example.org");
  const std::string key = MakeApiKey(t, Role::kAdmin);
  const User target = MakeUser("target@example.org");

  struct Case {
    std::string method, path;
    std::optional<json> body;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/users", std::nullopt},
      {"POST", "/api/v1/users", json{{"email", "new@example.org"}, {"password", "password-1"}}},
      {"GET", Path(target.id), std::nullopt},
      {"PATCH", Path(target.id), json{{"active", false}, {"super_admin", true}}},
      {"POST", Path(target.id) + "/password", json{{"password", "taken-over-1"}}},
  };
  for (const auto& c : cases) {
    Reply anonymous = Call(c.method, c.path, c.body);
    EXPECT_EQ(anonymous.status, 401) << c.method << " " << c.path;
    EXPECT_EQ(anonymous.error_code(), "unauthenticated");
    Reply by_admin = Call(c.method, c.path, c.body, admin_token);
    EXPECT_EQ(by_admin.status, 403) << c.method << " " << c.path;
    EXPECT_EQ(by_admin.error_code(), "forbidden");
    EXPECT_EQ(Call(c.method, c.path, c.body, key).status, 403) << c.method << " " << c.path;
  }
  EXPECT_EQ(Count("users"), "2");
  EXPECT_EQ(Count("users WHERE is_super_admin = TRUE"), "0");
  EXPECT_EQ(Count("users WHERE active = FALSE"), "0");
  EXPECT_EQ(Count("audit_log"), "0");
  EXPECT_TRUE(VerifyPassword(Hash(target.id), "password-123"));
}

TEST_P(UsersApiTest, ListIsPagedAndSortedWithoutHashes) {
  const std::string root = SuperAdminToken();
  for (const char* email : {"bo@example.org", "al@example.org", "cy@example.org"}) {
    clock_.Advance(std::chrono::seconds(1));
    MakeUser(email);
  }
  auto emails = [&](const std::string& query) {
    Reply r = Call("GET", "/api/v1/users" + query, std::nullopt, root);
    EXPECT_EQ(r.status, 200) << r.raw;
    ExpectNoSecrets(r, "password-123");
    std::vector<std::string> out;
    for (const auto& item : r.body["items"]) out.push_back(item["email"]);
    return out;
  };
  using Order = std::vector<std::string>;
  EXPECT_EQ(emails(""),
            (Order{"al@example.org", "bo@example.org", "cy@example.org", "root@example.org"}));
  EXPECT_EQ(emails("?sort=-id"),
            (Order{"cy@example.org", "al@example.org", "bo@example.org", "root@example.org"}));
  EXPECT_EQ(emails("?sort=created_at&size=2&page=1"), (Order{"al@example.org", "cy@example.org"}));

  Reply page = Call("GET", "/api/v1/users?size=3", std::nullopt, root);
  EXPECT_EQ(page.body["total"], 4);
  EXPECT_EQ(page.body["size"], 3);
  EXPECT_EQ(page.body["items"].size(), 3u);

  Reply bad = Call("GET", "/api/v1/users?sort=password_hash", std::nullopt, root);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"]["field"], "sort");
}

TEST_P(UsersApiTest, GetShowsAUserWithTheirTenants) {
  const std::string root = SuperAdminToken();
  const User ana = MakeUser("ana@example.org");
  const TenantId t = MakeTenant("JSS");
  MakeTenant("Other");
  AddMember(t, ana.id, Role::kEditor);

  Reply r = Call("GET", Path(ana.id), std::nullopt, root);
  ASSERT_EQ(r.status, 200) << r.raw;
  ExpectNoSecrets(r, "password-123");
  EXPECT_EQ(r.body["id"], ana.id);
  EXPECT_EQ(r.body["email"], "ana@example.org");
  EXPECT_EQ(r.body["memberships"], json::parse(R"([{"tenant_id":)" + std::to_string(t.value) +
                                               R"(,"tenant_name":"JSS","role":"editor"}])"));

  Reply missing = Call("GET", Path(9999), std::nullopt, root);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code(), "not_found");
  Reply bad = Call("GET", "/api/v1/users/ana", std::nullopt, root);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"]["field"], "user");
}

TEST_P(UsersApiTest, GrantingAndRevokingSuperAdminTakesEffectAtOnce) {
  const std::string root = SuperAdminToken();
  const User ana = MakeUser("ana@example.org");
  const std::string ana_token = SignIn("ana@example.org");
  EXPECT_EQ(Call("GET", "/api/v1/users", std::nullopt, ana_token).status, 403);

  Reply granted = Call("PATCH", Path(ana.id), json{{"super_admin", true}}, root);
  ASSERT_EQ(granted.status, 200) << granted.raw;
  ExpectNoSecrets(granted, "password-123");
  EXPECT_EQ(granted.body["super_admin"], true);
  EXPECT_EQ(granted.body["sessions_ended"], 0);
  EXPECT_EQ(Count("users WHERE email = 'ana@example.org' AND is_super_admin = TRUE"), "1");
  EXPECT_EQ(Call("GET", "/api/v1/users", std::nullopt, ana_token).status, 200);

  Reply revoked = Call("PATCH", Path(ana.id), json{{"super_admin", false}}, root);
  ASSERT_EQ(revoked.status, 200) << revoked.raw;
  EXPECT_EQ(revoked.body["super_admin"], false);
  EXPECT_EQ(Call("GET", "/api/v1/users", std::nullopt, ana_token).status, 403);

  const std::string audit = "audit_log WHERE tenant_id IS NULL AND action = 'user.update'";
  ASSERT_EQ(Count(audit), "2");
  const auto before = db_->QueryColumn("SELECT before_json FROM " + audit + " ORDER BY id");
  const auto after = db_->QueryColumn("SELECT after_json FROM " + audit + " ORDER BY id");
  EXPECT_EQ(json::parse(before[0])["super_admin"], false);
  EXPECT_EQ(json::parse(after[0])["super_admin"], true);
  EXPECT_EQ(json::parse(after[1])["super_admin"], false);
  EXPECT_EQ(AuditText().find("$argon2"), std::string::npos);
}

TEST_P(UsersApiTest, DeactivatingAUserEndsTheirSessions) {
  const std::string root = SuperAdminToken();
  const User ana = MakeUser("ana@example.org");
  const std::string laptop = SignIn("ana@example.org");
  const std::string phone = SignIn("ana@example.org");
  ASSERT_EQ(Call("GET", "/api/v1/me", std::nullopt, laptop).status, 200);
  const std::string sessions = "sessions WHERE user_id = " + std::to_string(ana.id);
  ASSERT_EQ(Count(sessions), "2");

  Reply off = Call("PATCH", Path(ana.id), json{{"active", false}}, root);
  ASSERT_EQ(off.status, 200) << off.raw;
  EXPECT_EQ(off.body["active"], false);
  EXPECT_EQ(off.body["sessions_ended"], 2);
  EXPECT_EQ(Count("users WHERE email = 'ana@example.org' AND active = FALSE"), "1");
  EXPECT_EQ(Count(sessions), "0");
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, laptop).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/tenants", std::nullopt, phone).status, 401);
  EXPECT_EQ(LoginStatus("ana@example.org", "password-123"), 401);
  // The super-admin's own session is untouched.
  EXPECT_EQ(Call("GET", "/api/v1/users", std::nullopt, root).status, 200);

  Reply on = Call("PATCH", Path(ana.id), json{{"active", true}}, root);
  ASSERT_EQ(on.status, 200) << on.raw;
  EXPECT_EQ(on.body["active"], true);
  EXPECT_FALSE(SignIn("ana@example.org").empty());
  EXPECT_EQ(Count("audit_log WHERE tenant_id IS NULL AND action = 'user.update'"), "2");
}

TEST_P(UsersApiTest, ASuperAdminCannotDemoteOrDeactivateThemselves) {
  const std::string root = SuperAdminToken();
  const std::string root_id =
      db_->QueryColumn("SELECT id FROM users WHERE email = 'root@example.org'").at(0);
  const std::string self = "/api/v1/users/" + root_id;

  Reply demote = Call("PATCH", self, json{{"super_admin", false}}, root);
  EXPECT_EQ(demote.status, 409) << demote.raw;
  EXPECT_EQ(demote.error_code(), "conflict");
  EXPECT_NE(demote.body["error"]["message"].get<std::string>().find("own super-admin"),
            std::string::npos);
  Reply deactivate = Call("PATCH", self, json{{"active", false}}, root);
  EXPECT_EQ(deactivate.status, 409) << deactivate.raw;
  EXPECT_NE(deactivate.body["error"]["message"].get<std::string>().find("deactivate yourself"),
            std::string::npos);
  EXPECT_EQ(Count("users WHERE is_super_admin = TRUE AND active = TRUE"), "1");
  EXPECT_EQ(Count("sessions"), "1");
  EXPECT_EQ(Count("audit_log"), "0");
  EXPECT_EQ(Call("GET", "/api/v1/users", std::nullopt, root).status, 200);

  // Another super-admin may do it.
  MakeUser("second@example.org", "password-123", true);
  const std::string second = SignIn("second@example.org");
  Reply by_other = Call("PATCH", self, json{{"super_admin", false}}, second);
  EXPECT_EQ(by_other.status, 200) << by_other.raw;
  EXPECT_EQ(Count("users WHERE email = 'root@example.org' AND is_super_admin = FALSE"), "1");
}

TEST_P(UsersApiTest, UpdateRefusesBadInputNamingTheField) {
  const std::string root = SuperAdminToken();
  const User ana = MakeUser("ana@example.org");
  const std::string ana_token = SignIn("ana@example.org");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "body"},
      {"{\"active\":", "body"},
      {R"({"active":"no"})", "active"},
      {R"({"super_admin":1})", "super_admin"},
      {R"({"active":false,"email":"eve@example.org"})", "email"},
      {R"({"active":false,"password":"password-999"})", "password"},
  };
  for (const auto& [body, field] : cases) {
    Reply r = CallRaw("PATCH", Path(ana.id), body, root);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], field) << body << " -> " << r.raw;
  }
  EXPECT_EQ(Call("PATCH", Path(9999), json{{"active", false}}, root).status, 404);
  Reply zero = Call("PATCH", "/api/v1/users/0", json{{"active", false}}, root);
  EXPECT_EQ(zero.status, 400);
  EXPECT_EQ(zero.body["error"]["details"]["field"], "user");

  EXPECT_EQ(Count("users WHERE active = FALSE"), "0");
  EXPECT_EQ(Count("users WHERE email = 'eve@example.org'"), "0");
  EXPECT_EQ(Count("audit_log"), "0");
  EXPECT_TRUE(VerifyPassword(Hash(ana.id), "password-123"));
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, ana_token).status, 200);
}

TEST_P(UsersApiTest, AdminPasswordResetEndsSessionsAndTheNewPasswordSignsIn) {
  const std::string root = SuperAdminToken();
  const User ana = MakeUser("ana@example.org", "old-password-1");
  const std::string laptop = SignIn("ana@example.org", "old-password-1");
  const std::string phone = SignIn("ana@example.org", "old-password-1");

  Reply r = Call("POST", Path(ana.id) + "/password", json{{"password", "new-password-2"}}, root);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["sessions_ended"], 2);
  ExpectNoSecrets(r, "new-password-2");

  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, laptop).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, phone).status, 401);
  EXPECT_EQ(Count("sessions WHERE user_id = " + std::to_string(ana.id)), "0");
  EXPECT_TRUE(VerifyPassword(Hash(ana.id), "new-password-2"));
  EXPECT_EQ(LoginStatus("ana@example.org", "old-password-1"), 401);
  const std::string fresh = SignIn("ana@example.org", "new-password-2");
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, fresh).status, 200);

  const std::string audit = "audit_log WHERE tenant_id IS NULL AND action = 'user.password_reset'";
  ASSERT_EQ(Count(audit), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT entity_id FROM " + audit).at(0), std::to_string(ana.id));
  const std::string logged = AuditText();
  EXPECT_EQ(logged.find("new-password-2"), std::string::npos);
  EXPECT_EQ(logged.find("old-password-1"), std::string::npos);
  EXPECT_EQ(logged.find("$argon2"), std::string::npos);
}

TEST_P(UsersApiTest, PasswordResetRefusesBadInputAndKeepsTheOldPassword) {
  const std::string root = SuperAdminToken();
  const User ana = MakeUser("ana@example.org");
  const std::string ana_token = SignIn("ana@example.org");
  const std::string hash = Hash(ana.id);
  const std::string path = Path(ana.id) + "/password";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "password"},
      {R"({"password":"short"})", "password"},
      {R"({"password":12345678})", "password"},
      {json{{"password", std::string(1025, 'p')}}.dump(), "password"},
      {R"({"password":"new-password-2","notify":true})", "notify"},
      {"[]", "body"},
  };
  for (const auto& [body, field] : cases) {
    Reply r = CallRaw("POST", path, body, root);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], field) << body << " -> " << r.raw;
  }
  Reply missing =
      Call("POST", Path(9999) + "/password", json{{"password", "new-password-2"}}, root);
  EXPECT_EQ(missing.status, 404) << missing.raw;

  EXPECT_EQ(Hash(ana.id), hash);
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, ana_token).status, 200);
  EXPECT_EQ(Count("audit_log"), "0");
}

AVNI_ON_EVERY_BACKEND(UsersApiTest);

}  // namespace
}  // namespace avni::testing
