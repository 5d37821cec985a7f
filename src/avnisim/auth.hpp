#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace httplib {
struct Request;
}

namespace avni::sim {

struct AuthOptions {
  std::string idp = "none";  // "none" | "keycloak" | "cognito", as avni.idp.type
  std::map<std::string, std::string> users = {{"admin@sim", "password"}};
  std::int64_t token_ttl_seconds = 3600;
  // avni-server verifies with acceptLeeway(240): a token is refused only 240 s after its exp.
  std::int64_t leeway_seconds = 240;
  // avni.defaultUserName: who a request without USER-NAME is in idp "none".
  std::string default_user = "admin@sim";
  std::string keycloak_realm = "On-premise";
  std::string keycloak_client_id = "avni-client";
  std::string cognito_pool_id = "ap-south-1_SimPool1";
  std::string cognito_client_id = "sim-client";
};

// The outcome of authenticating one /api request: `status` 0 and the user, or the status,
// content type and body avni-server answers.
struct AuthOutcome {
  int status = 0;
  std::string user;
  std::string body;
};

// Issues and checks the simulator's tokens (HS256 JWTs under a per-instance secret) the way
// avni-server's AuthenticationFilter, AuthService and BaseIAMService treat theirs.
// Thread-safe: every member locks.
class Authenticator {
 public:
  explicit Authenticator(AuthOptions options);

  void SetPort(int port);

  // Merges a POST /_sim/auth body: {"idp", "users": {name: password}, "token_ttl_seconds",
  // "leeway_seconds", "default_user"}. InvalidArgument names the bad field; nothing changes then.
  std::expected<void, Error> Configure(const nlohmann::json& body);
  // Every token issued so far is expired from now on (the expire_tokens fault).
  void ExpireIssuedTokens();

  // A token for `user` with the claims avni-server reads in the current idp (Keycloak's
  // preferred_username, or Cognito's cognito:username), timed by the real system clock.
  std::string IssueToken(const std::string& user);

  AuthOutcome Authenticate(const httplib::Request& req);

  // GET /idp-details, shaped as AuthDetailsController.CompositeIDPDetails.
  nlohmann::json IdpDetails() const;

  // POST /auth/realms/{realm}/protocol/openid-connect/token: the HTTP status and JSON body
  // Keycloak answers to a password grant.
  std::pair<int, nlohmann::json> KeycloakToken(const std::string& realm,
                                               const httplib::Request& req);

  nlohmann::json Describe() const;

 private:
  std::string IssueTokenLocked(const std::string& user);
  std::string Issuer() const;  // caller holds mutex_

  mutable std::mutex mutex_;
  AuthOptions options_;             // guarded by mutex_
  std::string secret_;              // guarded by mutex_
  int port_ = 0;                    // guarded by mutex_
  std::int64_t next_token_ = 1;     // guarded by mutex_; numbers the tokens ("jti")
  std::int64_t expired_below_ = 0;  // guarded by mutex_; tokens numbered below are expired
};

}  // namespace avni::sim
