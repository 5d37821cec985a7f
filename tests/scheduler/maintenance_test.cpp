// The daily retention run: what it purges and keeps, per tenant, in bounded batches, once a day
// across instances. On both backends, with a fake clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "scheduler/maintenance.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using scheduler::Maintenance;
using scheduler::MaintenanceOptions;
using scheduler::RetentionReport;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

class MaintenanceTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (!store_) return;
    today_ = clock_.Now();
  }

  MaintenanceOptions Options(const std::string& instance = "a", int batch = 1000) {
    MaintenanceOptions options;
    options.instance = instance;
    options.defaults = RetentionPolicy{10, 10, 10};
    options.batch_size = batch;
    return options;
  }

  RetentionReport Purge(int batch = 1000) {
    clock_.Set(today_);
    Maintenance maintenance(*store_, clock_, Options("a", batch));
    auto report = maintenance.Purge();
    EXPECT_TRUE(report.has_value()) << report.error().message;
    return report ? *report : RetentionReport{};
  }

  void At(int days_ago) {
    clock_.Set(today_ - std::chrono::duration_cast<std::chrono::milliseconds>(days(days_ago)));
  }

  RowId JobId(TenantId t, const std::string& name) {
    auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(t).jobs().Get(name); });
    EXPECT_TRUE(job.has_value()) << job.error().message;
    return job ? job->id : 0;
  }

  // A run of the job started `days_ago`, finished unless `running`, with counts of one type.
  RowId RunAt(TenantId t, const std::string& job, int days_ago, bool running = false) {
    At(days_ago);
    const RowId job_id = JobId(t, job);
    auto run = store_->Transact([&](store::Tx& tx) -> Result<avni::Run> {
      auto jobs = tx.tenant(t).jobs();
      auto started = jobs.StartRun(job_id, "test");
      if (!started || running) return started;
      if (auto ok = jobs.AddRunCounts(started->id, "Subject", RunCounts{1, 1, 0, 0}); !ok) {
        return Fail(ok.error());
      }
      return jobs.EndRun(started->id, RunStatus::kSucceeded, "");
    });
    EXPECT_TRUE(run.has_value()) << run.error().message;
    return run ? run->id : 0;
  }

  // A failure of entity `id` logged `days_ago` with this message (and a body naming it).
  RowId FailAt(TenantId t, const std::string& id, int days_ago, const std::string& message) {
    At(days_ago);
    auto record = store_->Transact([&](store::Tx& tx) {
      return tx.tenant(t).errors().RecordFailure(
          store::Failure{"Subject", id, std::nullopt, message, "body of " + message, std::nullopt});
    });
    EXPECT_TRUE(record.has_value()) << record.error().message;
    return record ? record->id : 0;
  }

  RowId AuditAt(std::optional<TenantId> t, int days_ago, const std::string& action) {
    At(days_ago);
    auto entry = store_->Transact([&](store::Tx& tx) {
      store::AuditRepo audit = t ? tx.tenant(*t).audit() : tx.global_audit();
      return audit.Append("admin@example.org", action, "config", "k", "", "");
    });
    EXPECT_TRUE(entry.has_value()) << entry.error().message;
    return entry ? entry->id : 0;
  }

  void SetConfig(TenantId t, const std::string& key, const std::string& value) {
    auto set = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(t).config().Set(key, value, false); });
    ASSERT_TRUE(set.has_value()) << set.error().message;
  }

  std::vector<std::string> Column(const std::string& sql) { return db_->QueryColumn(sql); }
  static std::string Id(RowId id) { return std::to_string(id); }
  bool RunExists(RowId id) { return !Column("SELECT id FROM runs WHERE id = " + Id(id)).empty(); }
  bool AuditExists(RowId id) {
    return !Column("SELECT id FROM audit_log WHERE id = " + Id(id)).empty();
  }
  // The record's log messages and bodies, oldest first.
  std::vector<std::string> LogOf(RowId record) {
    return Column("SELECT message || '|' || body FROM error_record_log WHERE error_record_id = " +
                  Id(record) + " ORDER BY id");
  }

  Timestamp today_;
};

