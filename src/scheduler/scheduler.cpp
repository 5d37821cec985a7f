#include "scheduler/scheduler.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <utility>

#include "logging/log_context.hpp"
#include "metrics/service_metrics.hpp"
#include "scheduler/cron.hpp"
#include "store/store.hpp"

namespace avni::scheduler {
namespace {

// A job never fired and last seen long ago would otherwise walk its schedule forever.
constexpr int kMaxCatchUpSteps = 100000;

}  // namespace

Scheduler::Scheduler(store::Store& store, const Clock& clock, JobRunner& runner,
                     SchedulerOptions options)
    : store_(store), clock_(clock), runner_(runner), options_(std::move(options)) {}

Scheduler::~Scheduler() {
  Stop(std::chrono::milliseconds(0));
  // Whatever still runs is told to stop; wait for it, or its thread would outlive us.
  WaitIdle(std::chrono::hours(1));
  ReapThreads();
}

void Scheduler::Start() {
  loop_ = std::thread([this] { Loop(); });
  // Leases are renewed on their own thread: a slow tick (many claims contending on a busy
  // database) must not let a running job's lease expire.
  heartbeat_ = std::thread([this] {
    // Until the running jobs ended: a graceful stop still needs their leases.
    while (!heartbeat_stop_.load()) {
      Heartbeat(clock_.Now());
      std::unique_lock lock(loop_mutex_);
      loop_wake_.wait_for(lock, options_.heartbeat / 4, [this] { return heartbeat_stop_.load(); });
    }
  });
}

void Scheduler::Loop() {
  while (!stopping_.load()) {
    const auto deadline = std::chrono::steady_clock::now() + options_.tick;
    Tick();
    // Until the next tick, a job that ends lets what waits for its tenant or for a worker
    // start now: in a burst, a tenant's second job starts when its first ends.
    std::unique_lock lock(loop_mutex_);
    while (loop_wake_.wait_until(lock, deadline, [this] {
      return stopping_.load() || job_ended_;
    }) && !stopping_.load()) {
      job_ended_ = false;
      lock.unlock();
      ClaimPending();
      lock.lock();
    }
  }
}

std::optional<Timestamp> Scheduler::DueFire(const ScheduledJob& sj, Timestamp now,
                                            Timestamp* first_missed) {
  const Job& job = sj.job;
  auto& cached = schedules_[job.id];
  if (!cached.schedule || cached.cron != job.cron || cached.timezone != job.timezone) {
    cached.cron = job.cron;
    cached.timezone = job.timezone;
    auto parsed = CronSchedule::Parse(job.cron, job.timezone);
    if (!parsed) {
      spdlog::warn("tenant '{}': job {} has a schedule that cannot run: {}", sj.tenant_name,
                   job.name, parsed.error().message);
      cached.schedule = nullptr;
      return std::nullopt;
    }
    cached.schedule = std::make_shared<const CronSchedule>(std::move(*parsed));
  }
  if (!cached.schedule || cached.schedule->never()) return std::nullopt;
  Timestamp base;
  if (job.last_fire_at) {
    base = *job.last_fire_at;
  } else {
    auto [it, inserted] = first_seen_.try_emplace(job.id, now);
    base = it->second;
  }
  auto next = cached.schedule->Next(base);
  if (!next || *next > now) return std::nullopt;
  // The latest fire due: fires missed while busy or down run once.
  *first_missed = *next;
  Timestamp fire = *next;
  for (int i = 0; i < kMaxCatchUpSteps; ++i) {
    auto after = cached.schedule->Next(fire);
    if (!after || *after > now) break;
    fire = *after;
  }
  return fire;
}

bool Scheduler::Refresh() {
  const bool first = revisions_.empty();
  std::vector<store::ScheduleRevision> revisions;
  std::vector<TenantId> changed;
  auto jobs = store_.Read([&](store::Tx& tx) -> Result<std::vector<ScheduledJob>> {
    auto read = tx.schedule().ListRevisions();
    if (!read) return Fail(read.error());
    revisions = std::move(*read);
    changed.clear();
    for (const auto& r : revisions) {
      auto it = revisions_.find(r.tenant.value);
      if (it == revisions_.end() || it->second != r.revision) changed.push_back(r.tenant);
    }
    if (first) return tx.schedule().ListJobs();
    return tx.schedule().ListJobs(changed);
  });
  if (!jobs) {
    spdlog::warn("scheduler: cannot read the schedules: {}", jobs.error().message);
    return false;
  }
  // Revisions read before the jobs: a write between the two is read again next tick.
  std::map<std::int64_t, std::int64_t> latest;
  for (const auto& r : revisions) latest.emplace(r.tenant.value, r.revision);
  std::erase_if(jobs_, [&](const auto& entry) { return !latest.contains(entry.first); });
  for (TenantId t : changed) jobs_[t.value].clear();
  for (auto& sj : *jobs) jobs_[sj.job.tenant_id.value].push_back(std::move(sj));
  revisions_ = std::move(latest);
  std::lock_guard lock(mutex_);
  ++read_counts_.revision_reads;
  read_counts_.tenants_read += static_cast<std::int64_t>(changed.size());
  read_counts_.jobs_read += static_cast<std::int64_t>(jobs->size());
  return true;
}

std::vector<Scheduler::Due> Scheduler::DueJobs(Timestamp now) {
  std::set<RowId> running;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, run] : running_) running.insert(id);
  }
  std::vector<Due> due;
  for (const auto& [tenant, jobs] : jobs_) {
    for (const auto& sj : jobs) {
      const Job& job = sj.job;
      if (!sj.tenant_active || !job.enabled || running.contains(job.id)) continue;
      const bool requested = job.run_requested_at.has_value();
      Timestamp first_missed = now;
      std::optional<Timestamp> fire = job.paused ? std::nullopt : DueFire(sj, now, &first_missed);
      if (!fire && !requested) continue;
      if (requested) first_missed = std::min(first_missed, *job.run_requested_at);
      due.push_back(Due{sj, fire, requested, first_missed});
    }
  }
  // The longest waiting first: when two jobs of a tenant are due together, the one passed over
  // last time goes now (neither starves the other).
  std::stable_sort(due.begin(), due.end(),
                   [](const Due& a, const Due& b) { return a.waiting_since < b.waiting_since; });
  return due;
}

