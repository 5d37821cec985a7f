// GET /metrics with many tenants: N tenants (default 1,000), each with its two jobs (one in ten
// paused), three entity types with a cursor and counted records, a run of each job and a few
// open error records (half of them classified), and HTTP requests on a few routes. Prints the
// time of a scrape that reads the store (its three aggregate queries: a cold cache), of one
// served from the cache, the exposition's size and number of samples, and peak RSS. Prints
// figures; it passes or fails nothing.
//
//   metrics_scrape [--db DSN] [--tenants N] [--scrapes K]
// The default database is a fresh SQLite file; give --db postgresql://... for PostgreSQL (the
// tenants are named after the pid).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_util.hpp"
#include "metrics/service_metrics.hpp"
#include "store/store.hpp"

namespace {

using namespace avni;
using namespace std::chrono_literals;

constexpr int kBatch = 100;  // tenants per setup transaction

// The system clock, moved on by hand: lets each scrape find the cache's period over.
class SteppingClock final : public Clock {
 public:
  Timestamp Now() const override { return system_.Now() + offset_; }
  void Advance(std::chrono::milliseconds by) { offset_ += by; }

 private:
  SystemClock system_;
  std::chrono::milliseconds offset_{0};
};
const std::vector<std::string> kEntityTypes = {"Subject", "Encounter", "ProgramEnrolment"};

Status Setup(store::Store& store, metrics::ServiceMetrics& figures, int tenants) {
  const auto pid = ::getpid();
  for (int first = 0; first < tenants; first += kBatch) {
    auto batch = store.Transact([&](store::Tx& tx) -> Status {
      for (int i = first; i < std::min(tenants, first + kBatch); ++i) {
        const std::string name = fmt::format("bench-{}-{:05}", pid, i);
        auto tenant = tx.tenants().Create(name, "none");
        if (!tenant) return Fail(tenant.error());
        auto scope = tx.tenant(tenant->id);
        if (i % 10 == 0) {
          if (auto paused = scope.jobs().SetPaused("errors", true, "bench"); !paused) {
            return Fail(paused.error());
          }
        }
        ErrorType type;
        type.tenant_id = tenant->id;
        type.name = "Missing mapping";
        type.value = "no mapping";
        auto made = scope.errors().CreateType(type);
        if (!made) return Fail(made.error());
        for (const auto& entity_type : kEntityTypes) {
          SyncStatus status;
          status.tenant_id = tenant->id;
          status.entity_type = entity_type;
          status.read_upto_time = Timestamp(1700000000000ms);
          if (auto put = scope.sync_status().Put(status); !put) return Fail(put.error());
          for (int r = 0; r < 2; ++r) {
            store::Failure failure{entity_type,
                                   fmt::format("{}-{}", entity_type, r),
                                   r == 0 ? std::optional<RowId>(made->id) : std::nullopt,
                                   "no mapping for the answer",
                                   "{}",
                                   std::nullopt};
            if (auto parked = scope.errors().RecordFailure(failure); !parked) {
              return Fail(parked.error());
            }
          }
          figures.CountRecords(name, entity_type, RunCounts{100, 90, 2, 8});
        }
        figures.CountRun(name, "main", "succeeded", 42s);
        figures.CountRun(name, "errors", "failed", 3s);
      }
      return {};
    });
    if (!batch) return Fail(batch.error());
  }
  for (const char* route : {"/api/v1/tenants/{tenant}/mappings", "/metrics", "web", "unmatched"}) {
    for (const int status : {200, 401, 404}) figures.CountHttp(route, "GET", status, 5ms);
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int tenants = std::stoi(bench::Arg(argc, argv, "--tenants", "1000"));
  const int scrapes = std::stoi(bench::Arg(argc, argv, "--scrapes", "5"));
  std::string dsn = bench::Arg(argc, argv, "--db", "");
  std::filesystem::path dir;
  if (dsn.empty()) {
    char tmpl[] = "/tmp/avni-metrics-bench-XXXXXX";
    dir = ::mkdtemp(tmpl);
    dsn = "sqlite:" + (dir / "bench.db").string();
  }
  auto opened = store::Store::Open(dsn, {});
  if (!opened) {
    std::fprintf(stderr, "metrics_scrape: %s\n", opened.error().message.c_str());
    return 1;
  }
  store::Store& store = **opened;
  SteppingClock clock;
  metrics::ServiceMetrics figures(store, clock);
  if (auto made = Setup(store, figures, tenants); !made) {
    std::fprintf(stderr, "metrics_scrape: setup: %s\n", made.error().message.c_str());
    return 1;
  }

  // Each cold scrape comes after the cache's period on the metrics' clock: it reads the store
  // and writes every counter, as the first scrape after 10 s does.
  std::vector<double> cold, warm, cold_cpu, warm_cpu;
  std::size_t bytes = 0, samples = 0;
  const auto ms_since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
  };
  for (int i = 0; i < scrapes; ++i) {
    clock.Advance(metrics::kStoreFiguresTtl + 1s);
    // CPU time too: on a loaded machine the wall clock mostly measures the wait for a core.
    double cpu = bench::CpuSeconds();
    auto started = std::chrono::steady_clock::now();
    const std::string text = figures.Render();
    cold.push_back(ms_since(started));
    cold_cpu.push_back((bench::CpuSeconds() - cpu) * 1000);
    cpu = bench::CpuSeconds();
    started = std::chrono::steady_clock::now();
    (void)figures.Render();
    warm.push_back(ms_since(started));
    warm_cpu.push_back((bench::CpuSeconds() - cpu) * 1000);
    bytes = text.size();
    samples = 0;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = text.find('\n', at);
      if (text[at] != '#') ++samples;
      at = end == std::string::npos ? text.size() : end + 1;
    }
  }
  for (auto* v : {&cold, &warm, &cold_cpu, &warm_cpu}) std::sort(v->begin(), v->end());
  std::printf("metrics_scrape (%s, %d tenants)\n",
              store.backend() == store::Backend::kSqlite ? "sqlite" : "postgres", tenants);
  std::printf("  scrape reading the store (cache expired): median %.1f ms, max %.1f ms\n",
              cold[cold.size() / 2], cold.back());
  std::printf("  scrape within the cache period:           median %.1f ms, max %.1f ms\n",
              warm[warm.size() / 2], warm.back());
  std::printf(
      "  CPU per scrape (process, all threads): reading the store median %.1f ms, "
      "within the period median %.1f ms\n",
      cold_cpu[cold_cpu.size() / 2], warm_cpu[warm_cpu.size() / 2]);
  std::printf("  exposition: %zu bytes, %zu samples\n", bytes, samples);
  std::printf("  peak RSS: %.1f MiB\n", bench::PeakRssMiB());
  const std::string backend = bench::BackendOf(dsn);
  bench::Record({.name = "metrics_scrape/scrape reading the store, " + std::to_string(tenants) +
                         " tenants[" + backend + "]",
                 .value = cold[cold.size() / 2],
                 .unit = "ms",
                 .better = "lower"});
  bench::Record({.name = "metrics_scrape/scrape within the cache period[" + backend + "]",
                 .value = warm[warm.size() / 2],
                 .unit = "ms",
                 .better = "lower"});
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return 0;
}
