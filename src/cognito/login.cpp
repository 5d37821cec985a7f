#include "cognito/login.hpp"

#include <fmt/format.h>

#include <chrono>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cognito/srp.hpp"

namespace avni::cognito {
namespace {

using nlohmann::json;

constexpr std::string_view kTargetPrefix = "AWSCognitoIdentityProviderService.";

// Removes every occurrence of the secrets from a text that came from the server, which could
// echo them back.
std::string Scrub(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.size() < 4) continue;
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
      text.replace(at, secret.size(), "***");
    }
  }
  return text;
}

// Cognito's error type: "__type" (sometimes "prefix#Name") or the x-amzn-errortype header
// ("Name:url").
std::string ErrorType(const http::Response& response, const json& body) {
  std::string type;
  if (body.is_object()) {
    if (auto it = body.find("__type"); it != body.end() && it->is_string()) {
      type = it->get<std::string>();
    } else if (auto code = body.find("code"); code != body.end() && code->is_string()) {
      type = code->get<std::string>();
    }
  }
  if (type.empty()) {
    if (auto it = response.headers.find("x-amzn-errortype"); it != response.headers.end()) {
      type = it->second.substr(0, it->second.find(':'));
    }
  }
  if (auto hash = type.rfind('#'); hash != std::string::npos) type.erase(0, hash + 1);
  return type;
}

std::string ErrorMessage(const json& body) {
  if (!body.is_object()) return {};
  for (const char* key : {"message", "Message"}) {
    if (auto it = body.find(key); it != body.end() && it->is_string())
      return it->get<std::string>();
  }
  return {};
}

Error MapFailure(const http::Response& response, const json& body, const std::string& who,
                 std::initializer_list<std::string_view> secrets) {
  std::string type = ErrorType(response, body);
  std::string message = Scrub(ErrorMessage(body), secrets);
  std::string text = fmt::format("Cognito refused {}: {}{}{}", who, type.empty() ? "HTTP " : type,
                                 type.empty() ? std::to_string(response.status) : "",
                                 message.empty() ? "" : " (" + message + ")");
  if (response.status >= 500 || type == "InternalErrorException") {
    return Error::Unavailable(text + "; try again later");
  }
  if (type == "NotAuthorizedException" || type == "UserNotFoundException" ||
      type == "UserNotConfirmedException" || type == "PasswordResetRequiredException") {
    return Error{ErrorCode::kUnauthenticated, text + "; check the user name and password", {}};
  }
  if (type == "TooManyRequestsException" || type == "LimitExceededException" ||
      response.status == 429) {
    return Error{ErrorCode::kRateLimited, text + "; try again in a minute", {}};
  }
  return Error::FailedPrecondition(text + "; check the pool id and client id");
}

// One Cognito call: a JSON body to a target, a JSON object back or a mapped error.
Result<json> Call(http::Client& client, const std::string& endpoint, std::string_view target,
                  const json& body, const std::string& who,
                  std::initializer_list<std::string_view> secrets) {
  http::Request request{.method = "POST",
                        .url = endpoint,
                        .headers = {{"Content-Type", "application/x-amz-json-1.1"},
                                    {"X-Amz-Target", fmt::format("{}{}", kTargetPrefix, target)}},
                        .body = body.dump()};
  auto response = client.Send(request);
  if (!response) {
    Error error = response.error();
    if (error.code != ErrorCode::kUnavailable) error.code = ErrorCode::kUnavailable;
    error.message = fmt::format("Cognito {} for {}: {}", target, who, error.message);
    return Fail(std::move(error));
  }
  json answer = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (response->status >= 400) return Fail(MapFailure(*response, answer, who, secrets));
  if (!answer.is_object()) {
    return Fail(
        Error::Unavailable(fmt::format("Cognito {} for {} answered HTTP {} without a JSON object",
                                       target, who, response->status)));
  }
  return answer;
}

Result<std::string> StringAt(const json& object, const char* key, std::string_view where,
                             const std::string& who) {
  if (object.is_object()) {
    if (auto it = object.find(key);
        it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
      return it->get<std::string>();
    }
  }
  return Fail(
      Error::Unavailable(fmt::format("Cognito's answer for {} has no {} in {}", who, key, where)));
}

// The tokens of an AuthenticationResult, or the challenge Cognito asked for instead.
Result<CognitoTokens> TokensOf(const json& answer, const std::string& who,
                               const std::string& previous_refresh) {
  auto result = answer.find("AuthenticationResult");
  if (result == answer.end() || !result->is_object()) {
    if (auto challenge = answer.find("ChallengeName");
        challenge != answer.end() && challenge->is_string()) {
      return Fail(Error::FailedPrecondition(
          fmt::format("Cognito asks {} for the {} challenge, which avni-integrator cannot answer; "
                      "use a user without MFA whose password needs no change",
                      who, challenge->get<std::string>())));
    }
    return Fail(Error::Unavailable(
        fmt::format("Cognito's answer for {} has no AuthenticationResult", who)));
  }
  CognitoTokens tokens;
  auto id = StringAt(*result, "IdToken", "AuthenticationResult", who);
  if (!id) return Fail(id.error());
  auto access = StringAt(*result, "AccessToken", "AuthenticationResult", who);
  if (!access) return Fail(access.error());
  tokens.id_token = std::move(*id);
  tokens.access_token = std::move(*access);
  tokens.refresh_token = previous_refresh;
  if (auto refresh = result->find("RefreshToken");
      refresh != result->end() && refresh->is_string()) {
    tokens.refresh_token = refresh->get<std::string>();
  }
  if (auto expires = result->find("ExpiresIn"); expires != result->end()) {
    if (!expires->is_number_integer()) {
      return Fail(Error::Unavailable(
          fmt::format("Cognito's answer for {} has a non-integer ExpiresIn", who)));
    }
    tokens.expires_in = expires->get<int>();
  }
  return tokens;
}

