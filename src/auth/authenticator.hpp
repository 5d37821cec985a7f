#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.hpp"
#include "auth/rate_limiter.hpp"
#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::store {
class Store;
}

namespace avni::auth {

struct AuthOptions {
  // A session lasts this long after its last use, and never longer than session_max.
  std::chrono::minutes session_idle{8 * 60};
  std::chrono::minutes session_max{7 * 24 * 60};
  std::size_t max_failures_per_email = 5;
  std::size_t max_failures_per_address = 30;
  std::chrono::minutes failure_window{15};
};

struct LoginResult {
  std::string token;       // the session token: returned once, stored only as a hash
  std::string csrf_token;  // what cookie-authenticated writes send in X-CSRF-Token
  Session session;
  User user;
};

// Signs users in and tells who a request comes from. Thread-safe; the Store and Clock are
// not owned and must outlive it.
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock, AuthOptions options = {});

  // Errors: unauthenticated (wrong email or password, or an inactive user: the same message
  // for all, so that emails cannot be probed), rate_limited (too many failures for the email or
  // the address; the message says when to retry and `retry_after` is set).
  Result<LoginResult> Login(std::string_view email, std::string_view password,
                            std::string_view address, std::chrono::seconds* retry_after);
  // Checks a signed-in user's current password before a change. Wrong guesses count with the
  // sign-in failures of the user's email and the caller's address, so that a stolen session
  // guesses no faster than the sign-in page allows. Errors: invalid_argument naming
  // current_password when it is wrong, rate_limited (with `retry_after` set) after too many.
  Status CheckCurrentPassword(const User& user, std::string_view password, std::string_view address,
                              std::chrono::seconds* retry_after);
  // The caller behind a token: a session token (bearer or cookie) or an API key (bearer,
  // "avk_..."). Errors: unauthenticated (unknown, expired, revoked, inactive user).
  Result<Principal> Authenticate(std::string_view token, bool via_cookie);
  Status Logout(std::string_view token);

  // The CSRF token that belongs to a session token: derived, so nothing more is stored, and
  // unknowable to a page that cannot read the cookie.
  static std::string CsrfToken(std::string_view session_token);
  // Compares in constant time.
  static bool CsrfMatches(std::string_view session_token, std::string_view presented);
  static std::string HashToken(std::string_view token);
  // A new API key ("avk_" + 43 random characters) and its display prefix.
  static std::pair<std::string, std::string> NewApiKey();

 private:
  store::Store& store_;
  const Clock& clock_;
  AuthOptions options_;
  RateLimiter by_email_;
  RateLimiter by_address_;
  // How long `email` or `address` must wait after too many failures, or nullopt.
  std::optional<std::chrono::seconds> Throttled(const std::string& email,
                                                const std::string& address);
  void CountFailure(const std::string& email, const std::string& address);

  std::string dummy_hash_;  // verified against for unknown emails, to take the same time
};

}  // namespace avni::auth
