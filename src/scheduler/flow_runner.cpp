#include "scheduler/flow_runner.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "metrics/service_metrics.hpp"
#include "store/store.hpp"

namespace avni::scheduler {
namespace {

// A run that cannot start its flows still leaves a record saying why.
Result<Run> RecordOnly(store::Store& store, const Job& job, std::string_view instance,
                       RunStatus status, const std::string& message) {
  return store.Transact([&](store::Tx& tx) -> Result<Run> {
    auto jobs = tx.tenant(job.tenant_id).jobs();
    auto run = jobs.StartRun(job.id, instance);
    if (!run) return Fail(run.error());
    return jobs.EndRun(run->id, status, message);
  });
}

}  // namespace

FlowJobRunner::FlowJobRunner(store::Store& store, const Clock& clock, sync::FlowProvider& provider,
                             std::string instance, std::chrono::milliseconds lock_ttl,
                             metrics::ServiceMetrics* metrics)
    : store_(store),
      clock_(clock),
      provider_(provider),
      instance_(std::move(instance)),
      lock_ttl_(lock_ttl),
      metrics_(metrics) {}

Result<Run> FlowJobRunner::RunJob(const ScheduledJob& sj, const std::atomic<bool>& stop) {
  const Job& job = sj.job;
  // Making the flows runs the integration's code (its config reading, its clients): what it
  // throws fails this run, never the scheduler's thread.
  Result<std::unique_ptr<sync::FlowSet>> flows = nullptr;
  try {
    flows = provider_.FlowsFor(sj);
  } catch (const std::exception& e) {
    flows =
        Fail(Error::Internal(fmt::format("internal error while setting up the run: {}", e.what())));
  }
  if (!flows) return RecordOnly(store_, job, instance_, RunStatus::kFailed, flows.error().message);
  if (!*flows) {
    return RecordOnly(store_, job, instance_, RunStatus::kCancelled,
                      fmt::format("this version has no integration of type '{}'; nothing was run",
                                  sj.tenant_type));
  }
  sync::EngineOptions options;
  // Unique per process and job: a restarted instance has a new id and waits for the old locks
  // to expire, while two jobs of one instance never share a lock.
  options.owner = fmt::format("{}/{}", instance_, job.name);
  options.stop = &stop;
  options.lock_ttl = lock_ttl_;
  if (metrics_ != nullptr) {
    options.on_commit = [metrics = metrics_, tenant = sj.tenant_name](std::string_view entity_type,
                                                                      const RunCounts& counts) {
      metrics->CountRecords(tenant, entity_type, counts);
    };
  }
  const auto settings = nlohmann::json::parse(job.settings_json, nullptr, false);
  if (settings.is_object()) {
    if (settings.contains("page_size") && settings["page_size"].is_number_integer()) {
      options.page_size = settings["page_size"].get<int>();
    }
    if (settings.contains("max_run_minutes") && settings["max_run_minutes"].is_number_integer()) {
      options.max_run_time = std::chrono::minutes(settings["max_run_minutes"].get<int>());
    }
  }
  sync::Engine engine(store_, job.tenant_id, clock_, options);
  return engine.RunJob(job.id, instance_, (*flows)->flows,
                       job.name == "errors" ? sync::JobKind::kErrors : sync::JobKind::kMain);
}

}  // namespace avni::scheduler
