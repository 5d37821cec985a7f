#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/job.hpp"

namespace avni::store {

struct SqlContext;

// The audit log of one tenant, or (tenant = nullopt) of changes that belong to no tenant.
// Append-only: nothing here updates or deletes an entry (the daily retention run purges old
// ones: RetentionRepo).
class AuditRepo {
 public:
  AuditRepo(SqlContext& ctx, std::optional<TenantId> tenant) : ctx_(ctx), tenant_(tenant) {}

  // Records who did what; tenant_id and at are set here.
  Result<AuditEntry> Append(std::string_view actor, std::string_view action,
                            std::string_view entity, std::string_view entity_id,
                            std::string_view before_json, std::string_view after_json);
  // Newest first.
  Result<std::vector<AuditEntry>> List(int limit, int offset);
  // How many entries List pages through.
  Result<std::int64_t> Count();

 private:
  SqlContext& ctx_;
  std::optional<TenantId> tenant_;
};

}  // namespace avni::store
