// The Avni simulator's subject reads, called over loopback as a client would: the watermark
// contract (strict `> since`, strict `< now`, `now` = server time - 10 s), the (time, row id)
// order, paging and the totalElements quirk, errors, lookups by id, determinism and faults.

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "avnisim/simulator.hpp"
#include "common/time.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

Timestamp At(const std::string& iso) { return *ParseIso8601(iso); }

json MakeSubject(const std::string& id, Timestamp modified, json external_id = nullptr,
                 const std::string& type = "Individual") {
  return {{"Subject type", type},
          {"ID", id},
          {"External ID", std::move(external_id)},
          {"Voided", false},
          {"observations", {{"First name", "A"}}},
          {"audit", {{"Last modified at", FormatIso8601(modified)}}}};
}

std::vector<std::string> Ids(const json& page) {
  std::vector<std::string> ids;
  for (const auto& subject : page.at("content")) ids.push_back(subject.at("ID"));
  return ids;
}

class AvniSimSubjectsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sim_.SetNow(kNow);
    port_ = sim_.Start();
    ASSERT_GT(port_, 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(5, 0);
  }

  httplib::Result Get(const std::string& path, const httplib::Params& params = {}) {
    return client_->Get(path, params, httplib::Headers{});
  }

  // One 200 page as JSON; fails the test on anything else.
  json Page(const httplib::Params& params) {
    auto res = Get("/api/subjects", params);
    EXPECT_TRUE(res);
    if (!res) return json::object();
    EXPECT_EQ(res->status, 200) << res->body;
    return json::parse(res->body);
  }

  const Timestamp kNow = At("2024-06-01T00:00:00.000Z");
  const Timestamp kT = At("2024-03-01T10:11:12.123Z");
  Simulator sim_{SimOptions{}};
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(AvniSimSubjectsTest, SinceIsStrictSoASubjectExactlyAtSinceIsExcluded) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("at-since", kT)));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("one-ms-later", kT + milliseconds(1))));
  const json page = Page({{"lastModifiedDateTime", FormatIso8601(kT)}});
  EXPECT_EQ(Ids(page), std::vector<std::string>{"one-ms-later"});
}

TEST_F(AvniSimSubjectsTest, NowIsStrictSoASubjectExactlyAtNowIsExcluded) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("at-now", kT)));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("one-ms-before", kT - milliseconds(1))));
  const json page =
      Page({{"lastModifiedDateTime", "2024-01-01T00:00:00.000Z"}, {"now", FormatIso8601(kT)}});
  EXPECT_EQ(Ids(page), std::vector<std::string>{"one-ms-before"});
}

TEST_F(AvniSimSubjectsTest, NowDefaultsToServerTimeMinusTenSeconds) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("five-s-ago", kNow - seconds(5))));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("exactly-ten-s-ago", kNow - seconds(10))));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("eleven-s-ago", kNow - seconds(11))));
  const json page = Page({{"lastModifiedDateTime", "2024-01-01T00:00:00.000Z"}});
  EXPECT_EQ(Ids(page), std::vector<std::string>{"eleven-s-ago"});

  // Once the server clock moves on, the held-back subjects come into the window.
  sim_.SetNow(kNow + seconds(11));
  EXPECT_EQ(
      Page({{"lastModifiedDateTime", FormatIso8601(kNow - seconds(11))}}).at("content").size(), 2u);
}

TEST_F(AvniSimSubjectsTest, WithoutLastModifiedDateTimeTheWindowStartsAtTheEpoch) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("old", At("1990-05-05T00:00:00.000Z"))));
  EXPECT_EQ(Ids(Page({})), std::vector<std::string>{"old"});
}

TEST_F(AvniSimSubjectsTest, OrdersByTimeThenInternalIdWhenSubjectsShareAMillisecond) {
  // avni-server's tie-break is its row id, which the API does not show: creation order, not
  // ID order. A replaced subject keeps its row.
  for (const char* id : {"c", "a", "d", "b"}) ASSERT_TRUE(sim_.AddSubject(MakeSubject(id, kT)));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("0-earlier", kT - milliseconds(1))));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("0-later", kT + milliseconds(1))));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("a", kT)));
  const json page = Page({});
  EXPECT_EQ(Ids(page), (std::vector<std::string>{"0-earlier", "c", "a", "d", "b", "0-later"}));
}

