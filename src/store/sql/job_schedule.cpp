// The scheduler's side of a tenant's jobs: pausing, run requests and run outcomes, and the runs
// list by filter. The claims and the cross-tenant reads are in schedule_repo.cpp.
#include <fmt/format.h>

#include <tuple>

#include "store/job_repo.hpp"
#include "store/sql/job_rows.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

using job_sql::JobRow;
using job_sql::kSelectJob;
using job_sql::kSelectRun;
using job_sql::RunRow;

constexpr int kMaxRunPage = 1000;
constexpr std::size_t kMaxReason = 2000;

// Optional filters are off when their flag is 1: one statement, a fixed list of parameters.
constexpr const char* kRunFilter =
    "AND (:all_jobs = 1 OR job_id = :job) AND (:all_states = 1 OR status = :status) "
    "AND (:no_from = 1 OR started_at >= :from) AND (:no_to = 1 OR started_at < :to) ";

auto RunFilterParams(const RunFilter& f) {
  return std::make_tuple(f.job_id ? 0 : 1, f.job_id.value_or(0), f.status ? 0 : 1,
                         std::string(f.status ? ToString(*f.status) : "running"),
                         f.started_from ? 0 : 1, f.started_from ? Millis(*f.started_from) : 0LL,
                         f.started_to ? 0 : 1, f.started_to ? Millis(*f.started_to) : 0LL);
}

Error NoJobNamed(std::string_view name) {
  return Error::NotFound(fmt::format("no job named '{}'", name));
}

std::string Clip(std::string_view text) { return std::string(text.substr(0, kMaxReason)); }

}  // namespace

Result<std::vector<Run>> JobRepo::ListRunsWhere(const RunFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxRunPage) {
    return Fail(Error::InvalidArgument("limit",
                                       fmt::format("limit must be between 1 and {}", kMaxRunPage)));
  }
  if (filter.offset < 0) {
    return Fail(Error::InvalidArgument("offset", "offset must not be negative"));
  }
  const std::string query = std::string(kSelectRun) + kRunFilter +
                            "ORDER BY started_at DESC, id DESC LIMIT :limit OFFSET :offset";
  std::vector<Run> out;
  std::optional<Error> bad;
  std::apply(
      [&](const auto&... params) {
        for (const auto& row : QueryAll<RunRow>(ctx_.sql, query, tenant_.value, params...,
                                                filter.limit, filter.offset)) {
          auto run = row.ToRun();
          if (!run) {
            bad = run.error();
            return;
          }
          out.push_back(std::move(*run));
        }
      },
      RunFilterParams(filter));
  if (bad) return Fail(*bad);
  return out;
}

Result<std::int64_t> JobRepo::CountRuns(const RunFilter& filter) {
  const std::string query =
      std::string("SELECT COUNT(*) FROM runs WHERE tenant_id = :tenant ") + kRunFilter;
  return std::apply(
      [&](const auto&... params) {
        return static_cast<std::int64_t>(
            QueryValue<long long>(ctx_.sql, query, tenant_.value, params...).value_or(0));
      },
      RunFilterParams(filter));
}

Result<Job> JobRepo::SetPaused(std::string_view name, bool paused, std::string_view reason) {
  const long long changed =
      paused ? Exec(ctx_.sql,
                    "UPDATE jobs SET paused = TRUE, pause_reason = :reason WHERE tenant_id = "
                    ":tenant AND name = :name",
                    Clip(reason), tenant_.value, std::string(name))
             : Exec(ctx_.sql,
                    "UPDATE jobs SET paused = FALSE, pause_reason = '', consecutive_failures = 0, "
                    "last_fire_at = :now WHERE tenant_id = :tenant AND name = :name AND "
                    "paused = TRUE",
                    ctx_.NowMillis(), tenant_.value, std::string(name));
  if (!paused && changed == 0) {
    // Not paused (nothing to resume) or no such job.
    if (auto job = Get(name); !job) return Fail(job.error());
    return Get(name);
  }
  if (changed == 0) return Fail(NoJobNamed(name));
  return Get(name);
}

Result<Job> JobRepo::RequestRun(std::string_view name) {
  if (Exec(ctx_.sql,
           "UPDATE jobs SET run_requested_at = :now WHERE tenant_id = :tenant AND name = :name",
           ctx_.NowMillis(), tenant_.value, std::string(name)) == 0) {
    return Fail(NoJobNamed(name));
  }
  return Get(name);
}

Result<Job> JobRepo::NoteRunOutcome(RowId job_id, bool succeeded, int pause_after,
                                    std::string_view last_message) {
  auto job = GetById(job_id);
  if (!job) return Fail(job.error());
  if (succeeded) {
    Exec(ctx_.sql,
         "UPDATE jobs SET consecutive_failures = 0 WHERE tenant_id = :tenant AND id = :id",
         tenant_.value, job_id);
    return GetById(job_id);
  }
  const int failures = job->consecutive_failures + 1;
  if (pause_after > 0 && failures >= pause_after && !job->paused) {
    Exec(ctx_.sql,
         "UPDATE jobs SET consecutive_failures = :failures, paused = TRUE, pause_reason = "
         ":reason WHERE tenant_id = :tenant AND id = :id",
         failures,
         Clip(fmt::format("paused after {} failed runs in a row; the last said: {}", failures,
                          last_message)),
         tenant_.value, job_id);
  } else {
    Exec(ctx_.sql,
         "UPDATE jobs SET consecutive_failures = :failures WHERE tenant_id = :tenant AND "
         "id = :id",
         failures, tenant_.value, job_id);
  }
  return GetById(job_id);
}

}  // namespace avni::store
