#include "cognito/idp_server.hpp"

#include <expected>

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

namespace avni::cognito {
namespace {

using nlohmann::json;

constexpr std::string_view kTargetPrefix = "AWSCognitoIdentityProviderService.";
constexpr auto kChallengeLifetime = std::chrono::minutes(5);
// How far a client's TIMESTAMP may be from the server's clock.
constexpr auto kClockSkew = std::chrono::minutes(15);
constexpr std::string_view kIncorrect = "Incorrect username or password.";

CognitoIdpServer::Reply Failure(std::string_view type, std::string_view message) {
  return {.status = 400,
          .body = json{{"__type", type}, {"message", message}}.dump(),
          .error_type = std::string(type)};
}

CognitoIdpServer::Reply Missing(std::string_view parameter) {
  return Failure("InvalidParameterException",
                 fmt::format("Missing required parameter {}", parameter));
}

std::optional<std::string> StringIn(const json& object, const char* key) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string RandomBase64(int bytes) {
  std::string raw(static_cast<std::size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return Base64Encode(raw);
}

bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// A call's JSON body, for this pool's app client; else the reply Cognito gives.
std::expected<json, CognitoIdpServer::Reply> ReadRequest(const std::string& body,
                                                         const std::string& app_client_id) {
  json request = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!request.is_object()) {
    return std::unexpected(Failure("SerializationException", "Malformed request body"));
  }
  auto client_id = StringIn(request, "ClientId");
  if (!client_id) return std::unexpected(Missing("ClientId"));
  if (*client_id != app_client_id) {
    return std::unexpected(Failure("ResourceNotFoundException",
                                   fmt::format("User pool client {} does not exist.", *client_id)));
  }
  return request;
}

}  // namespace

CognitoIdpServer::CognitoIdpServer(CognitoIdpOptions options)
    : options_(std::move(options)), pool_name_(PoolNameOf(options_.pool_id).value_or("")) {}

void CognitoIdpServer::AddUser(const std::string& username, const std::string& password) {
  SrpVerifier verifier = MakeSrpVerifier(pool_name_, username, password);
  std::lock_guard lock(mutex_);
  users_[username] = std::move(verifier);
}

void CognitoIdpServer::AddAlias(const std::string& alias, const std::string& username) {
  std::lock_guard lock(mutex_);
  aliases_[alias] = username;
}

int CognitoIdpServer::Logins() const {
  std::lock_guard lock(mutex_);
  return logins_;
}

int CognitoIdpServer::Refreshes() const {
  std::lock_guard lock(mutex_);
  return refreshes_;
}

void CognitoIdpServer::Mount(httplib::Server& http, const std::string& path) {
  http.Post(path, [this](const httplib::Request& request, httplib::Response& response) {
    Reply reply = Handle(request.get_header_value("X-Amz-Target"), request.body);
    response.status = reply.status;
    if (!reply.error_type.empty()) response.set_header("x-amzn-ErrorType", reply.error_type + ":");
    response.set_content(reply.body, "application/x-amz-json-1.1");
  });
}

CognitoIdpServer::Reply CognitoIdpServer::Handle(const std::string& target,
                                                 const std::string& body) {
  if (target == fmt::format("{}InitiateAuth", kTargetPrefix)) return InitiateAuth(body);
  if (target == fmt::format("{}RespondToAuthChallenge", kTargetPrefix)) {
    return RespondToAuthChallenge(body);
  }
  return Failure("UnknownOperationException", "");
}

CognitoIdpServer::Reply CognitoIdpServer::InitiateAuth(const std::string& body) {
  auto parsed = ReadRequest(body, options_.client_id);
  if (!parsed) return parsed.error();
  const json& request = *parsed;
  auto flow = StringIn(request, "AuthFlow");
  if (!flow) return Missing("AuthFlow");
  const json& parameters = request.contains("AuthParameters") ? request["AuthParameters"] : json();

  if (*flow == "REFRESH_TOKEN_AUTH" || *flow == "REFRESH_TOKEN") {
    auto token = StringIn(parameters, "REFRESH_TOKEN");
    if (!token) return Missing("REFRESH_TOKEN");
    if (!options_.refresh_allowed)
      return Failure("NotAuthorizedException", "Refresh Token has expired");
    std::string username;
    {
      std::lock_guard lock(mutex_);
      auto it = refresh_tokens_.find(*token);
      if (it == refresh_tokens_.end()) {
        return Failure("NotAuthorizedException", "Invalid Refresh Token");
      }
      username = it->second;
      ++refreshes_;
    }
    return Tokens(username, /*with_refresh=*/false);
  }
  if (*flow != "USER_SRP_AUTH") {
    return Failure("InvalidParameterException", "Initiate Auth method not supported.");
  }
  auto username = StringIn(parameters, "USERNAME");
  if (!username) return Missing("USERNAME");
  auto srp_a = StringIn(parameters, "SRP_A");
  if (!srp_a) return Missing("SRP_A");

  SrpVerifier verifier;
  std::string user_id = *username;
  {
    std::lock_guard lock(mutex_);
    if (auto alias = aliases_.find(user_id); alias != aliases_.end()) user_id = alias->second;
    auto user = users_.find(user_id);
    if (user == users_.end()) return Failure("UserNotFoundException", "User does not exist.");
    verifier = user->second;
  }
  // The big-number work runs outside the lock: logins of different users proceed in parallel.
  auto challenge = StartSrpServer(verifier, *srp_a);
  if (!challenge) return Failure("InvalidParameterException", challenge.error().message);
  std::string secret_block = RandomBase64(96);
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    std::erase_if(challenges_, [&](const auto& entry) {
      return now - entry.second.issued > kChallengeLifetime;
    });
    challenges_[secret_block] = Pending{.username = user_id, .key = challenge->key, .issued = now};
  }
  json answer = {{"ChallengeName", "PASSWORD_VERIFIER"},
                 {"ChallengeParameters",
                  {{"SALT", verifier.salt_hex},
                   {"SRP_B", challenge->srp_b_hex},
                   {"SECRET_BLOCK", secret_block},
                   {"USER_ID_FOR_SRP", user_id},
                   {"USERNAME", user_id}}}};
  return {.status = 200, .body = answer.dump(), .error_type = {}};
}

