#include "avni/session.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "cognito/login.hpp"
#include "common/taxonomy.hpp"
#include "http/url.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A token is renewed this long before it expires, or after three quarters of its life when it
// lives shorter than four times this: a request never leaves with a token about to lapse.
constexpr auto kRenewMargin = 60s;

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

// An auth answer that is not what the protocol promises: an availability failure (a proxy's
// error page, a server mid-upgrade), named without any of its content.
Error Unexpected(std::string_view what) {
  return Error::Unavailable(fmt::format("Avni login: {}", what));
}

}  // namespace

Error CallFailed(std::string_view where, const Error& error) {
  if (http::IsRefusedTarget(error)) return http::NameSetting("avni_api_url", error);
  return Error{error.code, fmt::format("Avni {}: {}", where, error.message), ""};
}

std::optional<Timestamp> RenewAt(const std::string& token, std::int64_t expires_in, Timestamp now) {
  std::optional<Timestamp> expiry = JwtExpiry(token);
  if (!expiry && expires_in > 0) expiry = now + std::chrono::seconds(expires_in);
  if (!expiry) return std::nullopt;  // used until Avni refuses it
  const auto life = *expiry - now;
  return *expiry - std::min<std::chrono::milliseconds>(kRenewMargin, life / 4);
}

std::optional<Timestamp> JwtExpiry(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  if (!payload) return std::nullopt;
  const json claims = json::parse(*payload, nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object() || !claims.contains("exp") || !claims["exp"].is_number()) {
    return std::nullopt;
  }
  return FromEpochMillis(static_cast<std::int64_t>(claims["exp"].get<double>() * 1000));
}

Session::Session(http::Client& http, const AvniConfig& config, const Clock& clock)
    : http_(http), config_(config), clock_(clock) {}

Result<Credentials> Session::Get() {
  std::lock_guard lock(mutex_);
  if (!config_.auth_enabled) {
    mode_ = "none";
    return WithToken("");
  }
  if (mode_.empty()) {
    if (auto found = DiscoverLocked(); !found) return Fail(found.error());
  }
  if (mode_ == "none") return WithToken("");
  const Timestamp now = clock_.Now();
  if (token_ && (!token_->renew_at || now < *token_->renew_at)) return WithToken(token_->value);
  Result<Token> fresh = Fail(Error::Internal("no login attempted"));
  if (token_ && !token_->refresh.empty()) fresh = RefreshLocked(token_->refresh);
  if (!fresh) fresh = LoginLocked();
  if (!fresh) {
    token_.reset();
    return Fail(fresh.error());
  }
  token_ = std::move(*fresh);
  return WithToken(token_->value);
}

void Session::Invalidate(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (token_ && token_->value == token) token_.reset();
}

std::string Session::Mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

SessionStats Session::Stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

Credentials Session::WithToken(const std::string& token) const {
  Credentials credentials;
  if (token.empty()) {
    credentials.headers.emplace_back("USER-NAME", config_.user);
  } else {
    credentials.headers.emplace_back("AUTH-TOKEN", token);
    credentials.token = token;
  }
  if (!config_.organisation_uuid.empty()) {
    credentials.headers.emplace_back("ORGANISATION-UUID", config_.organisation_uuid);
  }
  return credentials;
}