int Scheduler::Tick() {
  if (stopping_.load()) return 0;
  std::lock_guard tick(tick_mutex_);
  ReapThreads();
  const Timestamp now = clock_.Now();
  Heartbeat(now);
  pending_.clear();
  if (!Refresh()) return 0;
  return ClaimAndStart(DueJobs(now));
}

int Scheduler::ClaimPending() {
  std::lock_guard tick(tick_mutex_);
  if (pending_.empty() || stopping_.load()) return 0;
  return ClaimAndStart(std::exchange(pending_, {}));
}

int Scheduler::ClaimAndStart(std::vector<Due> due) {
  std::vector<Due> waiting;
  std::size_t next = 0;
  int started = 0;
  while (next < due.size()) {
    std::vector<const Due*> batch;
    {
      // All workers busy: wait for one within this tick rather than a tick per start, so that
      // a burst of fires (every tenant at the top of the minute) is claimed from one reading.
      std::unique_lock lock(mutex_);
      if (!changed_.wait_for(lock, options_.tick,
                             [&] {
                               return stopping_.load() ||
                                      static_cast<int>(running_.size()) < options_.workers;
                             }) ||
          stopping_.load()) {
        break;
      }
      const std::size_t free = static_cast<std::size_t>(options_.workers) - running_.size();
      std::set<std::int64_t> tenants;
      while (next < due.size() && batch.size() < free) {
        const Due& d = due[next++];
        const std::int64_t tenant = d.job.job.tenant_id.value;
        if (running_.contains(d.job.job.id)) continue;
        auto busy = per_tenant_.find(tenant);
        if ((busy != per_tenant_.end() && busy->second >= options_.per_tenant) ||
            tenants.contains(tenant)) {
          waiting.push_back(d);  // its tenant runs a job here (or will, from this batch)
          continue;
        }
        tenants.insert(tenant);
        batch.push_back(&d);
      }
    }
    if (batch.empty()) continue;
    std::vector<store::ClaimCandidate> candidates;
    candidates.reserve(batch.size());
    for (const Due* d : batch) {
      candidates.push_back(
          store::ClaimCandidate{d->job.job.tenant_id, d->job.job.id, d->fire, d->requested});
    }
    std::vector<RowId> taken_over;
    auto claimed = store_.Transact([&](store::Tx& tx) {
      taken_over.clear();  // a retried transaction starts over
      return tx.schedule().ClaimDue(options_.instance, options_.lease_ttl, candidates,
                                    static_cast<int>(candidates.size()), &taken_over);
    });
    if (!claimed) {
      spdlog::warn("scheduler: claiming {} due jobs failed: {}", candidates.size(),
                   claimed.error().message);
      continue;
    }
    // Those not claimed run elsewhere, or their fire was served: the store said no.
    for (const Due* d : batch) {
      if (std::find(claimed->begin(), claimed->end(), d->job.job.id) == claimed->end()) continue;
      // Another owner's expired lease was taken over: that instance died or stalled.
      if (options_.metrics &&
          std::find(taken_over.begin(), taken_over.end(), d->job.job.id) != taken_over.end()) {
        options_.metrics->CountLeaseTakeover(d->job.tenant_name, d->job.job.name);
      }
      Start(*d);
      ++started;
    }
  }
  for (; next < due.size(); ++next) waiting.push_back(std::move(due[next]));
  std::stable_sort(waiting.begin(), waiting.end(),
                   [](const Due& a, const Due& b) { return a.waiting_since < b.waiting_since; });
  pending_ = std::move(waiting);
  return started;
}

