// The Bahmni integration, Avni -> Bahmni, through the real engine, registry and runner, against
// both in-process simulators, on SQLite and PostgreSQL: the example tenant of examples/bahmni
// (its mapping rows and constants) syncs every subject and encounter once, again without
// duplicates, voids propagate, and what cannot be mapped is parked until the mapping exists.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <set>
#include <thread>

#include "bahmni_fixture.hpp"
#include "integrations/bahmni/avni_to_bahmni.hpp"

namespace avni::testing {
namespace {

// `bahmni_flows` picks the flows a run has, `write_concurrency` how many records each keeps in
// flight; a wrong value fails the run naming the key.
TEST_P(BahmniFlowsTest, ConfigPicksTheFlowsAndTheirWriteConcurrency) {
  auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).jobs().Get("main"); });
  ASSERT_TRUE(job) << job.error().message;
  const ScheduledJob scheduled{*job, "jss", "bahmni", true};
  const auto set = [&](const std::string& key, const std::string& value) {
    ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
      auto entry = tx.tenant(tenant_).config().Set(key, value, false);
      if (!entry) return Fail(entry.error());
      return {};
    }));
  };
  auto all = registry_->FlowsFor(scheduled);
  ASSERT_TRUE(all && *all) << (all ? "" : all.error().message);
  std::vector<std::string> names;
  for (const auto& flow : (*all)->flows) {
    names.push_back(flow.entity_type);
    EXPECT_EQ(flow.write_concurrency, 4) << flow.entity_type << ": the default";
  }
  for (const char* name :
       {"Subject", "Encounter", "ProgramEnrolment", "ProgramEncounter", "Patient"}) {
    EXPECT_NE(std::ranges::find(names, name), names.end()) << name;
  }

  set("bahmni_flows", " Encounter, Patient ");
  set("write_concurrency", "2");
  auto some = registry_->FlowsFor(scheduled);
  ASSERT_TRUE(some && *some) << (some ? "" : some.error().message);
  ASSERT_EQ((*some)->flows.size(), 2u);
  EXPECT_EQ((*some)->flows[0].entity_type, "Encounter");
  EXPECT_TRUE((*some)->flows[0].depends_on.empty()) << "Subject is not in this run";
  EXPECT_EQ((*some)->flows[1].entity_type, "Patient");
  EXPECT_EQ((*some)->flows[1].write_concurrency, 2);
  // Such a run goes: its flows are in order without the ones left out.
  EXPECT_TRUE(sync::InDependencyOrder((*some)->flows));

  set("bahmni_flows", "Subject,Visit");
  auto unknown = registry_->FlowsFor(scheduled);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "bahmni_flows");
  EXPECT_NE(unknown.error().message.find("'Visit'"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("ProgramEncounter"), std::string::npos);

  set("bahmni_flows", "Subject");
  set("write_concurrency", "0");
  auto zero = registry_->FlowsFor(scheduled);
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().field, "write_concurrency") << zero.error().message;
}