TEST_F(AvniSimSubjectsTest, PagingOneWindowWithAFixedNowReturnsEverySubjectOnce) {
  sim_.Generate(95, 7, 10);  // groups of 10 share a millisecond, so pages split groups
  std::vector<std::string> seen;
  std::string previous;  // the last subject's time
  const std::string now = FormatIso8601(kNow);
  for (int p = 0; p < 10; ++p) {
    const json page = Page({{"lastModifiedDateTime", "2000-01-01T00:00:00.000Z"},
                            {"now", now},
                            {"page", std::to_string(p)},
                            {"size", "10"}});
    EXPECT_EQ(page.at("totalPages"), 10);
    EXPECT_EQ(page.at("pageSize"), 10);
    // The quirk: the count on this page, so the last page says 5, not 95.
    EXPECT_EQ(page.at("totalElements"), p < 9 ? 10 : 5);
    EXPECT_EQ(page.at("totalElements"), page.at("content").size());
    for (const auto& subject : page.at("content")) {
      const std::string time = subject.at("audit").at("Last modified at");
      EXPECT_LE(previous, time) << "order must be by last modified across pages";
      previous = time;
      seen.push_back(subject.at("ID"));
    }
  }
  EXPECT_EQ(seen.size(), 95u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 95u);
  const json past_end = Page({{"now", now}, {"page", "10"}, {"size", "10"}});
  EXPECT_EQ(past_end.at("content").size(), 0u);
  EXPECT_EQ(past_end.at("totalElements"), 0);
}

TEST_F(AvniSimSubjectsTest, AnEmptyWindowHasNoContentAndNoPages) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("x", kT)));
  const json page = Page({{"lastModifiedDateTime", FormatIso8601(kT + seconds(1))}});
  EXPECT_EQ(page.at("content"), json::array());
  EXPECT_EQ(page.at("totalElements"), 0);
  EXPECT_EQ(page.at("totalPages"), 0);
  EXPECT_EQ(page.at("pageSize"), 20);
}

TEST_F(AvniSimSubjectsTest, MalformedTimesAre400WithAMessageNamingTheParameter) {
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"lastModifiedDateTime", "yesterday"},
           {"lastModifiedDateTime", "2024-13-01T00:00:00.000Z"},
           {"now", "2024-02-30T00:00:00Z"},
           {"now", "2024-01-01 00:00:00"}}) {
    auto res = Get("/api/subjects", {{name, value}});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << name << "=" << value;
    EXPECT_NE(res->body.find(name), std::string::npos) << res->body;
    EXPECT_NE(res->body.find(value), std::string::npos) << res->body;
  }
}

TEST_F(AvniSimSubjectsTest, TimesWithAnOffsetOrWithoutMillisecondsAreAccepted) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("x", At("2024-03-01T10:00:00.000Z"))));
  // 15:29:59+05:30 is 09:59:59Z: before x. 15:30:00+05:30 is exactly x: excluded.
  EXPECT_EQ(Page({{"lastModifiedDateTime", "2024-03-01T15:29:59+05:30"}}).at("content").size(), 1u);
  EXPECT_EQ(Page({{"lastModifiedDateTime", "2024-03-01T15:30:00.000+05:30"}}).at("content").size(),
            0u);
}

