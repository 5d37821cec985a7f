// The Avni client's configuration and logins against the simulator: USER-NAME without an
// identity provider, Keycloak's password grant, the token cache, renewal before `exp`, and one
// new login when Avni says the token has expired.

#include <map>

#include "client_fixture.hpp"
#include "common/taxonomy.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;
using std::chrono::seconds;

using ConfigValue = TenantConfig::Value;

Result<AvniConfig> ReadFrom(TenantConfig::Values values) {
  return ReadAvniConfig(TenantConfig(std::move(values)));
}

TEST(AvniConfigTest, ReadsEveryKeyAndTrimsTheUrl) {
  auto config = ReadFrom({{"avni_api_url", {"https://avni.example.org/", false}},
                          {"avni_user", {"integration@org", false}},
                          {"avni_password", {"s3cret", true}},
                          {"avni_read_lag_seconds", {"30", false}},
                          {"avni_organisation_uuid", {"org-1", false}}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->api_url, "https://avni.example.org");
  EXPECT_EQ(config->password, "s3cret");
  EXPECT_TRUE(config->auth_enabled);
  EXPECT_EQ(config->read_lag, seconds(30));
  EXPECT_EQ(config->organisation_uuid, "org-1");
}

TEST(AvniConfigTest, BadValuesNameTheKeyAndNeverEchoThePassword) {
  const ConfigValue url{"https://avni.example.org", false}, user{"u@org", false};
  struct Case {
    TenantConfig::Values values;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"avni_user", user}, {"avni_password", {"p", true}}}, "avni_api_url"},
      {{{"avni_api_url", {"ftp://x", false}}, {"avni_user", user}}, "avni_api_url"},
      {{{"avni_api_url", url}, {"avni_password", {"p", true}}}, "avni_user"},
      {{{"avni_api_url", url}, {"avni_user", user}}, "avni_password"},
      {{{"avni_api_url", url}, {"avni_user", user}, {"avni_password", {"plain-pw", false}}},
       "avni_password"},
      {{{"avni_api_url", url}, {"avni_user", user}, {"avni_auth_enabled", {"yes", false}}},
       "avni_auth_enabled"},
      {{{"avni_api_url", url},
        {"avni_user", user},
        {"avni_password", {"p", true}},
        {"avni_read_lag_seconds", {"-1", false}}},
       "avni_read_lag_seconds"},
  };
  for (const auto& c : cases) {
    auto config = ReadFrom(c.values);
    ASSERT_FALSE(config) << c.field;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(config.error().field, c.field);
    EXPECT_NE(config.error().message.find(c.field), std::string::npos) << config.error().message;
    EXPECT_EQ(config.error().message.find("plain-pw"), std::string::npos);
  }
  // Without login, no password is needed.
  auto open = ReadFrom(
      {{"avni_api_url", url}, {"avni_user", user}, {"avni_auth_enabled", {"false", false}}});
  ASSERT_TRUE(open) << open.error().message;
  EXPECT_FALSE(open->auth_enabled);
}

TEST_F(AvniClientTest, WithoutAuthEveryRequestCarriesUserNameAndNoToken) {
  sim::SimOptions options;
  options.subjects = 3;
  StartSim(options);
  Client& client = MakeClient(Config(/*auth_enabled=*/false));
  auto mode = client.Login();
  ASSERT_TRUE(mode) << mode.error().message;
  EXPECT_EQ(*mode, "none");
  ListQuery query;
  query.since = Timestamp{};
  auto page = client.List(Resource::kSubject, query);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->records.size(), 3u);
  const json sent = LastRequest();
  EXPECT_EQ(sent.at("userName"), "admin@sim");
  EXPECT_EQ(sent.at("authToken"), false);
  EXPECT_EQ(SimGet("/_sim/stats").at("requests").value("/idp-details", 0), 0);
}

TEST_F(AvniClientTest, AnIdpOfNoneIsAskedOnceThenUserNameIsSent) {
  StartSim({});
  Client& client = MakeClient(Config());
  for (int i = 0; i < 3; ++i) {
    auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
    ASSERT_TRUE(page) << page.error().message;
  }
  EXPECT_EQ(LastRequest().at("userName"), "admin@sim");
  EXPECT_EQ(client.Stats().logins, 0);
}

