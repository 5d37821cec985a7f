// Cognito USER_SRP_AUTH, both sides: our simulated user pool checked against AWS's reference
// client (amazon-cognito-identity-js, run with node), our C++ client checked against the pool,
// and each refusal SRP and Cognito demand.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cognito/idp_server.hpp"
#include "cognito/login.hpp"
#include "cognito/srp.hpp"
#include "http/client.hpp"
#include "support/loopback_client.hpp"
#include "support/process.hpp"

namespace avni::cognito {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kPoolId[] = "ap-south-1_TestPool9";
constexpr char kClientId[] = "client-abc123";
constexpr char kPassword[] = "S3cret-Passw0rd!";
constexpr char kTarget[] = "AWSCognitoIdentityProviderService.";
// The group's prime: a B (or A) equal to it is 0 modulo N.
const std::string kGroupN(SrpGroupPrimeHex());

// A loopback httplib server on a free port, on its own thread until destroyed.
class Served {
 public:
  explicit Served(std::unique_ptr<httplib::Server> server) : server_(std::move(server)) {
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Served() {
    server_->stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  std::thread thread_;
};

// node from PATH (the test helper spawns by full path); empty when there is none.
std::string NodePath() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::filesystem::path candidate = std::filesystem::path(dir) / "node";
    if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

// Whether pad() puts "00" in front of this hex number (worked out here, independently of
// PadHex): its even-length form starts with a nibble whose high bit is set.
bool HighBit(std::string hex) {
  while (hex.size() > 1 && hex[0] == '0') hex.erase(0, 1);
  return hex.size() % 2 == 0 &&
         std::string_view("89abcdefABCDEF").find(hex[0]) != std::string::npos;
}

class CognitoTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(true); }

  void Start(bool refresh_allowed) {
    served_.reset();
    idp_ = std::make_unique<CognitoIdpServer>(
        CognitoIdpOptions{.pool_id = kPoolId,
                          .client_id = kClientId,
                          .token_issuer =
                              [this](const std::string& user) {
                                return "id-token." + user + "." + std::to_string(++issued_);
                              },
                          .refresh_allowed = refresh_allowed});
    idp_->AddUser("alice", kPassword);
    auto server = std::make_unique<httplib::Server>();
    idp_->Mount(*server, "/");
    // Records SRP_A and SRP_B as they cross the wire, to see which padding cases were hit.
    server->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      json request = json::parse(req.body, nullptr, false);
      json answer = json::parse(res.body, nullptr, false);
      std::lock_guard lock(mutex_);
      if (request.is_object() && request.contains("AuthParameters") &&
          request["AuthParameters"].contains("SRP_A")) {
        srp_a_.push_back(request["AuthParameters"]["SRP_A"].get<std::string>());
      }
      if (answer.is_object() && answer.contains("ChallengeParameters") &&
          answer["ChallengeParameters"].contains("SRP_B")) {
        srp_b_.push_back(answer["ChallengeParameters"]["SRP_B"].get<std::string>());
      }
    });
    served_ = std::make_unique<Served>(std::move(server));
  }

  CognitoParams Params(std::string user = "alice", std::string password = kPassword) {
    return CognitoParams{.pool_id = kPoolId,
                         .client_id = kClientId,
                         .username = std::move(user),
                         .password = std::move(password),
                         .endpoint = served_->Url()};
  }

  // Runs the reference client; one parsed JSON line per login.
  std::vector<json> NodeLogin(const std::string& user, const std::string& password, int times = 1) {
    std::filesystem::path dir = std::filesystem::path(AVNI_TEST_SOURCE_DIR) / "tests/cognito/js";
    if (!std::filesystem::exists(dir / "node_modules/amazon-cognito-identity-js")) {
      ADD_FAILURE() << "the reference client is not installed: run `npm ci --prefix "
                       "tests/cognito/js` in the source tree";
      return {};
    }
    std::string node = NodePath();
    if (node.empty()) {
      ADD_FAILURE() << "node is not on PATH; the reference client needs Node.js 18 or later";
      return {};
    }
    auto result =
        avni::testing::RunProcess({node, (dir / "login.mjs").string(), served_->Url(), kPoolId,
                                   kClientId, user, password, std::to_string(times)},
                                  "", {}, std::chrono::seconds(60));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::vector<json> lines;
    std::istringstream out(result.out);
    for (std::string line; std::getline(out, line);) {
      lines.push_back(json::parse(line, nullptr, false));
    }
    EXPECT_EQ(lines.size(), static_cast<std::size_t>(times)) << result.out << result.err;
    return lines;
  }

  void ExpectBothPaddingCasesOfAAndB() {
    std::lock_guard lock(mutex_);
    int a_high = 0, b_high = 0;
    for (const auto& a : srp_a_) a_high += HighBit(a) ? 1 : 0;
    for (const auto& b : srp_b_) b_high += HighBit(b) ? 1 : 0;
    EXPECT_GT(a_high, 0) << "no A needed a 00 pad";
    EXPECT_LT(a_high, static_cast<int>(srp_a_.size())) << "every A needed a 00 pad";
    EXPECT_GT(b_high, 0) << "no B needed a 00 pad";
    EXPECT_LT(b_high, static_cast<int>(srp_b_.size())) << "every B needed a 00 pad";
  }

  std::atomic<int> issued_{0};
  std::unique_ptr<CognitoIdpServer> idp_;
  std::mutex mutex_;
  std::vector<std::string> srp_a_;
  std::vector<std::string> srp_b_;
  // After what its logger writes to: destroyed (stopped) first, so that a log line of the last
  // exchange cannot land in a vector already destroyed.
  std::unique_ptr<Served> served_;
  http::Client client_{avni::testing::LoopbackClientOptions()};
};

