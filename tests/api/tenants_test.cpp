// /api/v1/tenants: the caller's list, one tenant, and the super-admin's create, rename,
// deactivate and reactivate.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class TenantsApiTest : public ApiTest {
 protected:
  std::string UserToken(const std::string& email, std::optional<std::pair<TenantId, Role>> m) {
    const User u = MakeUser(email);
    if (m) AddMember(m->first, u.id, m->second);
    return SignIn(email);
  }

  static std::vector<std::string> Names(const Reply& r) {
    std::vector<std::string> out;
    for (const auto& item : r.body["items"]) out.push_back(item["name"]);
    return out;
  }
};

TEST_P(TenantsApiTest, SuperAdminCreatesATenantStoredAndAuditedInItsOwnLog) {
  const std::string root = SuperAdminToken();
  Reply r = Call("POST", "/api/v1/tenants", json{{"name", "JSS Bahmni"}, {"type", "bahmni"}}, root);
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::int64_t id = r.body["id"];
  EXPECT_GT(id, 0);
  EXPECT_EQ(r.body["name"], "JSS Bahmni");
  EXPECT_EQ(r.body["type"], "bahmni");
  EXPECT_EQ(r.body["active"], true);
  EXPECT_EQ(r.body["role"], "admin");
  EXPECT_EQ(r.body["uuid"].get<std::string>().size(), 36u);
  ASSERT_EQ(r.headers.count("Location"), 1u);
  EXPECT_EQ(r.headers.find("Location")->second, TenantPath(TenantId{id}));

  const std::string where = " WHERE id = " + std::to_string(id);
  EXPECT_EQ(db_->QueryColumn("SELECT name FROM tenants" + where).at(0), "JSS Bahmni");
  EXPECT_EQ(db_->QueryColumn("SELECT type FROM tenants" + where).at(0), "bahmni");
  EXPECT_EQ(Count("tenants WHERE active = TRUE"), "1");

  const std::string audit = "audit_log WHERE tenant_id = " + std::to_string(id);
  EXPECT_EQ(Count(audit), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT action FROM " + audit).at(0), "tenant.create");
  EXPECT_EQ(db_->QueryColumn("SELECT actor FROM " + audit).at(0), "root@example.org");
  EXPECT_EQ(db_->QueryColumn("SELECT entity_id FROM " + audit).at(0), std::to_string(id));
  EXPECT_NE(db_->QueryColumn("SELECT after_json FROM " + audit).at(0).find("JSS Bahmni"),
            std::string::npos);
  EXPECT_EQ(Count("audit_log WHERE tenant_id IS NULL"), "0");

  // At once: no restart between creating it and using it.
  Reply got = Call("GET", TenantPath(TenantId{id}), std::nullopt, root);
  EXPECT_EQ(got.status, 200) << got.raw;
  EXPECT_EQ(got.body["name"], "JSS Bahmni");
}

TEST_P(TenantsApiTest, NamesWithSqlMetacharactersAreStoredAsGiven) {
  const std::string root = SuperAdminToken();
  const std::string name = "x'); DROP TABLE tenants; -- \"ü\"";
  Reply r = Call("POST", "/api/v1/tenants", json{{"name", name}, {"type", "bahmni"}}, root);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(db_->QueryColumn("SELECT name FROM tenants").at(0), name);
}

TEST_P(TenantsApiTest, CreateRefusesBadInputNamingTheFieldAndWritesNothing) {
  const std::string root = SuperAdminToken();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"type":"bahmni"})", "name"},
      {R"({"name":"","type":"bahmni"})", "name"},
      {json{{"name", std::string(201, 'n')}, {"type", "bahmni"}}.dump(), "name"},
      {R"({"name":5,"type":"bahmni"})", "name"},
      {R"({"name":"A"})", "type"},
      {R"({"name":"A","type":""})", "type"},
      {R"({"name":"A","type":"Bahmni Lab"})", "type"},
      {json{{"name", "A"}, {"type", std::string(101, 't')}}.dump(), "type"},
      {R"({"name":"A","type":"bahmni","colour":"red"})", "colour"},
      {R"({"name":"A","type":"bahmni")", "body"},
      {R"(["A","bahmni"])", "body"},
  };
  for (const auto& [body, field] : cases) {
    Reply r = CallRaw("POST", "/api/v1/tenants", body, root);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.raw;
    EXPECT_EQ(r.error_code(), "invalid_argument") << body;
    EXPECT_EQ(r.body["error"]["details"]["field"], field) << body << " -> " << r.raw;
  }
  EXPECT_EQ(Count("tenants"), "0");
  EXPECT_EQ(Count("audit_log"), "0");
}