TEST_P(BahmniFlowsTest, EverySubjectAndEncounterArrivesOnceAndASecondRunChangesNothing) {
  avni::Run first = RunJob("main");
  ASSERT_EQ(first.status, RunStatus::kSucceeded) << first.message;
  EXPECT_EQ(first.counts.failed, 0) << Column("SELECT message FROM error_record_log LIMIT 1");
  // Subjects, their encounters, enrolments and program encounters, and back from the patient
  // feed: each new patient's registration in Avni.
  EXPECT_EQ(first.counts.written, 5 * kSubjects);

  const json counts = openmrs_->CreationCounts();
  // One patient per subject, by its identifier with the prefix.
  for (int i = 1; i <= kSubjects; ++i) {
    const std::string identifier = fmt::format("GAN{}", 100000 + i);
    EXPECT_EQ(counts["identifiers"].value(identifier, 0), 1) << identifier;
  }
  // One encounter per Avni subject (its registration) and per Avni encounter, and one
  // registration visit per subject.
  std::set<std::string> subjects;
  for (const auto& s : AvniEntities("subjects")) subjects.insert(s.at("ID"));
  ASSERT_EQ(subjects.size(), static_cast<std::size_t>(kSubjects));
  for (const auto& id : subjects) {
    EXPECT_EQ(counts["avniUuids"][id].value("encounters", 0), 1) << id;
    EXPECT_EQ(counts["avniUuids"][id].value("visits", 0), 1) << id;
  }
  for (const auto& e : AvniEntities("encounters")) {
    if (e.at("Encounter type") != "General Visit") continue;
    EXPECT_EQ(counts["avniUuids"][e.at("ID").get<std::string>()].value("encounters", 0), 1);
  }

  // The registration encounter carries the mapped form obs: every "Concept k" of the subject.
  const json encounters = OpenmrsEntities("encounters");
  int registrations = 0;
  for (const auto& e : encounters) {
    if (e["encounterType"]["uuid"] != "40f1c470-ad37-44f9-995c-509a360ce7ae") continue;
    ++registrations;
    ASSERT_EQ(e["obs"].size(), 1u);
    EXPECT_EQ(e["obs"][0]["concept"]["uuid"], "646eb182-df37-4c9e-83a9-4b09274b85d2");
    // 3 "Concept k" answers, the Avni Entity UUID and the Event Date.
    EXPECT_EQ(e["obs"][0]["groupMembers"].size(), 5u) << e["obs"][0].dump();
  }
  EXPECT_EQ(registrations, kSubjects);

  // One visit and one (enrolment) encounter per enrolment; each program encounter once, in its
  // enrolment's visit.
  std::map<std::string, std::string> visit_of_enrolment;
  for (const auto& v : OpenmrsEntities("visits")) {
    for (const auto& a : v["attributes"]) {
      if (a.value("voided", false)) continue;
      if (a["attributeType"]["uuid"] == "0076c100-25ae-4cf3-95b7-7139fcb02ee5") {
        visit_of_enrolment[a["value"].get<std::string>()] = v["uuid"];
      }
    }
  }
  int enrolments = 0;
  for (const auto& e : AvniEntities("programEnrolments")) {
    const std::string id = e.at("ID");
    EXPECT_EQ(counts["avniUuids"][id].value("encounters", 0), 1) << id;
    EXPECT_EQ(counts["avniUuids"][id].value("visits", 0), 1) << id;
    ++enrolments;
  }
  EXPECT_EQ(enrolments, kSubjects);
  int program_encounters = 0;
  for (const auto& pe : AvniEntities("programEncounters")) {
    const std::string id = pe.at("ID");
    EXPECT_EQ(counts["avniUuids"][id].value("encounters", 0), 1) << id;
    const std::string visit = visit_of_enrolment[pe.at("Enrolment ID").get<std::string>()];
    EXPECT_FALSE(visit.empty());
    for (const auto& e : encounters) {
      bool carries = false;
      for (const auto& m : e["obs"][0]["groupMembers"]) carries = carries || m["value"] == id;
      if (carries) {
        EXPECT_EQ(e["visit"]["uuid"], visit) << id;
      }
    }
    ++program_encounters;
  }
  EXPECT_EQ(program_encounters, kSubjects);

  // The patient feed wrote each patient back to its subject: one "Bahmni Patient Registration"
  // encounter, upserted by the patient's uuid as External ID, with the Bahmni Entity UUID obs.
  std::map<std::string, int> back;
  for (const auto& e : AvniEntities("encounters")) {
    if (e.at("Encounter type") != "Bahmni Patient Registration") continue;
    EXPECT_EQ(e["observations"].value("Bahmni Entity UUID", ""), e.value("External ID", ""));
    EXPECT_TRUE(subjects.contains(e.at("Subject ID").get<std::string>()));
    ++back[e.at("Subject ID").get<std::string>()];
  }
  EXPECT_EQ(back.size(), static_cast<std::size_t>(kSubjects));
  for (const auto& [subject, n] : back) EXPECT_EQ(n, 1) << subject;

  avni::Run second = RunJob("main");
  ASSERT_EQ(second.status, RunStatus::kSucceeded) << second.message;
  EXPECT_EQ(second.counts.written, 0);
  EXPECT_EQ(openmrs_->CreationCounts(), counts);
}

