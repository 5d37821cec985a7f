// Writes as OpenMRS takes them: person and patient creation, a duplicate identifier refused,
// encounters with form group obs, updates that void obs sent with {uuid, voided: true} and add
// new ones, voiding by DELETE, visits with attributes; each refusal with OpenMRS's status and
// error body and nothing stored; and the creation counts a duplicate check reads.

#include "sim_fixture.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

class OpenmrsSimWritesTest : public OpenmrsSimFixture {
 protected:
  json Members(const std::string& avni_uuid) {
    return json::array({{{"concept", Concept("Concept 1")}, {"value", "one"}},
                        {{"concept", Concept("Weight")}, {"value", 61.5}},
                        {{"concept", Concept("Blood group")}, {"value", Concept("O+")}},
                        {{"concept", Concept("Visit date")}, {"value", "2025-04-30T00:00:00.000Z"}},
                        {{"concept", Concept(kAvniUuidConcept)}, {"value", avni_uuid}}});
  }
  json Error(const httplib::Result& res, int status) {
    EXPECT_TRUE(res);
    if (!res) return json::object();
    EXPECT_EQ(res->status, status) << res->body;
    return json::parse(res->body, nullptr, false).value("error", json::object());
  }
  std::size_t Count(const std::string& kind) {
    return SimJson("/_sim/stats").at("entities").at(kind).get<std::size_t>();
  }
};

TEST_F(OpenmrsSimWritesTest, PersonThenPatientAsTheJavaServiceCreatesThem) {
  const json person =
      Json(Post("/person",
                {{"names", {{{"givenName", "Ravi"}, {"familyName", "Naik"}, {"preferred", true}}}},
                 {"gender", "M"},
                 {"birthdate", "1985-03-04"}}),
           201);
  const std::string uuid = person.at("uuid");
  const json patient =
      Json(Post("/patient", {{"person", uuid},
                             {"identifiers",
                              {{{"identifier", "GAN300001"},
                                {"identifierType", Uuid("patientidentifiertype", kIdentifierType)},
                                {"location", Uuid("location", kLocation)},
                                {"preferred", true}}}}}),
           201);
  EXPECT_EQ(patient.at("uuid"), uuid);
  EXPECT_EQ(patient.at("display"), "GAN300001 - Ravi Naik");
  EXPECT_EQ(Json(Get("/patient", {{"identifier", "GAN300001"}})).at("results")[0].at("uuid"), uuid);
}

TEST_F(OpenmrsSimWritesTest, DuplicateIdentifierIsRefusedAsOpenmrsRefusesIt) {
  CreatePatient("GAN300001");
  const json error = Error(Post("/patient", NewPatient("GAN300001", "Meena")), 400);
  EXPECT_EQ(error.at("message"), "Invalid Submission");
  EXPECT_EQ(error.at("code"), "webservices.rest.error.invalid.submission");
  ASSERT_EQ(error.at("globalErrors").size(), 1u);
  EXPECT_EQ(error.at("globalErrors")[0].at("message"),
            "Identifier GAN300001 already in use by another patient");
  EXPECT_TRUE(error.at("fieldErrors").empty());
  EXPECT_EQ(Count("patients"), 1u);
  EXPECT_EQ(Count("persons"), 1u);  // the refused patient's person was not kept
  EXPECT_EQ(SimJson("/_sim/created").at("identifiers").at("GAN300001"), 1);
  // Voided, the identifier is free again; the count shows it was created twice.
  const std::string first =
      Json(Get("/patient", {{"identifier", "GAN300001"}})).at("results")[0].at("uuid");
  ASSERT_EQ(Delete("/patient/" + first)->status, 204);
  EXPECT_EQ(Json(Get("/patient", {{"identifier", "GAN300001"}})).at("results").size(), 0u);
  EXPECT_EQ(Json(Get("/patient/" + first)).at("voided"), true);  // still readable by uuid
  Json(Post("/patient", NewPatient("GAN300001", "Meena")), 201);
  EXPECT_EQ(SimJson("/_sim/created").at("identifiers").at("GAN300001"), 2);
}

TEST_F(OpenmrsSimWritesTest, RefusedPatientsNameTheirProblem) {
  json missing = NewPatient("GAN300002");
  missing.erase("identifiers");
  EXPECT_EQ(Error(Post("/patient", missing), 400).at("message"),
            "[Some required properties are missing: identifiers]");
  json no_gender = NewPatient("GAN300003");
  no_gender["person"]["gender"] = "";
  const json error = Error(Post("/patient", no_gender), 400);
  EXPECT_EQ(error.at("fieldErrors").at("gender")[0].at("code"), "Person.gender.required");
  json no_location = NewPatient("GAN300004");
  no_location["identifiers"][0].erase("location");
  EXPECT_EQ(Error(Post("/patient", no_location), 400).at("globalErrors")[0].at("message"),
            "Identifier Location cannot be null for GAN300004");
  EXPECT_EQ(Count("patients"), 0u);
}

