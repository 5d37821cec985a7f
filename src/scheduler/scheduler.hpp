#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/job.hpp"
#include "http/target_policy.hpp"

namespace avni::store {
class Store;
}
namespace avni::metrics {
class ServiceMetrics;
}

namespace avni::scheduler {

class CronSchedule;

// What runs a claimed job: the production one runs the tenant's flows through the sync engine
// (FlowJobRunner). `stop` is set when the service stops or the job's lease was lost: the
// runner then finishes its current page, commits it and returns.
class JobRunner {
 public:
  virtual ~JobRunner() = default;
  // Returns the run it recorded (ended), or an error when it could not even record one.
  virtual Result<Run> RunJob(const ScheduledJob& job, const std::atomic<bool>& stop) = 0;
};

// Sends a health ping (healthchecks.io style) to a URL. A failure is logged by the scheduler
// (naming the tenant and job, never the URL, which carries the check's secret id) and changes
// nothing else.
using Pinger = std::function<Status(const std::string& url)>;

struct SchedulerOptions {
  std::string instance;  // lease owner: unique per process
  int workers = 4;       // jobs running at once in this instance (the global cap)
  int per_tenant = 1;    // jobs of one tenant running at once in this instance
  std::chrono::milliseconds tick{1000};
  std::chrono::milliseconds lease_ttl{std::chrono::seconds(30)};
  std::chrono::milliseconds heartbeat{std::chrono::seconds(10)};
  int pause_after = 5;  // consecutive failed runs that pause a job (0: never)
  Pinger ping;          // none when empty
  // Told of each run's outcome and duration and of lease takeovers; not owned. Optional.
  metrics::ServiceMetrics* metrics = nullptr;
};

// Runs every tenant's jobs on their cron schedules, across any number of instances sharing one
// database:
// - schedules are cached: each tick reads every tenant's schedule revision (one small query)
//   and reads again only the jobs of the tenants whose revision moved (a change through the
//   API or on another instance takes effect within a tick, no restart);
// - due jobs are claimed in batches, one transaction each (ScheduleRepo::ClaimDue: their
//   leases, their fires, and no other job of their tenant running anywhere), so each fire runs
//   once, on one instance, and a tenant's main and errors jobs never overlap;
// - a job that ends lets the jobs waiting for its tenant or for a worker start at once, not at
//   the next tick;
// - fires missed while the job ran or the service was down run once, not once per tick;
// - leases are renewed by heartbeat while a job runs; a dead instance's leases expire and
//   another instance takes the job over;
// - after `pause_after` failed runs in a row a job pauses itself and says why.
// Thread-safe. Tests drive it with a fake clock by calling Tick() themselves.
class Scheduler {
 public:
  Scheduler(store::Store& store, const Clock& clock, JobRunner& runner, SchedulerOptions options);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Starts the loop that calls Tick every `tick`.
  void Start();
  // One pass: reads the schedules, claims what is due, starts it on a worker thread. Returns
  // the number of jobs started.
  int Tick();
  // Graceful stop: no new claims; running jobs are asked to stop after their current page;
  // waits up to `grace` for them (their leases are released as each ends). true when all ended.
  bool Stop(std::chrono::milliseconds grace);
  // Waits until no job runs here (tests); false after `timeout`.
  bool WaitIdle(std::chrono::milliseconds timeout);
  int running() const;

  // Fire-to-start delays (ms) of the runs started here since the last call, for figures.
  std::vector<std::int64_t> TakeStartDelays();

  // What the ticks read from the store so far, for figures and tests: with nothing changed, a
  // tick reads the revisions and no job.
  struct ReadCounts {
    std::int64_t revision_reads = 0;  // one per tick that reached the store
    std::int64_t tenants_read = 0;    // tenants whose jobs were read again
    std::int64_t jobs_read = 0;       // job rows read
  };
  ReadCounts read_counts() const;

 private:
  struct Running {
    TenantId tenant;
    std::shared_ptr<std::atomic<bool>> stop;
  };
  struct Cached {
    std::string cron, timezone;
    std::shared_ptr<const CronSchedule> schedule;  // null when the expression is bad
  };
  // A job due now: the fire it serves (none for a run asked for only) and since when it waits.
  struct Due {
    ScheduledJob job;
    std::optional<Timestamp> fire;
    bool requested = false;
    Timestamp waiting_since;
  };

  // Reads the revisions and the jobs of the tenants whose revision moved. false when the store
  // could not be read (the cache is then kept as it was).
  bool Refresh();
  // The cached jobs due at `now`, the longest waiting first.
  std::vector<Due> DueJobs(Timestamp now);
  // Claims `due` in order, in batches of at most the free workers, waiting for a worker within
  // a tick; what waits for its tenant (a job of it runs here) or for a worker is kept in
  // pending_. Returns the number started. Called with tick_mutex_ held.
  int ClaimAndStart(std::vector<Due> due);
  // Claims what pending_ holds (after a job ended). Returns the number started.
  int ClaimPending();
  void Start(const Due& due);
  // The latest fire of the job due at `now` (nullopt: none), and the first one it missed.
  std::optional<Timestamp> DueFire(const ScheduledJob& job, Timestamp now, Timestamp* first_missed);
  void Execute(ScheduledJob job, std::shared_ptr<std::atomic<bool>> stop);
  void Heartbeat(Timestamp now);
  void Ping(const Job& job, std::string_view suffix);
  void Loop();
  void ReapThreads();

  store::Store& store_;
  const Clock& clock_;
  JobRunner& runner_;
  SchedulerOptions options_;

  // One pass (Tick or ClaimPending) at a time; guards the members up to mutex_.
  std::mutex tick_mutex_;
  std::map<RowId, Timestamp> first_seen_;  // jobs never fired: when this instance first saw them
  std::map<RowId, Cached> schedules_;      // parsed cron expressions by job id
  std::map<std::int64_t, std::int64_t> revisions_;          // tenant id -> revision cached
  std::map<std::int64_t, std::vector<ScheduledJob>> jobs_;  // tenant id -> its jobs as read
  std::vector<Due> pending_;  // due, left waiting for their tenant or a worker

  mutable std::mutex mutex_;  // guards the members below, up to loop_
  std::condition_variable changed_;
  std::map<RowId, Running> running_;        // by job id
  std::map<std::int64_t, int> per_tenant_;  // running jobs by tenant id
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> finished_;
  std::vector<std::int64_t> start_delays_;
  ReadCounts read_counts_;
  Timestamp last_heartbeat_{};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> heartbeat_stop_{false};
  std::thread loop_;
  std::thread heartbeat_;  // joined after the running jobs ended
  std::mutex loop_mutex_;
  std::condition_variable loop_wake_;
  bool job_ended_ = false;  // guarded by loop_mutex_: wakes the loop to claim what is pending
};

// A pinger over HTTP GET (http::Client) with short timeouts. It follows up to 3 redirects,
// each connection checked against `targets`: a URL the policy refuses is not called, and the
// failure names settings.ping_url, the address and the flag that would allow it.
Pinger HttpPinger(http::TargetPolicy targets,
                  std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace avni::scheduler
