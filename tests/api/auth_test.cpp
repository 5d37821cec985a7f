// Signing in and out, sessions, cookies and CSRF, rate limiting, password change.
#include <gtest/gtest.h>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class AuthApiTest : public ApiTest {
 protected:
  std::string Header(const Reply& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  }
  std::string CookieOf(const Reply& r) {
    const std::string set = Header(r, "Set-Cookie");
    return set.substr(0, set.find(';'));
  }
  Reply Login(const std::string& email, const std::string& password,
              const std::map<std::string, std::string>& headers = {}) {
    return Call("POST", "/api/v1/auth/login", json{{"email", email}, {"password", password}}, "",
                headers);
  }
};

TEST_P(AuthApiTest, SignInReturnsATokenAndAHardenedCookie) {
  MakeUser("ana@example.org");
  Reply r = Login("Ana@Example.org", "password-123");
  ASSERT_EQ(r.status, 200) << r.raw;
  const std::string token = r.body.value("token", "");
  EXPECT_EQ(token.size(), 43u);
  EXPECT_FALSE(r.body.value("csrf_token", "").empty());
  EXPECT_EQ(r.body["user"].value("email", ""), "ana@example.org");
  EXPECT_FALSE(r.body["user"].contains("password_hash"));
  const std::string cookie = Header(r, "Set-Cookie");
  EXPECT_EQ(cookie.find("avni_session=" + token), 0u) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  // Only a hash of the token is stored.
  const auto stored = db_->QueryColumn("SELECT token_hash FROM sessions").at(0);
  EXPECT_NE(stored, token);
  EXPECT_EQ(stored.size(), 64u);

  Reply me = Call("GET", "/api/v1/me", std::nullopt, token);
  ASSERT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body["user"].value("email", ""), "ana@example.org");
  EXPECT_TRUE(me.body["memberships"].empty());
}

TEST_P(AuthApiTest, WrongPasswordAndUnknownEmailGetTheSameAnswer) {
  MakeUser("ana@example.org");
  Reply wrong = Login("ana@example.org", "not-the-password");
  Reply unknown = Login("nobody@example.org", "password-123");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body["error"]["message"], unknown.body["error"]["message"]);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM sessions").at(0), "0");
}

TEST_P(AuthApiTest, RepeatedFailuresAreRateLimitedPerEmailWithRetryAfter) {
  MakeUser("ana@example.org");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Login("ana@example.org", "wrong-password").status, 401);
  Reply limited = Login("ana@example.org", "password-123");  // even the right one, for now
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.error_code(), "rate_limited");
  const int retry = std::stoi(Header(limited, "Retry-After"));
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 15 * 60);
  // Another account from the same address is not locked by this one's failures.
  MakeUser("bo@example.org");
  EXPECT_EQ(Login("bo@example.org", "password-123").status, 200);
  // When the window has passed, the right password works again.
  clock_.Advance(std::chrono::seconds(retry));
  EXPECT_EQ(Login("ana@example.org", "password-123").status, 200);
}

TEST_P(AuthApiTest, SessionsSlideWithUseAndExpireWhenIdle) {
  MakeUser("ana@example.org");
  const std::string token = SignIn("ana@example.org");
  // Used every 7 hours, an 8-hour session lives on.
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(7h);
    ASSERT_EQ(Call("GET", "/api/v1/me", std::nullopt, token).status, 200) << "round " << i;
  }
  clock_.Advance(8h + 1min);
  Reply expired = Call("GET", "/api/v1/me", std::nullopt, token);
  EXPECT_EQ(expired.status, 401);
  EXPECT_NE(expired.raw.find("sign in again"), std::string::npos);
}

TEST_P(AuthApiTest, LogoutEndsTheSession) {
  MakeUser("ana@example.org");
  const std::string token = SignIn("ana@example.org");
  Reply out = Call("POST", "/api/v1/auth/logout", std::nullopt, token);
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, token).status, 401);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM sessions").at(0), "0");
}