TEST(CognitoTimestamp, HasTheShapeCognitoSignsWithAnUnpaddedDay) {
  auto time = std::chrono::sys_days{std::chrono::year(2026) / 1 / 5} + 9h + 3min + 7s + 450ms;
  EXPECT_EQ(FormatCognitoTimestamp(time), "Mon Jan 5 09:03:07 UTC 2026");
  auto later = std::chrono::sys_days{std::chrono::year(2025) / 12 / 31} + 23h + 59min + 59s;
  EXPECT_EQ(FormatCognitoTimestamp(later), "Wed Dec 31 23:59:59 UTC 2025");
  auto parsed = ParseCognitoTimestamp("Mon Jan 5 09:03:07 UTC 2026");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, std::chrono::floor<std::chrono::seconds>(time));
  EXPECT_FALSE(ParseCognitoTimestamp("Mon Jan 05 09:03:07 UTC 2026"));  // zero-padded day
  EXPECT_FALSE(ParseCognitoTimestamp("Tue Jan 5 09:03:07 UTC 2026"));   // wrong weekday
  EXPECT_FALSE(ParseCognitoTimestamp("Mon Jan 5 9:03:07 UTC 2026"));
  EXPECT_FALSE(ParseCognitoTimestamp("2026-01-05T09:03:07Z"));
}

TEST(CognitoPool, RegionAndNameComeFromThePoolId) {
  EXPECT_EQ(RegionOfPool("ap-south-1_AbC123").value_or(""), "ap-south-1");
  EXPECT_EQ(PoolNameOf("ap-south-1_AbC123").value_or(""), "AbC123");
  EXPECT_FALSE(RegionOfPool("nounderscore"));
  EXPECT_FALSE(PoolNameOf("ap-south-1_"));
  CognitoParams params{.pool_id = "eu-west-2_Xy9", .client_id = "c"};
  EXPECT_EQ(CognitoEndpoint(params).value_or(""), "https://cognito-idp.eu-west-2.amazonaws.com/");
  params.endpoint = "http://127.0.0.1:1/";
  EXPECT_EQ(CognitoEndpoint(params).value_or(""), "http://127.0.0.1:1/");
  params.pool_id = "bogus";
  auto bad = CognitoEndpoint(params);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "pool_id");
}

TEST(CognitoSrp, PadsHexAsTheReferenceClientDoes) {
  EXPECT_EQ(PadHex("7f").value_or(""), "7f");
  EXPECT_EQ(PadHex("80").value_or(""), "0080");
  EXPECT_EQ(PadHex("abc").value_or(""), "0abc");
  EXPECT_EQ(PadHex("8bc").value_or(""), "08bc");
  EXPECT_EQ(PadHex("00ff").value_or(""), "00ff");
  EXPECT_EQ(PadHex("0").value_or(""), "00");
  EXPECT_FALSE(PadHex("xyz").has_value());
}

TEST(CognitoSrp, BothSidesDeriveTheSameKeyOnlyWithTheRightPassword) {
  SrpVerifier verifier = MakeSrpVerifier("Pool", "bob", "right");
  for (int i = 0; i < 8; ++i) {
    SrpClient client;
    auto server = StartSrpServer(verifier, client.LargeAHex());
    ASSERT_TRUE(server.has_value()) << server.error().message;
    auto key = client.PasswordKey("Pool", "bob", "right", verifier.salt_hex, server->srp_b_hex);
    ASSERT_TRUE(key.has_value()) << key.error().message;
    EXPECT_EQ(key->size(), 16u);
    EXPECT_EQ(*key, server->key);
    auto wrong = client.PasswordKey("Pool", "bob", "wrong", verifier.salt_hex, server->srp_b_hex);
    ASSERT_TRUE(wrong.has_value());
    EXPECT_NE(*wrong, server->key);
  }
}

