#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/job.hpp"

namespace avni::store {

struct SqlContext;

// Which runs a list covers; every field set narrows it.
struct RunFilter {
  std::optional<RowId> job_id;
  std::optional<RunStatus> status;
  std::optional<Timestamp> started_from;  // started_at >= this
  std::optional<Timestamp> started_to;    // started_at < this
  int limit = 100;
  int offset = 0;
};

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

  // Runs by filter, newest first (started_at, then id), and their count.
  Result<std::vector<Run>> ListRunsWhere(const RunFilter& filter);
  Result<std::int64_t> CountRuns(const RunFilter& filter);

  // The scheduler's state. SetPaused pauses (reason shown in the API) or resumes the job;
  // resuming clears the reason and the failures in a row, and the job goes on from its next
  // fire (the fires missed while paused do not run). RequestRun asks for a run as soon as
  // possible (the scheduler picks it up within a second). Errors: not_found.
  Result<Job> SetPaused(std::string_view name, bool paused, std::string_view reason);
  Result<Job> RequestRun(std::string_view name);

  // Records a finished run's outcome: failures in a row (0 after a success), and pauses the
  // job when they reach `pause_after` (0 = never), saying why with the last message.
  Result<Job> NoteRunOutcome(RowId job_id, bool succeeded, int pause_after,
                             std::string_view last_message);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

// A due job a scheduler asks to claim: the fire it would serve (none for a run asked for
// only), and whether a run was asked for (then the claim clears the request).
struct ClaimCandidate {
  TenantId tenant;
  RowId job_id = 0;
  std::optional<Timestamp> fire;
  bool requested = false;
};

// A tenant's schedule revision (migration 0009): bumped by every write to its jobs and to its
// name, type or active state, whoever makes it.
struct ScheduleRevision {
  TenantId tenant;
  std::int64_t revision = 0;
};

// What the scheduler reads and claims across tenants. Not scoped to a tenant: the scheduler
// serves them all; what it then does to one job goes through tx.tenant(id).jobs().
class ScheduleRepo {
 public:
  explicit ScheduleRepo(SqlContext& ctx) : ctx_(ctx) {}
  // Every job with its tenant's state, ordered by tenant, then job name.
  Result<std::vector<ScheduledJob>> ListJobs();
  // The jobs of these tenants only (those whose revision moved), in the same order.
  Result<std::vector<ScheduledJob>> ListJobs(const std::vector<TenantId>& tenants);
  // Every tenant's schedule revision, by tenant id.
  Result<std::vector<ScheduleRevision>> ListRevisions();

  // Claims up to `limit` of the candidates for runs by `owner`, in one transaction, taking
  // them in the order given. Each claimed job gets its lease (`ttl`; as JobRepo::TryAcquire);
  // a candidate is passed over while another job of its tenant holds a live lease (a tenant's
  // jobs never run at the same time, anywhere), while another owner's lease on the job itself
  // is live, when its `fire` is not later than the job's last_fire_at (each fire is claimed
  // once, by one instance), and when another job of its tenant is claimed in this batch. A
  // claimed fire is recorded as last_fire_at; a claimed request clears run_requested_at. The
  // claimed tenants' runs still marked running whose job holds no live lease (their instance
  // died) are ended as failed, "abandoned". On PostgreSQL the candidates' tenant rows are
  // locked for the transaction, skipping those another transaction holds (another instance
  // claiming the same burst): instances split a burst instead of queueing on each other, and
  // what is skipped stays due for the next pass. Returns the claimed job ids in candidate
  // order; nothing changes for the others. Errors: invalid_argument (empty owner, ttl <= 0).
  // `taken_over` (when given) receives the claimed jobs whose lease another owner had let
  // expire: that instance died or stalled.
  Result<std::vector<RowId>> ClaimDue(std::string_view owner, std::chrono::milliseconds ttl,
                                      const std::vector<ClaimCandidate>& candidates, int limit,
                                      std::vector<RowId>* taken_over = nullptr);

 private:
  SqlContext& ctx_;
};

}  // namespace avni::store