TEST_P(AuthApiTest, CookieWritesNeedTheCsrfHeader) {
  MakeUser("ana@example.org");
  Reply login = Login("ana@example.org", "password-123");
  ASSERT_EQ(login.status, 200);
  const std::string cookie = CookieOf(login);
  const std::string csrf = login.body.value("csrf_token", "");
  // Reads work with the cookie alone, and /me hands the CSRF token back to a reloaded page.
  Reply me = Call("GET", "/api/v1/me", std::nullopt, "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body.value("csrf_token", ""), csrf);
  // A write without it (what a forged cross-site form would send) is refused.
  json change{{"current_password", "password-123"}, {"new_password", "password-456"}};
  Reply forged = Call("POST", "/api/v1/auth/password", change, "", {{"Cookie", cookie}});
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(forged.raw.find("X-CSRF-Token"), std::string::npos);
  Reply wrong = Call("POST", "/api/v1/auth/password", change, "",
                     {{"Cookie", cookie}, {"X-CSRF-Token", "guess"}});
  EXPECT_EQ(wrong.status, 403);
  Reply right = Call("POST", "/api/v1/auth/password", change, "",
                     {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(right.status, 200) << right.raw;
}

TEST_P(AuthApiTest, PasswordChangeChecksTheOldOneAndEndsOtherSessions) {
  MakeUser("ana@example.org");
  const std::string laptop = SignIn("ana@example.org");
  const std::string phone = SignIn("ana@example.org");
  Reply bad =
      Call("POST", "/api/v1/auth/password",
           json{{"current_password", "nope-nope"}, {"new_password", "password-456"}}, phone);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"].value("field", ""), "current_password");
  Reply weak = Call("POST", "/api/v1/auth/password",
                    json{{"current_password", "password-123"}, {"new_password", "short"}}, phone);
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.body["error"]["details"].value("field", ""), "new_password");
  Reply ok =
      Call("POST", "/api/v1/auth/password",
           json{{"current_password", "password-123"}, {"new_password", "password-456"}}, phone);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body.value("other_sessions_ended", -1), 1);
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, laptop).status, 401);
  EXPECT_EQ(Call("GET", "/api/v1/me", std::nullopt, phone).status, 200);
  EXPECT_EQ(Login("ana@example.org", "password-123").status, 401);
  EXPECT_EQ(Login("ana@example.org", "password-456").status, 200);
  // The audit says the password changed, and nothing of it.
  for (const auto& row : db_->QueryColumn("SELECT action || after_json FROM audit_log")) {
    EXPECT_EQ(row.find("password-456"), std::string::npos) << row;
  }
}

// Issue 15: a stolen session could guess the current password without limit.
TEST_P(AuthApiTest, WrongCurrentPasswordsCountWithTheSignInFailures) {
  MakeUser("ana@example.org");
  const std::string session = SignIn("ana@example.org");
  const auto change = [&](const std::string& current) {
    return Call("POST", "/api/v1/auth/password",
                json{{"current_password", current}, {"new_password", "tiger-lily-blossom"}},
                session);
  };
  for (int i = 0; i < 5; ++i) {
    Reply r = change("guess-number-" + std::to_string(i));
    EXPECT_EQ(r.status, 400) << r.raw;
  }
  Reply throttled = change("password-123");  // even the right one, until the window passes
  EXPECT_EQ(throttled.status, 429) << throttled.raw;
  EXPECT_EQ(throttled.error_code(), "rate_limited");
  EXPECT_EQ(throttled.headers.count("Retry-After"), 1u);
  EXPECT_EQ(Login("ana@example.org", "password-123").status, 429);  // one budget for both
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_EQ(change("password-123").status, 200);
}

TEST_P(AuthApiTest, ANewPasswordMustBeLongAndUncommon) {
  MakeUser("ana@example.org");
  const std::string session = SignIn("ana@example.org");
  for (const char* weak : {"password", "12345678", "password1234", "abcdefghijklm"}) {
    Reply r = Call("POST", "/api/v1/auth/password",
                   json{{"current_password", "password-123"}, {"new_password", weak}}, session);
    EXPECT_EQ(r.status, 400) << weak << ": " << r.raw;
    EXPECT_EQ(r.body["error"]["details"].value("field", ""), "new_password") << r.raw;
  }
  EXPECT_EQ(Login("ana@example.org", "password-123").status, 200);
}

TEST_P(AuthApiTest, MeListsTheCallersTenantsAndRoles) {
  const User ana = MakeUser("ana@example.org");
  const TenantId a = MakeTenant("A"), b = MakeTenant("B");
  MakeTenant("C");
  AddMember(a, ana.id, Role::kEditor);
  AddMember(b, ana.id, Role::kViewer);
  Reply me = Call("GET", "/api/v1/me", std::nullopt, SignIn("ana@example.org"));
  ASSERT_EQ(me.status, 200);
  ASSERT_EQ(me.body["memberships"].size(), 2u);
  EXPECT_EQ(me.body["memberships"][0].value("tenant_name", ""), "A");
  EXPECT_EQ(me.body["memberships"][0].value("role", ""), "editor");
  EXPECT_EQ(me.body["memberships"][1].value("role", ""), "viewer");
}

AVNI_ON_EVERY_BACKEND(AuthApiTest);

}  // namespace
}  // namespace avni::testing