TEST(CognitoSrp, RefusesAOrBThatAreZeroModuloN) {
  SrpVerifier verifier = MakeSrpVerifier("Pool", "bob", "right");
  auto server = StartSrpServer(verifier, kGroupN);
  ASSERT_FALSE(server.has_value());
  EXPECT_EQ(server.error().field, "SRP_A");
  SrpClient client;
  for (const std::string& b : {kGroupN, std::string("0")}) {
    auto key = client.PasswordKey("Pool", "bob", "right", verifier.salt_hex, b);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().field, "SRP_B");
  }
}

TEST_F(CognitoTest, ReferenceClientLogsInAndGetsTheIssuedToken) {
  auto lines = NodeLogin("alice", kPassword, 12);
  ASSERT_EQ(lines.size(), 12u);
  std::set<std::string> tokens;
  for (const auto& line : lines) {
    ASSERT_TRUE(line.is_object() && line.value("ok", false)) << line.dump();
    std::string token = line.value("idToken", "");
    EXPECT_TRUE(token.starts_with("id-token.alice.")) << token;
    tokens.insert(token);
  }
  EXPECT_EQ(tokens.size(), 12u);
  EXPECT_EQ(idp_->Logins(), 12);
  ExpectBothPaddingCasesOfAAndB();
}

TEST_F(CognitoTest, ReferenceClientIsRefusedAWrongPasswordAndAnUnknownUser) {
  auto wrong = NodeLogin("alice", "not-the-password");
  ASSERT_EQ(wrong.size(), 1u);
  EXPECT_FALSE(wrong[0].value("ok", true));
  EXPECT_EQ(wrong[0].value("code", ""), "NotAuthorizedException");
  EXPECT_EQ(wrong[0].value("message", ""), "Incorrect username or password.");
  auto unknown = NodeLogin("mallory", kPassword);
  ASSERT_EQ(unknown.size(), 1u);
  EXPECT_EQ(unknown[0].value("code", ""), "UserNotFoundException");
  EXPECT_EQ(idp_->Logins(), 0);
}

TEST_F(CognitoTest, CppClientLogsInManyTimesAcrossThePaddingCases) {
  for (int i = 0; i < 20; ++i) {
    auto tokens = CognitoLogin(client_, Params());
    ASSERT_TRUE(tokens.has_value()) << "login " << i << ": " << tokens.error().message;
    EXPECT_EQ(tokens->id_token, "id-token.alice." + std::to_string(i + 1));
    EXPECT_FALSE(tokens->refresh_token.empty());
    EXPECT_EQ(tokens->expires_in, 3600);
  }
  EXPECT_EQ(idp_->Logins(), 20);
  ExpectBothPaddingCasesOfAAndB();
}