TEST_F(AvniClientTest, KeycloakLogsInOnceAndSendsTheTokenOnEveryCall) {
  sim::SimOptions options;
  options.subjects = 2;
  options.auth.idp = "keycloak";
  StartSim(options);
  Client& client = MakeClient(Config());
  auto mode = client.Login();
  ASSERT_TRUE(mode) << mode.error().message;
  EXPECT_EQ(*mode, "keycloak");
  for (int i = 0; i < 5; ++i) {
    auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->records.size(), 2u);
  }
  EXPECT_EQ(client.Stats().logins, 1);
  const json sent = LastRequest();
  EXPECT_EQ(sent.at("authToken"), true);
  EXPECT_TRUE(sent.at("userName").is_null());
}

TEST_F(AvniClientTest, AWrongKeycloakPasswordIsUnauthenticatedNamingTheUserNotThePassword) {
  sim::SimOptions options;
  options.auth.idp = "keycloak";
  StartSim(options);
  AvniConfig config = Config();
  config.password = "wrong-Pa55";
  Client& client = MakeClient(config);
  auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(page.error().message.find("admin@sim"), std::string::npos) << page.error().message;
  EXPECT_EQ(page.error().message.find("wrong-Pa55"), std::string::npos);
  // Nothing reached the API with a bad login.
  EXPECT_EQ(SimGet("/_sim/stats").at("requests").value("/api/subjects", 0), 0);
}

TEST_F(AvniClientTest, ATokenIsRenewedBeforeItsExpiry) {
  sim::SimOptions options;
  options.auth.idp = "keycloak";
  options.auth.token_ttl_seconds = 600;
  StartSim(options);
  Client& client = MakeClient(Config());
  ASSERT_TRUE(client.List(Resource::kSubject, ListQuery{.since = Timestamp{}}));
  clock_.Advance(seconds(500));  // 100 s left: still beyond the 60 s margin
  ASSERT_TRUE(client.List(Resource::kSubject, ListQuery{.since = Timestamp{}}));
  EXPECT_EQ(client.Stats().logins, 1);
  clock_.Advance(seconds(50));  // 50 s left: renewed before it is sent
  ASSERT_TRUE(client.List(Resource::kSubject, ListQuery{.since = Timestamp{}}));
  EXPECT_EQ(client.Stats().logins, 2);
  EXPECT_EQ(client.Stats().retried_after_auth_failure, 0);
}

TEST_F(AvniClientTest, AnExpiredTokenIsReplacedOnceAndTheCallSucceeds) {
  sim::SimOptions options;
  options.subjects = 4;
  options.auth.idp = "keycloak";
  StartSim(options);
  Client& client = MakeClient(Config());
  ASSERT_TRUE(client.List(Resource::kSubject, ListQuery{.since = Timestamp{}}));
  SimPost("/_sim/faults", {{"expire_tokens", true}});
  auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->records.size(), 4u);
  EXPECT_EQ(client.Stats().logins, 2);
  EXPECT_EQ(client.Stats().retried_after_auth_failure, 1);
}

TEST_F(AvniClientTest, ARefusalThatOutlivesTheNewLoginIsNotRetriedForever) {
  sim::SimOptions options;
  options.auth.idp = "keycloak";
  StartSim(options);
  Client& client = MakeClient(Config());
  ASSERT_TRUE(client.Login());
  SimPost("/_sim/faults", {{"status", 401}, {"rate", 1.0}, {"path", "/api/"}});
  auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kUnauthenticated);  // availability: retried later
  EXPECT_EQ(SimGet("/_sim/stats").at("requests").value("/api/subjects", 0), 2);
  EXPECT_EQ(client.Stats().logins, 2);
}

TEST_F(AvniClientTest, ALoopbackServerIsRefusedAsAnOutageNamingTheKeyAndTheFlag) {
  sim::SimOptions options;
  options.auth.idp = "keycloak";
  StartSim(options);
  // With a login (the first call is /idp-details) and without (the first is the read itself).
  for (const bool auth : {true, false}) {
    SCOPED_TRACE(auth ? "login" : "USER-NAME");
    Client& client = MakeClient(Config(auth), http::ClientOptions{});
    auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
    ASSERT_FALSE(page) << "a loopback Avni was called under the default policy";
    // An availability failure: the run fails with this message; no record is parked for it.
    EXPECT_TRUE(IsAvailability(page.error()));
    const std::string& message = page.error().message;
    EXPECT_TRUE(message.starts_with("avni_api_url: 127.0.0.1:" + std::to_string(port_) +
                                    " is a loopback address"))
        << message;
    EXPECT_NE(message.find("--allow-private-targets"), std::string::npos) << message;
  }
  EXPECT_TRUE(SimGet("/_sim/stats").at("requests").empty()) << "the simulator was called";
}

}  // namespace
}  // namespace avni::avniapi