void Scheduler::Start(const Due& due) {
  const ScheduledJob& sj = due.job;
  first_seen_.erase(sj.job.id);
  // The cached job as the claim left it, until the next refresh reads it again.
  for (auto& cached : jobs_[sj.job.tenant_id.value]) {
    if (cached.job.id != sj.job.id) continue;
    if (due.fire) cached.job.last_fire_at = due.fire;
    if (due.requested) cached.job.run_requested_at.reset();
  }
  auto stop = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mutex_);
  // From the fire to now, when it starts (not to the tick's start: a claim late in a long
  // tick waited that long too).
  start_delays_.push_back(
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - due.waiting_since)
          .count());
  running_[sj.job.id] = Running{sj.job.tenant_id, stop};
  ++per_tenant_[sj.job.tenant_id.value];
  threads_.emplace_back([this, sj, stop] { Execute(sj, stop); });
}

void Scheduler::Execute(ScheduledJob sj, std::shared_ptr<std::atomic<bool>> stop) {
  const Job& job = sj.job;
  // Every line logged for this run, here and on the threads it uses, names the tenant, the job
  // and (once recorded) the run, and its warnings and explanations are kept in the run's log.
  auto run_log = std::make_shared<logging::RunLog>();
  const logging::ScopedLogContext context(
      logging::LogContext{job.tenant_id.value, job.name, std::nullopt, run_log});
  Ping(job, "/start");
  // The job thread is a boundary: a runner that throws fails this run, and the lease is
  // released below as after any other end.
  Result<Run> run = Fail(Error::Internal("the run did not end"));
  const auto started = std::chrono::steady_clock::now();
  try {
    run = runner_.RunJob(sj, *stop);
  } catch (const std::exception& e) {
    run = Fail(Error::Internal(fmt::format("internal error: {}", e.what())));
  } catch (...) {
    run = Fail(Error::Internal("internal error: an exception of unknown type"));
  }
  std::optional<logging::ScopedLogContext> with_run;
  if (run) with_run.emplace(logging::ScopedLogContext::WithRun(job.tenant_id.value, run->id));
  const bool succeeded = run && run->status == RunStatus::kSucceeded;
  const bool failed = !run || run->status == RunStatus::kFailed;
  const std::string message = run ? run->message : run.error().message;
  if (options_.metrics) {
    options_.metrics->CountRun(sj.tenant_name, job.name, run ? ToString(run->status) : "error",
                               std::chrono::steady_clock::now() - started);
  }
  auto noted = store_.Transact([&](store::Tx& tx) -> Status {
    auto jobs = tx.tenant(job.tenant_id).jobs();
    // A cancelled run (stopped, or its flows held elsewhere) neither failed nor succeeded.
    if (succeeded || failed) {
      auto outcome = jobs.NoteRunOutcome(job.id, succeeded, options_.pause_after, message);
      if (!outcome) return Fail(outcome.error());
      if (outcome->paused && !job.paused) {
        spdlog::warn("tenant '{}': job {} paused: {}", sj.tenant_name, job.name,
                     outcome->pause_reason);
      }
    }
    return jobs.Release(job.id, options_.instance);
  });
  if (!noted) {
    // The lease then expires by itself; the outcome is in the run record.
    spdlog::warn("tenant '{}': recording the end of job {} failed: {}", sj.tenant_name, job.name,
                 noted.error().message);
  }
  if (succeeded) Ping(job, "");
  if (failed) Ping(job, "/fail");
  // Kept with the run once it ended; a crash before this loses them (the run's message stays).
  if (run) {
    auto kept = store_.Transact([&](store::Tx& tx) {
      return tx.tenant(job.tenant_id).run_log().Put(run->id, run_log->Lines());
    });
    if (!kept) {
      spdlog::warn("tenant '{}': keeping the log of run {} failed: {}", sj.tenant_name, run->id,
                   kept.error().message);
    }
  }
  {
    std::lock_guard lock(mutex_);
    running_.erase(job.id);
    if (--per_tenant_[job.tenant_id.value] <= 0) per_tenant_.erase(job.tenant_id.value);
    finished_.push_back(std::this_thread::get_id());
    changed_.notify_all();
  }
  std::lock_guard wake(loop_mutex_);
  job_ended_ = true;
  loop_wake_.notify_all();
}

