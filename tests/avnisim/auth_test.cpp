// The simulator's auth, as avni-server's AuthenticationFilter and IdpDetailsController behave:
// idp details, the Keycloak password grant, tokens in header/query/cookie, idp none with
// USER-NAME, and the 401/500 bodies (TokenExpiredException named in the expired one).

#include <thread>

#include "avnisim/jwt.hpp"
#include "sim_fixture.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

class AvniSimKeycloakTest : public SimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.subjects = 3;
    options.auth.idp = "keycloak";
    options.auth.users = {{"admin@sim", "password"}, {"clerk@sim", "secret"}};
    return options;
  }
  httplib::Result Login(const std::string& user, const std::string& password,
                        const std::string& client = "avni-client",
                        const std::string& grant = "password") {
    return client_->Post("/auth/realms/On-premise/protocol/openid-connect/token",
                         httplib::Params{{"client_id", client},
                                         {"grant_type", grant},
                                         {"scope", "openid"},
                                         {"username", user},
                                         {"password", password}});
  }
  std::string Token(const std::string& user = "admin@sim") {
    auto res = Login(user, user == "admin@sim" ? "password" : "secret");
    return Json(res).value("access_token", "");
  }
};

TEST_F(AvniSimKeycloakTest, IdpDetailsNameKeycloakAndItsRealm) {
  const json details = Json(Get("/idp-details"));
  EXPECT_EQ(details.at("idpType"), "keycloak");
  EXPECT_EQ(details.at("keycloak").at("authServerUrl"),
            "http://127.0.0.1:" + std::to_string(port_) + "/auth");
  EXPECT_EQ(details.at("keycloak").at("clientId"), "avni-client");
  EXPECT_EQ(details.at("keycloak").at("grantType"), "password");
  EXPECT_EQ(details.at("keycloak").at("scope"), "openid");
  EXPECT_EQ(details.at("keycloak").at("realm"), "On-premise");
  EXPECT_EQ(details.at("cognito").at("poolId"), "ap-south-1_SimPool1");
  EXPECT_EQ(details.at("cognito").at("clientId"), "sim-client");
  EXPECT_EQ(Json(Get("/_sim/stats")).at("requests").at("/idp-details"), 1);
}

TEST_F(AvniSimKeycloakTest, LoginGivesAJwtWhoseTokenReadsSubjects) {
  const json answer = Json(Login("admin@sim", "password"));
  EXPECT_EQ(answer.at("token_type"), "Bearer");
  EXPECT_EQ(answer.at("expires_in"), 3600);
  const std::string token = answer.at("access_token");
  const auto payload =
      Base64UrlDecode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1));
  ASSERT_TRUE(payload);
  const json claims = json::parse(*payload);
  EXPECT_EQ(claims.at("preferred_username"), "admin@sim");
  EXPECT_EQ(claims.at("exp").get<std::int64_t>() - claims.at("iat").get<std::int64_t>(), 3600);

  auto res = Get("/api/subjects", {}, {{"auth-token", token}});  // header names: any case
  EXPECT_EQ(Json(res).at("content").size(), 3u);
  // The query parameter and the cookie carry it too.
  EXPECT_EQ(Get("/api/subjects", {{"AUTH-TOKEN", token}})->status, 200);
  EXPECT_EQ(Get("/api/subjects", {}, {{"Cookie", "a=b; auth-token=" + token}})->status, 200);
}

TEST_F(AvniSimKeycloakTest, BadPasswordClientOrGrantAreRefusedAsKeycloakDoes) {
  auto bad_password = Login("admin@sim", "wrong");
  ASSERT_TRUE(bad_password);
  EXPECT_EQ(bad_password->status, 401);
  EXPECT_EQ(json::parse(bad_password->body),
            (json{{"error", "invalid_grant"}, {"error_description", "Invalid user credentials"}}));
  EXPECT_EQ(Login("nobody@sim", "password")->status, 401);
  auto bad_client = Login("admin@sim", "password", "other-client");
  EXPECT_EQ(bad_client->status, 401);
  EXPECT_EQ(json::parse(bad_client->body).at("error"), "invalid_client");
  auto bad_grant = Login("admin@sim", "password", "avni-client", "client_credentials");
  EXPECT_EQ(bad_grant->status, 400);
  EXPECT_EQ(json::parse(bad_grant->body).at("error"), "unsupported_grant_type");
  auto bad_realm = client_->Post("/auth/realms/Other/protocol/openid-connect/token",
                                 httplib::Params{{"grant_type", "password"}});
  EXPECT_EQ(bad_realm->status, 404);
}

