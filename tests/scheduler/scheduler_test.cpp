// The scheduler under a fake clock (Tick is called by the test; no sleeps), with a real store
// on both backends and a fake runner whose runs the test can hold open.
#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include <spdlog/spdlog.h>

#include "logging/log_sink.hpp"
#include "metrics/service_metrics.hpp"
#include "scheduler/scheduler.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

// Records a run for every job it is given; holds runs open while `hold` is set.
class FakeRunner final : public scheduler::JobRunner {
 public:
  explicit FakeRunner(store::Store& store) : store_(store) {}

  Result<Run> RunJob(const ScheduledJob& sj, const std::atomic<bool>& stop) override {
    auto run = store_.Transact(
        [&](store::Tx& tx) { return tx.tenant(sj.job.tenant_id).jobs().StartRun(sj.job.id, "t"); });
    if (!run) return run;
    {
      std::unique_lock lock(mutex_);
      started_.push_back(sj.job.name + "@" + sj.tenant_name);
      if (++running_by_tenant_[sj.tenant_name] > 1) ++tenant_overlaps_;
      changed_.notify_all();
      // The scheduler sets `stop` without telling this fake: look again every few ms.
      while (!changed_.wait_for(lock, 5ms, [&] { return !hold_ || stop.load(); })) {
      }
    }
    if (log_lines_) {
      spdlog::warn("the runner warns about {}", sj.job.name);
      spdlog::info("a plain info line");
    }
    const RunStatus status = stop.load() ? RunStatus::kCancelled
                             : fail_     ? RunStatus::kFailed
                                         : RunStatus::kSucceeded;
    auto ended = store_.Transact([&](store::Tx& tx) {
      return tx.tenant(sj.job.tenant_id).jobs().EndRun(run->id, status, fail_ ? "HTTP 503" : "");
    });
    std::lock_guard lock(mutex_);
    --running_by_tenant_[sj.tenant_name];
    return ended;
  }
  void Hold(bool hold) {
    std::lock_guard lock(mutex_);
    hold_ = hold;
    changed_.notify_all();
  }
  void Fail(bool fail) { fail_ = fail; }
  void LogLines(bool log) { log_lines_ = log; }
  // Waits until `n` runs have started in all.
  bool WaitStarted(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] { return started_.size() >= n; });
  }
  std::vector<std::string> started() {
    std::lock_guard lock(mutex_);
    return started_;
  }
  // Times a run started while another run of its tenant was going (any scheduler).
  int tenant_overlaps() {
    std::lock_guard lock(mutex_);
    return tenant_overlaps_;
  }

 private:
  store::Store& store_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> started_;
  std::map<std::string, int> running_by_tenant_;
  int tenant_overlaps_ = 0;
  bool hold_ = false;
  std::atomic<bool> fail_{false};
  std::atomic<bool> log_lines_{false};  // each run logs a warning and an info line
};

class SchedulerTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    runner_ = std::make_unique<FakeRunner>(*store_);
    options_.instance = "instance-a";
    options_.lease_ttl = 30s;
    options_.heartbeat = 10s;
    options_.pause_after = 3;
    options_.ping = [this](const std::string& url) -> Status {
      std::lock_guard lock(pings_mutex_);
      pings_.push_back(url);
      return {};
    };
    // A whole minute, so that "every 10 seconds" fires at :00, :10, ...
    clock_.Set(FromEpochMillis(1'800'000'000'000 - 1'800'000'000'000 % 60'000));
  }
  void TearDown() override {
    if (runner_) runner_->Hold(false);
    schedulers_.clear();
    StoreTest::TearDown();
  }
  scheduler::Scheduler& MakeScheduler(const std::string& instance = "instance-a") {
    auto options = options_;
    options.instance = instance;
    schedulers_.push_back(
        std::make_unique<scheduler::Scheduler>(*store_, clock_, *runner_, options));
    return *schedulers_.back();
  }
  // Ticks once to see the schedule, then starts one run at the next fire and holds it open.
  void StartOneHeldRun(scheduler::Scheduler& s) {
    s.Tick();
    runner_->Hold(true);
    clock_.Advance(10s);
    ASSERT_EQ(s.Tick(), 1);
    ASSERT_TRUE(runner_->WaitStarted(1));
  }
  // A tenant whose main job fires every 10 s and whose errors job is off.
  TenantId Tenant(const std::string& name, const std::string& main_cron = "*/10 * * * * ?",
                  const std::string& errors_cron = "-") {
    const TenantId t = MakeTenant(name);
    SetCron(t, "main", main_cron);
    SetCron(t, "errors", errors_cron);
    return t;
  }
  void SetCron(TenantId t, const std::string& job, const std::string& cron,
               const std::string& settings = "{}") {
    ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
      return tx.tenant(t).jobs().Put(Job{0, t, job, cron, true, "UTC", settings});
    }));
  }
  Job GetJob(TenantId t, const std::string& name) {
    return *store_->Read([&](store::Tx& tx) { return tx.tenant(t).jobs().Get(name); });
  }
  long long Runs(const std::string& where = "1 = 1") {
    return std::stoll(db_->QueryColumn("SELECT COUNT(*) FROM runs WHERE " + where).at(0));
  }

  std::unique_ptr<FakeRunner> runner_;
  scheduler::SchedulerOptions options_;
  std::vector<std::unique_ptr<scheduler::Scheduler>> schedulers_;
  std::mutex pings_mutex_;
  std::vector<std::string> pings_;
};

TEST_P(SchedulerTest, AJobRunsOnceAtEachFireAndNotBetween) {
  Tenant("ngo");
  auto& s = MakeScheduler();
  EXPECT_EQ(s.Tick(), 0);  // first sight: the next fire is ahead
  clock_.Advance(5s);
  EXPECT_EQ(s.Tick(), 0);
  clock_.Advance(5s);
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(s.Tick(), 0);  // the same fire never twice
  clock_.Advance(9s);
  EXPECT_EQ(s.Tick(), 0);
  clock_.Advance(1s);
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(Runs("status = 'succeeded'"), 2);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM leases").at(0), "0");  // released
}

// What a run logged at warning level and up, on the job's thread, is kept with the run when it
// ends: the runner's warnings, and the pause that a run's failure brought.
TEST_P(SchedulerTest, ARunsWarningsAndWhyItsJobPausedAreKeptWithTheRun) {
  logging::Install(logging::LogFormat::kText, spdlog::level::off);
  const TenantId t = Tenant("ngo");
  runner_->Fail(true);
  runner_->LogLines(true);
  auto& s = MakeScheduler();
  s.Tick();
  for (int i = 0; i < options_.pause_after; ++i) {
    clock_.Advance(10s);
    ASSERT_EQ(s.Tick(), 1);
    ASSERT_TRUE(s.WaitIdle(10s));
  }
  logging::Install(logging::LogFormat::kText, spdlog::level::warn);
  const auto runs = db_->QueryColumn("SELECT id FROM runs ORDER BY id");
  ASSERT_EQ(runs.size(), 3u);
  const auto log_of = [&](const std::string& run) {
    auto lines =
        store_->Read([&](store::Tx& tx) { return tx.tenant(t).run_log().List(std::stoll(run)); });
    EXPECT_TRUE(lines) << lines.error().message;
    std::vector<std::string> out;
    for (const auto& line : *lines) out.push_back(line.level + " " + line.message);
    return out;
  };
  EXPECT_EQ(log_of(runs[0]), std::vector<std::string>{"warn the runner warns about main"});
  const auto last = log_of(runs[2]);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0], "warn the runner warns about main");
  EXPECT_EQ(last[1].rfind("warn tenant 'ngo': job main paused: ", 0), 0u) << last[1];
}

