#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "cognito/srp.hpp"

namespace httplib {
class Server;
}

// A simulated Amazon Cognito user pool, for tests and the Avni simulator: the two calls of
// USER_SRP_AUTH and REFRESH_TOKEN_AUTH over Cognito's JSON protocol, faithful enough that AWS's
// own client library (amazon-cognito-identity-js) logs in against it.
namespace avni::cognito {

struct CognitoIdpOptions {
  std::string pool_id;  // "<region>_<name>"
  std::string client_id;
  // Makes the IdToken (also sent as the AccessToken) for a user who logged in or refreshed.
  std::function<std::string(const std::string& username)> token_issuer;
  bool refresh_allowed = true;  // false: every refresh token is refused as expired
  int expires_in_seconds = 3600;
};

// Behaves as an app client created through Cognito's API does by default
// (PreventUserExistenceErrors = LEGACY): an unknown user gets UserNotFoundException at
// InitiateAuth. A wrong password gets NotAuthorizedException "Incorrect username or password."
// at RespondToAuthChallenge. Each SECRET_BLOCK is good for one answer within five minutes.
// Keeps a salt and verifier per user, never the password. Thread-safe.
class CognitoIdpServer {
 public:
  explicit CognitoIdpServer(CognitoIdpOptions options);
  CognitoIdpServer(const CognitoIdpServer&) = delete;
  CognitoIdpServer& operator=(const CognitoIdpServer&) = delete;

  // Adds or replaces a user.
  void AddUser(const std::string& username, const std::string& password);
  // Lets `alias` (e.g. an e-mail address) sign in as `username`; USER_ID_FOR_SRP is then the
  // username, as with Cognito's alias attributes.
  void AddAlias(const std::string& alias, const std::string& username);

  // Registers POST `path`, dispatching on X-Amz-Target. The server must outlive `http`'s use.
  void Mount(httplib::Server& http, const std::string& path);

  int Logins() const;     // successful USER_SRP_AUTH logins
  int Refreshes() const;  // successful REFRESH_TOKEN_AUTH calls

  struct Reply {
    int status = 200;
    std::string body;
    std::string error_type;  // for the x-amzn-ErrorType header of an error
  };
  // What Mount's handler answers; exposed for callers with their own HTTP server.
  Reply Handle(const std::string& target, const std::string& body);

 private:
  struct Pending {
    std::string username;
    std::string key;
    std::chrono::steady_clock::time_point issued;
  };

  Reply InitiateAuth(const std::string& body);
  Reply RespondToAuthChallenge(const std::string& body);
  Reply Tokens(const std::string& username, bool with_refresh);

  const CognitoIdpOptions options_;
  const std::string pool_name_;
  mutable std::mutex mutex_;
  std::map<std::string, SrpVerifier> users_;           // guarded by mutex_
  std::map<std::string, std::string> aliases_;         // guarded by mutex_
  std::map<std::string, Pending> challenges_;          // by SECRET_BLOCK; guarded by mutex_
  std::map<std::string, std::string> refresh_tokens_;  // to username; guarded by mutex_
  int logins_ = 0;                                     // guarded by mutex_
  int refreshes_ = 0;                                  // guarded by mutex_
};

}  // namespace avni::cognito
