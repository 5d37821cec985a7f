#pragma once

#include <string>

#include "common/error.hpp"
#include "http/client.hpp"

// Logging in to an Amazon Cognito user pool the way Avni's apps do (USER_SRP_AUTH), and
// refreshing the tokens, over the project's HTTP client.
namespace avni::cognito {

struct CognitoParams {
  std::string pool_id;  // "<region>_<name>", e.g. "ap-south-1_AbC123"
  std::string client_id;
  std::string username;
  std::string password;
  // Empty: "https://cognito-idp.<region>.amazonaws.com/", the region taken from pool_id.
  std::string endpoint;
};

struct CognitoTokens {
  std::string id_token;  // what Avni expects in AUTH-TOKEN
  std::string access_token;
  std::string refresh_token;
  int expires_in = 0;  // seconds
};

// The endpoint requests go to (params.endpoint, or the region's public one). Fails with
// kInvalidArgument naming "pool_id" when the pool id has no "<region>_<name>" form.
Result<std::string> CognitoEndpoint(const CognitoParams& params);

// InitiateAuth (USER_SRP_AUTH) then RespondToAuthChallenge (PASSWORD_VERIFIER).
// Errors: a wrong password, an unknown or unconfirmed user -> kUnauthenticated; an unknown
// client id or another bad parameter -> kFailedPrecondition; throttling -> kRateLimited; no
// answer, a 5xx or an answer missing what SRP needs -> kUnavailable; a further challenge (MFA,
// new password) -> kFailedPrecondition naming it. Messages name the pool and the user, never
// the password or a token.
Result<CognitoTokens> CognitoLogin(http::Client& client, const CognitoParams& params);

// InitiateAuth (REFRESH_TOKEN_AUTH): new id and access tokens. The refresh token of the answer
// is the one given unless Cognito rotated it. Errors as CognitoLogin; an expired or revoked
// refresh token is kUnauthenticated.
Result<CognitoTokens> CognitoRefresh(http::Client& client, const CognitoParams& params,
                                     const std::string& refresh_token);

}  // namespace avni::cognito
