// The Avni client's reads against the simulator: every resource with its filters as sent on
// the wire, the window's fixed `now`, paging to the last page, single entities by ID and
// External ID, and failures classified as the sync engine needs them.

#include <set>

#include "client_fixture.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

json Subject(const std::string& id, Timestamp modified, json external_id = nullptr) {
  return {{"Subject type", "Individual"},
          {"ID", id},
          {"External ID", std::move(external_id)},
          {"Voided", false},
          {"observations", {{"First name", "A"}}},
          {"audit", {{"Last modified at", FormatIso8601(modified)}}}};
}

class AvniReadTest : public AvniClientTest {
 protected:
  void SetUp() override {
    sim::SimOptions options;
    options.subjects = 25;
    options.same_time = 4;
    options.encounters_per_subject = 1;
    options.enrolments_per_subject = 1;
    options.program_encounters_per_enrolment = 1;
    StartSim(options);
    MakeClient(Config(/*auth_enabled=*/false));
  }
  Client& client() { return *client_; }
};

TEST_F(AvniReadTest, PagesOfOneWindowReturnEverySubjectOnceInOrder) {
  ListQuery query;
  query.since = Timestamp{};
  query.now = SystemClock().Now();
  query.size = 7;
  std::vector<std::string> ids;
  std::vector<Timestamp> times;
  for (;; ++query.page) {
    auto page = client().List(Resource::kSubject, query);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->total_pages, 4);
    for (const auto& r : page->records) {
      ids.push_back(r.id);
      ASSERT_TRUE(r.last_modified);
      times.push_back(*r.last_modified);
      EXPECT_FALSE(r.voided);
      EXPECT_EQ(json::parse(r.body).at("ID"), r.id);
    }
    if (page->last) break;
    ASSERT_LT(query.page, 10);
  }
  EXPECT_EQ(query.page, 3);
  EXPECT_EQ(ids.size(), 25u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 25u);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
  // The window's bounds went on the wire as sent, with page and size.
  const json params = LastRequest().at("params");
  EXPECT_EQ(params.at("lastModifiedDateTime"), FormatIso8601(Timestamp{}));
  EXPECT_EQ(params.at("now"), FormatIso8601(*query.now));
  EXPECT_EQ(params.at("page"), "3");
  EXPECT_EQ(params.at("size"), "7");
}

TEST_F(AvniReadTest, TheWindowIsStrictAtBothEnds) {
  const Timestamp t = FromEpochMillis(1'750'000'000'000);
  ASSERT_TRUE(sim_->AddSubject(Subject("s-at-since", t)));
  ASSERT_TRUE(sim_->AddSubject(Subject("s-inside", t + milliseconds(1))));
  ASSERT_TRUE(sim_->AddSubject(Subject("s-at-now", t + milliseconds(2))));
  auto page = client().List(Resource::kSubject, ListQuery{.since = t, .now = t + milliseconds(2)});
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].id, "s-inside");
  auto empty =
      client().List(Resource::kSubject, ListQuery{.since = t + seconds(1), .now = t + seconds(2)});
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_TRUE(empty->records.empty());
  EXPECT_TRUE(empty->last);
}

TEST_F(AvniReadTest, EveryResourceIsReadWithItsFiltersOnTheWire) {
  const Timestamp now = SystemClock().Now();
  struct Case {
    Resource resource;
    std::string path;
    std::vector<std::pair<std::string, std::string>> filters;
  };
  const std::vector<Case> cases = {
      {Resource::kSubject, "/api/subjects", {{"subjectType", "Individual"}}},
      {Resource::kEncounter, "/api/encounters", {}},
      {Resource::kProgramEnrolment, "/api/programEnrolments", {}},
      {Resource::kProgramEncounter, "/api/programEncounters", {}},
      {Resource::kGroupSubject, "/api/groupSubjects", {}},
      {Resource::kLocation, "/api/locations", {}},
  };
  for (const auto& c : cases) {
    auto page = client().List(c.resource,
                              ListQuery{.since = Timestamp{}, .now = now, .filters = c.filters});
    ASSERT_TRUE(page) << c.path << ": " << page.error().message;
    const json sent = LastRequest();
    EXPECT_EQ(sent.at("path"), c.path);
    for (const auto& [name, value] : c.filters) EXPECT_EQ(sent.at("params").at(name), value);
    if (c.resource == Resource::kSubject || c.resource == Resource::kEncounter ||
        c.resource == Resource::kProgramEnrolment || c.resource == Resource::kProgramEncounter) {
      EXPECT_EQ(page->records.size(), 25u) << c.path;
    }
  }
  auto partial = client().List(Resource::kTask, ListQuery{.filters = {{"type", "Call"}}});
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().field, "filters.isTerminalStatus");
  auto tasks = client().List(
      Resource::kTask,
      ListQuery{.filters = {{"type", "Call"}, {"isTerminalStatus", "false"}, {"metadata", "{}"}}});
  ASSERT_TRUE(tasks) << tasks.error().message;
  EXPECT_EQ(LastRequest().at("path"), "/api/tasks");
  EXPECT_FALSE(LastRequest().at("params").contains("now"));
}

