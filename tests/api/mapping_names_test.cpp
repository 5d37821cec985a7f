// /tenants/{t}/mapping-groups and /tenants/{t}/mapping-types: list, create, get, rename,
// delete; the same rules for both, so every test runs over both. Both backends.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

// One of the two resources, as its tests need it.
struct Kind {
  std::string segment;  // "mapping-groups"
  std::string table;    // "mapping_groups"
  std::string entity;   // "mapping_group"
  std::string param;    // "group", the path parameter
  std::string noun;     // "mapping group"
};
const std::vector<Kind> kKinds{
    {"mapping-groups", "mapping_groups", "mapping_group", "group", "mapping group"},
    {"mapping-types", "mapping_types", "mapping_type", "type", "mapping type"}};

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class MappingNamesApiTest : public TenantAdminApiTest {
 protected:
  std::string Path(const Kind& k, const std::string& rest = "") const {
    return TenantPath(tenant_, "/" + k.segment + rest);
  }
  std::string Path(const Kind& k, RowId id) const { return Path(k, "/" + std::to_string(id)); }
  // "id:name" of the tenant's rows, as stored.
  std::vector<std::string> Stored(const Kind& k) {
    return db_->QueryColumn("SELECT CAST(id AS TEXT) || ':' || name FROM " + k.table + Where() +
                            " ORDER BY id");
  }
  RowId Create(const Kind& k, const std::string& name) {
    Reply r = Call("POST", Path(k), json{{"name", name}}, token_);
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.value("id", RowId{0});
  }
  // A mapping of the group (or type) `id`, made through the store with a fresh other half.
  RowId MakeMapping(const Kind& k, RowId id, const std::string& value, bool voided = false) {
    auto made = store_->Transact([&](store::Tx& tx) -> Result<RowId> {
      auto repo = tx.tenant(tenant_).mappings();
      const std::string other = "other " + value;
      auto g = k.param == "group" ? repo.GetGroup(id) : repo.CreateGroup(other);
      auto t = k.param == "type" ? repo.GetType(id) : repo.CreateType(other);
      if (!g || !t) return Fail(Error::Internal("no group or type"));
      Mapping m;
      m.group_id = g->id;
      m.type_id = t->id;
      m.avni_value = value;
      m.int_system_value = value + "-int";
      auto stored = repo.Create(m);
      if (!stored) return Fail(stored.error());
      if (voided) {
        if (auto v = repo.SetVoided(stored->id, true); !v) return Fail(v.error());
      }
      return stored->id;
    });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made.value_or(0);
  }
  // "before | after" of the tenant's audit entries, oldest first.
  std::vector<std::string> AuditStates() {
    return db_->QueryColumn("SELECT before_json || ' | ' || after_json FROM audit_log" + Where() +
                            " ORDER BY id");
  }
};