TEST_P(SchedulerTest, FiresMissedWhileRunningOrDownRunOnce) {
  const TenantId t = Tenant("ngo");
  auto& s = MakeScheduler();
  ASSERT_NO_FATAL_FAILURE(StartOneHeldRun(s));
  for (int i = 0; i < 6; ++i) {  // a minute of fires while it runs
    clock_.Advance(10s);
    EXPECT_EQ(s.Tick(), 0);
  }
  runner_->Hold(false);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(s.Tick(), 1);  // once for all the missed ones
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(s.Tick(), 0);
  // Down for an hour: one run, then the schedule as usual.
  clock_.Advance(1h);
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(s.Tick(), 0);
  EXPECT_EQ(Runs(), 3);
  EXPECT_EQ(ToEpochMillis(*GetJob(t, "main").last_fire_at), ToEpochMillis(clock_.Now()));
}

TEST_P(SchedulerTest, ATenantsMainAndErrorsJobsNeverRunTogetherAndNeitherStarves) {
  Tenant("ngo", "*/10 * * * * ?", "*/10 * * * * ?");
  auto& s = MakeScheduler();
  ASSERT_NO_FATAL_FAILURE(StartOneHeldRun(s));
  EXPECT_EQ(s.Tick(), 0);  // the other is due but waits
  runner_->Hold(false);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(s.Tick(), 1);  // now the other one
  ASSERT_TRUE(s.WaitIdle(10s));
  auto started = runner_->started();
  ASSERT_EQ(started.size(), 2u);
  EXPECT_NE(started[0], started[1]);
}

TEST_P(SchedulerTest, AnotherInstancesLiveLeaseKeepsATenantsJobsWaiting) {
  const TenantId t = Tenant("ngo");
  auto& s = MakeScheduler();
  s.Tick();
  const RowId errors = GetJob(t, "errors").id;
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(t).jobs().TryAcquire(errors, "instance-b", 30s); }));
  clock_.Advance(10s);
  EXPECT_EQ(s.Tick(), 0);
  clock_.Advance(25s);  // instance-b died: its lease expired
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
}

TEST_P(SchedulerTest, TwoInstancesOnOneStoreRunEachFireOnce) {
  for (int i = 0; i < 6; ++i) Tenant("ngo" + std::to_string(i));
  auto& a = MakeScheduler("instance-a");
  auto& b = MakeScheduler("instance-b");
  a.Tick();
  b.Tick();
  for (int fire = 0; fire < 5; ++fire) {
    clock_.Advance(10s);
    std::thread other([&] { b.Tick(); });
    a.Tick();
    other.join();
    ASSERT_TRUE(a.WaitIdle(10s));
    ASSERT_TRUE(b.WaitIdle(10s));
  }
  EXPECT_EQ(Runs(), 6 * 5);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(DISTINCT tenant_id || '-' || job_id || '-' || "
                             "started_at) FROM runs")
                .at(0),
            "30");
}

TEST_P(SchedulerTest, ARunAskedForRunsAtTheNextTickEvenWithoutASchedule) {
  const TenantId t = Tenant("ngo", "-");
  auto& s = MakeScheduler();
  EXPECT_EQ(s.Tick(), 0);
  ASSERT_TRUE(
      store_->Transact([&](store::Tx& tx) { return tx.tenant(t).jobs().RequestRun("main"); }));
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_FALSE(GetJob(t, "main").run_requested_at.has_value());
  EXPECT_EQ(s.Tick(), 0);
}

TEST_P(SchedulerTest, PausedDisabledAndInactiveTenantsJobsDoNotRun) {
  const TenantId paused = Tenant("paused");
  const TenantId disabled = Tenant("disabled");
  const TenantId inactive = Tenant("inactive");
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(paused).jobs().SetPaused("main", true, "by hand"); }));
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(disabled).jobs().Put(
        Job{0, disabled, "main", "*/10 * * * * ?", false, "UTC", "{}"});
  }));
  db_->Execute("UPDATE tenants SET active = FALSE WHERE id = " + std::to_string(inactive.value));
  auto& s = MakeScheduler();
  s.Tick();
  clock_.Advance(10s);
  EXPECT_EQ(s.Tick(), 0);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(paused).jobs().SetPaused("main", false, ""); }));
  EXPECT_EQ(s.Tick(), 0);  // resumed: from its next fire, without catching up on the pause
  clock_.Advance(10s);
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
}

