#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/ids.hpp"
#include "domain/job.hpp"
#include "domain/tenant_config.hpp"

namespace avni::store {

struct SqlContext;

// What the alerter reads in one pass, across every active tenant that has an
// alert_webhook_url: a few queries over all tenants, not one per tenant.
struct AlertFacts {
  struct Tenant {
    TenantId id;
    std::string name;
    TenantConfig config;  // the alert_* keys only, secrets opened
    // Set when a secret could not be opened (another key): the tenant is left alone this pass.
    std::optional<Error> config_error;
  };
  struct LatestRun {  // each job's latest succeeded or failed run
    TenantId tenant;
    std::string job;
    RunStatus status = RunStatus::kSucceeded;
    std::string message;
  };
  struct PausedJob {  // jobs the scheduler paused after failed runs in a row
    TenantId tenant;
    std::string job;
    std::string reason;
  };
  struct ErrorCount {  // tenants with open error records
    TenantId tenant;
    std::int64_t open = 0;
  };
  struct Cursor {  // flows whose cursor is a time
    TenantId tenant;
    std::string entity_type;
    Timestamp read_upto;
  };
  struct OpenState {  // every tenant's open conditions, webhook or not
    TenantId tenant;
    std::string condition_key;
    std::string message;
  };
  std::vector<Tenant> tenants;
  std::vector<LatestRun> runs;
  std::vector<PausedJob> paused;
  std::vector<ErrorCount> errors;
  std::vector<Cursor> cursors;
  std::vector<OpenState> open;
};

// The alerts' state across tenants: not scoped to one, as the alerter serves them all.
class AlertRepo {
 public:
  explicit AlertRepo(SqlContext& ctx) : ctx_(ctx) {}

  Result<AlertFacts> Observe();
  // Opens the condition; true when this call made the row (its caller sends the firing alert),
  // false when it was open already (on any instance). Atomic on both backends.
  Result<bool> Open(TenantId tenant, std::string_view condition_key, std::string_view message,
                    std::string_view instance);
  // Clears the condition; true when this call removed the row (its caller sends the resolved
  // alert), false when it was not open.
  Result<bool> Close(TenantId tenant, std::string_view condition_key);

 private:
  SqlContext& ctx_;
};

}  // namespace avni::store
