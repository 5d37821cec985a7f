#include "avni/config.hpp"

#include <charconv>

#include <fmt/format.h>

namespace avni::avniapi {
namespace {

Result<std::string> Required(const ConfigLookup& lookup, std::string_view key,
                             std::string_view example) {
  auto value = lookup(key);
  if (!value) return Fail(value.error());
  if (!*value || (*value)->value.empty()) {
    return Fail(Error::InvalidArgument(
        std::string(key), fmt::format("config {} is not set; set it, e.g. {}", key, example)));
  }
  return (*value)->value;
}

Result<std::optional<std::string>> Optional(const ConfigLookup& lookup, std::string_view key) {
  auto value = lookup(key);
  if (!value) return Fail(value.error());
  if (!*value || (*value)->value.empty()) return std::optional<std::string>();
  return std::optional<std::string>((*value)->value);
}

Result<bool> Flag(const ConfigLookup& lookup, std::string_view key, bool fallback) {
  auto text = Optional(lookup, key);
  if (!text) return Fail(text.error());
  if (!*text) return fallback;
  if (**text == "true") return true;
  if (**text == "false") return false;
  return Fail(Error::InvalidArgument(
      std::string(key), fmt::format("config {} must be true or false, not '{}'", key, **text)));
}

Result<double> Number(const ConfigLookup& lookup, std::string_view key, double fallback,
                      double max) {
  auto text = Optional(lookup, key);
  if (!text) return Fail(text.error());
  if (!*text) return fallback;
  double value = 0;
  const auto& s = **text;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value < 0 || value > max) {
    return Fail(Error::InvalidArgument(
        std::string(key),
        fmt::format("config {} must be a number from 0 to {}, not '{}'", key, max, s)));
  }
  return value;
}

bool IsHttpUrl(std::string_view url) {
  const auto rest = url.starts_with("https://")  ? url.substr(8)
                    : url.starts_with("http://") ? url.substr(7)
                                                 : std::string_view();
  return !rest.empty() && rest.front() != '/' && url.find_first_of(" ?#") == std::string::npos;
}

}  // namespace

Result<AvniConfig> ReadAvniConfig(const ConfigLookup& lookup) {
  AvniConfig config;
  auto url = Required(lookup, "avni_api_url", "https://app.avniproject.org");
  if (!url) return Fail(url.error());
  if (!IsHttpUrl(*url)) {
    return Fail(Error::InvalidArgument(
        "avni_api_url",
        fmt::format("config avni_api_url must be an http(s) URL without a query, e.g. "
                    "https://app.avniproject.org, not '{}'",
                    *url)));
  }
  while (url->ends_with('/')) url->pop_back();
  config.api_url = std::move(*url);

  auto user = Required(lookup, "avni_user", "integration@myorg");
  if (!user) return Fail(user.error());
  config.user = std::move(*user);

  auto enabled = Flag(lookup, "avni_auth_enabled", true);
  if (!enabled) return Fail(enabled.error());
  config.auth_enabled = *enabled;

  if (config.auth_enabled) {
    auto password = lookup("avni_password");
    if (!password) return Fail(password.error());
    if (!*password || (*password)->value.empty()) {
      return Fail(Error::InvalidArgument(
          "avni_password",
          "config avni_password is not set; set the Avni user's password as a "
          "secret (or avni_auth_enabled=false for a server without login)"));
    }
    if (!(*password)->is_secret) {
      return Fail(Error::InvalidArgument(
          "avni_password",
          "config avni_password is stored in plain text; store it again as a secret"));
    }
    config.password = std::move((*password)->value);
  }

  for (auto [key, field] : {std::pair{"avni_organisation_uuid", &config.organisation_uuid},
                            std::pair{"avni_cognito_endpoint", &config.cognito_endpoint}}) {
    auto value = Optional(lookup, key);
    if (!value) return Fail(value.error());
    if (*value) *field = std::move(**value);
  }
  if (!config.cognito_endpoint.empty() && !IsHttpUrl(config.cognito_endpoint)) {
    return Fail(Error::InvalidArgument("avni_cognito_endpoint",
                                       "config avni_cognito_endpoint must be an http(s) URL"));
  }
  auto lag = Number(lookup, "avni_read_lag_seconds", 10, 3600);
  if (!lag) return Fail(lag.error());
  config.read_lag = std::chrono::seconds(static_cast<std::int64_t>(*lag));
  auto rate = Number(lookup, "avni_requests_per_second", 0, 10000);
  if (!rate) return Fail(rate.error());
  config.requests_per_second = *rate;
  return config;
}

}  // namespace avni::avniapi