TEST_F(AvniReadTest, AFilterValueIsEncodedSoJsonAndPlusSignsArriveIntact) {
  const std::string concepts = R"({"Concept 1":"a+b & c"})";
  auto page = client().List(Resource::kSubject,
                            ListQuery{.since = Timestamp{}, .filters = {{"concepts", concepts}}});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(LastRequest().at("params").at("concepts"), concepts);
  EXPECT_TRUE(page->records.empty());  // no subject has that value
}

TEST_F(AvniReadTest, FiltersAResourceDoesNotTakeAreRefusedBeforeSending) {
  const auto before = SimGet("/_sim/stats").at("requests");
  auto bad = client().List(Resource::kSubject,
                           ListQuery{.since = Timestamp{}, .filters = {{"encounterType", "X"}}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "filters.encounterType");
  EXPECT_NE(bad.error().message.find("subjectType"), std::string::npos) << bad.error().message;
  // Program enrolments: only lmdt, lmdt + program, or program + subject.
  auto subject_only = client().List(Resource::kProgramEnrolment,
                                    ListQuery{.since = Timestamp{}, .filters = {{"subject", "x"}}});
  ASSERT_FALSE(subject_only);
  EXPECT_EQ(subject_only.error().field, "filters");
  auto nothing = client().List(Resource::kProgramEnrolment, ListQuery{});
  ASSERT_FALSE(nothing);
  // The allowed combination is sent (what Avni answers for it is the simulator's business).
  (void)client().List(Resource::kProgramEnrolment,
                      ListQuery{.filters = {{"program", "P"}, {"subject", "x"}}});
  EXPECT_EQ(LastRequest().at("path"), "/api/programEnrolments");
  EXPECT_EQ(SimGet("/_sim/stats").at("requests").value("/api/subjects", 0),
            before.value("/api/subjects", 0));
}

TEST_F(AvniReadTest, AnUnknownConceptInTheFilterIsADataError) {
  auto page = client().List(
      Resource::kSubject,
      ListQuery{.since = Timestamp{}, .filters = {{"concepts", R"({"No such concept":"1"})"}}});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidArgument) << page.error().message;
  EXPECT_NE(page.error().message.find("GET /api/subjects"), std::string::npos);
}

TEST_F(AvniReadTest, OneEntityByIdOrExternalIdAndNulloptWhenMissing) {
  const Timestamp t = FromEpochMillis(1'750'000'000'000);
  ASSERT_TRUE(sim_->AddSubject(Subject("uuid-1", t, "EXT-1")));
  for (const std::string key : {"uuid-1", "EXT-1"}) {
    auto found = client().Get(Resource::kSubject, key);
    ASSERT_TRUE(found) << found.error().message;
    ASSERT_TRUE(*found);
    EXPECT_EQ((*found)->id, "uuid-1");
    EXPECT_EQ((*found)->external_id, "EXT-1");
    EXPECT_EQ((*found)->last_modified, t);
  }
  auto missing = client().Get(Resource::kSubject, "no-such");
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(*missing);
  auto encounter = client().Get(Resource::kEncounter, "no-such");
  ASSERT_TRUE(encounter) << encounter.error().message;
  EXPECT_FALSE(*encounter);
}

TEST_F(AvniReadTest, OutagesAndBrokenAnswersAreAvailabilityFailures) {
  const ListQuery query{.since = Timestamp{}};
  SimPost("/_sim/faults", {{"status", 503}, {"rate", 1.0}});
  auto unavailable = client().List(Resource::kSubject, query);
  ASSERT_FALSE(unavailable);
  EXPECT_EQ(unavailable.error().code, ErrorCode::kUnavailable);
  SimPost("/_sim/faults", {{"status", 500}, {"rate", 1.0}});
  auto failed = client().List(Resource::kSubject, query);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable) << failed.error().message;
  control_->Delete("/_sim/faults");

  SimPost("/_sim/faults", {{"malformed_json_rate", 1.0}});
  auto malformed = client().List(Resource::kSubject, query);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, ErrorCode::kUnavailable);
  control_->Delete("/_sim/faults");

  SimPost("/_sim/faults", {{"drop_rate", 1.0}});
  auto dropped = client().List(Resource::kSubject, query);
  ASSERT_FALSE(dropped);
  EXPECT_EQ(dropped.error().code, ErrorCode::kUnavailable);
  control_->Delete("/_sim/faults");

  http::ClientOptions quick = testing::LoopbackClientOptions();
  quick.read_timeout = milliseconds(300);
  Client& impatient = MakeClient(Config(false), quick);
  SimPost("/_sim/faults", {{"hang_ms", 5000}, {"hang_rate", 1.0}});
  const auto t0 = std::chrono::steady_clock::now();
  auto hung = impatient.List(Resource::kSubject, query);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().code, ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, seconds(3));
  control_->Delete("/_sim/faults");
  auto again = impatient.List(Resource::kSubject, query);
  EXPECT_TRUE(again) << again.error().message;
}

}  // namespace
}  // namespace avni::avniapi
