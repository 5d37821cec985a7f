#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/sync.hpp"

namespace avni::store {

struct SqlContext;

// The watermarks (how far each source has been read) of one tenant.
class SyncStatusRepo {
 public:
  SyncStatusRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // nullopt when the entity type has never been read.
  Result<std::optional<SyncStatus>> Get(std::string_view entity_type);
  Result<std::vector<SyncStatus>> List();
  // Inserts or replaces; tenant_id and updated_at are set here. Errors: invalid_argument when
  // no form of cursor (time, numeric, marker) is set or the entity type is empty.
  Result<SyncStatus> Put(const SyncStatus& status);
  Status Remove(std::string_view entity_type);

  // Flow locks: one runner per (tenant, entity type) at a time, across threads and instances.
  // TryLock takes the lock for `owner` when it is free, expired, or already owner's (then it is
  // extended); true when owner holds it afterwards. Atomic on both backends, like leases.
  // Errors: invalid_argument (empty entity type or owner, ttl not positive).
  Result<bool> TryLock(std::string_view entity_type, std::string_view owner,
                       std::chrono::milliseconds ttl);
  // Extends owner's unexpired lock; false when owner no longer holds it (expired, taken over,
  // released). A runner renews inside each commit, so a runner that lost its lock cannot commit.
  Result<bool> RenewLock(std::string_view entity_type, std::string_view owner,
                         std::chrono::milliseconds ttl);
  // Releasing a lock owner does not hold changes nothing.
  Status Unlock(std::string_view entity_type, std::string_view owner);
  // The lock row if there is one, expired or not (callers compare expires_at with now).
  Result<std::optional<FlowLock>> GetLock(std::string_view entity_type);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