void Scheduler::Heartbeat(Timestamp now) {
  std::vector<std::pair<RowId, Running>> running;
  {
    std::lock_guard lock(mutex_);
    if (now - last_heartbeat_ < options_.heartbeat) return;
    last_heartbeat_ = now;
    running.assign(running_.begin(), running_.end());
  }
  for (const auto& [job_id, run] : running) {
    auto renewed = store_.Transact([&](store::Tx& tx) {
      return tx.tenant(run.tenant).jobs().Renew(job_id, options_.instance, options_.lease_ttl);
    });
    if (renewed && !*renewed) {
      std::lock_guard lock(mutex_);
      auto still = running_.find(job_id);
      // A job that ended meanwhile released its lease itself.
      if (still == running_.end() || still->second.stop != run.stop) continue;
      // Another instance may run it now: stop after the current page (whose commit the
      // engine's flow lock refuses if that instance got there first).
      spdlog::warn("scheduler: the lease of job {} was lost; stopping it", job_id);
      run.stop->store(true);
    }
  }
}

void Scheduler::Ping(const Job& job, std::string_view suffix) {
  if (!options_.ping) return;
  const auto settings =
      nlohmann::json::parse(job.settings_json, nullptr, /*allow_exceptions=*/false);
  if (!settings.is_object() || !settings.contains("ping_url") ||
      !settings["ping_url"].is_string()) {
    return;
  }
  std::string url = settings["ping_url"].get<std::string>();
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (auto pinged = options_.ping(url + std::string(suffix)); !pinged) {
    spdlog::warn("tenant {} job {}: the health ping failed: {}", job.tenant_id.value, job.name,
                 pinged.error().message);
  }
}

bool Scheduler::Stop(std::chrono::milliseconds grace) {
  stopping_.store(true);
  {
    std::lock_guard lock(loop_mutex_);
    loop_wake_.notify_all();
  }
  if (loop_.joinable()) loop_.join();
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, run] : running_) run.stop->store(true);
  }
  const bool idle = WaitIdle(grace);
  if (idle) ReapThreads();
  {
    std::lock_guard lock(loop_mutex_);
    heartbeat_stop_.store(true);
    loop_wake_.notify_all();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  return idle;
}

bool Scheduler::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return running_.empty(); });
}

int Scheduler::running() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(running_.size());
}

Scheduler::ReadCounts Scheduler::read_counts() const {
  std::lock_guard lock(mutex_);
  return read_counts_;
}

std::vector<std::int64_t> Scheduler::TakeStartDelays() {
  std::lock_guard lock(mutex_);
  return std::exchange(start_delays_, {});
}

void Scheduler::ReapThreads() {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mutex_);
    for (auto id : finished_) {
      auto it = std::find_if(threads_.begin(), threads_.end(),
                             [&](const std::thread& t) { return t.get_id() == id; });
      if (it != threads_.end()) {
        done.push_back(std::move(*it));
        threads_.erase(it);
      }
    }
    finished_.clear();
  }
  for (auto& t : done) t.join();
}

}  // namespace avni::scheduler