TEST_P(MappingNamesApiTest, CreatesListsGetsRenamesAndDeletes) {
  std::vector<std::string> expected;
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.segment);
    Reply r = Call("POST", Path(k), json{{"name", "Observation"}}, token_);
    ASSERT_EQ(r.status, 201) << r.raw;
    const RowId obs = r.body["id"];
    const std::string uuid = r.body["uuid"];
    EXPECT_EQ(r.body, (json{{"id", obs}, {"uuid", uuid}, {"name", "Observation"}}));
    EXPECT_EQ(uuid.size(), 36u) << uuid;
    r = Call("POST", Path(k), json{{"name", "Encounter"}, {"uuid", "given-uuid-1"}}, token_);
    ASSERT_EQ(r.status, 201) << r.raw;
    const RowId enc = r.body["id"];
    EXPECT_EQ(r.body["uuid"], "given-uuid-1");
    EXPECT_EQ(
        db_->QueryColumn("SELECT uuid FROM " + k.table + " WHERE id = " + std::to_string(enc)),
        std::vector<std::string>{"given-uuid-1"});
    const RowId prog = Create(k, "Program");

    r = Call("GET", Path(k), std::nullopt, token_);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total"], 3);
    ASSERT_EQ(r.body["items"].size(), 3u);
    EXPECT_EQ(r.body["items"][0]["name"], "Encounter");  // by name by default
    EXPECT_EQ(r.body["items"][2]["name"], "Program");
    r = Call("GET", Path(k, "?sort=-id&size=2&page=0"), std::nullopt, token_);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total"], 3);
    ASSERT_EQ(r.body["items"].size(), 2u);
    EXPECT_EQ(r.body["items"][0]["id"], prog);
    EXPECT_EQ(r.body["items"][1]["id"], enc);
    r = Call("GET", Path(k, "?sort=-name&size=2&page=1"), std::nullopt, token_);
    ASSERT_EQ(r.body["items"].size(), 1u);
    EXPECT_EQ(r.body["items"][0]["name"], "Encounter");

    r = Call("GET", Path(k, obs), std::nullopt, token_);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body, (json{{"id", obs}, {"uuid", uuid}, {"name", "Observation"}}));

    r = Call("PATCH", Path(k, obs), json{{"name", "Observations"}}, token_);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body, (json{{"id", obs}, {"uuid", uuid}, {"name", "Observations"}}));
    // The same name again changes nothing and is not audited.
    EXPECT_EQ(Call("PATCH", Path(k, obs), json{{"name", "Observations"}}, token_).status, 200);

    r = Call("DELETE", Path(k, prog), std::nullopt, token_);
    EXPECT_EQ(r.status, 204) << r.raw;
    EXPECT_EQ(Call("GET", Path(k, prog), std::nullopt, token_).status, 404);
    EXPECT_EQ(Stored(k), (std::vector<std::string>{std::to_string(obs) + ":Observations",
                                                   std::to_string(enc) + ":Encounter"}));
    for (const auto& [action, id] : std::vector<std::pair<std::string, RowId>>{{"create", obs},
                                                                               {"create", enc},
                                                                               {"create", prog},
                                                                               {"update", obs},
                                                                               {"delete", prog}}) {
      expected.push_back(k.entity + "." + action + ":" + std::to_string(id));
    }
  }
  EXPECT_EQ(AuditActions(), expected);
  const auto states = AuditStates();
  ASSERT_EQ(states.size(), 10u);
  // The rename's before and after, and the deletion's before, as the API shows them.
  const json before = json::parse(states[3].substr(0, states[3].find(" | ")));
  const json after = json::parse(states[3].substr(states[3].find(" | ") + 3));
  EXPECT_EQ(before["name"], "Observation");
  EXPECT_EQ(after["name"], "Observations");
  EXPECT_EQ(before["id"], after["id"]);
  EXPECT_TRUE(states[0].starts_with(" | {")) << states[0];  // a creation has no before
  EXPECT_TRUE(states[4].ends_with(" | ")) << states[4];     // a deletion has no after
  EXPECT_TRUE(Has(states[4], "\"name\":\"Program\"")) << states[4];
}