TEST_F(OpenmrsSimWritesTest, EncounterWithFormGroupObsReadsBackAndIsFoundByObs) {
  const std::string patient = CreatePatient("GAN300001");
  const json created = Json(Post("/encounter", NewEncounter(patient, Members("avni-1"))), 201);
  const std::string uuid = created.at("uuid");
  const json full = Json(Get("/encounter/" + uuid, {{"v", "full"}}));
  ASSERT_EQ(full.at("obs").size(), 1u);
  const json& members = full.at("obs")[0].at("groupMembers");
  ASSERT_EQ(members.size(), 5u);
  std::map<std::string, json> by_concept;
  for (const auto& m : members) by_concept[m.at("concept").at("display")] = m.at("value");
  EXPECT_EQ(by_concept.at("Concept 1"), "one");
  EXPECT_EQ(by_concept.at("Weight"), 61.5);
  EXPECT_EQ(by_concept.at("Blood group").at("uuid"), Concept("O+"));
  EXPECT_EQ(by_concept.at("Blood group").at("display"), "O+");
  EXPECT_EQ(by_concept.at("Visit date"), "2025-04-30T00:00:00.000+0000");
  EXPECT_EQ(full.at("encounterProviders")[0].at("provider").at("uuid"),
            Uuid("provider", kProvider));

  const httplib::Params by_obs = {
      {"patient", patient}, {"obsConcept", Concept(kAvniUuidConcept)}, {"obsValues", "avni-1"}};
  const json found = Json(Get("/encounter", by_obs));
  ASSERT_EQ(found.at("results").size(), 1u);
  EXPECT_EQ(found.at("results")[0].at("uuid"), uuid);
  EXPECT_EQ(Json(Get("/encounter", {{"patient", patient},
                                    {"obsConcept", Concept(kAvniUuidConcept)},
                                    {"obsValues", "avni-2"}}))
                .at("results")
                .size(),
            0u);
  EXPECT_EQ(
      Get("/encounter", {{"patient", "nobody"}, {"obsConcept", Concept(kAvniUuidConcept)}})->status,
      404);
}

TEST_F(OpenmrsSimWritesTest, UpdateVoidsObsSentVoidedAndAddsNewOnes) {
  const std::string patient = CreatePatient("GAN300001");
  const std::string uuid =
      Json(Post("/encounter", NewEncounter(patient, Members("avni-1"))), 201).at("uuid");
  const json before = Json(Get("/encounter/" + uuid, {{"v", "full"}}));
  std::string weight_obs;
  for (const auto& m : before.at("obs")[0].at("groupMembers")) {
    if (m.at("concept").at("display") == "Weight") weight_obs = m.at("uuid");
  }
  const json update = {{"obs",
                        {{{"uuid", before.at("obs")[0].at("uuid")},
                          {"groupMembers",
                           {{{"uuid", weight_obs}, {"voided", true}},
                            {{"concept", Concept("Weight")}, {"value", 63}}}}}}}};
  Json(Post("/encounter/" + uuid, update));
  const json after = Json(Get("/encounter/" + uuid, {{"v", "full"}}));
  const json& members = after.at("obs")[0].at("groupMembers");
  ASSERT_EQ(members.size(), 5u);
  int weights = 0;
  for (const auto& m : members) {
    if (m.at("concept").at("display") != "Weight") continue;
    ++weights;
    EXPECT_EQ(m.at("value"), 63.0);
    EXPECT_NE(m.at("uuid"), weight_obs);
  }
  EXPECT_EQ(weights, 1);
  EXPECT_EQ(Json(Get("/obs/" + weight_obs)).at("voided"), true);
  // Updating kept one encounter for the Avni uuid.
  EXPECT_EQ(SimJson("/_sim/created").at("avniUuids").at("avni-1").at("encounters"), 1);
}

TEST_F(OpenmrsSimWritesTest, TwoEncountersWithOneAvniUuidAreAcceptedAndCounted) {
  const std::string patient = CreatePatient("GAN300001");
  Json(Post("/encounter", NewEncounter(patient, Members("avni-dup"))), 201);
  Json(Post("/encounter", NewEncounter(patient, Members("avni-dup"))), 201);
  EXPECT_EQ(SimJson("/_sim/created").at("avniUuids").at("avni-dup").at("encounters"), 2);
}