// What another writer made (the Java service, or this service before its links were lost) is
// found by the Avni Entity UUID obs and the patient identifier, and updated, never duplicated.
TEST_P(BahmniFlowsTest, DataWrittenWithoutOurLinksIsFoundAndUpdatedNotDuplicated) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  const json before = openmrs_->CreationCounts();
  // A service that never wrote anything: no links, no cursors; and a subject changed since.
  db_->Execute("DELETE FROM entity_links");
  db_->Execute("DELETE FROM sync_status");
  json subject = AvniEntities("subjects").at(1);
  const std::string id = subject.at("ID");
  subject["observations"]["Concept 1"] = "changed after the first sync";
  subject["audit"]["Last modified at"] = "2024-05-03T00:00:00.000Z";
  ASSERT_TRUE(avni_->AddSubject(subject));

  avni::Run again = RunJob("main");
  ASSERT_EQ(again.status, RunStatus::kSucceeded) << again.message;
  EXPECT_EQ(again.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  EXPECT_EQ(openmrs_->CreationCounts(), before);
  // The changed answer reached the registration encounter found by its Avni Entity UUID obs.
  const std::string registration = Column(
      "SELECT destination_id FROM entity_links WHERE entity_type = 'Subject' AND source_id = '" +
      id + "'");
  bool changed = false;
  for (const auto& e : OpenmrsEntities("encounters")) {
    if (e["uuid"] != registration) continue;
    for (const auto& m : e["obs"][0]["groupMembers"]) {
      changed = changed || m.value("value", json()) == "changed after the first sync";
    }
  }
  EXPECT_TRUE(changed);
}

TEST_P(BahmniFlowsTest, AnUnmappedAnswerIsParkedNamingItAndDeliveredOnceMapped) {
  // An answer without a mapping: the example maps every blood group; this tenant has not
  // mapped O+ yet.
  ASSERT_TRUE(SetAnswerVoided("O+", true));
  json subject = AvniEntities("subjects").at(0);
  const std::string id = subject.at("ID");
  subject["observations"]["Blood group"] = "O+";
  subject["audit"]["Last modified at"] = "2024-05-01T00:00:00.000Z";
  ASSERT_TRUE(avni_->AddSubject(subject));

  avni::Run first = RunJob("main");
  ASSERT_EQ(first.status, RunStatus::kSucceeded) << first.message;
  // The subject is parked naming the answer, and its encounter, enrolment and program encounter,
  // whose patient cannot exist yet, naming the missing patient.
  EXPECT_EQ(first.counts.failed, 4);
  EXPECT_EQ(Column("SELECT entity_id FROM error_records WHERE entity_type = 'Subject'"), id);
  const std::string message = Column(
      "SELECT l.message FROM error_record_log l JOIN error_records r ON r.id = l.error_record_id "
      "WHERE r.entity_type = 'Subject'");
  EXPECT_NE(message.find("no mapping for answer \"O+\" of question \"Blood group\""),
            std::string::npos)
      << message;
  const std::string waiting = Column(
      "SELECT l.message FROM error_record_log l JOIN error_records r ON r.id = l.error_record_id "
      "WHERE r.entity_type = 'Encounter'");
  EXPECT_TRUE(waiting.starts_with("NoPatientWithId: OpenMRS has no patient with identifier GAN"))
      << waiting;
  EXPECT_EQ(
      openmrs_->CreationCounts()["avniUuids"].value(id, json::object()).value("encounters", 0), 0);

  // The administrator adds the answer's mapping back.
  ASSERT_TRUE(SetAnswerVoided("O+", false));
  clock_.Advance(std::chrono::hours(1));  // past the error record's backoff
  avni::Run errors = RunJob("errors");
  ASSERT_EQ(errors.status, RunStatus::kSucceeded) << errors.message;
  EXPECT_EQ(Column("SELECT COUNT(*) FROM error_records"), "0");
  // The errors job went through the flows in dependency order: the subject's patient first,
  // then its encounter, each once.
  const json counts = openmrs_->CreationCounts();
  EXPECT_EQ(counts["avniUuids"][id].value("encounters", 0), 1);
  int delivered = 0;
  for (const auto& e : AvniEntities("encounters")) {
    if (e.at("Subject ID") != id || e.at("Encounter type") != "General Visit") continue;
    EXPECT_EQ(counts["avniUuids"][e.at("ID").get<std::string>()].value("encounters", 0), 1);
    ++delivered;
  }
  EXPECT_EQ(delivered, 1);
}