TEST_P(MappingNamesApiTest, BadInputNamesTheFieldAndWritesNothing) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.segment);
    const RowId id = Create(k, "Observation");
    struct Case {
      std::string body;
      std::string field;
    };
    const std::vector<Case> creates{
        {R"({})", "name"},
        {R"({"name": ""})", "name"},
        {R"({"name": 5})", "name"},
        {json{{"name", std::string(201, 'n')}}.dump(), "name"},
        {R"({"name": "Fine", "uuid": ""})", "uuid"},
        {json{{"name", "Fine"}, {"uuid", std::string(101, 'u')}}.dump(), "uuid"},
        {R"({"name": "Fine", "colour": "red"})", "colour"},
        {R"({"name": "Fine")", "body"},
        {R"(["Fine"])", "body"},
    };
    for (const auto& c : creates) {
      Reply r = CallRaw("POST", Path(k), c.body, token_);
      EXPECT_EQ(r.status, 400) << c.body << " -> " << r.raw;
      EXPECT_EQ(r.body["error"]["details"]["field"], c.field) << c.body;
      // A rename takes no uuid: there it is an unknown field, named all the same.
      r = CallRaw("PATCH", Path(k, id), c.body, token_);
      EXPECT_EQ(r.status, 400) << c.body << " -> " << r.raw;
      EXPECT_EQ(r.body["error"]["details"]["field"], c.field) << c.body;
    }
    for (const std::string method : {"GET", "PATCH", "DELETE"}) {
      Reply r = Call(method, Path(k, "/abc"), json{{"name", "x"}}, token_);
      EXPECT_EQ(r.status, 400) << method << " " << r.raw;
      EXPECT_EQ(r.body["error"]["details"]["field"], k.param);
      r = Call(method, Path(k, "/0"), json{{"name", "x"}}, token_);
      EXPECT_EQ(r.status, 400) << method << " " << r.raw;
    }
    Reply r = Call("GET", Path(k, "?sort=uuid"), std::nullopt, token_);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.body["error"]["details"]["field"], "sort");
    EXPECT_EQ(Stored(k), std::vector<std::string>{std::to_string(id) + ":Observation"});
  }
  EXPECT_EQ(AuditActions().size(), 2u);  // the two creations of the set-up
}

TEST_P(MappingNamesApiTest, ANameOrUuidThatIsTakenIsAConflictNamingIt) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.segment);
    const RowId obs = Create(k, "Observation");
    Reply made = Call("POST", Path(k), json{{"name", "Program"}, {"uuid", "u-1"}}, token_);
    ASSERT_EQ(made.status, 201) << made.raw;
    const RowId prog = made.body["id"];

    Reply r = Call("POST", Path(k), json{{"name", "Observation"}}, token_);
    EXPECT_EQ(r.status, 409) << r.raw;
    EXPECT_EQ(r.error_code(), "conflict");
    EXPECT_TRUE(Has(r.raw, "'Observation'")) << r.raw;
    EXPECT_TRUE(Has(r.raw, k.noun)) << r.raw;
    r = Call("POST", Path(k), json{{"name", "Other"}, {"uuid", "u-1"}}, token_);
    EXPECT_EQ(r.status, 409) << r.raw;
    EXPECT_TRUE(Has(r.raw, "'u-1'") && Has(r.raw, "'Program'")) << r.raw;
    r = Call("PATCH", Path(k, prog), json{{"name", "Observation"}}, token_);
    EXPECT_EQ(r.status, 409) << r.raw;
    EXPECT_TRUE(Has(r.raw, "'Observation'")) << r.raw;
    EXPECT_EQ(Stored(k), (std::vector<std::string>{std::to_string(obs) + ":Observation",
                                                   std::to_string(prog) + ":Program"}));
  }
  EXPECT_EQ(AuditActions().size(), 4u);
}

TEST_P(MappingNamesApiTest, RenameKeepsTheMappingsAndDeleteIsRefusedWhileTheyUseIt) {
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.segment);
    const RowId id = Create(k, "Observation");
    const RowId live = MakeMapping(k, id, k.param + " weight");
    const RowId voided = MakeMapping(k, id, k.param + " height", /*voided=*/true);
    const std::string column = k.param + "_id";
    const auto users = [&] {
      return db_->QueryColumn("SELECT CAST(id AS TEXT) FROM mappings WHERE " + column + " = " +
                              std::to_string(id) + " ORDER BY id");
    };
    const std::vector<std::string> both{std::to_string(live), std::to_string(voided)};
    ASSERT_EQ(users(), both);

    Reply r = Call("PATCH", Path(k, id), json{{"name", "Obs"}}, token_);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(users(), both);
    r = Call("GET", TenantPath(tenant_, "/mappings/" + std::to_string(live)), std::nullopt, token_);
    ASSERT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body[k.param], "Obs");
    EXPECT_EQ(r.body[column], id);

    const std::size_t audited = AuditActions().size();
    r = Call("DELETE", Path(k, id), std::nullopt, token_);
    EXPECT_EQ(r.status, 409) << r.raw;
    EXPECT_EQ(r.error_code(), "conflict");
    EXPECT_TRUE(Has(r.raw, "2 mappings")) << r.raw;  // the voided one counts
    EXPECT_EQ(db_->QueryColumn("SELECT name FROM " + k.table + " WHERE id = " + std::to_string(id)),
              std::vector<std::string>{"Obs"});
    EXPECT_EQ(AuditActions().size(), audited);
    EXPECT_EQ(Call("GET", Path(k, id), std::nullopt, token_).status, 200);
  }
}