TEST_F(OpenmrsSimWritesTest, EntitiesListsTheEncountersThatCarriedAnAvniUuidVoidedOnesToo) {
  const std::string patient = CreatePatient("GAN300001");
  const std::string first =
      Json(Post("/encounter", NewEncounter(patient, Members("avni-a"))), 201).at("uuid");
  Json(Post("/encounter", NewEncounter(patient, Members("avni-b"))), 201);
  const std::string again =
      Json(Post("/encounter", NewEncounter(patient, Members("avni-a"))), 201).at("uuid");
  ASSERT_EQ(Delete("/encounter/" + first)->status, 204);
  const json carrying = SimJson("/_sim/entities/encounters?avniUuid=avni-a").at("entities");
  ASSERT_EQ(carrying.size(), 2u);
  EXPECT_EQ(carrying[0].at("uuid"), first);
  EXPECT_EQ(carrying[0].at("voided"), true);
  EXPECT_EQ(carrying[1].at("uuid"), again);
  EXPECT_TRUE(SimJson("/_sim/entities/encounters?avniUuid=nobody").at("entities").empty());
  EXPECT_EQ(SimJson("/_sim/entities/encounters").at("entities").size(), 3u);
}

TEST_F(OpenmrsSimWritesTest, DeleteVoidsTheEncounterAndItsObs) {
  const std::string patient = CreatePatient("GAN300001");
  const std::string uuid =
      Json(Post("/encounter", NewEncounter(patient, Members("avni-1"))), 201).at("uuid");
  ASSERT_EQ(Delete("/encounter/" + uuid)->status, 204);
  const json voided = Json(Get("/encounter/" + uuid));
  EXPECT_EQ(voided.at("voided"), true);
  EXPECT_TRUE(voided.at("obs").empty());  // voided obs are not shown
  EXPECT_EQ(Json(Get("/encounter", {{"patient", patient},
                                    {"obsConcept", Concept(kAvniUuidConcept)},
                                    {"obsValues", "avni-1"}}))
                .at("results")
                .size(),
            0u);
  EXPECT_EQ(Delete("/encounter/nope")->status, 404);
}

TEST_F(OpenmrsSimWritesTest, RefusedObsAnswerOpenmrsStatusesAndStoreNothing) {
  const std::string patient = CreatePatient("GAN300001");
  // An unknown concept uuid: ObsResource asks a null concept for its datatype.
  json unknown = Members("avni-1");
  unknown[0]["concept"] = "no-such-concept";
  json error = Error(Post("/encounter", NewEncounter(patient, unknown)), 400);
  EXPECT_NE(error.at("message").get<std::string>().find(
                "obs on class org.openmrs.Encounter => groupMembers on class org.openmrs.Obs => "
                "value on class org.openmrs.Obs => Cannot invoke"),
            std::string::npos)
      << error.dump();
  // A coded value that is no concept at all.
  json bad_answer = Members("avni-1");
  bad_answer[2]["value"] = "not-a-concept";
  error = Error(Post("/encounter", NewEncounter(patient, bad_answer)), 400);
  EXPECT_NE(error.at("message").get<std::string>().find("Blood group:not-a-concept"),
            std::string::npos);
  // A number that is not one (Weight has units: OpenMRS says so first).
  json not_number = Members("avni-1");
  not_number[1]["value"] = "heavy";
  error = Error(Post("/encounter", NewEncounter(patient, not_number)), 400);
  EXPECT_NE(error.at("message").get<std::string>().find(
                "heavy has invalid units => For input string: \"heavy\""),
            std::string::npos);
  // An unknown encounter type: the validator's field error.
  json bad_type = NewEncounter(patient, Members("avni-1"));
  bad_type["encounterType"] = "nope";
  error = Error(Post("/encounter", bad_type), 400);
  EXPECT_EQ(error.at("fieldErrors").at("encounterType")[0].at("message"),
            "Encounter type is Required");
  // In the future.
  json future = NewEncounter(patient, Members("avni-1"));
  future["encounterDatetime"] = "2030-01-01T00:00:00.000+0000";
  error = Error(Post("/encounter", future), 400);
  EXPECT_EQ(error.at("fieldErrors").at("encounterDatetime")[0].at("code"),
            "Encounter.datetimeShouldBeBeforeCurrent");
  EXPECT_EQ(Count("encounters"), 0u);
  EXPECT_EQ(Count("obs"), 0u);
}

TEST_F(OpenmrsSimWritesTest, AnAnswerOutsideTheConceptsAnswersIsAcceptedAsOpenmrsDoesAndCounted) {
  const std::string patient = CreatePatient("GAN300001");
  json members = Members("avni-1");
  members[2]["value"] = Concept("Fever");  // a concept, but not a Blood group answer
  Json(Post("/encounter", NewEncounter(patient, members)), 201);
  EXPECT_EQ(SimJson("/_sim/created").at("answersOutsideConcept"), 1);
}

