// The simulator's network faults (hang, drop, path prefix, count) and its inspection endpoints
// (/_sim/requests, /_sim/entities, /_sim/stats).

#include "sim_fixture.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

class AvniSimFaultsTest : public SimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.subjects = 3;
    return options;
  }
  void Fault(const std::string& body) {
    auto res = client_->Post("/_sim/faults", body, "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
};

TEST_F(AvniSimFaultsTest, HangHoldsTheRequestPastAClientTimeout) {
  Fault(R"({"hang_ms": 3000, "hang_rate": 1})");
  httplib::Client impatient("127.0.0.1", port_);
  impatient.set_read_timeout(0, 300'000);
  const auto start = std::chrono::steady_clock::now();
  auto res = impatient.Get("/api/subjects");
  EXPECT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::Read);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(AvniSimFaultsTest, DropSendsHeadersThenClosesMidBody) {
  Fault(R"({"drop_rate": 1})");
  auto res = Get("/api/subjects");
  EXPECT_FALSE(res && res->status == 200 && json::accept(res->body));
}

TEST_F(AvniSimFaultsTest, ALostAnswerAppliesTheWriteAndCutsItsAcknowledgement) {
  Fault(R"({"lost_answer_rate": 1, "count": 1})");
  auto res = Send("POST", "/api/subject", NewSubject("ext-lost"));
  EXPECT_FALSE(res && res->status == 200 && json::accept(res->body));
  // The subject was written all the same: the next call finds it.
  const json found = Json(Get("/api/subject/ext-lost"));
  EXPECT_EQ(found.at("External ID"), "ext-lost");
  EXPECT_EQ(Json(Get("/_sim/stats")).at("entities").at("subjects"), 4);
}

TEST_F(AvniSimFaultsTest, CountClearsTheFaultAfterNRequests) {
  Fault(R"({"status": 503, "count": 2})");
  EXPECT_EQ(Get("/api/subjects")->status, 503);
  EXPECT_EQ(Get("/api/subjects")->status, 503);
  EXPECT_EQ(Get("/api/subjects")->status, 200);
  EXPECT_EQ(Json(Get("/_sim/stats")).at("faults").at("status"), 0);
}

TEST_F(AvniSimFaultsTest, PathLimitsAFaultToItsPrefix) {
  Fault(R"({"status": 502, "path": "/api/subject/"})");
  EXPECT_EQ(Get("/api/subjects")->status, 200);
  EXPECT_EQ(Get("/api/subject/x")->status, 502);
}

TEST_F(AvniSimFaultsTest, BadFaultFieldsAre400) {
  for (const char* body : {R"({"hang_ms": -1})", R"({"drop_rate": 2})", R"({"path": "api"})",
                           R"({"count": 0})", R"({"expire_tokens": "yes"})"}) {
    auto res = client_->Post("/_sim/faults", body, "application/json");
    EXPECT_EQ(res->status, 400) << body;
  }
  EXPECT_EQ(Json(Get("/_sim/stats")).at("faults").at("drop_rate"), 0);
}

TEST_F(AvniSimFaultsTest, RequestsLogShowsWhatAClientSent) {
  Get("/api/subjects", {{"page", "1"}}, {{"USER-NAME", "admin@sim"}, {"AUTH-TOKEN", "t"}});
  Send("POST", "/api/subject", {{"First name", "A"}});
  const json log = Json(Get("/_sim/requests", {{"limit", "2"}})).at("requests");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].at("method"), "GET");
  EXPECT_EQ(log[0].at("params").at("page"), "1");
  EXPECT_EQ(log[0].at("userName"), "admin@sim");
  EXPECT_EQ(log[0].at("authToken"), true);
  EXPECT_EQ(log[1].at("method"), "POST");
  EXPECT_EQ(log[1].at("authToken"), false);
  EXPECT_EQ(json::parse(log[1].at("body").get<std::string>()).at("First name"), "A");
}

TEST_F(AvniSimFaultsTest, EntitiesAndStatsShowEverythingStored) {
  EXPECT_EQ(Entities("subjects").size(), 3u);
  EXPECT_EQ(Entities("locations").size(), 19u);
  EXPECT_EQ(Entities("subject"), Entities("subjects"));
  EXPECT_EQ(Get("/_sim/entities/cows")->status, 404);
  const json task = {{"ID", "t-9"}, {"audit", {{"Last modified at", "2024-01-01T00:00:00Z"}}}};
  auto refused = client_->Post("/_sim/entities/tasks", json::array({task, {{"ID", "t-10"}}}).dump(),
                               "application/json");
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(Entities("tasks").size(), 0u);
  EXPECT_EQ(client_->Post("/_sim/entities/tasks", task.dump(), "application/json")->status, 200);
  EXPECT_EQ(Entities("tasks").size(), 1u);
  Send("DELETE", "/api/subject/" + Entities("subjects")[0].at("ID").get<std::string>(),
       json::object());
  EXPECT_EQ(Entities("subjects").size(), 3u);  // voided, still there
  const json stats = Json(Get("/_sim/stats"));
  EXPECT_EQ(stats.at("requests").at("DELETE /api/subject/{id}"), 1);
  EXPECT_EQ(stats.at("entities").at("locations"), 19);
}

}  // namespace
}  // namespace avni::sim
