// /tenants/{t}/mappings: create, get, change, void, restore, and the list's filters, sorting and
// paging. Both backends.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mapping_api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

TEST_P(MappingsApiTest, CreatesByIdsOrByNamesAndReadsBack) {
  json body = Body("Blood Pressure", "5085AAAA", "Numeric");
  body["about"] = "systolic, mmHg";
  Reply r = Call("POST", Path(), body, token_);
  ASSERT_EQ(r.status, 201) << r.raw;
  const RowId bp = r.body["id"];
  EXPECT_EQ(r.body["group_id"], obs_);
  EXPECT_EQ(r.body["group"], "Observation");
  EXPECT_EQ(r.body["type_id"], concept_);
  EXPECT_EQ(r.body["type"], "Concept");
  EXPECT_EQ(r.body["avni_value"], "Blood Pressure");
  EXPECT_EQ(r.body["int_system_value"], "5085AAAA");
  EXPECT_EQ(r.body["data_type_hint"], "Numeric");
  EXPECT_EQ(r.body["about"], "systolic, mmHg");
  EXPECT_EQ(r.body["voided"], false);
  EXPECT_EQ(r.body["uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(r.body["created_at"], "2023-11-14T22:13:20.000Z");  // the fake clock
  EXPECT_EQ(r.body["updated_at"], r.body["created_at"]);
  const json created = r.body;

  r = Call("POST", Path(),
           json{{"group", "Program"},
                {"type", "Answer"},
                {"avni_value", "Yes"},
                {"int_system_value", "1065"},
                {"data_type_hint", "Coded"}},
           token_);
  ASSERT_EQ(r.status, 201) << r.raw;
  const RowId yes = r.body["id"];
  EXPECT_EQ(r.body["group_id"], prog_);
  EXPECT_EQ(r.body["type_id"], answer_);
  EXPECT_EQ(r.body["about"], "");
  // By id and by name at once, when they agree.
  json both = Body("No", "1066", "Coded", prog_, answer_);
  both["group"] = "Program";
  both["type"] = "Answer";
  const RowId no = Post(both);

  EXPECT_EQ(
      Stored(),
      (Strings{Row(bp, obs_, concept_, "Blood Pressure", "5085AAAA", "Numeric", "systolic, mmHg"),
               Row(yes, prog_, answer_, "Yes", "1065", "Coded", ""),
               Row(no, prog_, answer_, "No", "1066", "Coded", "")}));
  r = Call("GET", Path(bp), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, created);

  EXPECT_EQ(AuditActions(), (Strings{"mapping.create:" + std::to_string(bp),
                                     "mapping.create:" + std::to_string(yes),
                                     "mapping.create:" + std::to_string(no)}));
  const auto states = AuditStates();
  EXPECT_TRUE(states[0].first.is_null());
  json after = created;
  after.erase("created_at");
  after.erase("updated_at");
  EXPECT_EQ(states[0].second, after);
  EXPECT_EQ(db_->QueryColumn("SELECT DISTINCT actor || ' ' || entity FROM audit_log" + Where()),
            Strings{"admin@example.org mapping"});
}

TEST_P(MappingsApiTest, CreateRefusesBadInputNamingTheFieldAndWritesNothing) {
  const TenantId other = MakeTenant("Other");
  auto theirs = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(other).mappings().CreateGroup("Theirs"); });
  ASSERT_TRUE(theirs.has_value());
  const json good = Body("Weight", "5089");
  const auto without = [&](const std::string& field) {
    json b = good;
    b.erase(field);
    return b;
  };
  const auto with = [&](const std::string& field, const json& value) {
    json b = good;
    b[field] = value;
    return b;
  };
  // `field` left out and `other` given instead.
  const auto instead = [&](const std::string& field, const std::string& other, const json& value) {
    json b = without(field);
    b[other] = value;
    return b;
  };
  struct Case {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases{
      {without("group_id").dump(), 400, "group_id"},
      {without("type_id").dump(), 400, "type_id"},
      {without("avni_value").dump(), 400, "avni_value"},
      {without("int_system_value").dump(), 400, "int_system_value"},
      {without("data_type_hint").dump(), 400, "data_type_hint"},
      {with("avni_value", "").dump(), 400, "avni_value"},
      {with("int_system_value", "").dump(), 400, "int_system_value"},
      {with("avni_value", std::string(1001, 'v')).dump(), 400, "avni_value"},
      {with("int_system_value", std::string(1001, 'i')).dump(), 400, "int_system_value"},
      {with("about", std::string(10001, 'a')).dump(), 400, "about"},
      {with("data_type_hint", "Float").dump(), 400, "data_type_hint"},
      {with("data_type_hint", "coded").dump(), 400, "data_type_hint"},
      {with("group_id", "1").dump(), 400, "group_id"},
      {with("group_id", 1.5).dump(), 400, "group_id"},
      {with("avni_value", 5).dump(), 400, "avni_value"},
      {with("about", json::array()).dump(), 400, "about"},
      {with("uuid", "u-1").dump(), 400, "uuid"},
      {with("voided", true).dump(), 400, "voided"},
      {with("group", "Program").dump(), 400, "group"},  // disagrees with group_id
      {with("type", "Answer").dump(), 400, "type"},
      {with("group_id", 987654).dump(), 404, "group_id"},
      {with("group_id", theirs->id).dump(), 404, "group_id"},
      {with("type_id", 987654).dump(), 404, "type_id"},
      {instead("group_id", "group", "Nope").dump(), 404, "group"},
      {instead("type_id", "type", "Theirs").dump(), 404, "type"},
      {R"({"avni_value": "Weight")", 400, "body"},
      {"", 400, "body"},
      {"[]", 400, "body"},
  };
  for (const auto& c : cases) {
    Reply r = CallRaw("POST", Path(), c.body, token_);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 200) << " -> " << r.raw.substr(0, 300);
    EXPECT_EQ(r.body["error"]["details"]["field"], c.field) << c.body.substr(0, 200);
  }
  Reply r = Call("POST", Path(), instead("group_id", "group", "Nope"), token_);
  EXPECT_TRUE(Has(r.raw, "'Nope'")) << r.raw;
  EXPECT_TRUE(Stored().empty());
  EXPECT_TRUE(AuditActions().empty());
  // And the good body, to show that the cases failed for their own reason.
  EXPECT_EQ(Call("POST", Path(), good, token_).status, 201);
}