TEST_P(SchedulerTest, AJobPausesItselfAfterFailedRunsInARowAndSaysWhy) {
  const TenantId t = Tenant("ngo");
  SetCron(t, "main", "*/10 * * * * ?", R"({"ping_url":"https://hc.example/abc"})");
  runner_->Fail(true);
  auto& s = MakeScheduler();
  s.Tick();
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(10s);
    s.Tick();
    ASSERT_TRUE(s.WaitIdle(10s));
  }
  EXPECT_EQ(Runs(), 3);  // options_.pause_after
  const Job job = GetJob(t, "main");
  EXPECT_TRUE(job.paused);
  EXPECT_EQ(job.consecutive_failures, 3);
  EXPECT_NE(job.pause_reason.find("3 failed runs in a row"), std::string::npos) << job.pause_reason;
  EXPECT_NE(job.pause_reason.find("HTTP 503"), std::string::npos) << job.pause_reason;
  std::lock_guard lock(pings_mutex_);
  EXPECT_EQ(pings_, (std::vector<std::string>{
                        "https://hc.example/abc/start", "https://hc.example/abc/fail",
                        "https://hc.example/abc/start", "https://hc.example/abc/fail",
                        "https://hc.example/abc/start", "https://hc.example/abc/fail"}));
}

TEST_P(SchedulerTest, AScheduleChangedInTheStoreTakesEffectAtTheNextTick) {
  const TenantId t = Tenant("ngo", "0 0 * * * ?");  // hourly
  auto& s = MakeScheduler();
  s.Tick();
  clock_.Advance(10s);
  EXPECT_EQ(s.Tick(), 0);
  SetCron(t, "main", "* * * * * ?");
  clock_.Advance(1s);
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
}

TEST_P(SchedulerTest, HeartbeatsKeepALongRunsLeaseAndAGracefulStopReleasesIt) {
  const TenantId t = Tenant("ngo");
  auto& s = MakeScheduler();
  ASSERT_NO_FATAL_FAILURE(StartOneHeldRun(s));
  for (int i = 0; i < 12; ++i) {  // two minutes: four times the lease
    clock_.Advance(10s);
    s.Tick();
  }
  const RowId main = GetJob(t, "main").id;
  auto taken = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(t).jobs().TryAcquire(main, "instance-b", 30s); });
  ASSERT_TRUE(taken);
  EXPECT_FALSE(*taken);      // still instance-a's
  EXPECT_TRUE(s.Stop(10s));  // the runner sees the stop, ends its run, the lease goes
  EXPECT_EQ(db_->QueryColumn("SELECT status FROM runs").at(0), "cancelled");
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM leases").at(0), "0");
  EXPECT_EQ(s.Tick(), 0);  // no claims after a stop
}

TEST_P(SchedulerTest, ADeadInstancesRunIsEndedAsAbandonedWhenAnotherTakesTheJobOver) {
  const TenantId t = Tenant("ngo");
  const RowId main = GetJob(t, "main").id;
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto jobs = tx.tenant(t).jobs();
    if (auto run = jobs.StartRun(main, "instance-dead"); !run) return Fail(run.error());
    auto leased = jobs.TryAcquire(main, "instance-dead", 30s);
    if (!leased) return Fail(leased.error());
    return {};
  }));
  auto& s = MakeScheduler();
  s.Tick();
  clock_.Advance(40s);
  EXPECT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  auto statuses = db_->QueryColumn("SELECT status || ':' || instance FROM runs ORDER BY id");
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0], "failed:instance-dead");
  EXPECT_NE(db_->QueryColumn("SELECT message FROM runs ORDER BY id").at(0).find("abandoned"),
            std::string::npos);
}

