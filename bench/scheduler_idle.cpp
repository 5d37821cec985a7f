// The scheduler with many tenants and nothing to do: N tenants (default 1,000) whose two jobs
// fire every minute, run by the real scheduler (SystemClock, its own loop) with a runner that
// only records the run. Prints the CPU the process used over the whole period (percent of one
// core), the CPU of the quiet part alone (5 s after a minute's fires have all started to 5 s
// before the next minute: idle ticking without the burst) and the job rows its ticks read
// from the store (none when nothing changed), fire-to-start delays p50/p99/max (from the fire
// to the moment the job starts),
// runs/s during each burst, peak RSS, and the runs the store holds per job (min/max), which
// must equal the minutes observed: fewer or more means fires were lost or doubled. Prints
// figures; it passes or fails nothing. The period starts 5 s before a minute (the wait for
// it is not measured) and lasts M whole minutes.
//
//   scheduler_idle [--db DSN] [--tenants N] [--minutes M] [--workers W]
// The default database is a fresh SQLite file; give --db postgresql://... for PostgreSQL. The
// tenants are named after the pid and left inactive at the end, so that runs on a shared
// database do not schedule each other's jobs.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_util.hpp"
#include "scheduler/scheduler.hpp"
#include "store/store.hpp"

namespace {

using avni::bench::Arg;
using avni::bench::CpuSeconds;
using avni::bench::PeakRssMiB;

using namespace avni;
using namespace std::chrono_literals;

constexpr const char* kEveryMinute = "0 * * * * ?";
constexpr int kBatch = 100;   // tenants per setup transaction
constexpr auto kMargin = 5s;  // kept out of the quiet window on each side

double Seconds(Timestamp from, Timestamp to) {
  return std::chrono::duration<double>(to - from).count();
}

// The value at or below which a fraction p of the sorted values lie.
std::int64_t Percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Records each run (StartRun + EndRun in one transaction: nothing to do) and tells the main
// thread how many of the benchmark's jobs have started since a fire.
class RecordingRunner final : public scheduler::JobRunner {
 public:
  RecordingRunner(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Only these jobs are counted (the store may hold other tenants' jobs; those run too).
  void Track(RowId job_id) { last_start_.emplace(job_id, Timestamp{}); }

  Result<Run> RunJob(const ScheduledJob& sj, const std::atomic<bool>&) override {
    const Timestamp started = clock_.Now();
    auto run = store_.Transact([&](store::Tx& tx) -> Result<Run> {
      auto jobs = tx.tenant(sj.job.tenant_id).jobs();
      auto begun = jobs.StartRun(sj.job.id, "bench");
      if (!begun) return begun;
      return jobs.EndRun(begun->id, RunStatus::kSucceeded, "");
    });
    std::lock_guard lock(mutex_);
    auto it = last_start_.find(sj.job.id);
    if (it != last_start_.end()) {
      if (it->second < mark_ && started >= mark_ && ++since_mark_ == last_start_.size()) {
        all_started_at_ = started;
        changed_.notify_all();
      }
      it->second = started;
    }
    return run;
  }

  // Counts from now on the tracked jobs started at or after `fire`.
  void Mark(Timestamp fire) {
    std::lock_guard lock(mutex_);
    mark_ = fire;
    since_mark_ = static_cast<std::size_t>(std::count_if(
        last_start_.begin(), last_start_.end(), [&](const auto& e) { return e.second >= fire; }));
    all_started_at_.reset();
  }

  // Waits until every tracked job started since the mark (then returns when the last did) or
  // until `deadline`; also gives how many had started.
  std::optional<Timestamp> WaitAllStarted(std::chrono::system_clock::time_point deadline,
                                          std::size_t* started) {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return all_started_at_.has_value(); });
    *started = since_mark_;
    return all_started_at_;
  }

