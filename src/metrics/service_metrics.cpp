#include "metrics/service_metrics.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <string>

#include "store/store.hpp"

namespace avni::metrics {
namespace {

constexpr const char* kPrefix = "avni_integrator_";

std::string Name(std::string_view suffix) { return std::string(kPrefix) + std::string(suffix); }

// Runs last from seconds (an errors job with nothing due) to hours (a first sync).
const std::vector<double> kRunBounds = {1,   5,    15,   30,   60,    120,  300,
                                        600, 1800, 3600, 7200, 14400, 28800};
const std::vector<double> kHttpBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                         0.5,   1,    2.5,   5,    10,  30};

// A client's method is its own text: only the ones the service knows become labels, so that a
// client cannot make new series at will.
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET",   "HEAD",   "POST",   "PUT",
                                                             "PATCH", "DELETE", "OPTIONS"};
  for (const auto known : kKnown) {
    if (method == known) return known;
  }
  return "other";
}

double Seconds(Timestamp t) { return static_cast<double>(ToEpochMillis(t)) / 1000.0; }

}  // namespace

ServiceMetrics::ServiceMetrics(store::Store& store, const Clock& clock)
    : store_(store),
      clock_(clock),
      start_time_seconds_(Seconds(clock.Now())),
      records_(Name("records_total"),
               "Records processed by the flows of this process, by outcome (read, written, "
               "skipped, failed), counted as each page commits",
               {"tenant", "entity_type", "outcome"}),
      job_runs_(Name("job_runs_total"), "Runs of a job that ended in this process, by outcome",
                {"tenant", "job", "outcome"}),
      job_duration_(Name("job_run_duration_seconds"), "Wall-clock duration of a job's runs",
                    {"tenant", "job"}, kRunBounds),
      lease_takeovers_(Name("lease_takeovers_total"),
                       "Claims by this process of a job whose lease had expired under another "
                       "owner (an instance that died or stalled)",
                       {"tenant", "job"}),
      http_requests_(Name("http_requests_total"),
                     "HTTP requests answered, by route template (web: the admin app's files; "
                     "unmatched: no route), method and status",
                     {"route", "method", "status"}),
      http_duration_(Name("http_request_duration_seconds"),
                     "Time from a request's route being found to its answer being ready",
                     {"route", "method"}, kHttpBounds) {}

void ServiceMetrics::CountRecords(std::string_view tenant, std::string_view entity_type,
                                  const RunCounts& counts) {
  const std::pair<const char*, std::int64_t> outcomes[] = {{"read", counts.read},
                                                           {"written", counts.written},
                                                           {"skipped", counts.skipped},
                                                           {"failed", counts.failed}};
  for (const auto& [outcome, n] : outcomes) {
    if (n == 0) continue;
    records_.Add({std::string(tenant), std::string(entity_type), outcome}, n);
  }
}

void ServiceMetrics::CountRun(std::string_view tenant, std::string_view job,
                              std::string_view outcome, std::chrono::duration<double> duration) {
  job_runs_.Add({std::string(tenant), std::string(job), std::string(outcome)});
  job_duration_.Observe({std::string(tenant), std::string(job)}, duration.count());
}

void ServiceMetrics::CountLeaseTakeover(std::string_view tenant, std::string_view job) {
  lease_takeovers_.Add({std::string(tenant), std::string(job)});
}

void ServiceMetrics::CountHttp(std::string_view route, std::string_view method, int status,
                               std::chrono::duration<double> duration) {
  const std::string method_label(MethodLabel(method));
  http_requests_.Add({std::string(route), method_label, std::to_string(status)});
  http_duration_.Observe({std::string(route), method_label}, duration.count());
}

void ServiceMetrics::SetWorkerProbe(std::function<int()> busy, int workers) {
  std::lock_guard lock(probe_mu_);
  worker_busy_ = std::move(busy);
  workers_ = workers;
}

