// Sign-in as OpenMRS does it: GET session with Basic sets a JSESSIONID; wrong credentials are
// a 200 that says authenticated false; resources without a session are 401 with
// WWW-Authenticate; Basic works on any call; a session that expired (idle, or the /_sim
// switch) is refused with 401 "Session timed out" even with Basic, and a sign-in without the
// old cookie starts a new one; DELETE session signs out.

#include "sim_fixture.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

class OpenmrsSimSessionTest : public OpenmrsSimFixture {};

TEST_F(OpenmrsSimSessionTest, LoginAnswersTheSessionAndSetsItsCookie) {
  httplib::Headers headers = {httplib::make_basic_authentication_header("superman", "Admin123")};
  auto res = client_->Get(std::string(kRest) + "/session", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->get_header_value("Set-Cookie").find("; Path=/openmrs; HttpOnly"),
            std::string::npos);
  const json body = json::parse(res->body);
  EXPECT_EQ(body.at("authenticated"), true);
  EXPECT_EQ(body.at("sessionId"), SessionCookie(*res));
  EXPECT_EQ(body.at("user").at("username"), "superman");
  // The cookie alone is the session from now on.
  const json again = Json(Get("/session"));
  EXPECT_EQ(again.at("authenticated"), true);
  EXPECT_EQ(again.at("sessionId"), cookie_);
}

TEST_F(OpenmrsSimSessionTest, WrongCredentialsAre200WithAuthenticatedFalse) {
  httplib::Headers headers = {httplib::make_basic_authentication_header("superman", "wrong-one-1")};
  auto res = client_->Get(std::string(kRest) + "/session", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json body = json::parse(res->body);
  EXPECT_EQ(body.at("authenticated"), false);
  EXPECT_FALSE(body.contains("user"));
}

TEST_F(OpenmrsSimSessionTest, ResourcesWithoutASessionAre401WithWwwAuthenticate) {
  auto res = client_->Get(std::string(kRest) + "/patient?q=Asha");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Basic realm=\"OpenMRS at /ws/rest\"");
  const json error = json::parse(res->body).at("error");
  EXPECT_EQ(error.at("message"), "User is not logged in [Privileges required: Get Patients]");
  EXPECT_EQ(error.at("detail"), "");
  // Wrong Basic credentials on a resource: the same 401.
  httplib::Headers wrong = {httplib::make_basic_authentication_header("superman", "wrong-one-1")};
  EXPECT_EQ(client_->Get(std::string(kRest) + "/patient?q=Asha", wrong)->status, 401);
}

TEST_F(OpenmrsSimSessionTest, BasicOnEachCallWorksWithoutACookie) {
  httplib::Headers headers = {httplib::make_basic_authentication_header("superman", "Admin123")};
  auto res = client_->Get(std::string(kRest) + "/encountertype", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_FALSE(json::parse(res->body).at("results").empty());
}

TEST_F(OpenmrsSimSessionTest, AnExpiredSessionIs401EvenWithBasicAndALoginWithoutItRecovers) {
  ASSERT_EQ(
      client_->Post("/_sim/faults", R"({"expire_sessions": true})", "application/json")->status,
      200);
  httplib::Headers stale = Auth();
  stale.insert(httplib::make_basic_authentication_header("superman", "Admin123"));
  auto refused = client_->Get(std::string(kRest) + "/session", stale);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401);
  EXPECT_NE(refused->body.find("Session timed out"), std::string::npos);
  EXPECT_EQ(Get("/encountertype")->status, 401);
  // Re-login as a client must: Basic, without the dead cookie.
  cookie_ = Login("superman", "Admin123");
  ASSERT_FALSE(cookie_.empty());
  EXPECT_EQ(Get("/encountertype")->status, 200);
}

TEST_F(OpenmrsSimSessionTest, SessionsExpireAfterTheirIdleTime) {
  ASSERT_EQ(Get("/encountertype")->status, 200);
  sim_->SetNow(kNow + std::chrono::minutes(29));
  ASSERT_EQ(Get("/encountertype")->status, 200);  // used: the idle time starts again
  sim_->SetNow(kNow + std::chrono::minutes(29 + 31));
  auto res = Get("/encountertype");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_NE(res->body.find("Session timed out"), std::string::npos);
  EXPECT_EQ(SimJson("/_sim/stats").at("sessions").at("expired"), 1);
}

TEST_F(OpenmrsSimSessionTest, DeleteSessionSignsOut) {
  auto res = client_->Delete(std::string(kRest) + "/session", Auth());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 204);
  EXPECT_EQ(Get("/encountertype")->status, 401);
}

TEST_F(OpenmrsSimSessionTest, MalformedBasicIs400) {
  // "nocolon" in base64: no user:password pair.
  httplib::Headers headers = {{"Authorization", "Basic bm9jb2xvbg=="}};
  auto res = client_->Get(std::string(kRest) + "/session", headers);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("Invalid credentials provided"), std::string::npos);
}

}  // namespace
}  // namespace avni::openmrssim
