// The simulator's reads beyond subjects: generated encounters, enrolments, program encounters
// and locations in their windows, each filter, the parameter rules avni-server enforces
// (required `now`, the enrolment combinations, concept names), and single reads.

#include "sim_fixture.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

class AvniSimReadsTest : public SimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.subjects = 6;
    options.seed = 5;
    options.observations = 2;
    options.encounters_per_subject = 2;
    options.enrolments_per_subject = 1;
    options.program_encounters_per_enrolment = 3;
    return options;
  }
  json Page(const std::string& path, httplib::Params params) { return Json(Get(path, params)); }
  const std::string kSince = "2023-01-01T00:00:00.000Z";
  const std::string kUntil = "2025-01-01T00:00:00.000Z";
};

TEST_F(AvniSimReadsTest, GeneratesEveryKindLinkedToItsParents) {
  const json subjects = Page("/api/subjects", {{"size", "100"}});
  ASSERT_EQ(subjects.at("content").size(), 6u);
  const json& subject = subjects.at("content")[0];
  ASSERT_EQ(subject.at("encounters").size(), 2u);
  ASSERT_EQ(subject.at("enrolments").size(), 1u);
  const json encounter =
      Json(Get("/api/encounter/" + subject.at("encounters")[0].get<std::string>()));
  EXPECT_EQ(encounter.at("Subject ID"), subject.at("ID"));
  EXPECT_EQ(encounter.at("Encounter type"), "General Visit");
  EXPECT_TRUE(encounter.at("observations").contains("Concept 2"));
  const json enrolment =
      Json(Get("/api/programEnrolment/" + subject.at("enrolments")[0].get<std::string>()));
  EXPECT_EQ(enrolment.at("Program"), "Maternal Health");
  ASSERT_EQ(enrolment.at("encounters").size(), 3u);
  const json visit =
      Json(Get("/api/programEncounter/" + enrolment.at("encounters")[0].get<std::string>()));
  EXPECT_EQ(visit.at("Enrolment ID"), enrolment.at("ID"));
  EXPECT_EQ(visit.at("Program"), "Maternal Health");
  for (const char* key : {"Subject ID", "Subject type", "Encounter date time", "Cancel date time",
                          "cancelObservations", "audit", "Max scheduled date"}) {
    EXPECT_TRUE(visit.contains(key)) << key;
  }
  EXPECT_EQ(Get("/api/encounter/no-such-id")->status, 404);
  EXPECT_EQ(Get("/api/programEnrolment/no-such-id")->status, 404);
}

TEST_F(AvniSimReadsTest, EncountersNeedNowAndFilterByTypeAndSubject) {
  auto missing_now = Get("/api/encounters", {{"lastModifiedDateTime", kSince}});
  ASSERT_TRUE(missing_now);
  EXPECT_EQ(missing_now->status, 400);
  EXPECT_NE(missing_now->body.find("Required parameter 'now' is not present."), std::string::npos);

  const json all =
      Page("/api/encounters", {{"lastModifiedDateTime", kSince}, {"now", kUntil}, {"size", "100"}});
  EXPECT_EQ(all.at("content").size(), 12u);
  EXPECT_EQ(all.at("totalElements"), 12);
  const std::string subject_id = all.at("content")[0].at("Subject ID");
  const json one_subject =
      Page("/api/encounters",
           {{"lastModifiedDateTime", kSince}, {"now", kUntil}, {"subjectId", subject_id}});
  EXPECT_EQ(one_subject.at("content").size(), 2u);
  EXPECT_EQ(Page("/api/encounters", {{"now", kUntil}, {"encounterType", "Monthly Visit"}})
                .at("content")
                .size(),
            0u);
  // Strict window: since equal to the first encounter's time leaves it out.
  const std::string first_time = all.at("content")[0].at("audit").at("Last modified at");
  const json after = Page("/api/encounters",
                          {{"lastModifiedDateTime", first_time}, {"now", kUntil}, {"size", "100"}});
  EXPECT_EQ(after.at("content").size(), 11u);
}