TEST_F(OpenmrsSimWritesTest, VisitWithAttributesIsFoundByPatientAndCounted) {
  const std::string patient = CreatePatient("GAN300001");
  const json body = {{"patient", patient},
                     {"visitType", Uuid("visittype", kIntegrationVisitType)},
                     {"location", Uuid("location", kLocation)},
                     {"startDatetime", "2025-05-01T09:00:00.000+0000"},
                     {"attributes",
                      {{{"attributeType", Uuid("visitattributetype", kAvniUuidVisitAttribute)},
                        {"value", "avni-s1"}},
                       {{"attributeType", Uuid("visitattributetype", kEventDateVisitAttribute)},
                        {"value", "2025-05-01"}}}}};
  const std::string visit = Json(Post("/visit", body), 201).at("uuid");
  const json found = Json(Get("/visit", {{"patient", patient}, {"v", "full"}}));
  ASSERT_EQ(found.at("results").size(), 1u);
  EXPECT_EQ(found.at("results")[0].at("attributes").size(), 2u);
  EXPECT_EQ(SimJson("/_sim/created").at("avniUuids").at("avni-s1").at("visits"), 1);
  // An encounter in it, then voiding the visit voids the encounter too.
  json encounter = NewEncounter(patient, Members("avni-s1"));
  encounter["visit"] = visit;
  const std::string e = Json(Post("/encounter", encounter), 201).at("uuid");
  ASSERT_EQ(Delete("/visit/" + visit)->status, 204);
  EXPECT_EQ(Json(Get("/encounter/" + e)).at("voided"), true);
  EXPECT_EQ(Json(Get("/visit", {{"patient", patient}})).at("results").size(), 0u);
  // Refused: no visit type.
  json no_type = body;
  no_type["visitType"] = "nope";
  EXPECT_EQ(Error(Post("/visit", no_type), 400).at("fieldErrors").at("visitType")[0].at("message"),
            "Visit Type is required");
}

TEST_F(OpenmrsSimWritesTest, BahmniWritesThroughSimCanNameTheUuidAndPurgesLeave404) {
  json patient = NewPatient("GAN300009");
  patient["uuid"] = "11111111-2222-4333-8444-555555555555";
  ASSERT_EQ(client_->Post("/_sim/patients", patient.dump(), "application/json")->status, 201);
  EXPECT_EQ(Json(Get("/patient/11111111-2222-4333-8444-555555555555")).at("display"),
            "GAN300009 - Asha Patil");
  json encounter = NewEncounter("11111111-2222-4333-8444-555555555555", Members("avni-java"));
  encounter["uuid"] = "aaaaaaaa-2222-4333-8444-555555555555";
  ASSERT_EQ(client_->Post("/_sim/encounters", encounter.dump(), "application/json")->status, 201);
  EXPECT_EQ(Json(Get("/encounter/aaaaaaaa-2222-4333-8444-555555555555")).at("voided"), false);
  ASSERT_EQ(client_->Delete("/_sim/patients/11111111-2222-4333-8444-555555555555")->status, 204);
  EXPECT_EQ(Get("/patient/11111111-2222-4333-8444-555555555555")->status, 404);
}

// Drug orders as Bahmni's order entry writes them, with their encounter: its v=full lists them
// as webservices.rest does (drug, dose and duration with their units); a malformed one is
// refused naming the field, and nothing is written.
TEST_F(OpenmrsSimWritesTest, BahmniEncountersCarryTheirDrugOrders) {
  const std::string patient = CreatePatient("GAN300010");
  json encounter = NewEncounter(patient, Members("avni-drugs"));
  encounter["drugOrders"] = {{{"drug", "Paracetamol 500 mg"},
                              {"dose", 1},
                              {"doseUnits", "Tablet(s)"},
                              {"duration", 3},
                              {"durationUnits", "Day(s)"}}};
  auto res = client_->Post("/_sim/encounters", encounter.dump(), "application/json");
  ASSERT_EQ(res->status, 201) << res->body;
  const std::string uuid = json::parse(res->body).at("uuid");
  const json read = Json(Get("/encounter/" + uuid, {{"v", "full"}}));
  ASSERT_EQ(read.at("orders").size(), 1u);
  const json& order = read["orders"][0];
  EXPECT_EQ(order.at("type"), "drugorder");
  EXPECT_EQ(order.at("drug").at("display"), "Paracetamol 500 mg");
  EXPECT_EQ(order.at("dose"), 1.0);
  EXPECT_EQ(order.at("doseUnits").at("display"), "Tablet(s)");
  EXPECT_EQ(order.at("duration"), 3);
  EXPECT_EQ(order.at("durationUnits").at("display"), "Day(s)");

  const std::size_t before = Count("encounters");
  encounter["drugOrders"] = {{{"drug", "Paracetamol 500 mg"}, {"dose", "one"}}};
  auto bad = client_->Post("/_sim/encounters", encounter.dump(), "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("drugOrders"), std::string::npos);
  EXPECT_EQ(Count("encounters"), before);
}

}  // namespace
}  // namespace avni::openmrssim
