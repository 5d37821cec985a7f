#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "domain/tenant_config.hpp"

namespace avni {

// The tenant config keys of alerts (README, "Alerts"). Every key starting with "alert_" is one
// of these; another is refused as a typo.
inline constexpr std::string_view kAlertWebhookUrl = "alert_webhook_url";
inline constexpr std::string_view kAlertWebhookSecret = "alert_webhook_secret";
inline constexpr std::string_view kAlertErrorRecordsThreshold = "alert_error_records_threshold";
inline constexpr std::string_view kAlertCursorLagSeconds = "alert_cursor_lag_seconds";
inline constexpr std::array<std::string_view, 4> kAlertKeys{
    kAlertWebhookUrl, kAlertWebhookSecret, kAlertErrorRecordsThreshold, kAlertCursorLagSeconds};

// A tenant's alert settings, read from its config.
struct AlertConfig {
  std::string webhook_url;  // empty: the tenant gets no alerts
  std::string secret;       // empty: alerts are not signed
  // Alert when the tenant's open error records are more than this; nullopt: never.
  std::optional<std::int64_t> error_records_threshold;
  // Alert when a flow's cursor is more than this many seconds behind; nullopt: never.
  std::optional<std::int64_t> cursor_lag_seconds;
};

// Errors are kInvalidArgument naming the key (the TenantConfig messages); a secret's value is
// never in them.
Result<AlertConfig> ReadAlertConfig(const TenantConfig& config);

// The write-time check of one config value whose key starts with "alert_": an unknown key, or a
// value ReadAlertConfig would refuse, is kInvalidArgument naming the key. Other keys pass.
Status CheckAlertConfigValue(std::string_view key, std::string_view value, bool is_secret);

}  // namespace avni