TEST_F(CognitoTest, CppClientWithAWrongPasswordIsUnauthenticatedWithoutLeakingIt) {
  auto wrong = CognitoLogin(client_, Params("alice", "Wrong-Passw0rd-42"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(wrong.error().message.find("alice"), std::string::npos) << wrong.error().message;
  EXPECT_NE(wrong.error().message.find(kPoolId), std::string::npos) << wrong.error().message;
  EXPECT_EQ(wrong.error().message.find("Wrong-Passw0rd-42"), std::string::npos);
  auto unknown = CognitoLogin(client_, Params("mallory"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(unknown.error().message.find("UserNotFoundException"), std::string::npos);
  EXPECT_EQ(idp_->Logins(), 0);
}

TEST_F(CognitoTest, CppClientSignsAsUserIdForSrpWhenLoggingInByAlias) {
  idp_->AddAlias("alice@example.org", "alice");
  auto tokens = CognitoLogin(client_, Params("alice@example.org"));
  ASSERT_TRUE(tokens.has_value()) << tokens.error().message;
  EXPECT_EQ(tokens->id_token, "id-token.alice.1");
}

TEST_F(CognitoTest, UnknownClientIdIsAConfigurationError) {
  CognitoParams params = Params();
  params.client_id = "nope";
  auto result = CognitoLogin(client_, params);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(result.error().message.find("ResourceNotFoundException"), std::string::npos);
}

TEST_F(CognitoTest, RefreshGivesNewTokensAndRefusesAnUnknownRefreshToken) {
  auto tokens = CognitoLogin(client_, Params());
  ASSERT_TRUE(tokens.has_value()) << tokens.error().message;
  auto refreshed = CognitoRefresh(client_, Params(), tokens->refresh_token);
  ASSERT_TRUE(refreshed.has_value()) << refreshed.error().message;
  EXPECT_EQ(refreshed->id_token, "id-token.alice.2");
  EXPECT_EQ(refreshed->refresh_token, tokens->refresh_token);
  EXPECT_EQ(idp_->Refreshes(), 1);
  const std::string bogus = "bogus-refresh-token-value";
  auto refused = CognitoRefresh(client_, Params(), bogus);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message.find(bogus), std::string::npos);
  EXPECT_EQ(idp_->Refreshes(), 1);
}

TEST_F(CognitoTest, RefreshIsRefusedWhenThePoolDisallowsIt) {
  Start(/*refresh_allowed=*/false);
  auto tokens = CognitoLogin(client_, Params());
  ASSERT_TRUE(tokens.has_value()) << tokens.error().message;
  auto refused = CognitoRefresh(client_, Params(), tokens->refresh_token);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message.find(tokens->refresh_token), std::string::npos);
}

// Drives the pool's two calls by hand, as a client that tampers would.
class CognitoChallengeTest : public CognitoTest {
 protected:
  struct Challenge {
    std::string secret_block;
    std::string user_id;
    std::string key;
  };
  Challenge Initiate() {
    json request = {{"AuthFlow", "USER_SRP_AUTH"},
                    {"ClientId", kClientId},
                    {"AuthParameters", {{"USERNAME", "alice"}, {"SRP_A", srp_.LargeAHex()}}}};
    auto reply = idp_->Handle(std::string(kTarget) + "InitiateAuth", request.dump());
    EXPECT_EQ(reply.status, 200) << reply.body;
    json params = json::parse(reply.body)["ChallengeParameters"];
    Challenge challenge{params["SECRET_BLOCK"].get<std::string>(),
                        params["USER_ID_FOR_SRP"].get<std::string>(), ""};
    challenge.key =
        srp_.PasswordKey("TestPool9", challenge.user_id, kPassword,
                         params["SALT"].get<std::string>(), params["SRP_B"].get<std::string>())
            .value();
    return challenge;
  }
  CognitoIdpServer::Reply Respond(const Challenge& challenge, const std::string& signature,
                                  const std::string& timestamp) {
    json request = {{"ChallengeName", "PASSWORD_VERIFIER"},
                    {"ClientId", kClientId},
                    {"ChallengeResponses",
                     {{"USERNAME", challenge.user_id},
                      {"PASSWORD_CLAIM_SECRET_BLOCK", challenge.secret_block},
                      {"PASSWORD_CLAIM_SIGNATURE", signature},
                      {"TIMESTAMP", timestamp}}}};
    return idp_->Handle(std::string(kTarget) + "RespondToAuthChallenge", request.dump());
  }
  std::string Sign(const Challenge& challenge, const std::string& timestamp) {
    return PasswordClaimSignature(challenge.key, "TestPool9", challenge.user_id,
                                  Base64Decode(challenge.secret_block).value(), timestamp);
  }
  static void ExpectIncorrect(const CognitoIdpServer::Reply& reply) {
    EXPECT_EQ(reply.status, 400);
    json body = json::parse(reply.body);
    EXPECT_EQ(body.value("__type", ""), "NotAuthorizedException");
    EXPECT_EQ(body.value("message", ""), "Incorrect username or password.");
  }
  SrpClient srp_;
};

TEST_F(CognitoChallengeTest, AcceptsTheRightSignatureOnceAndNeverAgain) {
  Challenge challenge = Initiate();
  std::string now = FormatCognitoTimestamp(std::chrono::system_clock::now());
  std::string signature = Sign(challenge, now);
  auto accepted = Respond(challenge, signature, now);
  EXPECT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(json::parse(accepted.body)["AuthenticationResult"].value("TokenType", ""), "Bearer");
  ExpectIncorrect(Respond(challenge, signature, now));  // the secret block is spent
  EXPECT_EQ(idp_->Logins(), 1);
}

TEST_F(CognitoChallengeTest, RefusesATamperedSignatureAndSpendsTheSecretBlock) {
  Challenge challenge = Initiate();
  std::string now = FormatCognitoTimestamp(std::chrono::system_clock::now());
  std::string signature = Sign(challenge, now);
  std::string tampered = signature;
  tampered[3] = tampered[3] == 'A' ? 'B' : 'A';
  ExpectIncorrect(Respond(challenge, tampered, now));
  ExpectIncorrect(Respond(challenge, signature, now));
  EXPECT_EQ(idp_->Logins(), 0);
}

TEST_F(CognitoChallengeTest, RefusesAStaleOrMalformedTimestamp) {
  Challenge stale = Initiate();
  std::string old = FormatCognitoTimestamp(std::chrono::system_clock::now() - 1h);
  ExpectIncorrect(Respond(stale, Sign(stale, old), old));
  Challenge padded = Initiate();
  std::string zero_padded = "Mon Jan 05 09:03:07 UTC 2026";
  ExpectIncorrect(Respond(padded, Sign(padded, zero_padded), zero_padded));
  EXPECT_EQ(idp_->Logins(), 0);
}

TEST_F(CognitoChallengeTest, RefusesAZeroA) {
  json request = {{"AuthFlow", "USER_SRP_AUTH"},
                  {"ClientId", kClientId},
                  {"AuthParameters", {{"USERNAME", "alice"}, {"SRP_A", kGroupN}}}};
  auto reply = idp_->Handle(std::string(kTarget) + "InitiateAuth", request.dump());
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(json::parse(reply.body).value("__type", ""), "InvalidParameterException");
}

// A fake Cognito answering InitiateAuth with `challenge` (or an error) and counting the
// RespondToAuthChallenge calls it receives.
struct FakeCognito {
  FakeCognito(int status, json answer) {
    auto server = std::make_unique<httplib::Server>();
    server->Post("/", [this, status, answer](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("X-Amz-Target").ends_with("RespondToAuthChallenge")) ++responds;
      res.status = status;
      res.set_content(answer.dump(), "application/x-amz-json-1.1");
    });
    served = std::make_unique<Served>(std::move(server));
  }
  std::atomic<int> responds{0};
  std::unique_ptr<Served> served;
};

CognitoParams FakeParams(const FakeCognito& fake) {
  return CognitoParams{.pool_id = kPoolId,
                       .client_id = kClientId,
                       .username = "alice",
                       .password = kPassword,
                       .endpoint = fake.served->Url()};
}

json PasswordVerifier(const std::string& srp_b) {
  return {{"ChallengeName", "PASSWORD_VERIFIER"},
          {"ChallengeParameters",
           {{"SALT", "a1b2c3"},
            {"SRP_B", srp_b},
            {"SECRET_BLOCK", "c2VjcmV0"},
            {"USER_ID_FOR_SRP", "alice"},
            {"USERNAME", "alice"}}}};
}

TEST(CognitoClient, RefusesAServerSendingBZeroModuloN) {
  FakeCognito fake(200, PasswordVerifier(kGroupN));
  http::Client client(avni::testing::LoopbackClientOptions());
  auto result = CognitoLogin(client, FakeParams(fake));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("SRP_B"), std::string::npos) << result.error().message;
  EXPECT_EQ(fake.responds, 0);
}