TEST_P(MappingsApiTest, AValueMappedTwiceIsAConflictNamingTheMappingInTheWay) {
  const RowId yes = Post(Body("Yes", "1065", "Coded"));
  const Strings before = Stored();
  Reply r = Call("POST", Path(), Body("Yes", "9999", "Coded"), token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_EQ(r.body["error"]["details"]["field"], "avni_value");
  EXPECT_TRUE(Has(r.raw, "mapping " + std::to_string(yes))) << r.raw;
  r = Call("POST", Path(), Body("Oui", "1065", "Coded"), token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "int_system_value");
  EXPECT_TRUE(Has(r.raw, "mapping " + std::to_string(yes)) && Has(r.raw, "'1065'")) << r.raw;
  EXPECT_EQ(Stored(), before);
  EXPECT_EQ(AuditActions().size(), 1u);

  // The same values in another group or type are another mapping.
  Post(Body("Yes", "1065", "Coded", prog_));
  Post(Body("Yes", "1065", "Coded", obs_, answer_));
  // Changing another mapping onto the value clashes too.
  const RowId no = Post(Body("No", "1066", "Coded"));
  r = Call("PATCH", Path(no), json{{"int_system_value", "1065"}}, token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_TRUE(Has(r.raw, "mapping " + std::to_string(yes))) << r.raw;
  EXPECT_EQ(Call("GET", Path(no), std::nullopt, token_).body["int_system_value"], "1066");
  EXPECT_EQ(AuditActions().size(), 4u);
}

TEST_P(MappingsApiTest, PatchChangesOnlyTheFieldsGivenAndAuditsBeforeAndAfter) {
  const RowId id = Post(Body("Weight", "5089", "Numeric"));
  const json created = Call("GET", Path(id), std::nullopt, token_).body;
  clock_.Advance(std::chrono::seconds(5));

  Reply r = Call("PATCH", Path(id), json{{"about", "kg"}, {"int_system_value", "5089X"}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["about"], "kg");
  EXPECT_EQ(r.body["int_system_value"], "5089X");
  EXPECT_EQ(r.body["avni_value"], "Weight");
  EXPECT_EQ(r.body["uuid"], created["uuid"]);
  EXPECT_EQ(r.body["created_at"], created["created_at"]);
  EXPECT_EQ(r.body["updated_at"], "2023-11-14T22:13:25.000Z");

  r = Call("PATCH", Path(id),
           json{{"group", "Program"}, {"type_id", answer_}, {"data_type_hint", "Text"}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["group"], "Program");
  EXPECT_EQ(r.body["type"], "Answer");
  EXPECT_EQ(Stored(), Strings{Row(id, prog_, answer_, "Weight", "5089X", "Text", "kg")});

  // Nothing to change: nothing written, nothing audited.
  r = Call("PATCH", Path(id), json{{"avni_value", "Weight"}}, token_);
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(Call("PATCH", Path(id), json::object(), token_).status, 200);

  EXPECT_EQ(AuditActions(),
            (Strings{"mapping.create:" + std::to_string(id), "mapping.update:" + std::to_string(id),
                     "mapping.update:" + std::to_string(id)}));
  const auto states = AuditStates();
  EXPECT_EQ(states[1].first["int_system_value"], "5089");
  EXPECT_EQ(states[1].first["about"], "");
  EXPECT_EQ(states[1].second["int_system_value"], "5089X");
  EXPECT_EQ(states[1].second["about"], "kg");
  EXPECT_EQ(states[2].first["group"], "Observation");
  EXPECT_EQ(states[2].second["group"], "Program");
  EXPECT_EQ(states[2].second["group_id"], prog_);
  EXPECT_EQ(states[2].second["data_type_hint"], "Text");
}

TEST_P(MappingsApiTest, PatchRefusesBadInputAndWritesNothing) {
  const RowId id = Post(Body("Weight", "5089", "Numeric"));
  const Strings before = Stored();
  struct Case {
    json body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases{
      {{{"avni_value", ""}}, 400, "avni_value"},
      {{{"int_system_value", std::string(1001, 'x')}}, 400, "int_system_value"},
      {{{"data_type_hint", "Float"}}, 400, "data_type_hint"},
      {{{"about", 5}}, 400, "about"},
      {{{"voided", false}}, 400, "voided"},
      {{{"group_id", 987654}}, 404, "group_id"},
      {{{"type", "Nope"}}, 404, "type"},
      {{{"group", "Program"}, {"group_id", obs_}}, 400, "group"},
  };
  for (const auto& c : cases) {
    Reply r = Call("PATCH", Path(id), c.body, token_);
    EXPECT_EQ(r.status, c.status) << c.body.dump() << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], c.field) << c.body.dump();
  }
  Reply r = CallRaw("PATCH", Path(id), "{", token_);
  EXPECT_EQ(r.body["error"]["details"]["field"], "body");
  for (const std::string method : {"GET", "PATCH", "DELETE", "POST"}) {
    const std::string rest = method == "POST" ? "/restore" : "";
    r = Call(method, Path("/abc" + rest), json{{"about", "x"}}, token_);
    EXPECT_EQ(r.status, 400) << method << " " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], "mapping");
    r = Call(method, Path(987654, rest), json{{"about", "x"}}, token_);
    EXPECT_EQ(r.status, 404) << method << " " << r.raw;
    EXPECT_TRUE(Has(r.raw, "987654")) << r.raw;
  }
  EXPECT_EQ(Stored(), before);
  EXPECT_EQ(AuditActions().size(), 1u);
}

TEST_P(MappingsApiTest, DeleteVoidsAndRestoreUndoesUnlessTheValueIsTakenMeanwhile) {
  const RowId old_yes = Post(Body("Yes", "1065", "Coded"));
  Reply r = Call("DELETE", Path(old_yes), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["voided"], true);
  EXPECT_EQ(r.body["avni_value"], "Yes");
  EXPECT_EQ(Stored(), Strings{Row(old_yes, obs_, concept_, "Yes", "1065", "Coded", "", true)});
  EXPECT_EQ(Values(""), Strings{});
  EXPECT_EQ(Values("?include_voided=true"), Strings{"Yes"});
  EXPECT_EQ(Call("GET", Path(old_yes), std::nullopt, token_).body["voided"], true);
  // Voiding again changes nothing.
  EXPECT_EQ(Call("DELETE", Path(old_yes), std::nullopt, token_).status, 200);

  // A voided mapping's values are free; restoring it then clashes with the new one.
  const RowId new_yes = Post(Body("Yes", "1065", "Coded"));
  r = Call("POST", Path(old_yes, "/restore"), std::nullopt, token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_TRUE(Has(r.raw, "mapping " + std::to_string(new_yes))) << r.raw;
  EXPECT_EQ(Stored(), (Strings{Row(old_yes, obs_, concept_, "Yes", "1065", "Coded", "", true),
                               Row(new_yes, obs_, concept_, "Yes", "1065", "Coded", "")}));

  ASSERT_EQ(Call("DELETE", Path(new_yes), std::nullopt, token_).status, 200);
  r = Call("POST", Path(old_yes, "/restore"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["voided"], false);
  // Restoring a live mapping changes nothing.
  EXPECT_EQ(Call("POST", Path(old_yes, "/restore"), std::nullopt, token_).status, 200);
  EXPECT_EQ(Stored(), (Strings{Row(old_yes, obs_, concept_, "Yes", "1065", "Coded", ""),
                               Row(new_yes, obs_, concept_, "Yes", "1065", "Coded", "", true)}));

  const std::string o = std::to_string(old_yes), n = std::to_string(new_yes);
  EXPECT_EQ(AuditActions(),
            (Strings{"mapping.create:" + o, "mapping.void:" + o, "mapping.create:" + n,
                     "mapping.void:" + n, "mapping.restore:" + o}));
  const auto states = AuditStates();
  EXPECT_EQ(states[1].first["voided"], false);
  EXPECT_EQ(states[1].second["voided"], true);
  EXPECT_EQ(states[4].first["voided"], true);
  EXPECT_EQ(states[4].second["voided"], false);
}

AVNI_ON_EVERY_BACKEND(MappingsApiTest);

}  // namespace
}  // namespace avni::testing