TEST_P(MappingNamesApiTest, AnotherTenantsIdsAreNotFound) {
  const TenantId other = MakeTenant("Other");
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.segment);
    auto theirs = store_->Transact([&](store::Tx& tx) -> Result<RowId> {
      auto repo = tx.tenant(other).mappings();
      if (k.param == "group") {
        auto g = repo.CreateGroup("Theirs");
        if (!g) return Fail(g.error());
        return g->id;
      }
      auto t = repo.CreateType("Theirs");
      if (!t) return Fail(t.error());
      return t->id;
    });
    ASSERT_TRUE(theirs.has_value());
    Create(k, "Mine");
    for (const std::string method : {"GET", "PATCH", "DELETE"}) {
      Reply r = Call(method, Path(k, *theirs), json{{"name", "Taken over"}}, token_);
      EXPECT_EQ(r.status, 404) << method << " " << r.raw;
      EXPECT_EQ(r.error_code(), "not_found");
    }
    Reply r = Call("GET", Path(k), std::nullopt, token_);
    ASSERT_EQ(r.body["items"].size(), 1u);
    EXPECT_EQ(r.body["items"][0]["name"], "Mine");
    EXPECT_EQ(db_->QueryColumn("SELECT name FROM " + k.table +
                               " WHERE tenant_id = " + std::to_string(other.value)),
              std::vector<std::string>{"Theirs"});
  }
}

TEST_P(MappingNamesApiTest, ViewersReadEditorsWrite) {
  const User editor = MakeUser("editor@example.org");
  const User viewer = MakeUser("viewer@example.org");
  AddMember(tenant_, editor.id, Role::kEditor);
  AddMember(tenant_, viewer.id, Role::kViewer);
  const std::string editor_token = SignIn("editor@example.org");
  const std::string viewer_token = SignIn("viewer@example.org");
  for (const Kind& k : kKinds) {
    SCOPED_TRACE(k.segment);
    Reply r = Call("POST", Path(k), json{{"name", "By editor"}}, editor_token);
    ASSERT_EQ(r.status, 201) << r.raw;
    const RowId id = r.body["id"];
    EXPECT_EQ(Call("GET", Path(k), std::nullopt, viewer_token).status, 200);
    EXPECT_EQ(Call("GET", Path(k, id), std::nullopt, viewer_token).status, 200);
    EXPECT_EQ(Call("POST", Path(k), json{{"name", "By viewer"}}, viewer_token).status, 403);
    EXPECT_EQ(Call("PATCH", Path(k, id), json{{"name", "By viewer"}}, viewer_token).status, 403);
    EXPECT_EQ(Call("DELETE", Path(k, id), std::nullopt, viewer_token).status, 403);
    EXPECT_EQ(Stored(k), std::vector<std::string>{std::to_string(id) + ":By editor"});
    EXPECT_EQ(Call("PATCH", Path(k, id), json{{"name", "Renamed"}}, editor_token).status, 200);
    EXPECT_EQ(Call("DELETE", Path(k, id), std::nullopt, editor_token).status, 204);
    EXPECT_TRUE(Stored(k).empty());
  }
  EXPECT_EQ(db_->QueryColumn("SELECT DISTINCT actor FROM audit_log" + Where()),
            std::vector<std::string>{"editor@example.org"});
  EXPECT_EQ(AuditActions().size(), 6u);
}

AVNI_ON_EVERY_BACKEND(MappingNamesApiTest);

}  // namespace
}  // namespace avni::testing
