#include "avni/config.hpp"

#include <fmt/format.h>

namespace avni::avniapi {

Result<AvniConfig> ReadAvniConfig(const TenantConfig& values) {
  AvniConfig config;
  auto url = values.Url("avni_api_url", "https://app.avniproject.org");
  if (!url) return Fail(url.error());
  config.api_url = std::move(*url);

  auto user = values.Text("avni_user", "integration@myorg");
  if (!user) return Fail(user.error());
  config.user = std::move(*user);

  auto enabled = values.Flag("avni_auth_enabled", true);
  if (!enabled) return Fail(enabled.error());
  config.auth_enabled = *enabled;

  if (config.auth_enabled) {
    auto password = values.Secret("avni_password", "the Avni user's password");
    if (!password) {
      Error e = password.error();
      if (values.Find("avni_password") == nullptr) {
        e.message += " (or avni_auth_enabled=false for a server without login)";
      }
      return Fail(std::move(e));
    }
    config.password = std::move(*password);
  }

  config.organisation_uuid = values.TextOr("avni_organisation_uuid", "");
  if (const auto* endpoint = values.Find("avni_cognito_endpoint")) {
    // Checked as a URL, used as written (a VPC endpoint's path may need its slash).
    auto checked =
        values.Url("avni_cognito_endpoint", "https://cognito-idp.ap-south-1.amazonaws.com/");
    if (!checked) return Fail(checked.error());
    config.cognito_endpoint = endpoint->text;
  }
  auto lag = values.Number("avni_read_lag_seconds", 10, 0, 3600);
  if (!lag) return Fail(lag.error());
  config.read_lag = std::chrono::seconds(static_cast<std::int64_t>(*lag));
  auto rate = values.Number("avni_requests_per_second", 0, 0, 10000);
  if (!rate) return Fail(rate.error());
  config.requests_per_second = *rate;
  return config;
}

}  // namespace avni::avniapi