TEST_P(MaintenanceTest, RowsOlderThanTheLimitsGoAndYoungerOnesStay) {
  const TenantId t = MakeTenant("T");
  const RowId old_run = RunAt(t, "main", 20);
  const RowId young_run = RunAt(t, "main", 5);
  const RowId newest_run = RunAt(t, "main", 1);
  const RowId old_audit = AuditAt(t, 20, "config.update");
  const RowId young_audit = AuditAt(t, 5, "config.update");
  const RowId old_global = AuditAt(std::nullopt, 20, "user.create");
  const RowId young_global = AuditAt(std::nullopt, 5, "user.create");
  // One record with entries old, old and young; one with old entries only.
  const RowId mixed = FailAt(t, "s1", 20, "first");
  FailAt(t, "s1", 15, "second");
  FailAt(t, "s1", 5, "third");
  const RowId stale = FailAt(t, "s2", 20, "alpha");
  FailAt(t, "s2", 18, "beta");

  const RetentionReport report = Purge();

  EXPECT_FALSE(RunExists(old_run));
  EXPECT_TRUE(RunExists(young_run));
  EXPECT_TRUE(RunExists(newest_run));
  EXPECT_EQ(Column("SELECT run_id FROM run_entity_counts ORDER BY run_id"),
            (std::vector<std::string>{Id(young_run), Id(newest_run)}));  // by cascade
  EXPECT_FALSE(AuditExists(old_audit));
  EXPECT_TRUE(AuditExists(young_audit));
  EXPECT_FALSE(AuditExists(old_global));
  EXPECT_TRUE(AuditExists(young_global));
  EXPECT_EQ(LogOf(mixed), (std::vector<std::string>{"third|body of third"}));
  // An open record keeps its latest entry, message and body, however old.
  EXPECT_EQ(LogOf(stale), (std::vector<std::string>{"beta|body of beta"}));
  EXPECT_EQ(report.runs.rows, 1);
  EXPECT_EQ(report.audit.rows, 2);
  EXPECT_EQ(report.error_log.rows, 3);
  EXPECT_EQ(report.tenants, 1);
}

TEST_P(MaintenanceTest, ATenantsOwnLimitBeatsTheDefaultAndLeavesOtherTenantsAlone) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  SetConfig(a, "retention_runs_days", "3");    // shorter than the default 10
  SetConfig(a, "retention_audit_days", "30");  // longer
  SetConfig(a, "retention_error_log_days", "3");
  const RowId a_run = RunAt(a, "main", 5);
  const RowId b_run = RunAt(b, "main", 5);
  RunAt(a, "main", 0);
  RunAt(b, "main", 0);
  const RowId a_audit = AuditAt(a, 20, "x");
  const RowId b_audit = AuditAt(b, 20, "x");
  const RowId a_record = FailAt(a, "s", 5, "old");
  FailAt(a, "s", 0, "new");
  const RowId b_record = FailAt(b, "s", 5, "old");
  FailAt(b, "s", 0, "new");

  const RetentionReport report = Purge();

  EXPECT_FALSE(RunExists(a_run));
  EXPECT_TRUE(RunExists(b_run));
  EXPECT_TRUE(AuditExists(a_audit));
  EXPECT_FALSE(AuditExists(b_audit));
  EXPECT_EQ(LogOf(a_record), (std::vector<std::string>{"new|body of new"}));
  EXPECT_EQ(LogOf(b_record), (std::vector<std::string>{"old|body of old", "new|body of new"}));
  EXPECT_EQ(report.tenants, 2);
  EXPECT_EQ(report.tenants_with_bad_settings, 0);
}

TEST_P(MaintenanceTest, AMalformedStoredLimitFallsBackToTheDefaultForThatTenantOnly) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  SetConfig(a, "retention_audit_days", "0");  // stored before the API checked it
  SetConfig(b, "retention_audit_days", "2");
  const RowId a_young = AuditAt(a, 5, "x");
  const RowId a_old = AuditAt(a, 20, "x");
  const RowId b_young = AuditAt(b, 5, "x");

  const RetentionReport report = Purge();

  EXPECT_TRUE(AuditExists(a_young));
  EXPECT_FALSE(AuditExists(a_old));
  EXPECT_FALSE(AuditExists(b_young));
  EXPECT_EQ(report.tenants_with_bad_settings, 1);
}

TEST_P(MaintenanceTest, TheLatestRunOfEachJobAndRunningRunsStayHoweverOld) {
  const TenantId t = MakeTenant("T");
  const RowId oldest = RunAt(t, "main", 40);
  const RowId running = RunAt(t, "main", 30, /*running=*/true);
  const RowId latest = RunAt(t, "main", 20);
  const RowId only_errors_run = RunAt(t, "errors", 50);

  Purge();

  EXPECT_FALSE(RunExists(oldest));
  EXPECT_TRUE(RunExists(running));
  EXPECT_TRUE(RunExists(latest));
  EXPECT_TRUE(RunExists(only_errors_run));
}

TEST_P(MaintenanceTest, AResolvedRecordLosesItsBodiesAtOnceAndADisabledOneIsStillOpen) {
  const TenantId t = MakeTenant("T");
  const RowId resolved = FailAt(t, "done", 2, "broken");
  FailAt(t, "done", 1, "still broken");
  const RowId disabled = FailAt(t, "off", 30, "one");
  FailAt(t, "off", 25, "two");
  auto ok = store_->Transact([&](store::Tx& tx) -> Status {
    auto errors = tx.tenant(t).errors();
    if (auto r = errors.Resolve("Subject", "done"); !r) return r;
    return errors.SetProcessingDisabled(disabled, true);
  });
  ASSERT_TRUE(ok.has_value()) << ok.error().message;

  // Resolving deletes the record and its log, bodies and all, without waiting for retention.
  EXPECT_TRUE(LogOf(resolved).empty());
  EXPECT_TRUE(Column("SELECT id FROM error_records WHERE id = " + Id(resolved)).empty());

  Purge();
  EXPECT_EQ(LogOf(disabled), (std::vector<std::string>{"two|body of two"}));
}