 private:
  store::Store& store_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::unordered_map<RowId, Timestamp> last_start_;
  Timestamp mark_{};
  std::size_t since_mark_ = 0;
  std::optional<Timestamp> all_started_at_;
};

// Creates the tenants (type "none": jobs main and errors, no integration) with both jobs firing
// every minute; returns each tenant with its job ids.
Result<std::vector<std::pair<TenantId, std::vector<RowId>>>> Setup(store::Store& store,
                                                                   int tenants) {
  std::vector<std::pair<TenantId, std::vector<RowId>>> made;
  for (int first = 0; first < tenants; first += kBatch) {
    auto batch = store.Transact([&](store::Tx& tx) -> Status {
      for (int i = first; i < std::min(tenants, first + kBatch); ++i) {
        auto tenant = tx.tenants().Create(fmt::format("bench-{}-{:05}", ::getpid(), i), "none");
        if (!tenant) return Fail(tenant.error());
        auto jobs = tx.tenant(tenant->id).jobs();
        auto listed = jobs.List();
        if (!listed) return Fail(listed.error());
        std::vector<RowId> ids;
        for (Job job : *listed) {
          job.cron = kEveryMinute;
          auto put = jobs.Put(job);
          if (!put) return Fail(put.error());
          ids.push_back(put->id);
        }
        made.emplace_back(tenant->id, std::move(ids));
      }
      return {};
    });
    if (!batch) return Fail(batch.error());
  }
  return made;
}

// Runs per job in the store: min and max over the benchmark's jobs.
Result<std::pair<std::int64_t, std::int64_t>> RunsPerJob(
    store::Store& store, const std::vector<std::pair<TenantId, std::vector<RowId>>>& tenants) {
  std::int64_t low = INT64_MAX, high = 0;
  for (std::size_t first = 0; first < tenants.size(); first += kBatch) {
    auto batch = store.Read([&](store::Tx& tx) -> Status {
      for (std::size_t i = first; i < std::min(tenants.size(), first + kBatch); ++i) {
        for (RowId job : tenants[i].second) {
          store::RunFilter filter;
          filter.job_id = job;
          auto count = tx.tenant(tenants[i].first).jobs().CountRuns(filter);
          if (!count) return Fail(count.error());
          low = std::min(low, *count);
          high = std::max(high, *count);
        }
      }
      return {};
    });
    if (!batch) return Fail(batch.error());
  }
  return std::pair{low, high};
}

// The next minute boundary strictly after t: when every job fires.
Timestamp NextMinute(Timestamp t) { return std::chrono::floor<std::chrono::minutes>(t) + 1min; }

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("avni-bench-sched-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string dsn = Arg(argc, argv, "--db", "sqlite:" + (dir / "bench.db").string());
  const int tenants = std::stoi(Arg(argc, argv, "--tenants", "1000"));
  const int minutes = std::stoi(Arg(argc, argv, "--minutes", "2"));
  const int workers = std::stoi(Arg(argc, argv, "--workers", "4"));

  auto opened = store::Store::Open(dsn, {});
  if (!opened) {
    std::fprintf(stderr, "scheduler_idle: %s\n", opened.error().message.c_str());
    return 1;
  }
  store::Store& store = **opened;
  auto setup_started = std::chrono::steady_clock::now();
  auto made = Setup(store, tenants);
  if (!made) {
    std::fprintf(stderr, "scheduler_idle: setup: %s\n", made.error().message.c_str());
    return 1;
  }
  const double setup_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup_started).count();
  SystemClock clock;
  RecordingRunner runner(store, clock);
  std::size_t jobs = 0;
  for (const auto& [t, ids] : *made) {
    for (RowId id : ids) {
      runner.Track(id);
      ++jobs;
    }
  }
  // Other tenants' jobs that are on run too (their starts are in the delays): say how many.
  auto scheduled = store.Read([](store::Tx& tx) { return tx.schedule().ListJobs(); });
  std::size_t on = 0;
  for (const auto& sj : scheduled ? *scheduled : std::vector<ScheduledJob>{}) {
    if (sj.tenant_active && sj.job.enabled && sj.job.cron != "-") ++on;
  }
  const std::size_t others = on - std::min(on, jobs);

  std::printf(
      "scheduler idle, %s store, %d tenants x 2 jobs every minute, %d workers, %d minutes"
      " (setup %.1f s; %zu other jobs on in the store)\n",
      store.backend() == store::Backend::kSqlite ? "SQLite" : "PostgreSQL", tenants, workers,
      minutes, setup_s, others);

  scheduler::SchedulerOptions options;
  options.instance = "bench";
  options.workers = workers;
  options.lease_ttl = 30s;
  options.heartbeat = 10s;
  scheduler::Scheduler scheduler(store, clock, runner, options);

