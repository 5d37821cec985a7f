// Tenant isolation, proven over the route table: every tenant route, with every verb, refuses
// a caller of another tenant, and refuses writes to roles below the route's. A new route is
// covered the moment it is registered.
#include <gtest/gtest.h>

#include <set>

#include "api/route.hpp"
#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kVerbs{"GET", "POST", "PUT", "PATCH", "DELETE"};

// A body that would do damage if a handler ever ran for the wrong caller: it empties lists,
// renames, deactivates and promotes. Admission must refuse before any of it is read.
const json kHostileBody{{"items", json::array()},
                        {"name", "taken over"},
                        {"role", "admin"},
                        {"value", "attacker"},
                        {"email", "a-admin@example.org"},
                        {"active", false},
                        {"password", "password-999"},
                        {"super_admin", true}};

class IsolationTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("Tenant A");
    b_ = MakeTenant("Tenant B");
    const User a_admin = MakeUser("a-admin@example.org");
    const User a_editor = MakeUser("a-editor@example.org");
    const User a_viewer = MakeUser("a-viewer@example.org");
    b_admin_ = MakeUser("b-admin@example.org");
    AddMember(a_, a_admin.id, Role::kAdmin);
    AddMember(a_, a_editor.id, Role::kEditor);
    AddMember(a_, a_viewer.id, Role::kViewer);
    AddMember(b_, b_admin_.id, Role::kAdmin);
    a_admin_token_ = SignIn("a-admin@example.org");
    a_editor_token_ = SignIn("a-editor@example.org");
    a_viewer_token_ = SignIn("a-viewer@example.org");
    // Tenant B's resources, which the path parameters point at.
    auto made = store_->Transact([&](store::Tx& tx) -> Result<RowId> {
      auto b = tx.tenant(b_);
      if (auto c = b.config().Set("avni_api_url", "https://b.example.org", false); !c) {
        return Fail(c.error());
      }
      if (auto c = b.config().Set("avni_password", "b-secret-password", true); !c) {
        return Fail(c.error());
      }
      auto [key, prefix] = auth::Authenticator::NewApiKey();
      auto k = b.api_keys().Create("b-key", prefix, auth::Authenticator::HashToken(key),
                                   Role::kAdmin, std::nullopt);
      if (!k) return Fail(k.error());
      if (auto e = b.audit().Append("b-admin@example.org", "config.update", "config",
                                    "avni_api_url", "", "{}");
          !e) {
        return Fail(e.error());
      }
      // And a key of tenant A: a machine of A must not reach B either.
      auto [a_key, a_prefix] = auth::Authenticator::NewApiKey();
      a_key_token_ = a_key;
      auto ak = tx.tenant(a_).api_keys().Create(
          "a-key", a_prefix, auth::Authenticator::HashToken(a_key), Role::kAdmin, std::nullopt);
      if (!ak) return Fail(ak.error());
      return k->id;
    });
    ASSERT_TRUE(made.has_value()) << made.error().message;
    b_key_id_ = *made;
  }

  // The route's path with {tenant} -> `tenant` and each other parameter -> an existing
  // resource of that tenant, chosen by the segment before it.
  std::string PathFor(const std::string& pattern, TenantId tenant) {
    std::string out;
    std::string previous;
    std::size_t i = 0;
    while (i < pattern.size()) {
      if (pattern[i] == '{') {
        const auto end = pattern.find('}', i);
        const std::string name = pattern.substr(i + 1, end - i - 1);
        out += ValueFor(name, previous, tenant);
        i = end + 1;
        continue;
      }
      if (pattern[i] == '/') {
        const auto next = pattern.find('/', i + 1);
        const auto seg = pattern.substr(i + 1, next == std::string::npos ? next : next - i - 1);
        if (!seg.starts_with('{')) previous = seg;
      }
      out += pattern[i++];
    }
    return out;
  }

  std::string ValueFor(const std::string& name, const std::string& segment, TenantId tenant) {
    if (name == "tenant") return std::to_string(tenant.value);
    if (segment == "config") return "avni_api_url";
    if (segment == "api-keys") return std::to_string(b_key_id_);
    if (segment == "members" || segment == "users") return std::to_string(b_admin_.id);
    return "1";
  }

  // What tenant B holds, to compare before and after.
  std::vector<std::string> SnapshotOfB() {
    const std::string t = std::to_string(b_.value);
    std::vector<std::string> rows;
    for (const char* q : {"SELECT key || '=' || value FROM tenant_config WHERE tenant_id = ",
                          "SELECT user_id || ':' || role FROM memberships WHERE tenant_id = ",
                          "SELECT name || ':' || role FROM api_keys WHERE revoked_at IS NULL AND "
                          "tenant_id = ",
                          "SELECT COUNT(*) FROM audit_log WHERE tenant_id = ",
                          "SELECT name || ':' || active FROM tenants WHERE id = "}) {
      for (auto& r : db_->QueryColumn(std::string(q) + t + " ORDER BY 1")) rows.push_back(r);
    }
    return rows;
  }

  std::vector<api::Route> TenantRoutes() {
    std::vector<api::Route> out;
    for (const auto& r : server_->routes()) {
      if (api::IsTenantAccess(r.access)) out.push_back(r);
    }
    return out;
  }

  TenantId a_, b_;
  User b_admin_;
  RowId b_key_id_ = 0;
  std::string a_admin_token_, a_editor_token_, a_viewer_token_, a_key_token_;
};