TEST_P(TenantsApiTest, CreateRefusesATakenNameNamingIt) {
  const std::string root = SuperAdminToken();
  MakeTenant("JSS");
  Reply r = Call("POST", "/api/v1/tenants", json{{"name", "JSS"}, {"type", "goonj"}}, root);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("'JSS'"), std::string::npos);
  EXPECT_EQ(Count("tenants"), "1");
  EXPECT_EQ(Count("audit_log"), "0");
}

TEST_P(TenantsApiTest, OnlyASuperAdminCreatesTenants) {
  const TenantId a = MakeTenant("A");
  const std::string admin = UserToken("admin@example.org", std::pair(a, Role::kAdmin));
  const std::string key = MakeApiKey(a, Role::kAdmin);
  const json body{{"name", "B"}, {"type", "bahmni"}};

  EXPECT_EQ(Call("POST", "/api/v1/tenants", body).status, 401);
  Reply by_admin = Call("POST", "/api/v1/tenants", body, admin);
  EXPECT_EQ(by_admin.status, 403) << by_admin.raw;
  EXPECT_EQ(by_admin.error_code(), "forbidden");
  EXPECT_EQ(Call("POST", "/api/v1/tenants", body, key).status, 403);
  EXPECT_EQ(Count("tenants"), "1");
  EXPECT_EQ(Count("audit_log"), "0");
}

TEST_P(TenantsApiTest, ListShowsEachCallerOnlyTheirTenants) {
  const TenantId alpha = MakeTenant("Alpha");
  const TenantId beta = MakeTenant("Beta");
  const TenantId gamma = MakeTenant("Gamma");
  const User ana = MakeUser("ana@example.org");
  AddMember(alpha, ana.id, Role::kViewer);
  AddMember(gamma, ana.id, Role::kEditor);
  const std::string ana_token = SignIn("ana@example.org");

  Reply mine = Call("GET", "/api/v1/tenants", std::nullopt, ana_token);
  ASSERT_EQ(mine.status, 200) << mine.raw;
  EXPECT_EQ(mine.body["total"], 2);
  EXPECT_EQ(Names(mine), (std::vector<std::string>{"Alpha", "Gamma"}));
  EXPECT_EQ(mine.body["items"][0]["id"], alpha.value);
  EXPECT_EQ(mine.body["items"][0]["role"], "viewer");
  EXPECT_EQ(mine.body["items"][1]["role"], "editor");

  Reply by_key = Call("GET", "/api/v1/tenants", std::nullopt, MakeApiKey(beta, Role::kEditor));
  ASSERT_EQ(by_key.status, 200) << by_key.raw;
  EXPECT_EQ(Names(by_key), (std::vector<std::string>{"Beta"}));
  EXPECT_EQ(by_key.body["items"][0]["role"], "editor");

  Reply loner = Call("GET", "/api/v1/tenants", std::nullopt, UserToken("bo@example.org", {}));
  ASSERT_EQ(loner.status, 200) << loner.raw;
  EXPECT_EQ(loner.body["total"], 0);
  EXPECT_TRUE(loner.body["items"].empty());

  Reply all = Call("GET", "/api/v1/tenants", std::nullopt, SuperAdminToken());
  ASSERT_EQ(all.status, 200) << all.raw;
  EXPECT_EQ(Names(all), (std::vector<std::string>{"Alpha", "Beta", "Gamma"}));
  EXPECT_EQ(all.body["items"][1]["role"], "admin");

  // Membership changes show at once.
  AddMember(beta, ana.id, Role::kAdmin);
  EXPECT_EQ(Call("GET", "/api/v1/tenants", std::nullopt, ana_token).body["total"], 3);

  EXPECT_EQ(Call("GET", "/api/v1/tenants").status, 401);
}

