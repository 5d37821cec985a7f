// The Bahmni encounter feed (flow BahmniEncounter) through the real engine against both
// simulators, on SQLite and PostgreSQL: encounters Bahmni writes after the subjects and patients
// synced become Avni encounters per form (upserted, never duplicated), lab results and drug
// orders too; what cannot be mapped, or whose patient is not in Avni yet, is parked naming it
// and delivered later; this service's own encounters are never echoed back.
#include <set>

#include "bahmni_fixture.hpp"
#include "openmrssim/metadata.hpp"

namespace avni::testing {
namespace {

class BahmniEncounterFeedTest : public BahmniFlowsTest {
 protected:
  const openmrssim::Metadata& Meta() { return openmrs_->GetMetadata(); }
  std::string Concept(const std::string& name) { return Meta().ConceptUuid(name); }
  std::string Answer(const std::string& question, std::size_t i) {
    return Meta().ConceptByName(question)->answers.at(i);
  }

  // The OpenMRS patient of the i-th Avni subject (made by the first run, or by Bahmni).
  std::string PatientOf(std::size_t i) {
    const std::string identifier =
        "GAN" + AvniEntities("subjects").at(i)["observations"].value("Registration Number", "");
    for (const auto& p : OpenmrsEntities("patients")) {
      for (const auto& id : p["identifiers"]) {
        if (id["identifier"] == identifier) return p["uuid"];
      }
    }
    return "";
  }

  // A consultation Bahmni records: one Vitals form (weight, blood group answer `blood`, a
  // symptom, a note); `extra` members are added to the form.
  std::string WriteVitals(const std::string& patient, double weight, std::size_t blood,
                          json extra = json::array(), const std::string& uuid = "") {
    json members =
        json::array({{{"concept", Concept("Weight")}, {"value", weight}},
                     {{"concept", Concept("Blood group")}, {"value", Answer("Blood group", blood)}},
                     {{"concept", Concept("Symptoms")}, {"value", Answer("Symptoms", 0)}},
                     {{"concept", Concept("Concept 1")}, {"value", "seen at the clinic"}}});
    for (auto& m : extra) members.push_back(std::move(m));
    json body = {
        {"patient", patient},
        {"encounterType", Meta().UuidOf("encountertype", openmrssim::kConsultationEncounterType)},
        {"location", Meta().UuidOf("location", openmrssim::kLocation)},
        {"encounterDatetime", "2024-05-20T09:30:00.000+0000"},
        {"obs", json::array({{{"concept", Concept("Vitals")}, {"groupMembers", members}}})}};
    if (!uuid.empty()) body["uuid"] = uuid;
    return BahmniWrite("encounters", body);
  }

  // An OPD (outpatient) visit of the patient, as Bahmni opens it at a clinic.
  std::string OpdVisit(const std::string& patient) {
    httplib::Client c("127.0.0.1", openmrs_port_);
    c.set_basic_auth("superman", "Admin123");
    const json body = {{"patient", patient},
                       {"visitType", Meta().UuidOf("visittype", "OPD")},
                       {"location", Meta().UuidOf("location", openmrssim::kLocation)},
                       {"startDatetime", "2024-05-20T08:00:00.000+0000"}};
    auto res = c.Post("/openmrs/ws/rest/v1/visit", body.dump(), "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res && res->status == 201 ? json::parse(res->body).value("uuid", "") : "";
  }

  // Avni's encounters of `type` (voided ones too).
  std::vector<json> AvniOfType(const std::string& type) {
    std::vector<json> out;
    for (const auto& e : AvniEntities("encounters")) {
      if (e.at("Encounter type") == type) out.push_back(e);
    }
    return out;
  }

  std::string ErrorMessage(const std::string& entity_type) {
    return Column(
        "SELECT l.message FROM error_record_log l JOIN error_records r ON r.id = "
        "l.error_record_id WHERE r.entity_type = '" +
        entity_type + "' ORDER BY l.id DESC");
  }
};

TEST_P(BahmniEncounterFeedTest, AFormBecomesAnAvniEncounterAndAnUpdateUpdatesItNoDuplicate) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  const std::string patient = PatientOf(0);
  ASSERT_FALSE(patient.empty());
  const std::string subject = AvniEntities("subjects").at(0).at("ID");
  const std::string encounter = WriteVitals(patient, 61.5, 0);
  ASSERT_FALSE(encounter.empty());