TEST_F(AvniSimReadsTest, AnEmptyOrInvertedWindowIsEmpty) {
  const json all = Page("/api/encounters", {{"now", kUntil}, {"size", "100"}});
  const std::string t = all.at("content")[0].at("audit").at("Last modified at");
  const std::string later = FormatIso8601(At(t) + std::chrono::milliseconds(1));
  for (const auto& [since, now] :
       {std::pair{t, t}, std::pair{t, later}, std::pair{kUntil, kSince}}) {
    const json page = Page("/api/encounters", {{"lastModifiedDateTime", since}, {"now", now}});
    EXPECT_EQ(page.at("content").size(), 0u) << since << " " << now;
    EXPECT_EQ(page.at("totalPages"), 0);
  }
}

TEST_F(AvniSimReadsTest, SameOptionsGiveTheSameBytesForEveryKind) {
  Simulator twin(Options());
  const int twin_port = twin.Start();
  ASSERT_GT(twin_port, 0);
  httplib::Client twin_client("127.0.0.1", twin_port);
  for (const char* path :
       {"/api/encounters", "/api/programEnrolments", "/api/programEncounters", "/api/locations"}) {
    const httplib::Params params = {
        {"lastModifiedDateTime", kSince}, {"now", kUntil}, {"size", "100"}};
    auto mine = Get(path, params);
    auto theirs = twin_client.Get(path, params, httplib::Headers{});
    ASSERT_TRUE(mine && theirs);
    EXPECT_EQ(mine->status, 200) << path;
    EXPECT_EQ(mine->body, theirs->body) << path;
  }
  twin.Stop();
}

TEST_F(AvniSimReadsTest, ConceptsFilterMatchesRawValuesAndRefusesUnknownNames) {
  const json all = Page("/api/encounters", {{"now", kUntil}, {"size", "100"}});
  const json& first = all.at("content")[0];
  const std::string value = first.at("observations").at("Concept 1");
  const json matched =
      Page("/api/encounters", {{"now", kUntil}, {"concepts", json{{"Concept 1", value}}.dump()}});
  ASSERT_EQ(matched.at("content").size(), 1u);
  EXPECT_EQ(matched.at("content")[0].at("ID"), first.at("ID"));

  auto unknown = Get("/api/encounters", {{"now", kUntil}, {"concepts", R"({"Nope": "x"})"}});
  EXPECT_EQ(unknown->status, 400);
  EXPECT_NE(unknown->body.find("One of the specified concept(Nope) does not exist"),
            std::string::npos);
  EXPECT_EQ(Get("/api/subjects", {{"concepts", "[1]"}})->status, 400);
}

TEST_F(AvniSimReadsTest, EnrolmentsTakeOnlyAvniServersParameterCombinations) {
  const json window = Page("/api/programEnrolments",
                           {{"lastModifiedDateTime", kSince}, {"now", kUntil}, {"size", "100"}});
  ASSERT_EQ(window.at("content").size(), 6u);
  EXPECT_EQ(
      Page("/api/programEnrolments",
           {{"lastModifiedDateTime", kSince}, {"now", kUntil}, {"program", "Maternal Health"}})
          .at("content")
          .size(),
      6u);
  const std::string subject = window.at("content")[2].at("Subject ID");
  const json by_subject =
      Page("/api/programEnrolments",
           {{"now", kUntil}, {"program", "Maternal Health"}, {"subject", subject}});
  ASSERT_EQ(by_subject.at("content").size(), 1u);
  EXPECT_EQ(by_subject.at("content")[0].at("Subject ID"), subject);

  EXPECT_EQ(Get("/api/programEnrolments", {{"now", kUntil}})->status, 400);
  EXPECT_EQ(
      Get("/api/programEnrolments", {{"now", kUntil}, {"program", "Maternal Health"}})->status,
      400);
  EXPECT_EQ(Get("/api/programEnrolments", {{"now", kUntil}, {"subject", subject}})->status, 400);
  EXPECT_EQ(Get("/api/programEnrolments", {{"lastModifiedDateTime", kSince}})->status, 400);
}