TEST_P(IsolationTest, EveryTenantRouteWithEveryVerbRefusesAnotherTenantsCallers) {
  const auto routes = TenantRoutes();
  // Not vacuous: the table has the tenant resources of the API.
  std::set<std::string> paths;
  for (const auto& r : routes) paths.insert(r.path);
  ASSERT_GE(paths.size(), 8u) << "fewer tenant routes than the API has";

  const auto before = SnapshotOfB();
  int calls = 0;
  for (const auto& path_pattern : paths) {
    const std::string path = PathFor(path_pattern, b_);
    for (const auto& verb : kVerbs) {
      for (const auto* token : {&a_admin_token_, &a_key_token_}) {
        Reply r = Call(verb, path, kHostileBody, *token);
        ++calls;
        EXPECT_TRUE(r.status == 403 || r.status == 404)
            << verb << " " << path << " as "
            << (token == &a_key_token_ ? "A's API key" : "A's admin") << " -> " << r.status << " "
            << r.raw;
        EXPECT_EQ(r.raw.find("b-secret-password"), std::string::npos) << verb << " " << path;
      }
    }
  }
  EXPECT_EQ(SnapshotOfB(), before) << "tenant B changed after " << calls << " foreign calls";
}

TEST_P(IsolationTest, ATenantThatDoesNotExistLooksLikeOneThatIsNotYours) {
  // The same answer for "not yours" and "no such tenant", so that ids cannot be probed.
  for (const auto& route : TenantRoutes()) {
    if (route.method != "GET") continue;
    Reply theirs = Call("GET", PathFor(route.path, b_), std::nullopt, a_admin_token_);
    Reply none = Call("GET", PathFor(route.path, TenantId{987654}), std::nullopt, a_admin_token_);
    EXPECT_EQ(theirs.status, 404) << route.path;
    EXPECT_EQ(none.status, 404) << route.path;
    EXPECT_EQ(theirs.error_code(), none.error_code()) << route.path;
  }
}

TEST_P(IsolationTest, RolesBelowTheRoutesAreRefusedWrites) {
  // In their own tenant: a viewer may write nothing, an editor nothing that needs admin.
  const std::string counts =
      "SELECT (SELECT COUNT(*) FROM tenant_config) || ',' || (SELECT COUNT(*) FROM memberships) "
      "|| ',' || (SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL)";
  const auto before_a = db_->QueryColumn(counts);
  int refused = 0;
  for (const auto& route : TenantRoutes()) {
    const std::string path = PathFor(route.path, a_);
    const bool write = route.method != "GET";
    if (write) {
      Reply r = Call(route.method, path, kHostileBody, a_viewer_token_);
      EXPECT_EQ(r.status, 403) << "viewer " << route.method << " " << path << " -> " << r.raw;
      EXPECT_EQ(r.error_code(), "forbidden");
      ++refused;
    }
    if (route.access == api::Access::kTenantAdmin) {
      Reply r = Call(route.method, path, kHostileBody, a_editor_token_);
      EXPECT_EQ(r.status, 403) << "editor " << route.method << " " << path << " -> " << r.raw;
      ++refused;
    }
  }
  EXPECT_GE(refused, 5);
  EXPECT_EQ(db_->QueryColumn(counts), before_a);
}

TEST_P(IsolationTest, ViewersReadTheirOwnTenant) {
  for (const auto& route : TenantRoutes()) {
    if (route.method != "GET" || route.access != api::Access::kTenantViewer) continue;
    Reply r = Call("GET", PathFor(route.path, a_), std::nullopt, a_viewer_token_);
    EXPECT_NE(r.status, 403) << route.path << " " << r.raw;
    EXPECT_NE(r.status, 401) << route.path;
  }
}

TEST_P(IsolationTest, SuperAdminRoutesRefuseEveryoneElse) {
  int checked = 0;
  for (const auto& route : server_->routes()) {
    if (route.access != api::Access::kSuperAdmin) continue;
    const std::string path = PathFor(route.path, a_);
    for (const auto* token : {&a_admin_token_, &a_key_token_}) {
      Reply r = Call(route.method, path, kHostileBody, *token);
      EXPECT_EQ(r.status, 403) << route.method << " " << path << " -> " << r.raw;
      ++checked;
    }
  }
  EXPECT_GE(checked, 2);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM users WHERE is_super_admin").at(0), "0");
}

AVNI_ON_EVERY_BACKEND(IsolationTest);

}  // namespace
}  // namespace avni::testing