TEST_F(AvniSimKeycloakTest, MissingMalformedAndForgedTokensGetAvniServersAnswers) {
  auto missing = Get("/api/subjects");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 401);
  EXPECT_NE(missing->body.find("No user, or not logged in"), std::string::npos);
  EXPECT_EQ(Get("/api/subjects", {}, {{"AUTH-TOKEN", "not-a-jwt"}})->status, 401);
  // A well-formed token signed by someone else fails verification: avni-server's 500.
  const std::string forged =
      SignJwt({{"preferred_username", "admin@sim"}, {"exp", 4102444800}}, "other-secret");
  auto res = Get("/api/subjects", {}, {{"AUTH-TOKEN", forged}});
  EXPECT_EQ(res->status, 500);
  EXPECT_NE(res->body.find("SignatureVerificationException"), std::string::npos);
}

TEST_F(AvniSimKeycloakTest, ExpiredTokensAre401NamingTokenExpiredException) {
  const std::string token = Token();
  ASSERT_EQ(Get("/api/subjects", {}, {{"AUTH-TOKEN", token}})->status, 200);
  ASSERT_EQ(client_->Post("/_sim/faults", R"({"expire_tokens": true})", "application/json")->status,
            200);
  auto expired = Get("/api/subjects", {}, {{"AUTH-TOKEN", token}});
  ASSERT_TRUE(expired);
  EXPECT_EQ(expired->status, 401);
  const json body = json::parse(expired->body);
  EXPECT_EQ(body.at("status"), 401);
  EXPECT_NE(body.at("message").get<std::string>().find("TokenExpiredException"), std::string::npos);
  // A token issued afterwards works.
  EXPECT_EQ(Get("/api/subjects", {}, {{"AUTH-TOKEN", Token()}})->status, 200);
}

TEST_F(AvniSimKeycloakTest, AShortTtlWithoutLeewayExpiresByTheClock) {
  ASSERT_EQ(client_
                ->Post("/_sim/auth", R"({"token_ttl_seconds": 0, "leeway_seconds": 0})",
                       "application/json")
                ->status,
            200);
  const std::string token = Token();
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto res = Get("/api/subjects", {}, {{"AUTH-TOKEN", token}});
  EXPECT_EQ(res->status, 401);
  EXPECT_NE(res->body.find("TokenExpiredException"), std::string::npos);
}

TEST_F(AvniSimKeycloakTest, IssueTokenMakesTokensForKnownUsersOnly) {
  EXPECT_EQ(Get("/api/subjects", {}, {{"AUTH-TOKEN", sim_->IssueToken("clerk@sim")}})->status, 200);
  EXPECT_EQ(Get("/api/subjects", {}, {{"AUTH-TOKEN", sim_->IssueToken("ghost@sim")}})->status, 401);
}

class AvniSimNoIdpTest : public SimFixture {};

TEST_F(AvniSimNoIdpTest, UserNameHeaderIsTrustedForKnownUsersAndDefaultsToTheDefaultUser) {
  EXPECT_EQ(Json(Get("/idp-details")).at("idpType"), "none");
  EXPECT_EQ(Get("/api/subjects", {}, {{"USER-NAME", "admin@sim"}})->status, 200);
  EXPECT_EQ(Get("/api/subjects")->status, 200);  // avni.defaultUserName
  auto unknown = Get("/api/subjects", {}, {{"USER-NAME", "ghost@sim"}});
  EXPECT_EQ(unknown->status, 401);
  EXPECT_NE(unknown->body.find("No user, or not logged in"), std::string::npos);
}

class AvniSimCognitoTest : public SimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.auth.idp = "cognito";
    return options;
  }
};

TEST_F(AvniSimCognitoTest, TokensCarryCognitoUsernameAndAreAccepted) {
  EXPECT_EQ(Json(Get("/idp-details")).at("idpType"), "cognito");
  const std::string token = sim_->IssueToken("admin@sim");
  const auto payload =
      Base64UrlDecode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1));
  const json claims = json::parse(*payload);
  EXPECT_EQ(claims.at("cognito:username"), "admin@sim");
  EXPECT_EQ(claims.at("token_use"), "id");
  EXPECT_EQ(Get("/api/subjects", {}, {{"AUTH-TOKEN", token}})->status, 200);
}

}  // namespace
}  // namespace avni::sim
