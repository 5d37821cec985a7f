#include "domain/alert_config.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace avni {
namespace {

constexpr std::int64_t kMaxThreshold = 1'000'000'000;
constexpr std::int64_t kMaxLagSeconds = 10LL * 365 * 24 * 3600;  // ten years

}  // namespace

Result<AlertConfig> ReadAlertConfig(const TenantConfig& config) {
  AlertConfig out;
  if (config.Find(kAlertWebhookUrl) != nullptr) {
    auto url = config.Url(kAlertWebhookUrl, "https://alerts.example.org/hooks/avni");
    if (!url) return Fail(url.error());
    out.webhook_url = std::move(*url);
  }
  if (config.Find(kAlertWebhookSecret) != nullptr) {
    auto secret = config.Secret(kAlertWebhookSecret, "the webhook's shared signing key");
    if (!secret) return Fail(secret.error());
    out.secret = std::move(*secret);
  }
  // -1 stands for "not set": both ranges start at 0 or 1.
  auto records = config.Int(kAlertErrorRecordsThreshold, -1, 0, kMaxThreshold);
  if (!records) return Fail(records.error());
  if (*records >= 0) out.error_records_threshold = *records;
  auto lag = config.Int(kAlertCursorLagSeconds, -1, 1, kMaxLagSeconds);
  if (!lag) return Fail(lag.error());
  if (*lag >= 0) out.cursor_lag_seconds = *lag;
  return out;
}

Status CheckAlertConfigValue(std::string_view key, std::string_view value, bool is_secret) {
  if (!key.starts_with("alert_")) return {};
  if (std::find(kAlertKeys.begin(), kAlertKeys.end(), key) == kAlertKeys.end()) {
    return Fail(Error::InvalidArgument(
        std::string(key), fmt::format("config {} is not an alert setting; the alert settings are "
                                      "{}, {}, {} and {}",
                                      key, kAlertWebhookUrl, kAlertWebhookSecret,
                                      kAlertErrorRecordsThreshold, kAlertCursorLagSeconds)));
  }
  TenantConfig::Values values;
  values.emplace(std::string(key), TenantConfig::Value{std::string(value), is_secret});
  auto read = ReadAlertConfig(TenantConfig(std::move(values)));
  if (!read) return Fail(read.error());
  return {};
}

}  // namespace avni