TEST_P(SchedulerTest, RunsAndTakeoversOfADeadInstancesLeaseAreCountedForMetrics) {
  metrics::ServiceMetrics figures(*store_, clock_);
  options_.metrics = &figures;
  const TenantId t = Tenant("ngo");
  const RowId main = GetJob(t, "main").id;
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto leased = tx.tenant(t).jobs().TryAcquire(main, "instance-dead", 30s);
    if (!leased) return Fail(leased.error());
    return {};
  }));
  auto& s = MakeScheduler();
  s.Tick();
  clock_.Advance(40s);  // the dead instance's lease expired
  ASSERT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  clock_.Advance(10s);  // the next fire: this instance released its own lease, no takeover
  ASSERT_EQ(s.Tick(), 1);
  ASSERT_TRUE(s.WaitIdle(10s));
  const std::string text = figures.Render();
  EXPECT_NE(text.find("avni_integrator_lease_takeovers_total{tenant=\"ngo\",job=\"main\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find(
          "avni_integrator_job_runs_total{tenant=\"ngo\",job=\"main\",outcome=\"succeeded\"} 2\n"),
      std::string::npos)
      << text;
  EXPECT_NE(
      text.find("avni_integrator_job_run_duration_seconds_count{tenant=\"ngo\",job=\"main\"} 2\n"),
      std::string::npos)
      << text;
  schedulers_.clear();  // before `figures`, which they point to
}

TEST_P(SchedulerTest, TheWorkerCapLimitsRunsAtOnceAndTheRestFollow) {
  for (int i = 0; i < 5; ++i) Tenant("ngo" + std::to_string(i));
  options_.workers = 2;
  auto& s = MakeScheduler();
  s.Tick();
  runner_->Hold(true);
  clock_.Advance(10s);
  EXPECT_EQ(s.Tick(), 2);
  EXPECT_EQ(s.running(), 2);
  runner_->Hold(false);
  ASSERT_TRUE(s.WaitIdle(10s));
  // The rest in one tick: it waits for a free worker instead of a tick per start.
  EXPECT_EQ(s.Tick(), 3);
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(s.Tick(), 0);
  EXPECT_EQ(Runs(), 5);
}

TEST_P(SchedulerTest, WithNothingChangedATickReadsTheRevisionsAndNoJob) {
  std::vector<TenantId> tenants;
  for (int i = 0; i < 5; ++i) tenants.push_back(Tenant("ngo" + std::to_string(i)));
  auto& s = MakeScheduler();
  EXPECT_EQ(s.Tick(), 0);
  const auto first = s.read_counts();
  EXPECT_EQ(first.revision_reads, 1);
  EXPECT_EQ(first.jobs_read, 10);  // the first tick reads every job
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(1s);
    EXPECT_EQ(s.Tick(), 0);
  }
  const auto idle = s.read_counts();
  EXPECT_EQ(idle.revision_reads, first.revision_reads + 3);
  EXPECT_EQ(idle.jobs_read, first.jobs_read) << "ticks with nothing changed read jobs";
  EXPECT_EQ(idle.tenants_read, first.tenants_read);
  // One tenant's schedule changes: its two jobs are read again, no other.
  SetCron(tenants[2], "main", "* * * * * ?");
  clock_.Advance(1s);
  EXPECT_EQ(s.Tick(), 1);  // and the change took effect
  const auto changed = s.read_counts();
  EXPECT_EQ(changed.tenants_read, idle.tenants_read + 1);
  EXPECT_EQ(changed.jobs_read, idle.jobs_read + 2);
  ASSERT_TRUE(s.WaitIdle(10s));
}

