// Each resource's calls as they reach the simulator, and what the client reads back.

#include "client_fixture.hpp"
#include "common/taxonomy.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

constexpr const char* kRest = "/openmrs/ws/rest/v1/";

std::string Route(const std::string& method, const std::string& rest) {
  return method + " " + kRest + rest;
}

TEST_F(OpenmrsClientTest, ListFollowsNextLinksToTheLastPage) {
  Client& client = MakeClient();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(client.CreatePatient(APatient("GAN40000" + std::to_string(i))));
  }
  const auto searches = Requests(Route("GET", "patient"));
  auto all = client.List("patient?q=asha&limit=4");
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->size(), 10u);
  EXPECT_EQ(Requests(Route("GET", "patient")) - searches, 3);  // 4 + 4 + 2
  std::set<std::string> uuids;
  for (const auto& p : *all) uuids.insert(p.at("uuid").get<std::string>());
  EXPECT_EQ(uuids.size(), 10u);
}

TEST_F(OpenmrsClientTest, PatientsAreCreatedInOneRequestFoundByIdentifierAndVoided) {
  Client& client = MakeClient();
  NewPatient wanted = APatient("GAN300001");
  wanted.attributes.push_back(
      {Uuid("personattributetype", openmrssim::kPhoneAttributeType), "9999999999"});
  auto created = client.CreatePatient(wanted);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(Requests(Route("GET", "patient")), 1);  // is it there already?
  EXPECT_EQ(Requests(Route("POST", "patient")), 1);
  EXPECT_EQ(Requests(Route("POST", "person")), 0);
  ASSERT_EQ(created->identifiers.size(), 1u);
  EXPECT_EQ(created->identifiers[0].identifier, "GAN300001");
  EXPECT_EQ(created->person.gender, "F");

  auto found = client.FindPatientsByIdentifier("GAN300001");
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().uuid, created->uuid);
  EXPECT_TRUE(client.FindPatientsByIdentifier("GAN399999")->empty());

  auto got = client.GetPatient(created->uuid);
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->identifiers[0].identifier_type,
            Uuid("patientidentifiertype", openmrssim::kIdentifierType));
  auto missing = client.GetPatient("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(missing->has_value());

  auto person = client.GetPerson(created->uuid);
  ASSERT_TRUE(person && person->has_value());
  ASSERT_EQ((*person)->attributes.size(), 1u);
  EXPECT_EQ((*person)->attributes[0].value, "9999999999");
  ASSERT_TRUE(client.UpdatePersonAttributes(
      created->uuid,
      {{Uuid("personattributetype", openmrssim::kPhoneAttributeType), "8888888888"}}));
  person = client.GetPerson(created->uuid);
  ASSERT_EQ((*person)->attributes.size(), 1u);
  EXPECT_EQ((*person)->attributes[0].value, "8888888888");

  ASSERT_TRUE(client.VoidPatient(created->uuid));
  EXPECT_EQ(Requests(Route("DELETE", "patient/{uuid}")), 1);
  EXPECT_TRUE(client.FindPatientsByIdentifier("GAN300001")->empty());
  // Voiding what is gone is done.
  EXPECT_TRUE(client.VoidPatient("00000000-0000-4000-8000-000000000000"));
}

TEST_F(OpenmrsClientTest, EncountersAreCreatedReadFoundByObsAndVoided) {
  Client& client = MakeClient();
  auto patient = client.CreatePatient(APatient("GAN300001"));
  ASSERT_TRUE(patient);
  auto uuid = client.CreateEncounter(AnEncounter(patient->uuid, "avni-1"));
  ASSERT_TRUE(uuid) << uuid.error().message;
  EXPECT_EQ(Requests(Route("POST", "encounter")), 1);

  auto read = client.GetEncounter(*uuid);
  ASSERT_TRUE(read && read->has_value()) << (read ? "" : read.error().message);
  const Encounter& e = **read;
  EXPECT_EQ(e.patient_uuid, patient->uuid);
  EXPECT_EQ(e.encounter_type, Uuid("encountertype", "Avni General Visit"));
  EXPECT_EQ(e.encounter_datetime, ParseIso8601("2025-05-01T10:00:00.000Z"));
  ASSERT_EQ(e.obs.size(), 1u);
  EXPECT_EQ(e.obs[0].concept_uuid, ConceptUuid("Avni General Visit Form"));
  ASSERT_EQ(e.obs[0].group_members.size(), 4u);
  bool coded = false;
  for (const Obs& o : e.obs[0].group_members) {
    if (o.concept_uuid == ConceptUuid("Blood group")) {
      coded = true;
      EXPECT_TRUE(o.coded);
      EXPECT_EQ(o.value, ConceptUuid("O+"));
    }
  }
  EXPECT_TRUE(coded);

  const std::string avni_concept = ConceptUuid(openmrssim::kAvniUuidConcept);
  auto by_obs = client.FindEncountersByObs(patient->uuid, avni_concept, "avni-1");
  ASSERT_TRUE(by_obs) << by_obs.error().message;
  ASSERT_EQ(by_obs->size(), 1u);
  EXPECT_EQ(by_obs->front().uuid, *uuid);
  EXPECT_TRUE(client.FindEncountersByObs(patient->uuid, avni_concept, "avni-2")->empty());
  auto by_type = client.FindEncounters(patient->uuid, Uuid("encountertype", "Avni General Visit"));
  ASSERT_TRUE(by_type);
  EXPECT_EQ(by_type->size(), 1u);
  EXPECT_TRUE(client.FindEncounters(patient->uuid, Uuid("encountertype", "Consultation"))->empty());

  ASSERT_TRUE(client.VoidEncounter(*uuid));
  EXPECT_EQ(Requests(Route("DELETE", "encounter/{uuid}")), 1);
  read = client.GetEncounter(*uuid);
  ASSERT_TRUE(read && read->has_value());
  EXPECT_TRUE((*read)->voided);
  EXPECT_FALSE(client.GetEncounter("00000000-0000-4000-8000-000000000000")->has_value());
}

