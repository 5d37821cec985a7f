#include "avnisim/auth.hpp"

#include <charconv>
#include <chrono>
#include <random>

#include <fmt/format.h>
#include <httplib.h>

#include "avnisim/jwt.hpp"
#include "common/time.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

constexpr const char* kNoSession =
    "org.avni.server.domain.accessControl.AvniNoUserSessionException";
constexpr const char* kTrace =
    "\n\tat org.avni.server.framework.security.AuthService.authenticateByToken(AuthService.java)"
    "\n\tat org.avni.server.framework.security.AuthenticationFilter.doFilterInternal"
    "(AuthenticationFilter.java)";

std::int64_t RealNowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What Spring Boot's error controller renders after the filter's response.sendError: the
// message is the exception's stack trace (avni.exception.in.response is true by default).
AuthOutcome SpringError(int status, const std::string& message, const std::string& path) {
  json body = {{"timestamp", FormatIso8601(SystemClock().Now())},
               {"status", status},
               {"error", status == 401 ? "Unauthorized" : "Internal Server Error"},
               {"message", message + kTrace},
               {"path", path}};
  return {status, "", body.dump()};
}

// Authentication reads the token from the AUTH-TOKEN header (any case), else an `AUTH-TOKEN=`
// query parameter (AuthTokenManager matches that prefix exactly), else the auth-token cookie.
std::string DerivedToken(const httplib::Request& req) {
  std::string token = req.get_header_value("AUTH-TOKEN");
  if (token.empty() && req.has_param("AUTH-TOKEN")) token = req.get_param_value("AUTH-TOKEN");
  if (!token.empty()) return token;
  const std::string cookies = req.get_header_value("Cookie");
  std::size_t pos = 0;
  while (pos < cookies.size()) {
    auto end = cookies.find(';', pos);
    if (end == std::string::npos) end = cookies.size();
    std::string_view pair(cookies.data() + pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with("auth-token=")) return std::string(pair.substr(11));
    pos = end + 1;
  }
  return "";
}

}  // namespace

Authenticator::Authenticator(AuthOptions options) : options_(std::move(options)) {
  std::random_device device;
  std::mt19937_64 rng((static_cast<std::uint64_t>(device()) << 32) ^ device());
  secret_ = fmt::format("{:016x}{:016x}", rng(), rng());
}

void Authenticator::SetPort(int port) {
  std::lock_guard lock(mutex_);
  port_ = port;
}

std::expected<void, Error> Authenticator::Configure(const json& body) {
  if (!body.is_object()) {
    return std::unexpected(Error::InvalidArgument("body", "send a JSON object of auth options"));
  }
  std::lock_guard lock(mutex_);
  AuthOptions next = options_;
  if (const auto it = body.find("idp"); it != body.end()) {
    if (!it->is_string() || (*it != "none" && *it != "keycloak" && *it != "cognito")) {
      return std::unexpected(Error::InvalidArgument("idp", "give none, keycloak or cognito"));
    }
    next.idp = it->get<std::string>();
  }
  if (const auto it = body.find("users"); it != body.end()) {
    if (!it->is_object()) {
      return std::unexpected(Error::InvalidArgument("users", "give {\"name\": \"password\"}"));
    }
    next.users.clear();
    for (const auto& [name, password] : it->items()) {
      if (!password.is_string()) {
        return std::unexpected(Error::InvalidArgument("users", "each password is a string"));
      }
      next.users[name] = password.get<std::string>();
    }
  }
  for (const auto& [field, target] : {std::pair{"token_ttl_seconds", &next.token_ttl_seconds},
                                      std::pair{"leeway_seconds", &next.leeway_seconds}}) {
    if (const auto it = body.find(field); it != body.end()) {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
        return std::unexpected(Error::InvalidArgument(field, "give a whole number of seconds"));
      }
      *target = it->get<std::int64_t>();
    }
  }
  if (const auto it = body.find("default_user"); it != body.end()) {
    if (!it->is_string()) {
      return std::unexpected(Error::InvalidArgument("default_user", "give a user name"));
    }
    next.default_user = it->get<std::string>();
  }
  options_ = std::move(next);
  return {};
}

void Authenticator::ExpireIssuedTokens() {
  std::lock_guard lock(mutex_);
  expired_below_ = next_token_;
}

std::string Authenticator::Issuer() const {
  if (options_.idp == "cognito") {
    return "https://cognito-idp.ap-south-1.amazonaws.com/" + options_.cognito_pool_id;
  }
  return fmt::format("http://127.0.0.1:{}/auth/realms/{}", port_, options_.keycloak_realm);
}

std::string Authenticator::IssueToken(const std::string& user) {
  std::lock_guard lock(mutex_);
  return IssueTokenLocked(user);
}

std::string Authenticator::IssueTokenLocked(const std::string& user) {
  const std::int64_t now = RealNowSeconds();
  json claims = {{"exp", now + options_.token_ttl_seconds},
                 {"iat", now},
                 {"jti", std::to_string(next_token_++)},
                 {"iss", Issuer()},
                 {"sub", fmt::format("sim-user-{}", user)}};
  if (options_.idp == "cognito") {
    claims["aud"] = options_.cognito_client_id;
    claims["token_use"] = "id";
    claims["auth_time"] = now;
    claims["cognito:username"] = user;
  } else {
    // KeycloakAuthService verifies audience avni-server and email_verified true.
    claims["aud"] = "avni-server";
    claims["azp"] = options_.keycloak_client_id;
    claims["typ"] = "Bearer";
    claims["scope"] = "openid email profile";
    claims["email_verified"] = true;
    claims["preferred_username"] = user;
  }
  return SignJwt(claims, secret_);
}