  // The period starts kMargin before a fire and lasts whole minutes: M fires, each with its
  // burst and the quiet part up to kMargin before the next fire (which is not waited for).
  const Timestamp first_fire = NextMinute(clock.Now() + kMargin);
  std::this_thread::sleep_until(first_fire - kMargin);
  const double cpu_start = CpuSeconds();
  const Timestamp start = clock.Now();
  scheduler.Start();
  double quiet_cpu = 0, quiet_wall = 0;
  std::int64_t quiet_ticks = 0, quiet_jobs_read = 0;
  const int fires = minutes;
  for (int i = 0; i < fires; ++i) {
    const Timestamp fire = first_fire + std::chrono::minutes(i);
    const Timestamp quiet_to = fire + 1min - kMargin;
    runner.Mark(fire);
    std::size_t started = 0;
    auto all = runner.WaitAllStarted(quiet_to, &started);
    if (!all) {
      std::printf("  fire %s: only %zu of %zu jobs started within %.0f s\n",
                  FormatIso8601(fire).c_str(), started, jobs, Seconds(fire, quiet_to));
      continue;
    }
    const double burst_s = Seconds(fire, *all);
    std::printf("  fire %s: all %zu jobs started in %6.2f s  %8.1f runs/s\n",
                FormatIso8601(fire).c_str(), jobs, burst_s, jobs / std::max(burst_s, 1e-3));
    const Timestamp quiet_from = *all + kMargin;
    if (quiet_to > quiet_from) {
      std::this_thread::sleep_until(quiet_from);
      const double cpu_before = CpuSeconds();
      const auto reads_before = scheduler.read_counts();
      const Timestamp measured_from = clock.Now();
      std::this_thread::sleep_until(quiet_to);
      quiet_cpu += CpuSeconds() - cpu_before;
      quiet_wall += Seconds(measured_from, clock.Now());
      const auto reads_after = scheduler.read_counts();
      quiet_ticks += reads_after.revision_reads - reads_before.revision_reads;
      quiet_jobs_read += reads_after.jobs_read - reads_before.jobs_read;
    }
  }
  std::this_thread::sleep_until(first_fire + std::chrono::minutes(fires) - kMargin);
  const double wall = Seconds(start, clock.Now());
  const double cpu = CpuSeconds() - cpu_start;
  const bool stopped = scheduler.Stop(10s);

  auto delays = scheduler.TakeStartDelays();
  std::sort(delays.begin(), delays.end());
  std::printf("  %-26s %6.2f %% of one core (%.2f s CPU over %.1f s)\n", "CPU, whole period",
              100 * cpu / wall, cpu, wall);
  if (quiet_wall > 0) {
    std::printf("  %-26s %6.2f %% of one core (%.2f s CPU over %.1f s)\n", "CPU, quiet part",
                100 * quiet_cpu / quiet_wall, quiet_cpu, quiet_wall);
    std::printf("  %-26s %lld job rows over %lld ticks (the revisions read each tick)\n",
                "schedules read, quiet", static_cast<long long>(quiet_jobs_read),
                static_cast<long long>(quiet_ticks));
  } else {
    std::printf("  %-26s none: no burst ended 10 s before the next fire\n", "CPU, quiet part");
  }
  std::printf("  %-26s p50 %lld ms  p99 %lld ms  max %lld ms  (%zu starts; %zu expected)\n",
              "fire-to-start delay", static_cast<long long>(Percentile(delays, 0.50)),
              static_cast<long long>(Percentile(delays, 0.99)),
              static_cast<long long>(delays.empty() ? 0 : delays.back()), delays.size(),
              jobs * static_cast<std::size_t>(fires));
  if (delays.size() < jobs * static_cast<std::size_t>(fires)) {
    std::printf("  %-26s fewer starts than fires: missed fires ran once (or not yet)\n", "");
  }
  const std::string backend = avni::bench::BackendOf(dsn);
  avni::bench::Record({.name = "scheduler_idle/fire-to-start p99, " + std::to_string(tenants) +
                               " tenants[" + backend + "]",
                       .value = static_cast<double>(Percentile(delays, 0.99)),
                       .unit = "ms",
                       .better = "lower"});
  if (quiet_wall > 0) {
    avni::bench::Record({.name = "scheduler_idle/CPU between bursts[" + backend + "]",
                         .value = 100 * quiet_cpu / quiet_wall,
                         .unit = "% of a core",
                         .better = "lower"});
  }
  auto runs = RunsPerJob(store, *made);
  if (runs) {
    std::printf("  %-26s min %lld  max %lld  (%d fires observed)\n", "runs per job in store",
                static_cast<long long>(runs->first), static_cast<long long>(runs->second), fires);
  } else {
    std::printf("  runs per job: %s\n", runs.error().message.c_str());
  }
  std::printf("  %-26s %6.1f MiB%s\n", "peak RSS", PeakRssMiB(),
              stopped ? "" : "   (some runs did not end within the 10 s grace)");

  // Off, so that later runs on the same database do not schedule these tenants' jobs.
  for (const auto& [t, ids] : *made) {
    (void)store.Transact([&](store::Tx& tx) { return tx.tenants().SetActive(t, false); });
  }
  std::filesystem::remove_all(dir);
  return 0;
}