TEST_F(AvniSimSubjectsTest, PageAndSizeAreParsedLenientlyAsSpringDataDoes) {
  sim_.Generate(30, 3, 1);
  EXPECT_EQ(Page({{"page", "abc"}, {"size", "5"}}).at("content"),
            Page({{"page", "0"}, {"size", "5"}}).at("content"));
  EXPECT_EQ(Page({{"page", "-3"}, {"size", "5"}}).at("content"),
            Page({{"page", "0"}, {"size", "5"}}).at("content"));
  EXPECT_EQ(Page({{"size", "0"}}).at("pageSize"), 20);
  EXPECT_EQ(Page({{"size", "many"}}).at("pageSize"), 20);
  const json capped = Page({{"size", "5000"}});
  EXPECT_EQ(capped.at("pageSize"), 2000);
  EXPECT_EQ(capped.at("totalElements"), 30);
}

TEST_F(AvniSimSubjectsTest, SubjectTypeFiltersByTypeName) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("person", kT)));
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("house", kT, nullptr, "Household")));
  EXPECT_EQ(Ids(Page({{"subjectType", "Household"}})), std::vector<std::string>{"house"});
  EXPECT_EQ(Page({}).at("content").size(), 2u);
  // avni-server binds no `subjectTypeName`: it filters nothing.
  EXPECT_EQ(Page({{"subjectTypeName", "Individual"}}).at("content").size(), 2u);
}

TEST_F(AvniSimSubjectsTest, OneSubjectByIdOrExternalIdElse404) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("4a0e6a0c-uuid", kT, "EXT-7")));
  for (const char* key : {"4a0e6a0c-uuid", "EXT-7"}) {
    auto res = Get(std::string("/api/subject/") + key);
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << key;
    EXPECT_EQ(json::parse(res->body).at("ID"), "4a0e6a0c-uuid");
  }
  auto missing = Get("/api/subject/nobody");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(AvniSimSubjectsTest, TouchMovesASubjectToItsNewWindow) {
  ASSERT_TRUE(sim_.AddSubject(MakeSubject("s", kT)));
  ASSERT_TRUE(sim_.Touch("s", kT + seconds(60)));
  EXPECT_EQ(Page({{"lastModifiedDateTime", FormatIso8601(kT + seconds(30))}}).at("content").size(),
            1u);
  EXPECT_EQ(Page({{"now", FormatIso8601(kT + seconds(30))}}).at("content").size(), 0u);
  EXPECT_FALSE(sim_.Touch("nobody", kT));
}

TEST_F(AvniSimSubjectsTest, GeneratedDataIsDeterministicAndShaped) {
  Simulator other{SimOptions{.subjects = 40, .seed = 11, .same_time = 4}};
  other.SetNow(kNow);
  const int other_port = other.Start();
  ASSERT_GT(other_port, 0);
  sim_.Generate(40, 11, 4);
  httplib::Client other_client("127.0.0.1", other_port);
  auto mine = Get("/api/subjects");
  auto theirs = other_client.Get("/api/subjects");
  ASSERT_TRUE(mine && theirs);
  EXPECT_EQ(mine->body, theirs->body);

  sim_.Generate(40, 12, 4);
  auto reseeded = Get("/api/subjects");
  ASSERT_TRUE(reseeded);
  EXPECT_NE(reseeded->body, mine->body);

  const json page = json::parse(mine->body);
  ASSERT_EQ(page.at("content").size(), 20u);
  for (std::size_t i = 0; i < 20; ++i) {
    const json& s = page.at("content")[i];
    EXPECT_EQ(s.at("Subject type"), "Individual");
    EXPECT_EQ(s.at("ID").get<std::string>().size(), 36u);
    for (const char* key : {"First name", "Last name", "Date of birth", "Gender", "Concept 5"}) {
      EXPECT_TRUE(s.at("observations").contains(key)) << key;
    }
    const std::string modified = s.at("audit").at("Last modified at");
    EXPECT_EQ(modified.size(), 24u) << modified;  // 2024-01-01T00:00:00.123Z
    EXPECT_TRUE(ParseIso8601(modified).has_value());
    // Groups of four share a millisecond; the next group is later.
    const std::string group_first =
        page.at("content")[i - i % 4].at("audit").at("Last modified at");
    EXPECT_EQ(modified, group_first);
    if (i % 4 == 0 && i > 0) {
      EXPECT_LT(page.at("content")[i - 1].at("audit").at("Last modified at").get<std::string>(),
                modified);
    }
  }
  other.Stop();
}