TEST(CognitoClient, AMalformedChallengeIsUnavailableNamingWhatIsMissing) {
  json answer = PasswordVerifier("abc");
  answer["ChallengeParameters"].erase("SECRET_BLOCK");
  FakeCognito fake(200, answer);
  http::Client client(avni::testing::LoopbackClientOptions());
  auto result = CognitoLogin(client, FakeParams(fake));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message.find("SECRET_BLOCK"), std::string::npos);
}

TEST(CognitoClient, ServerErrorsAndNoAnswerAreUnavailable) {
  FakeCognito fake(500, {{"__type", "InternalErrorException"}, {"message", "boom"}});
  http::Client client(
      avni::testing::LoopbackClientOptions({.connect_timeout = 2s, .read_timeout = 2s}));
  auto failed = CognitoLogin(client, FakeParams(fake));
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  CognitoParams closed = FakeParams(fake);
  closed.endpoint = "http://127.0.0.1:1/";
  auto unreachable = CognitoLogin(client, closed);
  ASSERT_FALSE(unreachable.has_value());
  EXPECT_EQ(unreachable.error().code, ErrorCode::kUnavailable);
}

TEST(CognitoClient, NeverRepeatsAPasswordTheServerEchoes) {
  FakeCognito fake(400, {{"__type", "com.amazon#NotAuthorizedException"},
                         {"message", std::string("bad password ") + kPassword}});
  http::Client client(avni::testing::LoopbackClientOptions());
  auto result = CognitoLogin(client, FakeParams(fake));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(result.error().message.find("NotAuthorizedException"), std::string::npos);
  EXPECT_EQ(result.error().message.find(kPassword), std::string::npos) << result.error().message;
}

}  // namespace
}  // namespace avni::cognito