TEST_P(SchedulerTest, ChangesMadeThroughAnotherInstancesStoreAreSeenWithinATick) {
  const TenantId t = Tenant("ngo", "0 0 * * * ?");  // hourly
  auto& s = MakeScheduler();
  s.Tick();
  // Another instance: its own connections to the same database.
  store::StoreOptions options;
  options.secrets = &secrets_;
  options.clock = &clock_;
  auto other = store::Store::Open(db_->dsn(), options);
  ASSERT_TRUE(other) << other.error().message;
  auto jobs = [&](auto fn) {
    return (*other)->Transact([&](store::Tx& tx) {
      auto repo = tx.tenant(t).jobs();
      return fn(repo);
    });
  };
  clock_.Advance(10s);
  EXPECT_EQ(s.Tick(), 0);
  ASSERT_TRUE(jobs([&](store::JobRepo& r) {
    return r.Put(Job{0, t, "main", "* * * * * ?", true, "UTC", "{}"});
  }));
  clock_.Advance(1s);
  EXPECT_EQ(s.Tick(), 1);  // the new cron
  ASSERT_TRUE(s.WaitIdle(10s));
  ASSERT_TRUE(jobs([](store::JobRepo& r) { return r.SetPaused("main", true, "by hand"); }));
  clock_.Advance(1s);
  EXPECT_EQ(s.Tick(), 0);  // paused elsewhere: not run
  ASSERT_TRUE(jobs([](store::JobRepo& r) { return r.RequestRun("errors"); }));
  EXPECT_EQ(s.Tick(), 1);  // asked for elsewhere: run at once
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(runner_->started(), (std::vector<std::string>{"main@ngo", "errors@ngo"}));
}

TEST_P(SchedulerTest, AJobThatEndsLetsItsTenantsWaitingJobStartWithoutWaitingForATick) {
  const TenantId t = Tenant("ngo", "*/10 * * * * ?", "*/10 * * * * ?");
  // Both due at first sight: their last fire was 10 s ago.
  db_->Execute(
      "UPDATE jobs SET last_fire_at = " + std::to_string(ToEpochMillis(clock_.Now() - 10s)) +
      " WHERE tenant_id = " + std::to_string(t.value));
  options_.tick = 1h;  // the loop's next tick is an hour away
  auto& s = MakeScheduler();
  s.Start();
  ASSERT_TRUE(runner_->WaitStarted(2));  // the second when the first ended
  ASSERT_TRUE(s.WaitIdle(10s));
  EXPECT_EQ(runner_->tenant_overlaps(), 0);
  EXPECT_EQ(Runs("status = 'succeeded'"), 2);
}

// Three instances, each with its own loop, on one store: a burst of every tenant's two jobs at
// each fire is split between them; each fire runs once and a tenant's jobs never overlap.
TEST_P(SchedulerTest, ThreeSchedulersSplitABurstRunEachFireOnceAndNeverOverlapATenant) {
  constexpr int kTenants = 20;
  constexpr int kFires = 3;
  for (int i = 0; i < kTenants; ++i) {
    Tenant("ngo" + std::to_string(i), "*/10 * * * * ?", "*/10 * * * * ?");
  }
  options_.tick = 50ms;
  std::vector<scheduler::Scheduler*> instances;
  for (const char* name : {"instance-a", "instance-b", "instance-c"}) {
    instances.push_back(&MakeScheduler(name));
    instances.back()->Start();
  }
  // Each has seen the schedules before the first fire.
  for (auto* s : instances) {
    for (int i = 0; i < 2000 && s->read_counts().revision_reads == 0; ++i) {
      std::this_thread::sleep_for(5ms);
    }
    ASSERT_GT(s->read_counts().revision_reads, 0);
  }
  for (int fire = 1; fire <= kFires; ++fire) {
    clock_.Advance(10s);
    ASSERT_TRUE(runner_->WaitStarted(static_cast<std::size_t>(2 * kTenants * fire)))
        << "fire " << fire << ": " << runner_->started().size() << " started";
  }
  for (auto* s : instances) EXPECT_TRUE(s->Stop(10s));
  EXPECT_EQ(runner_->tenant_overlaps(), 0);
  EXPECT_EQ(Runs(), 2 * kTenants * kFires);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM (SELECT job_id FROM runs GROUP BY job_id "
                             "HAVING COUNT(*) <> " +
                             std::to_string(kFires) + ") AS j")
                .at(0),
            "0");
}

AVNI_ON_EVERY_BACKEND(SchedulerTest);

}  // namespace
}  // namespace avni::testing