TEST_P(MaintenanceTest, ExpiredSessionsGo) {
  auto user = store_->Transact([&](store::Tx& tx) {
    return tx.users().Create("ops@example.org", "hash-not-checked-here", false);
  });
  ASSERT_TRUE(user.has_value()) << user.error().message;
  auto made = store_->Transact([&](store::Tx& tx) -> Status {
    auto creds = tx.credentials();
    if (auto s = creds.CreateSession(user->id, "expired-hash", today_ - minutes(1), ""); !s) {
      return Fail(s.error());
    }
    if (auto s = creds.CreateSession(user->id, "live-hash", today_ + hours(1), ""); !s) {
      return Fail(s.error());
    }
    return {};
  });
  ASSERT_TRUE(made.has_value()) << made.error().message;

  const RetentionReport report = Purge();

  EXPECT_EQ(Column("SELECT token_hash FROM sessions"), (std::vector<std::string>{"live-hash"}));
  EXPECT_EQ(report.sessions.rows, 1);
}

TEST_P(MaintenanceTest, PurgesInBoundedBatchesEachItsOwnTransaction) {
  const TenantId t = MakeTenant("T");
  for (int i = 0; i < 35; ++i) FailAt(t, "s", 20, "old " + std::to_string(i));
  const RowId record = FailAt(t, "s", 1, "young");

  const RetentionReport report = Purge(/*batch=*/10);

  EXPECT_EQ(report.error_log.rows, 35);
  EXPECT_EQ(report.error_log.transactions, 4);  // 10 + 10 + 10 + 5
  EXPECT_EQ(LogOf(record), (std::vector<std::string>{"young|body of young"}));
}

TEST_P(MaintenanceTest, TheDailyRunHappensOnceAcrossInstancesSharingTheStore) {
  auto other = store::Store::Open(db_->dsn(), [&] {
    store::StoreOptions o;
    o.secrets = &secrets_;
    o.clock = &clock_;
    return o;
  }());
  ASSERT_TRUE(other.has_value()) << other.error().message;
  const TenantId t = MakeTenant("T");
  const RowId old_audit = AuditAt(t, 20, "x");
  clock_.Set(today_);
  Maintenance a(*store_, clock_, Options("a"));
  Maintenance b(**other, clock_, Options("b"));

  // Both try at the same moment: one runs.
  std::atomic<int> ran{0}, failed{0};
  auto attempt = [&](Maintenance& m) {
    auto r = m.RunIfDue();
    if (!r) {
      ++failed;
    } else if (r->has_value()) {
      ++ran;
    }
  };
  std::thread ta([&] { attempt(a); });
  std::thread tb([&] { attempt(b); });
  ta.join();
  tb.join();
  EXPECT_EQ(ran.load(), 1);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_FALSE(AuditExists(old_audit));

  // Not again within the day, on either.
  clock_.Advance(hours(23));
  for (Maintenance* m : {&a, &b}) {
    auto r = m->RunIfDue();
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_FALSE(r->has_value());
  }
  // A day after the last run, the first to ask runs it, and only that one.
  clock_.Advance(hours(2));
  auto rb = b.RunIfDue();
  ASSERT_TRUE(rb.has_value()) << rb.error().message;
  EXPECT_TRUE(rb->has_value());
  auto ra = a.RunIfDue();
  ASSERT_TRUE(ra.has_value()) << ra.error().message;
  EXPECT_FALSE(ra->has_value());
}

TEST_P(MaintenanceTest, AnInstanceThatDiedMidRunHasItsRunTakenOverWhenTheLeaseExpires) {
  clock_.Set(today_);
  // Instance "dead" claimed the run and never finished it.
  auto claimed = store_->Transact([&](store::Tx& tx) {
    return tx.retention().TryClaim("retention", "dead", hours(24), minutes(10));
  });
  ASSERT_TRUE(claimed.has_value()) << claimed.error().message;
  ASSERT_TRUE(*claimed);
  Maintenance b(*store_, clock_, Options("b"));
  auto r = b.RunIfDue();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_FALSE(r->has_value());  // the lease is live

  clock_.Advance(minutes(11));
  r = b.RunIfDue();
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->has_value());
  auto last = store_->Read([&](store::Tx& tx) { return tx.retention().LastRun("retention"); });
  ASSERT_TRUE(last.has_value()) << last.error().message;
  EXPECT_EQ(*last, std::optional<Timestamp>(clock_.Now()));
}

AVNI_ON_EVERY_BACKEND(MaintenanceTest);

}  // namespace
}  // namespace avni::testing
