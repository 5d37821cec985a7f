#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni {

// A named unit of work of a tenant (`main`, `errors`) and its schedule. cron "-" means off.
struct Job {
  RowId id = 0;
  TenantId tenant_id;
  std::string name;
  std::string cron;
  bool enabled = true;
  std::string timezone = "UTC";
  std::string settings_json = "{}";
  // The scheduler's state (not changed by JobRepo::Put).
  bool paused = false;
  std::string pause_reason;                   // why, when paused (by whom, or after which failures)
  std::optional<Timestamp> run_requested_at;  // a run asked for through the API, not yet started
  int consecutive_failures = 0;
  std::optional<Timestamp> last_fire_at;  // the latest scheduled fire claimed
};

// A job as the scheduler sees it: with its tenant's state.
struct ScheduledJob {
  Job job;
  std::string tenant_name;
  std::string tenant_type;
  bool tenant_active = true;
};

enum class RunStatus { kRunning, kSucceeded, kFailed, kCancelled };
std::string_view ToString(RunStatus status);
std::optional<RunStatus> ParseRunStatus(std::string_view text);

struct RunCounts {
  std::int64_t read = 0;
  std::int64_t written = 0;
  std::int64_t failed = 0;
  std::int64_t skipped = 0;
};

// A run's counts for one entity type.
struct EntityRunCounts {
  std::string entity_type;
  RunCounts counts;
};

// One execution of a job.
struct Run {
  RowId id = 0;
  TenantId tenant_id;
  RowId job_id = 0;
  Timestamp started_at;
  std::optional<Timestamp> finished_at;
  RunStatus status = RunStatus::kRunning;
  RunCounts counts;
  std::string message;
  std::string instance;
};

// Lets one instance, and one only, run a (tenant, job) until expires_at.
struct Lease {
  TenantId tenant_id;
  RowId job_id = 0;
  std::string owner;
  Timestamp acquired_at;
  Timestamp expires_at;
};

// Who changed what: mappings, config, watermarks, users. tenant_id is absent for changes that
// belong to no tenant (users).
struct AuditEntry {
  RowId id = 0;
  std::optional<TenantId> tenant_id;
  std::string actor;
  std::string action;  // e.g. "config.update"
  std::string entity;
  std::string entity_id;
  std::string before_json;
  std::string after_json;
  Timestamp at;
};

}  // namespace avni