  avni::Run run = RunJob("main");
  ASSERT_EQ(run.status, RunStatus::kSucceeded) << run.message;
  EXPECT_EQ(run.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  EXPECT_EQ(run.counts.written, 1);
  auto vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  const json v = vitals[0];
  EXPECT_EQ(v["Subject ID"], subject);
  EXPECT_EQ(v["Encounter date time"], "2024-05-20T09:30:00.000Z");
  EXPECT_EQ(v["External ID"], encounter + ":" + Concept("Vitals"));
  EXPECT_EQ(v["observations"]["Bahmni Entity UUID"], encounter);
  EXPECT_EQ(v["observations"]["Weight"], 61.5);
  EXPECT_EQ(v["observations"]["Blood group"], "A+");
  EXPECT_EQ(v["observations"]["Symptoms"], "Fever");
  EXPECT_EQ(v["observations"]["Concept 1"], "seen at the clinic");

  // Bahmni corrects the weight: the Vitals group's weight obs voided and written anew.
  json form;
  for (const auto& e : OpenmrsEntities("encounters")) {
    if (e["uuid"] == encounter) form = e["obs"][0];
  }
  std::string weight_obs;
  for (const auto& m : form["groupMembers"]) {
    if (m["concept"]["uuid"] == Concept("Weight")) weight_obs = m["uuid"];
  }
  ASSERT_FALSE(weight_obs.empty());
  ASSERT_FALSE(
      BahmniWrite(
          "encounters",
          {{"uuid", encounter},
           {"obs",
            json::array({{{"uuid", form["uuid"]},
                          {"groupMembers",
                           json::array({{{"uuid", weight_obs}, {"voided", true}},
                                        {{"concept", Concept("Weight")}, {"value", 63.0}}})}}})}})
          .empty());
  avni::Run again = RunJob("main");
  ASSERT_EQ(again.status, RunStatus::kSucceeded) << again.message;
  EXPECT_EQ(again.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  EXPECT_EQ(vitals[0]["ID"], v["ID"]);
  EXPECT_EQ(vitals[0]["observations"]["Weight"], 63.0);

  // Voided in Bahmni: voided in Avni.
  httplib::Client c("127.0.0.1", openmrs_port_);
  c.set_basic_auth("superman", "Admin123");
  auto voided = c.Delete("/openmrs/ws/rest/v1/encounter/" + encounter);
  ASSERT_TRUE(voided && voided->status == 204) << (voided ? voided->body : "no answer");
  avni::Run third = RunJob("main");
  ASSERT_EQ(third.status, RunStatus::kSucceeded) << third.message;
  vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  EXPECT_TRUE(vitals[0].value("Voided", false));
}

// What another writer put in Avni for the encounter (the Java service: the Bahmni Entity UUID
// obs, no External ID of ours) is found by the obs and updated in place.
TEST_P(BahmniEncounterFeedTest, AnAvniEncounterFoundByTheBahmniUuidObsIsUpdatedNotDuplicated) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  const std::string encounter = WriteVitals(PatientOf(1), 55.0, 1);
  const std::string subject = AvniEntities("subjects").at(1).at("ID");
  json java = {{"ID", "0a0a0a0a-0000-4000-8000-000000000001"},
               {"External ID", nullptr},
               {"Encounter type", "Bahmni Vitals"},
               {"Subject ID", subject},
               {"Subject type", "Individual"},
               {"Voided", false},
               {"Encounter date time", "2024-05-20T09:30:00.000Z"},
               {"observations", {{"Bahmni Entity UUID", encounter}, {"Weight", 50}}},
               {"audit",
                {{"Created at", "2024-05-20T10:00:00.000Z"},
                 {"Last modified at", "2024-05-20T10:00:00.000Z"}}}};
  ASSERT_TRUE(avni_->AddEntity("encounters", java));
  avni::Run run = RunJob("main");
  ASSERT_EQ(run.status, RunStatus::kSucceeded) << run.message;
  EXPECT_EQ(run.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  const auto vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  EXPECT_EQ(vitals[0]["ID"], java["ID"]);
  EXPECT_EQ(vitals[0]["observations"]["Weight"], 55.0);
}

// One entry that cannot be mapped is parked naming the answer; the entry after it is delivered
// in the same run; once the mapping exists the errors job delivers the parked one.
TEST_P(BahmniEncounterFeedTest, AnUnmappedAnswerParksNamingItAndTheFeedGoesOn) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  ASSERT_TRUE(SetAnswerVoided("B+", true));
  const std::string bad = WriteVitals(PatientOf(0), 70.0, 1);  // B+
  const std::string good = WriteVitals(PatientOf(1), 48.0, 0);
  avni::Run run = RunJob("main");
  ASSERT_EQ(run.status, RunStatus::kSucceeded) << run.message;
  EXPECT_EQ(run.counts.failed, 1);
  EXPECT_EQ(run.counts.written, 1);
  EXPECT_EQ(Column("SELECT entity_id FROM error_records WHERE entity_type = 'BahmniEncounter'"),
            bad);
  const std::string message = ErrorMessage("BahmniEncounter");
  EXPECT_NE(message.find("no mapping for answer \"" + Answer("Blood group", 1) + "\""),
            std::string::npos)
      << message;
  auto vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  EXPECT_EQ(vitals[0]["observations"]["Bahmni Entity UUID"], good);

  ASSERT_TRUE(SetAnswerVoided("B+", false));
  clock_.Advance(std::chrono::hours(1));
  avni::Run errors = RunJob("errors");
  ASSERT_EQ(errors.status, RunStatus::kSucceeded) << errors.message;
  EXPECT_EQ(Column("SELECT COUNT(*) FROM error_records"), "0");
  vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 2u);
  std::set<std::string> blood;
  for (const auto& v : vitals) blood.insert(v["observations"]["Blood group"].get<std::string>());
  EXPECT_EQ(blood, (std::set<std::string>{"A+", "B+"}));
}

// An encounter of a patient whose Avni registration is not written yet (the Patient flow did not
// run: bahmni_flows names only this flow) is parked naming the patient, and delivered once the
// patient has synced.
TEST_P(BahmniEncounterFeedTest, AnEncounterOfAPatientNotInAvniYetParksAndIsDeliveredLater) {
  const json subject = AvniEntities("subjects").at(2);
  const std::string patient = BahmniWrite(
      "patients",
      {{"person",
        {{"names", json::array({{{"givenName", "Meena"}, {"preferred", true}}})},
         {"gender", "F"},
         {"birthdate", "1991-03-01"}}},
       {"identifiers", json::array({{{"identifier", "GAN" + subject["observations"].value(
                                                                "Registration Number", "")},
                                     {"identifierType", Meta().UuidOf("patientidentifiertype",
                                                                      openmrssim::kIdentifierType)},
                                     {"location", Meta().UuidOf("location", openmrssim::kLocation)},
                                     {"preferred", true}}})}});
  ASSERT_FALSE(patient.empty());
  const std::string encounter = WriteVitals(patient, 52.0, 0);
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto set = tx.tenant(tenant_).config().Set("bahmni_flows", "BahmniEncounter", false);
    if (!set) return Fail(set.error());
    return {};
  }));
  avni::Run first = RunJob("main");
  ASSERT_EQ(first.status, RunStatus::kSucceeded) << first.message;
  EXPECT_EQ(first.counts.failed, 1);
  const std::string message = ErrorMessage("BahmniEncounter");
  EXPECT_TRUE(message.starts_with("NoPatientRegistration: ")) << message;
  EXPECT_NE(message.find(patient), std::string::npos) << message;
  EXPECT_TRUE(AvniOfType("Bahmni Vitals").empty());

  // Every flow again: the patient reaches Avni; then the errors job delivers the encounter.
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) -> Status { return tx.tenant(tenant_).config().Remove("bahmni_flows"); }));
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  clock_.Advance(std::chrono::hours(1));
  avni::Run errors = RunJob("errors");
  ASSERT_EQ(errors.status, RunStatus::kSucceeded) << errors.message;
  EXPECT_EQ(Column("SELECT COUNT(*) FROM error_records WHERE entity_type = 'BahmniEncounter'"),
            "0");
  const auto vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  EXPECT_EQ(vitals[0]["Subject ID"], subject["ID"]);
  EXPECT_EQ(vitals[0]["observations"]["Bahmni Entity UUID"], encounter);
}