TEST_P(TenantsApiTest, ListIsPagedAndSorted) {
  const std::string root = SuperAdminToken();
  auto make = [&](const std::string& name, const std::string& type) {
    clock_.Advance(std::chrono::seconds(1));
    auto t = store_->Transact([&](store::Tx& tx) { return tx.tenants().Create(name, type); });
    ASSERT_TRUE(t.has_value());
  };
  make("Beta", "openmrs");
  make("Alpha", "goonj");
  make("Gamma", "bahmni");
  auto list = [&](const std::string& query) {
    return Call("GET", "/api/v1/tenants" + query, std::nullopt, root);
  };
  using Order = std::vector<std::string>;
  EXPECT_EQ(Names(list("")), (Order{"Alpha", "Beta", "Gamma"}));
  EXPECT_EQ(Names(list("?sort=-name")), (Order{"Gamma", "Beta", "Alpha"}));
  EXPECT_EQ(Names(list("?sort=type")), (Order{"Gamma", "Alpha", "Beta"}));
  EXPECT_EQ(Names(list("?sort=id")), (Order{"Beta", "Alpha", "Gamma"}));
  EXPECT_EQ(Names(list("?sort=-created_at")), (Order{"Gamma", "Alpha", "Beta"}));

  Reply page = list("?size=2&page=1");
  ASSERT_EQ(page.status, 200) << page.raw;
  EXPECT_EQ(Names(page), (Order{"Gamma"}));
  EXPECT_EQ(page.body["page"], 1);
  EXPECT_EQ(page.body["size"], 2);
  EXPECT_EQ(page.body["total"], 3);

  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"?sort=uuid", "sort"}, {"?size=0", "size"}, {"?page=-1", "page"}}) {
    Reply bad = list(query);
    EXPECT_EQ(bad.status, 400) << query;
    EXPECT_EQ(bad.body["error"]["details"]["field"], field) << query;
  }
}

TEST_P(TenantsApiTest, GetShowsATenantToItsMembersOnly) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const std::string viewer = UserToken("viewer@example.org", std::pair(a, Role::kViewer));

  Reply got = Call("GET", TenantPath(a), std::nullopt, viewer);
  ASSERT_EQ(got.status, 200) << got.raw;
  EXPECT_EQ(got.body["id"], a.value);
  EXPECT_EQ(got.body["name"], "A");
  EXPECT_EQ(got.body["type"], "bahmni");
  EXPECT_EQ(got.body["role"], "viewer");
  EXPECT_EQ(Call("GET", TenantPath(b), std::nullopt, viewer).status, 404);

  const std::string key_b = MakeApiKey(b, Role::kAdmin);
  EXPECT_EQ(Call("GET", TenantPath(b), std::nullopt, key_b).status, 200);
  EXPECT_EQ(Call("GET", TenantPath(a), std::nullopt, key_b).status, 404);

  const std::string root = SuperAdminToken();
  EXPECT_EQ(Call("GET", TenantPath(b), std::nullopt, root).body["role"], "admin");
  EXPECT_EQ(Call("GET", TenantPath(TenantId{999}), std::nullopt, root).status, 404);
  Reply bad = Call("GET", "/api/v1/tenants/abc", std::nullopt, root);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"]["field"], "tenant");
  EXPECT_EQ(Call("GET", TenantPath(a)).status, 401);
}