Status Session::DiscoverLocked() {
  ++stats_.idp_lookups;
  http::Request request;
  request.url = config_.api_url + "/idp-details";
  request.headers = {{"Accept", "application/json"}};
  auto response = http_.SendChecked(request);
  if (!response) return Fail(CallFailed("GET /idp-details", response.error()));
  const json details = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!details.is_object() || !details.contains("idpType") || !details["idpType"].is_string()) {
    return Fail(Unexpected("GET /idp-details did not answer a JSON object with idpType"));
  }
  const std::string type = details["idpType"].get<std::string>();
  if (type == "none") {
    mode_ = "none";
    return {};
  }
  if (type == "keycloak") {
    const json& keycloak = details.value("keycloak", json::object());
    const std::string base = keycloak.value("authServerUrl", "");
    const std::string realm = keycloak.value("realm", "");
    keycloak_client_id_ = keycloak.value("clientId", "");
    if (base.empty() || realm.empty() || keycloak_client_id_.empty()) {
      return Fail(
          Unexpected("/idp-details names keycloak without authServerUrl, realm and clientId"));
    }
    keycloak_token_url_ = fmt::format("{}/realms/{}/protocol/openid-connect/token",
                                      base.ends_with('/') ? base.substr(0, base.size() - 1) : base,
                                      http::PercentEncode(realm));
    mode_ = "keycloak";
    return {};
  }
  if (type == "cognito" || type == "both") {
    const json& cognito = details.value("cognito", json::object());
    cognito_pool_id_ = cognito.value("poolId", "");
    cognito_client_id_ = cognito.value("clientId", "");
    if (cognito_pool_id_.empty() || cognito_client_id_.empty()) {
      return Fail(Unexpected("/idp-details names cognito without poolId and clientId"));
    }
    mode_ = "cognito";
    return {};
  }
  return Fail(Error::FailedPrecondition(
      fmt::format("Avni at {} uses identity provider '{}', which this client does not support; it "
                  "supports cognito, keycloak and none",
                  config_.api_url, type)));
}

Result<Session::Token> Session::LoginLocked() {
  ++stats_.logins;
  return mode_ == "keycloak" ? KeycloakLocked() : CognitoLocked("");
}

Result<Session::Token> Session::RefreshLocked(const std::string& refresh_token) {
  ++stats_.refreshes;
  return CognitoLocked(refresh_token);
}

Result<Session::Token> Session::KeycloakLocked() {
  http::Request request;
  request.method = "POST";
  request.url = keycloak_token_url_;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = http::EncodeParams({{"client_id", keycloak_client_id_},
                                     {"grant_type", "password"},
                                     {"scope", "openid"},
                                     {"username", config_.user},
                                     {"password", config_.password}});
  auto response = http_.Send(request);
  // The Keycloak server is the one avni_api_url's /idp-details names.
  if (!response) return Fail(http::NameSetting("avni_api_url", response.error()));
  if (response->status == 400 || response->status == 401) {
    // Keycloak's invalid_grant: the configuration is wrong, not the network.
    return Fail(Error{ErrorCode::kUnauthenticated,
                      fmt::format("Avni login (Keycloak) refused user '{}' (HTTP {}); check "
                                  "avni_user and avni_password",
                                  config_.user, response->status),
                      "avni_password"});
  }
  if (response->status >= 300) {
    const Error error = ClassifyHttp(response->status, "");
    return Fail(Error{error.code, fmt::format("Avni login (Keycloak): {}", error.message), ""});
  }
  const json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("access_token") || !body["access_token"].is_string()) {
    return Fail(Unexpected("the Keycloak token answer has no access_token"));
  }
  Token token;
  token.value = body["access_token"].get<std::string>();
  const json& expires_in = body.value("expires_in", json());
  token.renew_at =
      RenewAt(token.value, expires_in.is_number_integer() ? expires_in.get<std::int64_t>() : 0,
              clock_.Now());
  return token;
}

Result<Session::Token> Session::CognitoLocked(const std::string& refresh_token) {
  cognito::CognitoParams params;
  params.pool_id = cognito_pool_id_;
  params.client_id = cognito_client_id_;
  params.username = config_.user;
  params.password = config_.password;
  params.endpoint = config_.cognito_endpoint;
  auto tokens = refresh_token.empty() ? cognito::CognitoLogin(http_, params)
                                      : cognito::CognitoRefresh(http_, params, refresh_token);
  if (!tokens) {
    return Fail(http::NameSetting(
        config_.cognito_endpoint.empty() ? "avni_api_url" : "avni_cognito_endpoint",
        tokens.error()));
  }
  Token token;
  // avni-server verifies Cognito's IdToken, not the access token.
  token.value = tokens->id_token;
  token.refresh = tokens->refresh_token.empty() ? refresh_token : tokens->refresh_token;
  token.renew_at = RenewAt(token.value, tokens->expires_in, clock_.Now());
  return token;
}

}  // namespace avni::avniapi
