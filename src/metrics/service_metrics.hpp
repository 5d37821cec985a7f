#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/job.hpp"
#include "metrics/registry.hpp"

namespace avni::store {
class Store;
}

namespace avni::metrics {

// Content-Type of the text format GET /metrics answers with.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// How long the figures read from the store (cursor lag, open error records, paused jobs) are
// served from memory: a scrape every second still queries the store at most once per period.
inline constexpr std::chrono::seconds kStoreFiguresTtl{10};

// The service's metrics (README, "Monitoring"): what the process counts as it goes (records
// per page, runs, lease takeovers, HTTP requests) and what a scrape reads on demand (the store's
// figures, cached for kStoreFiguresTtl; the store's pool; the scheduler's busy workers).
// Components get a pointer to it from app/ (none in most tests): counting costs a map lookup
// under a per-family mutex and an atomic add. Thread-safe. The store outlives it.
class ServiceMetrics {
 public:
  ServiceMetrics(store::Store& store, const Clock& clock);
  ServiceMetrics(const ServiceMetrics&) = delete;
  ServiceMetrics& operator=(const ServiceMetrics&) = delete;

  // One committed page of a flow: its counts, as added to the run's run_entity_counts.
  void CountRecords(std::string_view tenant, std::string_view entity_type, const RunCounts& counts);
  // One run that ended: outcome "succeeded", "failed", "cancelled" (RunStatus) or "error" (no
  // run could be recorded); its wall-clock duration.
  void CountRun(std::string_view tenant, std::string_view job, std::string_view outcome,
                std::chrono::duration<double> duration);
  // This instance claimed a job whose lease had expired under another owner.
  void CountLeaseTakeover(std::string_view tenant, std::string_view job);
  // One HTTP answer. `route` is the route's template ("/api/v1/tenants/{tenant}/mappings"),
  // "web" for the admin app's files, "unmatched" otherwise: never the raw path.
  void CountHttp(std::string_view route, std::string_view method, int status,
                 std::chrono::duration<double> duration);

  // The scheduler's jobs running here now, and its cap (--workers). Set once, before serving.
  void SetWorkerProbe(std::function<int()> busy, int workers);

  // The whole exposition, for GET /metrics. Reads the store at most once per kStoreFiguresTtl;
  // when that read fails, the last figures read are served (none before the first success).
  std::string Render();

  // The counters, for tests.
  const CounterFamily& records() const { return records_; }

 private:
  // The store's figures, as text, read now.
  Result<std::string> ReadStoreFigures(Timestamp now);

  store::Store& store_;
  const Clock& clock_;
  const double start_time_seconds_;
  CounterFamily records_;
  CounterFamily job_runs_;
  HistogramFamily job_duration_;
  CounterFamily lease_takeovers_;
  CounterFamily http_requests_;
  HistogramFamily http_duration_;

  std::mutex probe_mu_;
  std::function<int()> worker_busy_;  // guarded by probe_mu_
  int workers_ = 0;                   // guarded by probe_mu_

  // One scrape at a time reads the store; the others wait for its figures.
  std::mutex cache_mu_;
  std::string store_figures_;         // guarded by cache_mu_
  Timestamp store_figures_at_;        // guarded by cache_mu_
  bool store_figures_valid_ = false;  // guarded by cache_mu_
};

}  // namespace avni::metrics
