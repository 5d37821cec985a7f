// Config and session: the keys named when wrong, one Basic sign-in and then the cookie, a new
// sign-in once when OpenMRS refuses the session, never an endless retry.

#include <thread>
#include <vector>

#include "client_fixture.hpp"
#include "common/taxonomy.hpp"

namespace avni::openmrs {
namespace {

constexpr const char* kSessionRoute = "GET /openmrs/ws/rest/v1/session";
constexpr const char* kLocationRoute = "GET /openmrs/ws/rest/v1/location/{uuid}";

TenantConfig Values(std::map<std::string, std::string> plain, std::string password = "") {
  TenantConfig::Values values;
  for (auto& [k, v] : plain) values[k] = TenantConfig::Value{v, false};
  if (!password.empty()) values["openmrs_password"] = TenantConfig::Value{password, true};
  return TenantConfig(std::move(values));
}

TEST(OpenmrsConfigTest, ReadsEveryKey) {
  auto config = ReadOpenmrsConfig(Values({{"openmrs_base_url", "https://bahmni.example.org/"},
                                          {"openmrs_user", "superman"},
                                          {"openmrs_requests_per_second", "5"}},
                                         "correct-horse-battery-7"));
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->base_url, "https://bahmni.example.org");
  EXPECT_EQ(config->user, "superman");
  EXPECT_EQ(config->password, "correct-horse-battery-7");
  EXPECT_EQ(config->requests_per_second, 5);
}

TEST(OpenmrsConfigTest, EachMissingOrMalformedKeyIsNamed) {
  const auto field = [](const TenantConfig& values) {
    auto config = ReadOpenmrsConfig(values);
    EXPECT_FALSE(config);
    if (config) return std::string();
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(config.error().message.find(config.error().field), std::string::npos)
        << config.error().message;
    return config.error().field;
  };
  EXPECT_EQ(field(Values({{"openmrs_user", "u"}}, "correct-horse-battery-7")), "openmrs_base_url");
  EXPECT_EQ(field(Values({{"openmrs_base_url", "ftp://x"}, {"openmrs_user", "u"}},
                         "correct-horse-battery-7")),
            "openmrs_base_url");
  EXPECT_EQ(field(Values({{"openmrs_base_url", "https://x.org/openmrs"}, {"openmrs_user", "u"}},
                         "correct-horse-battery-7")),
            "openmrs_base_url");
  EXPECT_EQ(field(Values({{"openmrs_base_url", "https://x.org"}}, "correct-horse-battery-7")),
            "openmrs_user");
  EXPECT_EQ(field(Values({{"openmrs_base_url", "https://x.org"}, {"openmrs_user", "u"}})),
            "openmrs_password");
  // A password stored in plain text is refused, and not echoed.
  auto plain = ReadOpenmrsConfig(Values({{"openmrs_base_url", "https://x.org"},
                                         {"openmrs_user", "u"},
                                         {"openmrs_password", "correct-horse-battery-7"}}));
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().field, "openmrs_password");
  EXPECT_EQ(plain.error().message.find("correct-horse"), std::string::npos);
  EXPECT_EQ(field(Values({{"openmrs_base_url", "https://x.org"},
                          {"openmrs_user", "u"},
                          {"openmrs_requests_per_second", "fast"}},
                         "correct-horse-battery-7")),
            "openmrs_requests_per_second");
}

TEST_F(OpenmrsClientTest, SignsInOnceAndReusesTheCookie) {
  Client& client = MakeClient();
  ASSERT_TRUE(client.Login());
  const std::string location = Uuid("location", openmrssim::kLocation);
  for (int i = 0; i < 3; ++i) {
    auto found =
        client.Exists(MetadataType::kEncounterType, Uuid("encountertype", "Avni General Visit"));
    ASSERT_TRUE(found) << found.error().message;
    auto got = client.Get("location/" + location);
    ASSERT_TRUE(got && got->has_value());
  }
  EXPECT_EQ(Requests(kSessionRoute), 1);
  EXPECT_EQ(Requests(kLocationRoute), 3);
  EXPECT_EQ(client.Stats().logins, 1);
}

TEST_F(OpenmrsClientTest, AWrongPasswordNamesTheUserNotThePasswordAndSendsNothingElse) {
  OpenmrsConfig config = Config();
  config.password = "wrong-horse-battery-9";
  Client& client = MakeClient(config);
  auto got = client.Get("location/" + Uuid("location", openmrssim::kLocation));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(got.error().message.find("'superman'"), std::string::npos) << got.error().message;
  EXPECT_EQ(got.error().message.find("wrong-horse"), std::string::npos);
  EXPECT_EQ(Requests(kSessionRoute), 1);
  EXPECT_EQ(Requests(kLocationRoute), 0);
  auto login = client.Login();
  ASSERT_FALSE(login);
  EXPECT_EQ(login.error().field, "openmrs_password");
}

TEST_F(OpenmrsClientTest, SignsInAgainOnceAfterTheSessionsExpire) {
  Client& client = MakeClient();
  const std::string location = "location/" + Uuid("location", openmrssim::kLocation);
  ASSERT_TRUE(client.Get(location));
  sim_->ExpireSessions();
  auto again = client.Get(location);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->has_value());
  EXPECT_EQ(Requests(kSessionRoute), 2);
  EXPECT_EQ(Requests(kLocationRoute), 3);  // one refused with the dead cookie
  EXPECT_EQ(client.Stats().relogins, 1);
}

TEST_F(OpenmrsClientTest, APersistent401FailsAsUnauthenticatedAfterOneNewSignIn) {
  Client& client = MakeClient();
  ASSERT_TRUE(client.Login());
  SimPost("/_sim/faults", {{"status", 401}, {"path", "/openmrs/ws/rest/v1/location"}});
  auto got = client.Get("location/" + Uuid("location", openmrssim::kLocation));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(IsAvailability(got.error()));
  EXPECT_EQ(Requests(kSessionRoute), 2);
  EXPECT_EQ(Requests(kLocationRoute), 2);
}

TEST_F(OpenmrsClientTest, ThreadsShareOneSignIn) {
  Client& client = MakeClient();
  const std::string location = "location/" + Uuid("location", openmrssim::kLocation);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        if (auto got = client.Get(location); got && got->has_value()) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_EQ(Requests(kSessionRoute), 1);
}

}  // namespace
}  // namespace avni::openmrs
