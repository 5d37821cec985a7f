// The Avni client logging in to an Avni server on Cognito: /idp-details names the pool, the
// client runs USER_SRP_AUTH against the (simulated) pool, sends the IdToken, refreshes it with
// the refresh token before it expires, and logs in again when Avni says it has expired.

#include "client_fixture.hpp"
#include "cognito/idp_server.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class AvniCognitoTest : public AvniClientTest {
 protected:
  void SetUp() override {
    sim::SimOptions options;
    options.subjects = 3;
    options.auth.idp = "cognito";
    options.auth.token_ttl_seconds = 600;
    StartSim(options);
  }
  cognito::CognitoIdpServer& pool() { return sim_->CognitoPool(); }
  AvniConfig CognitoConfig() const {
    AvniConfig config = Config();
    config.cognito_endpoint =
        "http://127.0.0.1:" + std::to_string(port_) + sim::Simulator::kCognitoPath;
    return config;
  }
};

TEST_F(AvniCognitoTest, LogsInWithSrpAndReadsWithTheIdToken) {
  Client& client = MakeClient(CognitoConfig());
  auto mode = client.Login();
  ASSERT_TRUE(mode) << mode.error().message;
  EXPECT_EQ(*mode, "cognito");
  for (int i = 0; i < 3; ++i) {
    auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->records.size(), 3u);
  }
  EXPECT_EQ(pool().Logins(), 1);
  EXPECT_EQ(LastRequest().at("authToken"), true);
}

TEST_F(AvniCognitoTest, AWrongPasswordIsUnauthenticatedAndNothingIsRead) {
  AvniConfig config = CognitoConfig();
  config.password = "not-the-Pa55word";
  Client& client = MakeClient(config);
  auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(page.error().message.find("not-the-Pa55word"), std::string::npos);
  EXPECT_EQ(pool().Logins(), 0);
  EXPECT_EQ(SimGet("/_sim/stats").at("requests").value("/api/subjects", 0), 0);
}

TEST_F(AvniCognitoTest, TheIdTokenIsRefreshedBeforeItExpiresWithoutANewLogin) {
  Client& client = MakeClient(CognitoConfig());
  ASSERT_TRUE(client.List(Resource::kSubject, ListQuery{.since = Timestamp{}}));
  clock_.Advance(seconds(560));  // 40 s before exp: inside the renewal margin
  auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(pool().Logins(), 1);
  EXPECT_EQ(pool().Refreshes(), 1);
  EXPECT_EQ(client.Stats().refreshes, 1);
}

TEST_F(AvniCognitoTest, ATokenAvniCallsExpiredIsReplacedOnce) {
  Client& client = MakeClient(CognitoConfig());
  ASSERT_TRUE(client.List(Resource::kSubject, ListQuery{.since = Timestamp{}}));
  SimPost("/_sim/faults", {{"expire_tokens", true}});
  auto page = client.List(Resource::kSubject, ListQuery{.since = Timestamp{}});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(client.Stats().retried_after_auth_failure, 1);
  EXPECT_EQ(pool().Logins() + pool().Refreshes(), 2);
}

}  // namespace
}  // namespace avni::avniapi
