// The API's common behaviour: error shape, limits, bad input, the route table.
#include <gtest/gtest.h>

#include "api/services.hpp"
#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class ApiCoreTest : public ApiTest {
 protected:
  // A bad body sent to a real endpoint (sign-in) must be a 400 naming `field`.
  void ExpectBadBody(const std::string& body, const std::string& field,
                     const std::string& message_part) {
    Reply r = CallRaw("POST", "/api/v1/auth/login", body);
    EXPECT_EQ(r.status, 400) << body << " -> " << r.raw;
    EXPECT_EQ(r.error_code(), "invalid_argument") << r.raw;
    EXPECT_EQ(r.body["error"]["details"].value("field", ""), field) << r.raw;
    EXPECT_NE(r.body["error"].value("message", "").find(message_part), std::string::npos) << r.raw;
  }
};

TEST_P(ApiCoreTest, HealthAndReadyAnswerWithoutSignIn) {
  EXPECT_EQ(Call("GET", "/health").status, 200);
  Reply ready = Call("GET", "/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body.value("status", ""), "ready");
}

TEST_P(ApiCoreTest, UnknownEndpointsUseTheErrorShape) {
  Reply r = Call("GET", "/api/v1/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
  EXPECT_NE(r.body["error"].value("message", "").find("GET /api/v1/nothing-here"),
            std::string::npos);
}

TEST_P(ApiCoreTest, SignedInRoutesRefuseAnonymousAndForgedCallers) {
  EXPECT_EQ(Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me").error_code(), "unauthenticated");
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, "forged-token").status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, "avk_forged").status, 401);
  Reply basic = Call("GET", "/api/v1/me", std::nullopt, "", {{"Authorization", "Basic eDp5"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_NE(basic.raw.find("Bearer"), std::string::npos);
}

TEST_P(ApiCoreTest, MalformedBodiesAreRefusedNamingTheField) {
  ExpectBadBody("", "body", "required");
  ExpectBadBody("{\"email\": ", "body", "not valid JSON");
  ExpectBadBody("[1,2]", "body", "must be a JSON object");
  ExpectBadBody(std::string(40, '[') + std::string(40, ']'), "body", "nested deeper than");
  ExpectBadBody(R"({"email": 5, "password": "x"})", "email", "must be a string");
  ExpectBadBody(R"({"password": "x"})", "email", "email is required");
  ExpectBadBody(R"({"email": "a@b.org", "password": "x", "pasword": "y"})", "pasword",
                "unknown field");
  ExpectBadBody("{\"email\": \"a\xff@b.org\", \"password\": \"x\"}", "body", "not valid JSON");
  ExpectBadBody(R"({"email": ")" + std::string(400, 'a') + R"(", "password": "x"})", "email",
                "at most 320 characters");
  // SQL metacharacters are only text: a failed sign-in, nothing else.
  Reply sql = Call("POST", "/api/v1/auth/login",
                   json{{"email", "x' OR '1'='1"}, {"password", "' OR 1=1 --"}});
  EXPECT_EQ(sql.status, 401);
}

TEST_P(ApiCoreTest, OversizeBodiesAre413AndTheServerGoesOn) {
  Reply big = CallRaw("POST", "/api/v1/auth/login",
                      std::string(api::ApiOptions{}.max_json_body_bytes + 1, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error_code(), "invalid_argument");
  EXPECT_EQ(Call("GET", "/health").status, 200);
}

TEST_P(ApiCoreTest, BadPathIdsAreNamed) {
  const std::string token = SuperAdminToken();
  Reply r = Call("GET", "/api/v1/tenants/abc/config", std::nullopt, token);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["details"].value("field", ""), "tenant");
  Reply missing = Call("GET", "/api/v1/tenants/999999/config", std::nullopt, token);
  EXPECT_EQ(missing.status, 404);
}

TEST_P(ApiCoreTest, ResponsesAreNotCachedAndNotSniffed) {
  Reply r = Call("GET", "/health");
  auto header = [&](const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  };
  EXPECT_EQ(header("Cache-Control"), "no-store");
  EXPECT_EQ(header("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(header("Content-Type").find("application/json"), std::string::npos);
}

AVNI_ON_EVERY_BACKEND(ApiCoreTest);

}  // namespace
}  // namespace avni::testing
