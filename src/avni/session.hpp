#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "avni/config.hpp"
#include "common/time.hpp"
#include "http/client.hpp"

// Internal to the Avni client: who the requests are made as.
namespace avni::avniapi {

// The request headers one Avni call carries, and the token they hold (empty in USER-NAME mode).
struct Credentials {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string token;
};

struct SessionStats {
  std::int64_t logins = 0;     // full logins (password grant or SRP)
  std::int64_t refreshes = 0;  // Cognito refresh-token exchanges
  std::int64_t idp_lookups = 0;
};

// Logs in as avni-server's /idp-details says (Cognito SRP, Keycloak password grant, or none:
// USER-NAME) and keeps the token until shortly before its `exp`. Thread-safe: one login at a
// time; callers waiting for it share its result.
class Session {
 public:
  Session(http::Client& http, const AvniConfig& config, const Clock& clock);

  // A valid token's headers, logging in or refreshing first when needed.
  Result<Credentials> Get();
  // Avni refused `token` (expired or revoked): the next Get logs in again, unless another
  // caller already replaced it.
  void Invalidate(std::string_view token);
  // "cognito", "keycloak" or "none" once known (after the first Get), else "".
  std::string Mode() const;
  SessionStats Stats() const;

 private:
  struct Token {
    std::string value;
    std::string refresh;  // Cognito's refresh token, when given
    std::optional<Timestamp> renew_at;
  };
  Status DiscoverLocked();
  Result<Token> LoginLocked();
  Result<Token> RefreshLocked(const std::string& refresh_token);
  Result<Token> KeycloakLocked();
  Result<Token> CognitoLocked(const std::string& refresh_token);
  Credentials WithToken(const std::string& token) const;

  http::Client& http_;
  const AvniConfig& config_;
  const Clock& clock_;

  mutable std::mutex mutex_;
  std::string mode_;  // guarded by mutex_, as are the members below
  std::string keycloak_token_url_;
  std::string keycloak_client_id_;
  std::string cognito_pool_id_;
  std::string cognito_client_id_;
  std::optional<Token> token_;
  SessionStats stats_;
};

// A failed call to `where` ("GET /idp-details"): "Avni <where>: <message>", or, when the target
// policy refused the address, "avni_api_url: <message>" (still IsRefusedTarget), so that the
// setting to change comes first.
Error CallFailed(std::string_view where, const Error& error);

// When a JWT's `exp` says it expires; nullopt for a token that is not a JWT or has no exp.
std::optional<Timestamp> JwtExpiry(std::string_view token);
// When to renew a token got at `now`: before its JWT exp, else before now + expires_in seconds
// (0: unknown), by a margin; nullopt when neither is known (kept until Avni refuses it).
std::optional<Timestamp> RenewAt(const std::string& token, std::int64_t expires_in, Timestamp now);

}  // namespace avni::avniapi