TEST_F(OpenmrsClientTest, VisitsCarryTheirAttributesAndAreFoundByPatientAndVoided) {
  Client& client = MakeClient();
  auto patient = client.CreatePatient(APatient("GAN300001"));
  ASSERT_TRUE(patient);
  NewVisit visit;
  visit.patient = patient->uuid;
  visit.visit_type = Uuid("visittype", openmrssim::kIntegrationVisitType);
  visit.location = Uuid("location", openmrssim::kLocation);
  visit.start_datetime = *ParseIso8601("2025-05-01T09:00:00.000Z");
  const std::string avni_attribute =
      Uuid("visitattributetype", openmrssim::kAvniUuidVisitAttribute);
  visit.attributes.push_back({avni_attribute, "avni-s1"});
  auto uuid = client.CreateVisit(visit);
  ASSERT_TRUE(uuid) << uuid.error().message;
  EXPECT_EQ(SimGet("/_sim/created").at("avniUuids").at("avni-s1").at("visits"), 1);

  auto found = client.FindVisits(patient->uuid, visit.location);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  const Visit& v = found->front();
  EXPECT_EQ(v.uuid, *uuid);
  EXPECT_EQ(v.visit_type, visit.visit_type);
  EXPECT_EQ(v.start_datetime, visit.start_datetime);
  ASSERT_EQ(v.attributes.size(), 1u);
  EXPECT_EQ(v.attributes[0].attribute_type, avni_attribute);
  EXPECT_EQ(v.attributes[0].value, "avni-s1");

  // An encounter in the visit names it.
  NewEncounter in_visit = AnEncounter(patient->uuid, "avni-1");
  in_visit.visit = *uuid;
  auto encounter = client.CreateEncounter(in_visit);
  ASSERT_TRUE(encounter) << encounter.error().message;
  EXPECT_EQ((*client.GetEncounter(*encounter))->visit_uuid, *uuid);

  ASSERT_TRUE(client.VoidVisit(*uuid));
  auto after = client.GetVisit(*uuid);
  ASSERT_TRUE(after && after->has_value());
  EXPECT_TRUE((*after)->voided);
}

TEST_F(OpenmrsClientTest, ConceptsComeWithDatatypeAndAnswersAndAreAskedForOnce) {
  Client& client = MakeClient();
  for (int i = 0; i < 2; ++i) {
    auto concept_read = client.GetConcept(ConceptUuid("Blood group"));
    ASSERT_TRUE(concept_read && concept_read->has_value());
    EXPECT_EQ((*concept_read)->datatype, "Coded");
    std::set<std::string> answers;
    for (const auto& a : (*concept_read)->answers) answers.insert(a.uuid);
    EXPECT_TRUE(answers.contains(ConceptUuid("O+")));
    EXPECT_EQ(answers.size(), 4u);
  }
  EXPECT_EQ(Requests(Route("GET", "concept/{uuid}")), 1);
  auto form = client.GetConcept(ConceptUuid("Vitals"));
  ASSERT_TRUE(form && form->has_value());
  EXPECT_TRUE((*form)->is_set);
  EXPECT_EQ((*form)->set_members.size(), 4u);
  auto missing = client.GetConcept("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(OpenmrsClientTest, ExistsAnswersFoundNotFoundOrCouldNotAsk) {
  Client& client = MakeClient();
  auto found =
      client.Exists(MetadataType::kVisitType, Uuid("visittype", openmrssim::kIntegrationVisitType));
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_TRUE(*found);
  auto absent = client.Exists(MetadataType::kLocation, "00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(absent) << absent.error().message;
  EXPECT_FALSE(*absent);
  SimPost("/_sim/faults", {{"status", 503}});
  auto unknown = client.Exists(MetadataType::kEncounterRole,
                               Uuid("encounterrole", openmrssim::kEncounterRole));
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(IsAvailability(unknown.error()));
}

}  // namespace
}  // namespace avni::openmrs