std::string Who(const CognitoParams& params) {
  return fmt::format("user '{}' of pool {}", params.username, params.pool_id);
}

}  // namespace

Result<std::string> CognitoEndpoint(const CognitoParams& params) {
  auto region = RegionOfPool(params.pool_id);
  if (!region) {
    return Fail(Error::InvalidArgument(
        "pool_id", fmt::format("Cognito pool id '{}' is not of the form <region>_<name>, "
                               "e.g. ap-south-1_AbC123",
                               params.pool_id)));
  }
  if (!params.endpoint.empty()) return params.endpoint;
  return fmt::format("https://cognito-idp.{}.amazonaws.com/", *region);
}

Result<CognitoTokens> CognitoLogin(http::Client& client, const CognitoParams& params) {
  auto endpoint = CognitoEndpoint(params);
  if (!endpoint) return Fail(endpoint.error());
  const std::string pool_name = *PoolNameOf(params.pool_id);
  const std::string who = Who(params);
  const std::initializer_list<std::string_view> secrets = {params.password};

  SrpClient srp;
  json initiate = {{"AuthFlow", "USER_SRP_AUTH"},
                   {"ClientId", params.client_id},
                   {"AuthParameters", {{"USERNAME", params.username}, {"SRP_A", srp.LargeAHex()}}}};
  auto challenge = Call(client, *endpoint, "InitiateAuth", initiate, who, secrets);
  if (!challenge) return Fail(challenge.error());
  auto name = StringAt(*challenge, "ChallengeName", "the InitiateAuth answer", who);
  if (!name) return Fail(name.error());
  if (*name != "PASSWORD_VERIFIER") return TokensOf(*challenge, who, "");
  const json& parameters = (*challenge)["ChallengeParameters"];
  const std::string_view where = "ChallengeParameters";
  auto salt = StringAt(parameters, "SALT", where, who);
  auto srp_b = StringAt(parameters, "SRP_B", where, who);
  auto secret_block = StringAt(parameters, "SECRET_BLOCK", where, who);
  auto user_id = StringAt(parameters, "USER_ID_FOR_SRP", where, who);
  for (const auto* part : {&salt, &srp_b, &secret_block, &user_id}) {
    if (!*part) return Fail(part->error());
  }
  auto secret_bytes = Base64Decode(*secret_block);
  if (!secret_bytes) {
    return Fail(
        Error::Unavailable(fmt::format("Cognito's SECRET_BLOCK for {} is not base64", who)));
  }
  auto key = srp.PasswordKey(pool_name, *user_id, params.password, *salt, *srp_b);
  if (!key) {
    return Fail(Error::Unavailable(fmt::format(
        "Cognito sent {} an unusable PASSWORD_VERIFIER challenge: {}", who, key.error().message)));
  }
  const std::string timestamp = FormatCognitoTimestamp(std::chrono::system_clock::now());
  json respond = {{"ChallengeName", "PASSWORD_VERIFIER"},
                  {"ClientId", params.client_id},
                  {"ChallengeResponses",
                   {{"USERNAME", *user_id},
                    {"PASSWORD_CLAIM_SECRET_BLOCK", *secret_block},
                    {"PASSWORD_CLAIM_SIGNATURE",
                     PasswordClaimSignature(*key, pool_name, *user_id, *secret_bytes, timestamp)},
                    {"TIMESTAMP", timestamp}}}};
  if (auto session = challenge->find("Session");
      session != challenge->end() && session->is_string()) {
    respond["Session"] = *session;
  }
  auto answer = Call(client, *endpoint, "RespondToAuthChallenge", respond, who, secrets);
  if (!answer) return Fail(answer.error());
  return TokensOf(*answer, who, "");
}

Result<CognitoTokens> CognitoRefresh(http::Client& client, const CognitoParams& params,
                                     const std::string& refresh_token) {
  auto endpoint = CognitoEndpoint(params);
  if (!endpoint) return Fail(endpoint.error());
  const std::string who = Who(params);
  json initiate = {{"AuthFlow", "REFRESH_TOKEN_AUTH"},
                   {"ClientId", params.client_id},
                   {"AuthParameters", {{"REFRESH_TOKEN", refresh_token}}}};
  auto answer =
      Call(client, *endpoint, "InitiateAuth", initiate, who, {params.password, refresh_token});
  if (!answer) return Fail(answer.error());
  return TokensOf(*answer, who, refresh_token);
}

}  // namespace avni::cognito