// An encounter carrying the Avni Entity UUID obs was written from Avni (by this service or the
// Java one): never read back, though its form is one the tenant reads.
TEST_P(BahmniEncounterFeedTest, EncountersWrittenFromAvniAreSkipped) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  WriteVitals(PatientOf(0), 60.0, 0,
              json::array({{{"concept", "8aeff686-d634-4c6e-a4e6-332b12dbf37e"},
                            {"value", "an-avni-encounter-uuid"}}}));
  avni::Run run = RunJob("main");
  ASSERT_EQ(run.status, RunStatus::kSucceeded) << run.message;
  EXPECT_EQ(run.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  EXPECT_EQ(run.counts.written, 0);
  EXPECT_TRUE(AvniOfType("Bahmni Vitals").empty());
}

// In an outpatient visit, a lab encounter becomes one Avni encounter of all its results, and a
// consultation's drug orders one "Drug Orders" encounter holding them as text beside its form's
// encounter.
TEST_P(BahmniEncounterFeedTest, LabResultsAndDrugOrdersOfAnOutpatientVisitArrive) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  const std::string patient = PatientOf(0);
  const std::string visit = OpdVisit(patient);
  ASSERT_FALSE(visit.empty());
  const json base = {{"patient", patient},
                     {"location", Meta().UuidOf("location", openmrssim::kLocation)},
                     {"visit", visit},
                     {"encounterDatetime", "2024-05-20T09:30:00.000+0000"}};
  json lab = base;
  lab["encounterType"] = Meta().UuidOf("encountertype", openmrssim::kLabEncounterType);
  lab["obs"] = json::array({{{"concept", Concept("Haemoglobin")}, {"value", 11.2}}});
  const std::string lab_uuid = BahmniWrite("encounters", lab);
  json consultation = base;
  consultation["encounterType"] =
      Meta().UuidOf("encountertype", openmrssim::kConsultationEncounterType);
  consultation["obs"] = json::array(
      {{{"concept", Concept("Vitals")},
        {"groupMembers", json::array({{{"concept", Concept("Weight")}, {"value", 58.0}}})}}});
  consultation["drugOrders"] = {{{"drug", "Paracetamol 500 mg"},
                                 {"dose", 1},
                                 {"doseUnits", "Tablet(s)"},
                                 {"duration", 3},
                                 {"durationUnits", "Day(s)"}},
                                {{"drug", "Amoxicillin 250 mg"},
                                 {"dose", 2},
                                 {"doseUnits", "Tablet(s)"},
                                 {"duration", 5},
                                 {"durationUnits", "Day(s)"}}};
  const std::string consultation_uuid = BahmniWrite("encounters", consultation);

  avni::Run run = RunJob("main");
  ASSERT_EQ(run.status, RunStatus::kSucceeded) << run.message;
  EXPECT_EQ(run.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  const auto labs = AvniOfType("Lab Results");
  ASSERT_EQ(labs.size(), 1u);
  EXPECT_EQ(labs[0]["External ID"], lab_uuid);
  EXPECT_EQ(labs[0]["observations"]["Haemoglobin"], 11.2);
  EXPECT_EQ(labs[0]["observations"]["Bahmni Entity UUID"], lab_uuid);
  const auto drugs = AvniOfType("Drug Orders");
  ASSERT_EQ(drugs.size(), 1u);
  EXPECT_EQ(drugs[0]["observations"]["Prescribed drugs"],
            "Paracetamol 500 mg: 1.0 Tablet(s) for 3 Day(s)\n"
            "Amoxicillin 250 mg: 2.0 Tablet(s) for 5 Day(s)");
  EXPECT_EQ(drugs[0]["observations"]["Bahmni Entity UUID"], consultation_uuid);
  const auto vitals = AvniOfType("Bahmni Vitals");
  ASSERT_EQ(vitals.size(), 1u);
  EXPECT_EQ(vitals[0]["observations"]["Weight"], 58.0);
}

