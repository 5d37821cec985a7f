#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/retention_policy.hpp"

namespace avni::store {
class Store;
class Tx;
}  // namespace avni::store

namespace avni::scheduler {

struct MaintenanceOptions {
  std::string instance;      // owner of the daily run's lease
  RetentionPolicy defaults;  // the service-wide limits; tenants override them by config key
  int batch_size = 1000;     // rows per purge transaction
  std::chrono::milliseconds every = std::chrono::hours(24);  // since the last run, any instance
  std::chrono::milliseconds lease_ttl = std::chrono::minutes(10);  // renewed between batches
  std::chrono::milliseconds poll = std::chrono::minutes(1);  // how often Start's thread checks
};

// What one purge deleted, per table, and in how many transactions.
struct PurgeFigures {
  std::int64_t rows = 0;
  std::int64_t transactions = 0;
};
struct RetentionReport {
  PurgeFigures runs;       // with their entity counts and log lines, by cascade
  PurgeFigures error_log;  // error-record log entries (and their bodies)
  PurgeFigures audit;
  PurgeFigures sessions;  // expired sign-in sessions
  int tenants = 0;
  // Tenants whose retention keys are malformed: the defaults were used for them.
  int tenants_with_bad_settings = 0;
};

// The daily maintenance run: purges, tenant by tenant, what is older than the tenant's
// retention limits, in transactions of at most `batch_size` rows each (so no lock is held
// for long and API writes go on between them), and logs the counts per table.
//
// Across instances sharing a database the run happens once per `every`: a row lease in the
// store (maintenance_tasks) decides which instance does it, and a dead instance's run is
// taken over when its lease expires.
//
// Thread-safety: Purge and RunIfDue may be called from any thread; Start/Stop from one.
class Maintenance {
 public:
  // store and clock are not owned and must outlive this.
  Maintenance(store::Store& store, const Clock& clock, MaintenanceOptions options);
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  // Purges now, whoever ran last (the `maintenance` command). Errors: the store's; what was
  // purged before the error stays purged.
  Result<RetentionReport> Purge();
  // Purges when the daily run is due and this instance claims it, and records the run;
  // nullopt when it is not due or another instance holds it.
  Result<std::optional<RetentionReport>> RunIfDue();

  // A thread that calls RunIfDue every `poll` until Stop (called by the destructor too).
  void Start();
  void Stop();

 private:
  Result<RetentionReport> PurgeAll(bool renew);
  Status PurgeInBatches(bool renew, PurgeFigures& figures,
                        const std::function<Result<std::int64_t>(store::Tx&)>& one_batch);

  store::Store& store_;
  const Clock& clock_;
  const MaintenanceOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // Start/Stop only
};

}  // namespace avni::scheduler