AuthOutcome Authenticator::Authenticate(const httplib::Request& req) {
  std::lock_guard lock(mutex_);
  const std::string no_user = fmt::format("{}: No user, or not logged in", kNoSession);
  if (options_.idp == "none") {
    std::string user = req.get_header_value("USER-NAME");
    if (user.empty()) user = options_.default_user;
    if (!options_.users.contains(user)) return SpringError(401, no_user, req.path);
    return {0, user, ""};
  }
  const std::string token = DerivedToken(req);
  if (token.empty()) return SpringError(401, no_user, req.path);
  const auto claims = VerifyJwt(token, secret_);
  if (!claims && claims.error() == JwtProblem::kMalformed) {
    return SpringError(401,
                       fmt::format("{}: com.auth0.jwt.exceptions.JWTDecodeException: The string "
                                   "'{}' doesn't have a valid JSON format.",
                                   kNoSession, token),
                       req.path);
  }
  if (!claims || claims->value("iss", "") != Issuer()) {
    // BaseIAMService wraps every other verification failure in a RuntimeException, which the
    // filter rethrows: the servlet container answers 500.
    return SpringError(500,
                       "java.lang.RuntimeException: com.auth0.jwt.exceptions."
                       "SignatureVerificationException: The Token's Signature resulted invalid "
                       "when verified using the Algorithm: SHA256withRSA",
                       req.path);
  }
  const std::int64_t exp = claims->value("exp", std::int64_t{0});
  // Only this simulator signs, so "jti" is its own decimal token number.
  const std::string jti = claims->value("jti", std::string("0"));
  std::int64_t number = 0;
  std::from_chars(jti.data(), jti.data() + jti.size(), number);
  const bool expired = number < expired_below_ || RealNowSeconds() > exp + options_.leeway_seconds;
  if (expired) {
    return SpringError(
        401,
        fmt::format("{}: com.auth0.jwt.exceptions.TokenExpiredException: The Token has expired "
                    "on {}.",
                    kNoSession, FormatIso8601(FromEpochMillis(exp * 1000))),
        req.path);
  }
  const std::string user = options_.idp == "cognito" ? claims->value("cognito:username", "")
                                                     : claims->value("preferred_username", "");
  if (!options_.users.contains(user)) return SpringError(401, no_user, req.path);
  return {0, user, ""};
}

json Authenticator::IdpDetails() const {
  std::lock_guard lock(mutex_);
  return {{"genericConfig", {{"webAppTimeoutInMinutes", 21600}, {"avniEnvironment", "sim"}}},
          {"idpType", options_.idp},
          {"keycloak",
           {{"authServerUrl", fmt::format("http://127.0.0.1:{}/auth", port_)},
            {"clientId", options_.keycloak_client_id},
            {"grantType", "password"},
            {"scope", "openid"},
            {"realm", options_.keycloak_realm}}},
          {"cognito",
           {{"poolId", options_.cognito_pool_id}, {"clientId", options_.cognito_client_id}}}};
}

std::pair<int, json> Authenticator::KeycloakToken(const std::string& realm,
                                                  const httplib::Request& req) {
  std::lock_guard lock(mutex_);
  if (realm != options_.keycloak_realm) return {404, {{"error", "Realm does not exist"}}};
  const auto param = [&req](const char* name) {
    return req.has_param(name) ? req.get_param_value(name) : std::string();
  };
  if (param("grant_type").empty()) {
    return {400,
            {{"error", "invalid_request"},
             {"error_description", "Missing form parameter: grant_type"}}};
  }
  if (param("client_id") != options_.keycloak_client_id) {
    return {401,
            {{"error", "invalid_client"}, {"error_description", "Invalid client credentials"}}};
  }
  if (param("grant_type") != "password") {
    return {400,
            {{"error", "unsupported_grant_type"}, {"error_description", "Unsupported grant_type"}}};
  }
  const auto user = options_.users.find(param("username"));
  if (user == options_.users.end() || user->second != param("password")) {
    return {401, {{"error", "invalid_grant"}, {"error_description", "Invalid user credentials"}}};
  }
  const std::string token = IssueTokenLocked(user->first);
  return {200,
          {{"access_token", token},
           {"expires_in", options_.token_ttl_seconds},
           {"refresh_expires_in", 1800},
           {"refresh_token", token},
           {"token_type", "Bearer"},
           {"id_token", token},
           {"not-before-policy", 0},
           {"session_state", fmt::format("sim-session-{}", next_token_)},
           {"scope", "openid email profile"}}};
}

json Authenticator::Describe() const {
  std::lock_guard lock(mutex_);
  json users = json::array();
  for (const auto& [name, password] : options_.users) users.push_back(name);
  return {{"idp", options_.idp},
          {"users", users},
          {"token_ttl_seconds", options_.token_ttl_seconds},
          {"leeway_seconds", options_.leeway_seconds},
          {"default_user", options_.default_user}};
}

}  // namespace avni::sim