TEST_P(BahmniFlowsTest, AVoidedSubjectVoidsItsRegistrationAndKeepsThePatient) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  json subject = AvniEntities("subjects").at(0);
  const std::string id = subject.at("ID");
  const std::string identifier =
      "GAN" + subject["observations"]["Registration Number"].get<std::string>();
  subject["Voided"] = true;
  subject["audit"]["Last modified at"] = "2024-05-02T00:00:00.000Z";
  ASSERT_TRUE(avni_->AddSubject(subject));
  avni::Run second = RunJob("main");
  ASSERT_EQ(second.status, RunStatus::kSucceeded) << second.message;

  // The registration encounter written for the subject (its entity link) is voided now, and no
  // other encounter was made for it.
  const std::string registration = Column(
      "SELECT destination_id FROM entity_links WHERE entity_type = 'Subject' AND source_id = '" +
      id + "'");
  ASSERT_FALSE(registration.empty());
  bool found = false;
  for (const auto& e : OpenmrsEntities("encounters")) {
    if (e["uuid"] != registration) continue;
    found = true;
    EXPECT_TRUE(e.value("voided", false)) << e.dump();
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(openmrs_->CreationCounts()["avniUuids"][id].value("encounters", 0), 1);
  bool patient_kept = false;
  for (const auto& p : OpenmrsEntities("patients")) {
    for (const auto& i : p["identifiers"]) {
      if (i["identifier"] == identifier) patient_kept = !p.value("voided", false);
    }
  }
  EXPECT_TRUE(patient_kept);
}

TEST_P(BahmniFlowsTest, AnExitedEnrolmentGetsItsExitEncounterAndAVoidedOneVoidsItsVisit) {
  ASSERT_EQ(RunJob("main").status, RunStatus::kSucceeded);
  json enrolment = AvniEntities("programEnrolments").at(0);
  const std::string id = enrolment.at("ID");
  const auto visit_of = [&]() -> json {
    for (const auto& v : OpenmrsEntities("visits")) {
      for (const auto& a : v["attributes"]) {
        if (a["value"] == id) return v;
      }
    }
    return nullptr;
  };
  const auto encounters_of = [&]() {
    std::vector<json> out;
    for (const auto& e : OpenmrsEntities("encounters")) {
      if (e["obs"].empty()) continue;
      for (const auto& m : e["obs"][0]["groupMembers"]) {
        if (m["value"] == id) out.push_back(e);
      }
    }
    return out;
  };
  ASSERT_FALSE(visit_of().is_null());
  EXPECT_TRUE(visit_of()["stopDatetime"].is_null());

  enrolment["Exit datetime"] = "2024-04-01T10:00:00.000Z";
  enrolment["exitObservations"] = {{"Concept 2", "left the village"}};
  enrolment["audit"]["Last modified at"] = "2024-05-04T00:00:00.000Z";
  ASSERT_TRUE(avni_->AddEntity("programEnrolments", enrolment));
  avni::Run exited = RunJob("main");
  ASSERT_EQ(exited.status, RunStatus::kSucceeded) << exited.message;
  EXPECT_EQ(exited.counts.failed, 0) << Column("SELECT message FROM error_record_log");
  // The enrolment encounter and now the exit encounter (the example's exit type), in the visit,
  // which stops at the exit.
  const auto both = encounters_of();
  ASSERT_EQ(both.size(), 2u);
  std::set<std::string> types;
  for (const auto& e : both) {
    types.insert(e["encounterType"]["uuid"].get<std::string>());
    EXPECT_EQ(e["visit"]["uuid"], visit_of()["uuid"]);
  }
  EXPECT_TRUE(types.contains("12c62f47-a794-4057-9eb6-1969037cb710"));  // enrolment exit
  EXPECT_EQ(visit_of()["stopDatetime"], "2024-04-01T10:00:00.000+0000");

  enrolment["Voided"] = true;
  enrolment["audit"]["Last modified at"] = "2024-05-05T00:00:00.000Z";
  ASSERT_TRUE(avni_->AddEntity("programEnrolments", enrolment));
  avni::Run voided = RunJob("main");
  ASSERT_EQ(voided.status, RunStatus::kSucceeded) << voided.message;
  for (const auto& e : OpenmrsEntities("encounters")) {
    if (e["uuid"] == both[0]["uuid"] || e["uuid"] == both[1]["uuid"]) {
      EXPECT_TRUE(e.value("voided", false)) << e["uuid"];
    }
  }
  bool visit_voided = false;
  for (const auto& v : OpenmrsEntities("visits")) {
    if (v["uuid"] == both[0]["visit"]["uuid"]) visit_voided = v.value("voided", false);
  }
  EXPECT_TRUE(visit_voided);
}

