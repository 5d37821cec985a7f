#include "domain/retention_policy.hpp"

#include <algorithm>
#include <string>

namespace avni {

Result<RetentionPolicy> RetentionPolicyOf(const TenantConfig& config,
                                          const RetentionPolicy& defaults) {
  RetentionPolicy policy;
  const std::pair<std::string_view, std::int64_t RetentionPolicy::*> fields[] = {
      {kRetentionRunsDays, &RetentionPolicy::runs_days},
      {kRetentionErrorLogDays, &RetentionPolicy::error_log_days},
      {kRetentionAuditDays, &RetentionPolicy::audit_days}};
  for (const auto& [key, field] : fields) {
    auto days = config.Int(key, defaults.*field, 1, kMaxRetentionDays);
    if (!days) return Fail(days.error());
    policy.*field = *days;
  }
  return policy;
}

Status CheckKnownConfigValue(std::string_view key, std::string_view value) {
  if (std::find(kRetentionKeys.begin(), kRetentionKeys.end(), key) == kRetentionKeys.end()) {
    return {};
  }
  TenantConfig::Values values;
  values.emplace(std::string(key), TenantConfig::Value{std::string(value), false});
  auto policy = RetentionPolicyOf(TenantConfig(std::move(values)), RetentionPolicy{});
  if (!policy) return Fail(policy.error());
  return {};
}

}  // namespace avni
