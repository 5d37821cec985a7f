#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni::store {

struct SqlContext;

// A tenant's overrides of the service-wide retention limits: the config keys it sets (not
// secret ones), as stored.
struct RetentionSetting {
  TenantId tenant;
  std::string key;
  std::string value;
};

// What the daily maintenance run deletes, one bounded batch per call. Every Purge* deletes at
// most `batch` rows of one tenant (or of no tenant) older than `cutoff` and answers how many
// it deleted: fewer than `batch` means nothing older is left. Each call is meant to be its own
// short transaction, so that API writes and runs go on between batches.
//
// Not scoped to a tenant (the run serves them all); every query names its tenant and cutoff.
class RetentionRepo {
 public:
  explicit RetentionRepo(SqlContext& ctx) : ctx_(ctx) {}

  // The tenants' settings of `keys`, by tenant.
  Result<std::vector<RetentionSetting>> ListSettings(const std::vector<std::string>& keys);

  // Finished runs started before `cutoff` (their entity counts and log lines go by cascade).
  // A running run stays, and so does the latest run of each job, however old.
  Result<std::int64_t> PurgeRuns(TenantId tenant, Timestamp cutoff, int batch);
  // Error-record log entries logged before `cutoff`, bodies with them; the latest entry of
  // each record stays (records still in the store are open: resolving one deletes it and its
  // log at once), so every open record keeps its message and body.
  Result<std::int64_t> PurgeErrorLog(TenantId tenant, Timestamp cutoff, int batch);
  // Audit entries before `cutoff`: of the tenant, or (nullopt) of no tenant.
  Result<std::int64_t> PurgeAudit(std::optional<TenantId> tenant, Timestamp cutoff, int batch);
  // Sign-in sessions that expired before `cutoff` (they can no longer be used).
  Result<std::int64_t> PurgeSessions(Timestamp cutoff, int batch);

  // The row lease of a periodic task (e.g. "retention"), shared by every instance. TryClaim
  // takes it for `owner` when the task last ran at least `every` ago and no other owner holds
  // an unexpired lease; true when claimed. Atomic on both backends: of several instances
  // claiming at once, one gets true. Renew extends owner's lease (false: lost it); Finish
  // records `started` as the task's last run and frees the lease.
  Result<bool> TryClaim(std::string_view task, std::string_view owner,
                        std::chrono::milliseconds every, std::chrono::milliseconds ttl);
  Result<bool> Renew(std::string_view task, std::string_view owner, std::chrono::milliseconds ttl);
  Status Finish(std::string_view task, std::string_view owner, Timestamp started);
  // When the task last ran (nullopt: never). Errors: not_found for an unknown task.
  Result<std::optional<Timestamp>> LastRun(std::string_view task);

 private:
  SqlContext& ctx_;
};

}  // namespace avni::store
