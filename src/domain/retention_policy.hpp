#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/error.hpp"
#include "domain/tenant_config.hpp"

namespace avni {

// How long the daily maintenance run keeps what grows with time, in days. The service-wide
// defaults come from `serve` flags; a tenant overrides each with a config key (below).
struct RetentionPolicy {
  std::int64_t runs_days = 90;       // finished runs, with their counts and logs
  std::int64_t error_log_days = 90;  // error-record log entries (the latest one of a record stays)
  std::int64_t audit_days = 365;     // audit log entries
};

inline constexpr std::string_view kRetentionRunsDays = "retention_runs_days";
inline constexpr std::string_view kRetentionErrorLogDays = "retention_error_log_days";
inline constexpr std::string_view kRetentionAuditDays = "retention_audit_days";
inline constexpr std::array<std::string_view, 3> kRetentionKeys = {
    kRetentionRunsDays, kRetentionErrorLogDays, kRetentionAuditDays};
// About 100 years: more than anyone keeps, small enough that "now - days" cannot overflow.
inline constexpr std::int64_t kMaxRetentionDays = 36'500;

// The tenant's policy: `defaults` with each key the tenant sets in its place.
// Errors: kInvalidArgument naming the key when its value is not a whole number of days from 1
// to kMaxRetentionDays.
Result<RetentionPolicy> RetentionPolicyOf(const TenantConfig& config,
                                          const RetentionPolicy& defaults);

// The one check of config values whose form the service knows, run by the config API before a
// value is stored, so that a bad value is refused as it is written (naming the key) rather than
// found by the job that reads it. Keys it does not know pass.
Status CheckKnownConfigValue(std::string_view key, std::string_view value);

}  // namespace avni
