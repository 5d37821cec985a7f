#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/job.hpp"

namespace avni::store {

struct SqlContext;

// A tenant's jobs, their runs and their leases.
class JobRepo {
 public:
  JobRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Inserts or updates the job named job.name. Errors: invalid_argument (empty name or cron).
  Result<Job> Put(const Job& job);
  Result<Job> Get(std::string_view name);
  Result<Job> GetById(RowId id);
  Result<std::vector<Job>> List();
  Status Remove(std::string_view name);

  // Runs. StartRun records a run in status running; FinishRun sets its outcome and counts.
  Result<Run> StartRun(RowId job_id, std::string_view instance);
  Result<Run> FinishRun(RowId run_id, RunStatus status, const RunCounts& counts,
                        std::string_view message);
  // Ends a run, keeping the counts AddRunCounts gathered. Errors: invalid_argument (running).
  Result<Run> EndRun(RowId run_id, RunStatus status, std::string_view message);
  // Adds one page's counts of an entity type to the run: to its row for that entity type
  // (created on first use) and to the run's totals. Errors: not_found (run), invalid_argument
  // (negative counts, empty entity type).
  Status AddRunCounts(RowId run_id, std::string_view entity_type, const RunCounts& counts);
  // The run's counts per entity type, ordered by entity type.
  Result<std::vector<EntityRunCounts>> ListRunCounts(RowId run_id);
  Result<Run> GetRun(RowId run_id);
  // Newest first; all jobs when job_id is empty.
  Result<std::vector<Run>> ListRuns(std::optional<RowId> job_id, int limit, int offset);

  // Leases. TryAcquire takes the job's lease for `owner` when it is free, expired, or already
  // owner's (then it is extended); true when owner holds it afterwards. Atomic on both
  // backends: two owners can never both get true for an unexpired lease.
  Result<bool> TryAcquire(RowId job_id, std::string_view owner, std::chrono::milliseconds ttl);
  // Extends the lease if owner still holds it; false when it was lost.
  Result<bool> Renew(RowId job_id, std::string_view owner, std::chrono::milliseconds ttl);
  Status Release(RowId job_id, std::string_view owner);
  Result<std::optional<Lease>> GetLease(RowId job_id);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
