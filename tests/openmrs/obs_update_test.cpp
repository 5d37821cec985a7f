// The encounter update helper: only changed observations are voided and sent anew.

#include <map>

#include "client_fixture.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

Obs Leaf(std::string uuid, std::string concept_uuid, json value, bool coded = false) {
  Obs o;
  o.uuid = std::move(uuid);
  o.concept_uuid = std::move(concept_uuid);
  o.value = std::move(value);
  o.coded = coded;
  return o;
}

std::vector<Obs> ExistingForm() {
  Obs group;
  group.uuid = "g";
  group.concept_uuid = "FORM";
  group.group_members = {Leaf("t", "TEXT", "one"),
                         Leaf("w", "WEIGHT", 61.5),
                         Leaf("b", "BLOOD", "O+", true),
                         Leaf("d", "DATE", "2025-04-30T00:00:00.000+0000"),
                         Leaf("s1", "SYMPTOMS", "FEVER", true),
                         Leaf("s2", "SYMPTOMS", "COUGH", true)};
  return {group};
}

std::vector<NewObs> Wanted(json weight, std::string blood, std::vector<std::string> symptoms,
                           bool with_text = true) {
  std::vector<NewObs> members;
  if (with_text) members.push_back({"TEXT", "one", {}});
  members.push_back({"WEIGHT", std::move(weight), {}});
  members.push_back({"BLOOD", std::move(blood), {}});
  members.push_back({"DATE", "2025-04-30", {}});
  for (auto& s : symptoms) members.push_back({"SYMPTOMS", s, {}});
  return {NewObs{"FORM", nullptr, std::move(members)}};
}

TEST(ObsChangesTest, NothingIsSentWhenEveryValueIsAsWanted) {
  // 61.5 as text, a date against its midnight, multi-select answers in another order.
  EXPECT_EQ(ObsChanges(ExistingForm(), Wanted("61.5", "O+", {"COUGH", "FEVER"})), json::array());
}

TEST(ObsChangesTest, AChangedValueIsVoidedAndSentAnewInsideItsGroup) {
  const json changes = ObsChanges(ExistingForm(), Wanted(63, "A+", {"FEVER"}, false));
  ASSERT_EQ(changes.size(), 1u) << changes.dump();
  EXPECT_EQ(changes[0].at("uuid"), "g");
  EXPECT_FALSE(changes[0].contains("voided"));
  std::set<std::string> voided;
  std::map<std::string, json> added;
  for (const json& m : changes[0].at("groupMembers")) {
    if (m.contains("uuid")) {
      EXPECT_EQ(m.at("voided"), true);
      voided.insert(m.at("uuid"));
    } else {
      added[m.at("concept")] = m.at("value");
    }
  }
  // Weight changed, Blood group's answer changed, the text and one symptom are no longer wanted.
  EXPECT_EQ(voided, (std::set<std::string>{"w", "b", "t", "s2"}));
  EXPECT_EQ(added, (std::map<std::string, json>{{"WEIGHT", 63}, {"BLOOD", "A+"}}));
}

TEST(ObsChangesTest, AMissingGroupIsSentWholeAndAnUnwantedOneVoided) {
  std::vector<NewObs> wanted = {NewObs{"OTHER FORM", nullptr, {{"TEXT", "x", {}}}}};
  const json changes = ObsChanges(ExistingForm(), wanted);
  ASSERT_EQ(changes.size(), 2u) << changes.dump();
  EXPECT_EQ(changes[0].at("concept"), "OTHER FORM");
  EXPECT_EQ(changes[0].at("groupMembers")[0].at("value"), "x");
  EXPECT_EQ(changes[1], (json{{"uuid", "g"}, {"voided", true}}));
}

TEST_F(OpenmrsClientTest, UpdateVoidsExactlyTheChangedObsOnTheServer) {
  Client& client = MakeClient();
  auto patient = client.CreatePatient(APatient("GAN300001"));
  ASSERT_TRUE(patient);
  auto uuid = client.CreateEncounter(AnEncounter(patient->uuid, "avni-1"));
  ASSERT_TRUE(uuid) << uuid.error().message;
  const Encounter before = **client.GetEncounter(*uuid);
  std::map<std::string, std::string> before_uuids;  // concept -> obs uuid
  for (const Obs& o : before.obs[0].group_members) before_uuids[o.concept_uuid] = o.uuid;

  std::vector<NewObs> members = Members("avni-1");
  members[1].value = 63;  // Weight
  std::vector<NewObs> wanted = {
      NewObs{ConceptUuid("Avni General Visit Form"), nullptr, std::move(members)}};
  auto sent = client.UpdateEncounterObs(before, wanted);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_TRUE(*sent);
  EXPECT_EQ(Requests("POST /openmrs/ws/rest/v1/encounter/{uuid}"), 1);

  const Encounter after = **client.GetEncounter(*uuid);
  ASSERT_EQ(after.obs.size(), 1u);
  EXPECT_EQ(after.obs[0].uuid, before.obs[0].uuid);
  ASSERT_EQ(after.obs[0].group_members.size(), 4u);
  for (const Obs& o : after.obs[0].group_members) {
    if (o.concept_uuid == ConceptUuid("Weight")) {
      EXPECT_NE(o.uuid, before_uuids[o.concept_uuid]);
      EXPECT_EQ(o.value.get<double>(), 63);
    } else {
      EXPECT_EQ(o.uuid, before_uuids[o.concept_uuid]) << "unchanged obs kept";
    }
  }
  // Once as wanted, nothing more is sent.
  auto again = client.UpdateEncounterObs(after, wanted);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(Requests("POST /openmrs/ws/rest/v1/encounter/{uuid}"), 1);
}

}  // namespace
}  // namespace avni::openmrs