Result<std::string> ServiceMetrics::ReadStoreFigures(Timestamp now) {
  struct Figures {
    std::vector<store::CursorAge> cursors;
    std::vector<store::OpenErrorCount> errors;
    std::vector<store::JobPauseState> jobs;
  };
  auto read = store_.Read([](store::Tx& tx) -> Result<Figures> {
    auto fleet = tx.fleet();
    auto cursors = fleet.CursorAges();
    if (!cursors) return Fail(cursors.error());
    auto errors = fleet.OpenErrorCounts();
    if (!errors) return Fail(errors.error());
    auto jobs = fleet.JobPauses();
    if (!jobs) return Fail(jobs.error());
    return Figures{std::move(*cursors), std::move(*errors), std::move(*jobs)};
  });
  if (!read) return Fail(read.error());
  TextWriter out;
  const std::string lag = Name("cursor_lag_seconds");
  out.Family(lag,
             "Age of a flow's cursor: now less the source time of the last record read (for "
             "cursors by number or feed marker: now less when the cursor last moved)",
             "gauge");
  const std::vector<std::string> lag_labels = {"tenant", "entity_type"};
  for (const auto& cursor : read->cursors) {
    const Timestamp at = cursor.read_upto_time.value_or(cursor.updated_at);
    const double age = std::max(0.0, Seconds(now) - Seconds(at));
    out.Sample(lag, lag_labels, {cursor.tenant, cursor.entity_type}, age);
  }
  const std::string open = Name("error_records_open");
  out.Family(open, "Open error records by error type (unclassified: no error type matched them)",
             "gauge");
  const std::vector<std::string> open_labels = {"tenant", "error_type"};
  for (const auto& count : read->errors) {
    out.Sample(open, open_labels, {count.tenant, count.error_type.value_or("unclassified")},
               count.count);
  }
  const std::string paused = Name("jobs_paused");
  out.Family(paused, "1 when the job is paused (by hand or after failed runs in a row), else 0",
             "gauge");
  const std::vector<std::string> job_labels = {"tenant", "job"};
  for (const auto& job : read->jobs) {
    out.Sample(paused, job_labels, {job.tenant, job.job}, std::int64_t{job.paused ? 1 : 0});
  }
  return out.Take();
}

std::string ServiceMetrics::Render() {
  TextWriter out;
  records_.Write(out);
  job_runs_.Write(out);
  job_duration_.Write(out);
  lease_takeovers_.Write(out);
  http_requests_.Write(out);
  http_duration_.Write(out);

  const store::PoolStats pool = store_.pool_stats();
  out.Family(Name("store_pool_size"), "Connections in the store's pool (--db-pool)", "gauge");
  out.Sample(Name("store_pool_size"), {}, {}, static_cast<std::int64_t>(pool.size));
  out.Family(Name("store_pool_in_use"), "Connections of the store's pool lent out now", "gauge");
  out.Sample(Name("store_pool_in_use"), {}, {}, static_cast<std::int64_t>(pool.in_use));
  out.Family(Name("store_pool_waits_total"),
             "Times a caller found every connection of the store's pool lent out and waited",
             "counter");
  out.Sample(Name("store_pool_waits_total"), {}, {}, pool.waits);
  {
    std::lock_guard lock(probe_mu_);
    if (worker_busy_) {
      out.Family(Name("worker_pool_busy"), "Jobs running in this process now", "gauge");
      out.Sample(Name("worker_pool_busy"), {}, {}, std::int64_t{worker_busy_()});
      out.Family(Name("worker_pool_size"), "Jobs that may run in this process at once (--workers)",
                 "gauge");
      out.Sample(Name("worker_pool_size"), {}, {}, std::int64_t{workers_});
    }
  }
  out.Family(Name("process_start_time_seconds"), "When this process started (Unix time)", "gauge");
  out.Sample(Name("process_start_time_seconds"), {}, {}, start_time_seconds_);

  std::string text = out.Take();
  const Timestamp now = clock_.Now();
  std::lock_guard lock(cache_mu_);
  if (!store_figures_valid_ || now - store_figures_at_ >= kStoreFiguresTtl ||
      now < store_figures_at_) {
    // A store that fails is asked again after the period, not on every scrape; the last
    // figures (if any) are served meanwhile.
    store_figures_at_ = now;
    if (auto figures = ReadStoreFigures(now); figures) {
      store_figures_ = std::move(*figures);
      store_figures_valid_ = true;
    } else {
      spdlog::warn("metrics: cannot read the store's figures: {}", figures.error().message);
    }
  }
  text += store_figures_;
  return text;
}

}  // namespace avni::metrics