CognitoIdpServer::Reply CognitoIdpServer::RespondToAuthChallenge(const std::string& body) {
  auto parsed = ReadRequest(body, options_.client_id);
  if (!parsed) return parsed.error();
  const json& request = *parsed;
  if (StringIn(request, "ChallengeName").value_or("") != "PASSWORD_VERIFIER") {
    return Failure("InvalidParameterException", "Unsupported challenge name.");
  }
  const json& responses =
      request.contains("ChallengeResponses") ? request["ChallengeResponses"] : json();
  auto username = StringIn(responses, "USERNAME");
  if (!username) return Missing("USERNAME");
  auto secret_block = StringIn(responses, "PASSWORD_CLAIM_SECRET_BLOCK");
  if (!secret_block) return Missing("PASSWORD_CLAIM_SECRET_BLOCK");
  auto signature = StringIn(responses, "PASSWORD_CLAIM_SIGNATURE");
  if (!signature) return Missing("PASSWORD_CLAIM_SIGNATURE");
  auto timestamp = StringIn(responses, "TIMESTAMP");
  if (!timestamp) return Missing("TIMESTAMP");

  Pending pending;
  {
    // Taken out whatever follows: a secret block answers one attempt, right or wrong.
    std::lock_guard lock(mutex_);
    auto it = challenges_.find(*secret_block);
    if (it == challenges_.end() ||
        std::chrono::steady_clock::now() - it->second.issued > kChallengeLifetime) {
      if (it != challenges_.end()) challenges_.erase(it);
      return Failure("NotAuthorizedException", kIncorrect);
    }
    pending = std::move(it->second);
    challenges_.erase(it);
  }
  std::string user_id = *username;
  {
    std::lock_guard lock(mutex_);
    if (auto alias = aliases_.find(user_id); alias != aliases_.end()) user_id = alias->second;
  }
  auto when = ParseCognitoTimestamp(*timestamp);
  auto secret_bytes = Base64Decode(*secret_block);
  auto given = Base64Decode(*signature);
  if (user_id != pending.username || !when || !secret_bytes || !given) {
    return Failure("NotAuthorizedException", kIncorrect);
  }
  auto skew = std::chrono::system_clock::now() - *when;
  if (skew > kClockSkew || skew < -kClockSkew) return Failure("NotAuthorizedException", kIncorrect);
  auto expected = Base64Decode(
      PasswordClaimSignature(pending.key, pool_name_, pending.username, *secret_bytes, *timestamp));
  if (!expected || !SameBytes(*expected, *given)) {
    return Failure("NotAuthorizedException", kIncorrect);
  }
  {
    std::lock_guard lock(mutex_);
    ++logins_;
  }
  return Tokens(pending.username, /*with_refresh=*/true);
}

CognitoIdpServer::Reply CognitoIdpServer::Tokens(const std::string& username, bool with_refresh) {
  std::string token = options_.token_issuer ? options_.token_issuer(username) : std::string();
  json result = {{"IdToken", token},
                 {"AccessToken", token},
                 {"ExpiresIn", options_.expires_in_seconds},
                 {"TokenType", "Bearer"}};
  if (with_refresh) {
    std::string refresh = RandomBase64(48);
    std::lock_guard lock(mutex_);
    refresh_tokens_[refresh] = username;
    result["RefreshToken"] = refresh;
  }
  json answer = {{"AuthenticationResult", result}, {"ChallengeParameters", json::object()}};
  return {.status = 200, .body = answer.dump(), .error_type = {}};
}

}  // namespace avni::cognito
