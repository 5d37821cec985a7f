#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scheduler/scheduler.hpp"
#include "sync/engine.hpp"

namespace avni::scheduler {

// Runs a claimed job's flows through the sync engine: `main` runs them, `errors` reprocesses
// their error records. Job settings (settings_json) may set page_size and max_run_minutes.
class FlowJobRunner final : public JobRunner {
 public:
  // lock_ttl: how long a dead instance's flow locks outlive it; the scheduler's lease time.
  // metrics (optional, not owned) counts each committed page's records.
  FlowJobRunner(store::Store& store, const Clock& clock, sync::FlowProvider& provider,
                std::string instance, std::chrono::milliseconds lock_ttl,
                metrics::ServiceMetrics* metrics = nullptr);
  Result<Run> RunJob(const ScheduledJob& job, const std::atomic<bool>& stop) override;

 private:
  store::Store& store_;
  const Clock& clock_;
  sync::FlowProvider& provider_;
  std::string instance_;
  std::chrono::milliseconds lock_ttl_;
  metrics::ServiceMetrics* metrics_;
};

}  // namespace avni::scheduler