TEST_P(TenantsApiTest, SuperAdminRenamesDeactivatesAndReactivatesWithAudit) {
  const std::string root = SuperAdminToken();
  const TenantId a = MakeTenant("Old name");
  const std::string where = " WHERE id = " + std::to_string(a.value);
  const std::string audit = "audit_log WHERE tenant_id = " + std::to_string(a.value);
  clock_.Advance(std::chrono::seconds(5));

  Reply renamed = Call("PATCH", TenantPath(a), json{{"name", "New name"}}, root);
  ASSERT_EQ(renamed.status, 200) << renamed.raw;
  EXPECT_EQ(renamed.body["name"], "New name");
  EXPECT_EQ(renamed.body["active"], true);
  EXPECT_EQ(db_->QueryColumn("SELECT name FROM tenants" + where).at(0), "New name");
  EXPECT_EQ(db_->QueryColumn("SELECT updated_at FROM tenants" + where).at(0),
            std::to_string(ToEpochMillis(clock_.Now())));
  ASSERT_EQ(Count(audit), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT action FROM " + audit).at(0), "tenant.update");
  EXPECT_EQ(db_->QueryColumn("SELECT actor FROM " + audit).at(0), "root@example.org");
  EXPECT_NE(db_->QueryColumn("SELECT before_json FROM " + audit).at(0).find("Old name"),
            std::string::npos);
  EXPECT_NE(db_->QueryColumn("SELECT after_json FROM " + audit).at(0).find("New name"),
            std::string::npos);

  Reply off = Call("PATCH", TenantPath(a), json{{"active", false}}, root);
  ASSERT_EQ(off.status, 200) << off.raw;
  EXPECT_EQ(off.body["active"], false);
  EXPECT_EQ(Count("tenants WHERE active = FALSE"), "1");
  EXPECT_EQ(Call("GET", TenantPath(a), std::nullopt, root).body["active"], false);

  Reply on = Call("PATCH", TenantPath(a), json{{"active", true}, {"name", "Newest"}}, root);
  ASSERT_EQ(on.status, 200) << on.raw;
  EXPECT_EQ(on.body["active"], true);
  EXPECT_EQ(on.body["name"], "Newest");
  EXPECT_EQ(Count("tenants WHERE active = TRUE AND name = 'Newest'"), "1");
  EXPECT_EQ(Count(audit), "3");

  // Asking for what already is changes nothing, so nothing is audited.
  EXPECT_EQ(Call("PATCH", TenantPath(a), json{{"active", true}}, root).status, 200);
  EXPECT_EQ(Count(audit), "3");
}

TEST_P(TenantsApiTest, RenameToATakenNameIsAConflictAndChangesNothing) {
  const std::string root = SuperAdminToken();
  const TenantId a = MakeTenant("A");
  MakeTenant("B");
  Reply r = Call("PATCH", TenantPath(a), json{{"name", "B"}, {"active", false}}, root);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("'B'"), std::string::npos);
  EXPECT_EQ(Count("tenants WHERE name = 'A' AND active = TRUE"), "1");
  EXPECT_EQ(Count("audit_log"), "0");
}

TEST_P(TenantsApiTest, UpdateRefusesBadInputNamingTheField) {
  const std::string root = SuperAdminToken();
  const TenantId a = MakeTenant("A");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{}", "body"},
      {"not json", "body"},
      {R"({"name":""})", "name"},
      {json{{"name", std::string(201, 'n')}}.dump(), "name"},
      {R"({"name":["B"]})", "name"},
      {R"({"active":"no"})", "active"},
      {R"({"name":"B","type":"goonj"})", "type"},
  };
  for (const auto& [body, field] : cases) {
    Reply r = CallRaw("PATCH", TenantPath(a), body, root);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], field) << body << " -> " << r.raw;
  }
  EXPECT_EQ(Call("PATCH", TenantPath(TenantId{999}), json{{"name", "B"}}, root).status, 404);
  EXPECT_EQ(Count("tenants WHERE name = 'A' AND active = TRUE"), "1");
  EXPECT_EQ(Count("tenants"), "1");
  EXPECT_EQ(Count("audit_log"), "0");
}

TEST_P(TenantsApiTest, OnlyASuperAdminUpdatesATenant) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const std::string admin = UserToken("admin@example.org", std::pair(a, Role::kAdmin));
  const std::string viewer = UserToken("viewer@example.org", std::pair(a, Role::kViewer));
  const std::string key = MakeApiKey(a, Role::kAdmin);
  const json body{{"name", "Renamed"}, {"active", false}};

  Reply by_admin = Call("PATCH", TenantPath(a), body, admin);
  EXPECT_EQ(by_admin.status, 403) << by_admin.raw;
  EXPECT_EQ(by_admin.error_code(), "forbidden");
  EXPECT_NE(by_admin.body["error"]["message"].get<std::string>().find("super-admin"),
            std::string::npos);
  EXPECT_EQ(Call("PATCH", TenantPath(a), body, key).status, 403);
  EXPECT_EQ(Call("PATCH", TenantPath(a), body, viewer).status, 403);
  EXPECT_EQ(Call("PATCH", TenantPath(b), body, admin).status, 404);
  EXPECT_EQ(Call("PATCH", TenantPath(a), body).status, 401);

  EXPECT_EQ(Count("tenants WHERE active = TRUE"), "2");
  EXPECT_EQ(Count("tenants WHERE name = 'Renamed'"), "0");
  EXPECT_EQ(Count("audit_log"), "0");
}

AVNI_ON_EVERY_BACKEND(TenantsApiTest);

}  // namespace
}  // namespace avni::testing
