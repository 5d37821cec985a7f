// Faults as the Avni simulator's (the shared injector): a status for the next N requests, per
// path prefix, dropped connections, malformed bodies, hangs; plus session expiry, and the
// inspection endpoints.

#include "sim_fixture.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

class OpenmrsSimFaultsTest : public OpenmrsSimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.patients = 3;
    options.encounters_per_patient = 1;
    return options;
  }
  void Fault(const std::string& body) {
    auto res = client_->Post("/_sim/faults", body, "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
};

TEST_F(OpenmrsSimFaultsTest, StatusForTheNextNRequestsThenClears) {
  Fault(R"({"status": 503, "count": 2})");
  EXPECT_EQ(Get("/encountertype")->status, 503);
  EXPECT_EQ(Get("/encountertype")->status, 503);
  EXPECT_EQ(Get("/encountertype")->status, 200);
  EXPECT_EQ(SimJson("/_sim/stats").at("faults").at("status"), 0);
}

TEST_F(OpenmrsSimFaultsTest, PathLimitsAFaultToItsPrefix) {
  Fault(R"({"status": 500, "path": "/openmrs/ws/atomfeed/"})");
  EXPECT_EQ(Get("/encountertype")->status, 200);
  EXPECT_EQ(client_->Get("/openmrs/ws/atomfeed/patient/recent", Auth())->status, 500);
}

TEST_F(OpenmrsSimFaultsTest, DropSendsHeadersThenClosesMidBody) {
  Fault(R"({"drop_rate": 1})");
  auto res = Get("/encountertype");
  EXPECT_FALSE(res && res->status == 200 && json::accept(res->body));
}

TEST_F(OpenmrsSimFaultsTest, ALostAnswerAppliesTheWriteAndCutsItsAcknowledgement) {
  Fault(R"({"lost_answer_rate": 1, "count": 1})");
  auto res = Post("/patient", NewPatient("GAN300009"));
  EXPECT_FALSE(res && res->status == 201 && json::accept(res->body));
  // The patient was made all the same: the next call finds it.
  const json found = Json(Get("/patient", {{"identifier", "GAN300009"}}));
  EXPECT_EQ(found.at("results").size(), 1u);
  EXPECT_EQ(SimJson("/_sim/created").at("identifiers").at("GAN300009"), 1);
}

TEST_F(OpenmrsSimFaultsTest, MalformedBodiesAreCutShort) {
  Fault(R"({"malformed_json_rate": 1})");
  auto res = Get("/encountertype");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_FALSE(json::accept(res->body));
}

TEST_F(OpenmrsSimFaultsTest, HangHoldsTheRequestPastAClientTimeout) {
  Fault(R"({"hang_ms": 3000})");
  httplib::Client impatient("127.0.0.1", port_);
  impatient.set_read_timeout(0, 300'000);
  const auto start = std::chrono::steady_clock::now();
  auto res = impatient.Get(std::string(kRest) + "/encountertype", Auth());
  EXPECT_FALSE(res);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(OpenmrsSimFaultsTest, BadFaultFieldsAre400AndChangeNothing) {
  for (const char* body : {R"({"drop_rate": 2})", R"({"path": "openmrs"})", R"({"count": 0})",
                           R"({"expire_sessions": "yes"})", R"({"session_idle_seconds": 0})"}) {
    auto res = client_->Post("/_sim/faults", body, "application/json");
    EXPECT_EQ(res->status, 400) << body;
  }
  EXPECT_EQ(SimJson("/_sim/stats").at("faults").at("drop_rate"), 0);
  EXPECT_EQ(Get("/encountertype")->status, 200);  // the session was not expired
}

TEST_F(OpenmrsSimFaultsTest, StatsCountRequestsPerRouteAndEntities) {
  Get("/encountertype");
  Get("/patient/x");
  Get("/patient/y");
  const json stats = SimJson("/_sim/stats");
  EXPECT_EQ(stats.at("requests").at("GET /openmrs/ws/rest/v1/patient/{uuid}"), 2);
  EXPECT_EQ(stats.at("requests").at("GET /openmrs/ws/rest/v1/encountertype"), 1);
  EXPECT_EQ(stats.at("entities").at("patients"), 3);
  EXPECT_EQ(stats.at("entities").at("encounters"), 3);
  EXPECT_EQ(stats.at("feeds").at("patient"), 3);
  EXPECT_EQ(SimJson("/_sim/entities/patients").at("entities").size(), 3u);
  EXPECT_EQ(SimJson("/_sim/created").at("identifiers").at("GAN200003"), 1);
}

}  // namespace
}  // namespace avni::openmrssim