TEST_F(AvniSimReadsTest, ProgramEncountersFilterByEnrolment) {
  const json all = Page("/api/programEncounters", {{"now", kUntil}, {"size", "100"}});
  ASSERT_EQ(all.at("content").size(), 18u);
  const std::string enrolment = all.at("content")[4].at("Enrolment ID");
  EXPECT_EQ(Page("/api/programEncounters", {{"now", kUntil}, {"programEnrolmentId", enrolment}})
                .at("content")
                .size(),
            3u);
}

TEST_F(AvniSimReadsTest, LocationsAreAHierarchyReadInclusivelyAndNeedNow) {
  const json all = Page("/api/locations", {{"now", kUntil}, {"size", "100"}});
  ASSERT_EQ(all.at("content").size(), 19u);  // 1 state, 2 districts, 4 blocks, 12 villages
  const json& village = all.at("content")[18];
  EXPECT_EQ(village.at("Type"), "Village");
  EXPECT_EQ(village.at("Level"), 1);
  EXPECT_EQ(village.at("Parent").at("Type"), "Block");
  EXPECT_EQ(village.at("Parent").at("Parent").at("Parent").at("Title"), "State 1");
  // IsBetween is inclusive: since equal to a location's time still returns it.
  const std::string last_time = village.at("audit").at("Last modified at");
  EXPECT_EQ(Page("/api/locations", {{"lastModifiedDateTime", last_time}, {"now", kUntil}})
                .at("content")
                .size(),
            1u);
  EXPECT_EQ(Page("/api/locations", {}).at("content").size(), 0u);
}

TEST_F(AvniSimReadsTest, LocationIdsIncludeChildren) {
  const json subjects = Page("/api/subjects", {{"size", "100"}});
  const json locations = Page("/api/locations", {{"now", kUntil}, {"size", "100"}});
  const std::string state = locations.at("content")[0].at("ID");
  EXPECT_EQ(Page("/api/subjects", {{"locationIds", state}}).at("content").size(), 6u);
  const std::string village = subjects.at("content")[0].at("Location ID");
  const json in_village = Page("/api/subjects", {{"locationIds", village}});
  ASSERT_GE(in_village.at("content").size(), 1u);
  for (const auto& s : in_village.at("content")) EXPECT_EQ(s.at("Location ID"), village);
}

TEST_F(AvniSimReadsTest, GroupSubjectsAndTasksFilterAsAvniServerDoes) {
  const json subjects = Page("/api/subjects", {{"size", "100"}});
  const json& group = subjects.at("content")[0];
  const json& member = subjects.at("content")[1];
  ASSERT_TRUE(sim_->AddEntity("groupSubjects",
                              {{"ID", "gs-1"},
                               {"Group subject", group},
                               {"Member subject", member},
                               {"Role", "Head of household"},
                               {"Voided", false},
                               {"audit", {{"Last modified at", "2024-05-01T00:00:00.000Z"}}}}));
  EXPECT_EQ(Page("/api/groupSubjects", {{"now", kUntil}, {"groupSubjectId", group.at("ID")}})
                .at("content")
                .size(),
            1u);
  EXPECT_EQ(Page("/api/groupSubjects", {{"now", kUntil}, {"memberSubjectId", group.at("ID")}})
                .at("content")
                .size(),
            0u);
  EXPECT_EQ(Get("/api/groupSubjects", {{"now", kUntil}})->status, 400);

  ASSERT_TRUE(sim_->AddEntity("tasks", {{"ID", "t-1"},
                                        {"Task type", "Call"},
                                        {"Task status", "Completed"},
                                        {"metadata", {{"Phone number", "99"}}},
                                        {"audit", {{"Last modified at", kSince}}}}));
  const auto tasks = [&](const std::string& terminal, const std::string& phone) {
    return Page("/api/tasks", {{"type", "Call"},
                               {"isTerminalStatus", terminal},
                               {"metadata", json{{"Phone number", phone}}.dump()}})
        .at("content")
        .size();
  };
  EXPECT_EQ(tasks("true", "99"), 1u);
  EXPECT_EQ(tasks("false", "99"), 0u);
  EXPECT_EQ(tasks("true", "98"), 0u);
  EXPECT_EQ(Get("/api/tasks", {{"type", "Call"}})->status, 400);
}

}  // namespace
}  // namespace avni::sim