TEST_F(AvniSimSubjectsTest, AStatusFaultAtRateOneFailsEveryCallUntilCleared) {
  auto set = client_->Post("/_sim/faults", R"({"status": 503, "rate": 1.0})", "application/json");
  ASSERT_TRUE(set);
  ASSERT_EQ(set->status, 200) << set->body;
  for (int i = 0; i < 5; ++i) {
    auto res = Get("/api/subjects");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
  }
  auto res = Get("/api/subject/anything");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);

  ASSERT_TRUE(client_->Delete("/_sim/faults"));
  auto after = Get("/api/subjects");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(AvniSimSubjectsTest, AFaultRateIsDeterministicForASeed) {
  auto run = [&] {
    client_->Post("/_sim/faults", R"({"status": 500, "rate": 0.5, "seed": 42})",
                  "application/json");
    std::string outcome;
    for (int i = 0; i < 40; ++i) outcome += Get("/api/subjects")->status == 500 ? 'F' : '.';
    return outcome;
  };
  const std::string first = run();
  EXPECT_EQ(run(), first);
  EXPECT_NE(first.find('F'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

TEST_F(AvniSimSubjectsTest, LatencyFaultDelaysAnswers) {
  ASSERT_TRUE(client_->Post("/_sim/faults", R"({"latency_ms": 200})", "application/json"));
  const auto start = std::chrono::steady_clock::now();
  auto res = Get("/api/subjects");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_GE(elapsed, milliseconds(200));
}

TEST_F(AvniSimSubjectsTest, MalformedJsonFaultCutsTheBody) {
  sim_.Generate(5, 1, 1);
  ASSERT_TRUE(client_->Post("/_sim/faults", R"({"malformed_json_rate": 1})", "application/json"));
  auto res = Get("/api/subjects");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_FALSE(json::accept(res->body));
}

TEST_F(AvniSimSubjectsTest, BadFaultRequestsAre400AndChangeNothing) {
  for (const auto& [body, field] :
       std::vector<std::pair<std::string, std::string>>{{R"({"status": 503, "rate": 2})", "rate"},
                                                        {R"({"status": "x"})", "status"},
                                                        {R"({"latency_ms": -1})", "latency_ms"},
                                                        {"not json", "body"}}) {
    auto res = client_->Post("/_sim/faults", body, "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << body;
    EXPECT_TRUE(res->body.starts_with(field + ":")) << res->body;
  }
  auto ok = Get("/api/subjects");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST(AvniSimGeneratorTest, SubjectsCanCarryAnIdentifierCountingUp) {
  SimOptions options;
  options.subjects = 3;
  options.identifier_concept = "Registration Number";
  Simulator sim(options);
  sim.SetNow(At("2024-06-01T00:00:00.000Z"));
  const int port = sim.Start();
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/subjects", httplib::Params{}, httplib::Headers{});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::set<std::string> identifiers;
  const json page = json::parse(res->body);
  for (const auto& subject : page.at("content")) {
    identifiers.insert(subject.at("observations").value("Registration Number", ""));
  }
  EXPECT_EQ(identifiers, (std::set<std::string>{"100001", "100002", "100003"}));
  sim.Stop();
}

TEST_F(AvniSimSubjectsTest, StatsCountRequestsPerRoute) {
  Get("/api/subjects");
  Get("/api/subjects", {{"page", "1"}});
  Get("/api/subject/a");
  Get("/api/subject/b");
  Get("/api/subject/c");
  auto res = Get("/_sim/stats");
  ASSERT_TRUE(res);
  const json stats = json::parse(res->body);
  EXPECT_EQ(stats.at("requests").at("/api/subjects"), 2);
  EXPECT_EQ(stats.at("requests").at("/api/subject/{id}"), 3);
  EXPECT_FALSE(stats.at("requests").contains("/_sim/stats"));
}

}  // namespace
}  // namespace avni::sim
