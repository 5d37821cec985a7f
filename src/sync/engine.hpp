#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.hpp"
#include "domain/ids.hpp"
#include "domain/job.hpp"
#include "sync/flow.hpp"
#include "sync/retry.hpp"

namespace avni::store {
class Store;
}

namespace avni::sync {

// A page is committed in one transaction, its links read and written in one statement each.
inline constexpr int kMaxPageSize = 1000;

struct EngineOptions {
  int page_size = 100;  // 1..kMaxPageSize
  RetryPolicy retry;
  // Who holds the flow locks: unique per process and thread (e.g. "<instance>/<worker>"). A
  // runner that restarts with the same owner takes its own lock back at once; another waits
  // for lock_ttl after the holder died.
  std::string owner;
  std::chrono::milliseconds lock_ttl{std::chrono::minutes(5)};
  // Reprocessing's per-record backoff: the n-th failed retry waits initial * 2^(n-1), at most max.
  std::chrono::milliseconds error_backoff_initial{std::chrono::minutes(5)};
  std::chrono::milliseconds error_backoff_max{std::chrono::hours(24)};
  // Stop (after committing the current page) once a flow has run this long; 0 = no limit.
  std::chrono::milliseconds max_run_time{0};
  // Error records keep at most this much of the source record, for administrators to read.
  std::size_t max_error_body = 64 * 1024;
  // Graceful stop: when set, the engine finishes the current page, commits it and returns.
  const std::atomic<bool>* stop = nullptr;
  // Waits between retries; StoppableSleeper(stop) when empty.
  Sleeper sleep;
  std::uint64_t seed = 1;  // jitter
  // Told of each page's counts right after the page committed (the counts its commit added to
  // the run's run_entity_counts), on the thread that runs the flow: for /metrics. Optional.
  std::function<void(std::string_view entity_type, const RunCounts& counts)> on_commit;
};

enum class FlowOutcome {
  kCompleted,  // the source had nothing more (or every due error record was tried)
  kStopped,    // a stop was requested or max_run_time passed; the next run goes on from here
  kBusy,       // another runner holds the entity type's flow lock; nothing was done
  kFailed,     // availability failures outlasted the retries, or the store failed; see message
};
std::string_view ToString(FlowOutcome outcome);

enum class JobKind { kMain, kErrors };

struct FlowResult {
  FlowOutcome outcome = FlowOutcome::kCompleted;
  RunCounts counts;
  std::int64_t retries = 0;  // availability failures retried
  std::string message;       // why it failed or stopped
};

// Runs a tenant's flows with guaranteed processing (DESIGN.md, "Guaranteed processing"):
// - the cursor is read once at the start and committed per page, in one transaction with the
//   page's entity links, error records and run counts, and a renewal of the flow lock (a
//   runner that lost its lock cannot commit);
// - a record whose entity link shows the same source version is skipped; otherwise the link
//   (or the sink's search by key) decides between update and create, so a record re-read
//   after a crash is updated, never duplicated;
// - data errors become error records (classified by the tenant's error types) and the flow
//   goes on; availability errors are retried, and if they persist the flow stops before the
//   record, committing what came before it;
// - success deletes the entity's error record.
// Thread-compatible: one Engine per thread.
class Engine {
 public:
  Engine(store::Store& store, TenantId tenant, const Clock& clock, EngineOptions options);

  // Reads the flow's source from its cursor to the end, committing per page. Counts go to
  // the run `run_id` (per entity type) as each page commits.
  FlowResult RunFlow(const Flow& flow, RowId run_id);

  // The errors job for one entity type: re-fetches each due error record's entity from the
  // source by id and runs it through the flow's transform and sink, in the order first seen.
  // Never moves the cursor; holds the same flow lock as RunFlow, so the two never overlap.
  FlowResult Reprocess(const Flow& flow, RowId run_id);

  // Runs flows in order (they are usually dependent: subjects before their encounters) and
  // stops at the first that does not complete.
  FlowResult RunFlows(const std::vector<Flow>& flows, RowId run_id);
  FlowResult ReprocessAll(const std::vector<Flow>& flows, RowId run_id);

  // One recorded run of a job: starts a run row (status running, `instance`), runs the flows
  // (kMain) or reprocesses them (kErrors), and ends the run with its outcome: succeeded when
  // every flow completed, cancelled when stopped or when another runner held a flow, failed
  // otherwise; the message says why. The run's counts per entity type were committed page by
  // page meanwhile, so even a run cut short by a crash shows what it did.
  Result<Run> RunJob(RowId job_id, std::string_view instance, const std::vector<Flow>& flows,
                     JobKind kind);

 private:
  // Runs `one` for each flow in order, stopping at the first that does not complete.
  FlowResult RunEach(const std::vector<Flow>& flows, RowId run_id,
                     FlowResult (Engine::*one)(const Flow&, RowId));

  store::Store& store_;
  TenantId tenant_;
  const Clock& clock_;
  EngineOptions options_;
};

}  // namespace avni::sync