// A form with a ProgramEncounter / EncounterType row becomes a program encounter in the
// subject's enrolment of the program its BahmniForm_CommunityProgram row names.
TEST_P(BahmniEncounterFeedTest, AProgramFormBecomesAProgramEncounterInTheSubjectsEnrolment) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  const std::string form = Concept("Avni Monthly Visit Form");
  auto imported = mapping::ImportMappingsCsv(
      *store_, tenant_,
      "group,type,avni_value,int_system_value,data_type_hint,about\n"
      "ProgramEncounter,EncounterType,Monthly Visit," +
          form +
          ",NA,\n"
          "ProgramEnrolment,BahmniForm_CommunityProgram,Maternal Health," +
          form + ",NA,\n",
      {false, "test"});
  ASSERT_TRUE(imported && imported->ok());
  const json subject = AvniEntities("subjects").at(0);
  std::string enrolment;
  for (const auto& e : AvniEntities("programEnrolments")) {
    if (e["Subject ID"] == subject["ID"]) enrolment = e["ID"];
  }
  ASSERT_FALSE(enrolment.empty());
  const std::string encounter = BahmniWrite(
      "encounters",
      {{"patient", PatientOf(0)},
       {"encounterType", Meta().UuidOf("encountertype", openmrssim::kConsultationEncounterType)},
       {"location", Meta().UuidOf("location", openmrssim::kLocation)},
       {"encounterDatetime", "2024-05-30T09:30:00.000+0000"},
       {"obs", json::array({{{"concept", form},
                             {"groupMembers", json::array({{{"concept", Concept("Concept 2")},
                                                            {"value", "from the clinic"}}})}}})}});
  avni::Run run = RunJob("main");
  ASSERT_EQ(run.status, RunStatus::kSucceeded) << run.message;
  EXPECT_EQ(run.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  int found = 0;
  for (const auto& pe : AvniEntities("programEncounters")) {
    if (pe.value("External ID", json()) != encounter + ":" + form) continue;
    ++found;
    EXPECT_EQ(pe["Enrolment ID"], enrolment);
    EXPECT_EQ(pe["Encounter type"], "Monthly Visit");
    EXPECT_EQ(pe["observations"]["Concept 2"], "from the clinic");
    EXPECT_EQ(pe["observations"]["Bahmni Entity UUID"], encounter);
  }
  EXPECT_EQ(found, 1);
}

// An unknown name in bahmni_flows fails the run naming the setting and the flows there are.
TEST_P(BahmniEncounterFeedTest, AnUnknownFlowInBahmniFlowsFailsTheRunNamingIt) {
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto set = tx.tenant(tenant_).config().Set("bahmni_flows", "Subject,Encounters", false);
    if (!set) return Fail(set.error());
    return {};
  }));
  auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).jobs().Get("main"); });
  ASSERT_TRUE(job);
  auto flows = registry_->FlowsFor(ScheduledJob{*job, "jss", "bahmni", true});
  ASSERT_FALSE(flows);
  EXPECT_NE(flows.error().message.find("bahmni_flows names 'Encounters'"), std::string::npos)
      << flows.error().message;
  EXPECT_NE(flows.error().message.find("BahmniEncounter"), std::string::npos);
}

AVNI_ON_EVERY_BACKEND(BahmniEncounterFeedTest);

}  // namespace
}  // namespace avni::testing