// The engine writes up to write_concurrency records of one flow at once: encounters of one
// subject whose patient has no registration visit yet, written at the same moment, make one
// visit (the find-or-create holds the subject's lock), for every subject tried.
TEST_P(BahmniFlowsTest, EncountersOfOneSubjectWrittenAtOnceMakeOneRegistrationVisit) {
  auto flows = Flows();
  ASSERT_NE(flows, nullptr);
  sync::Sink* sink = nullptr;
  for (const auto& f : flows->flows) {
    if (f.entity_type == integrations::bahmni::kEncounterFlow) sink = f.sink;
  }
  ASSERT_NE(sink, nullptr);
  const json subjects = AvniEntities("subjects");
  constexpr int kTried = 10;
  constexpr int kWriters = 3;
  for (int i = 0; i < kTried; ++i) {
    const json& s = subjects.at(i);
    const std::string id = s.at("ID");
    // The subject's patient, as Bahmni registered it: no visit yet.
    ASSERT_FALSE(
        BahmniWrite("patients",
                    {{"person",
                      {{"names", json::array({{{"givenName", "Asha"}, {"preferred", true}}})},
                       {"gender", "F"},
                       {"birthdate", "1990-01-01"}}},
                     {"identifiers",
                      json::array({{{"identifier",
                                     "GAN" + s["observations"].value("Registration Number", "")},
                                    {"identifierType", "feb33ea0-cbce-4231-82fe-e39baa4f3d05"},
                                    {"location", "d1ddad4f-ea2c-46e2-b9c0-f80d0d2ecbe2"},
                                    {"preferred", true}}})}})
            .empty());
    std::latch start(kWriters);
    std::vector<Result<std::string>> written(kWriters, Result<std::string>(""));
    std::vector<std::thread> writers;
    for (int k = 0; k < kWriters; ++k) {
      writers.emplace_back([&, k] {
        sync::Outgoing out;
        out.key = fmt::format("enc-{}-{}", i, k);
        out.body = json{{"encounter", out.key},
                        {"subject", id},
                        {"type", "6173b18d-3735-4686-80b2-69e4bd7c367b"},
                        {"form", "80f153c7-b6d6-467a-903e-be6e5714c901"},
                        {"when", "2024-05-31T10:00:00.000+0000"},
                        {"members", json::array()}}
                       .dump();
        start.arrive_and_wait();
        written[k] = sink->Create(out);
      });
    }
    for (auto& w : writers) w.join();
    for (const auto& w : written) EXPECT_TRUE(w) << w.error().message;
    EXPECT_EQ(openmrs_->CreationCounts()["avniUuids"][id].value("visits", 0), 1) << id;
  }
}

AVNI_ON_EVERY_BACKEND(BahmniFlowsTest);

}  // namespace
}  // namespace avni::testing
