#include <gtest/gtest.h>

#include <array>
#include <barrier>
#include <thread>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using store::JobRepo;
using store::Tx;

class JobTest : public StoreTest {
 protected:
  // A tenant without the two jobs every new tenant gets, so that each test makes its own.
  TenantId MakeTenant(const std::string& name) {
    const TenantId t = StoreTest::MakeTenant(name);
    db_->Execute("DELETE FROM jobs WHERE tenant_id = " + std::to_string(t.value));
    return t;
  }

  // Runs fn(JobRepo&) in one write transaction of tenant t.
  template <typename Fn>
  auto Jobs(TenantId t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      JobRepo jobs = tx.tenant(t).jobs();
      return fn(jobs);
    });
  }

  RowId MakeJob(TenantId t, const std::string& name) {
    Job job;
    job.name = name;
    job.cron = "0 */5 * * * *";
    auto put = Jobs(t, [&](JobRepo& jobs) { return jobs.Put(job); });
    EXPECT_TRUE(put.has_value()) << (put ? "" : put.error().message);
    return put ? put->id : 0;
  }

  RowId StartRun(TenantId t, RowId job) {
    auto run = Jobs(t, [&](JobRepo& jobs) { return jobs.StartRun(job, "instance-1"); });
    EXPECT_TRUE(run.has_value()) << (run ? "" : run.error().message);
    return run ? run->id : 0;
  }

  // What fn's failure says: its code ("not_found", ...) or its field; "ok" when it succeeded.
  template <typename Fn>
  std::string Code(TenantId t, Fn fn) {
    auto r = Jobs(t, fn);
    return r ? "ok" : std::string(ToString(r.error().code));
  }
  template <typename Fn>
  std::string Field(TenantId t, Fn fn) {
    auto r = Jobs(t, fn);
    return r ? "ok" : r.error().field;
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
};

TEST_P(JobTest, PutGetListRoundTripEveryField) {
  const TenantId t = MakeTenant("T");
  Job job;
  job.name = "main";
  job.cron = "0 0 2 * * *";
  job.enabled = false;
  job.timezone = "Asia/Kolkata";
  job.settings_json = R"({"batch":100})";
  auto put = Jobs(t, [&](JobRepo& jobs) { return jobs.Put(job); });
  ASSERT_TRUE(put.has_value()) << put.error().message;
  EXPECT_GT(put->id, 0);
  EXPECT_EQ(put->tenant_id, t);
  EXPECT_EQ(put->name, "main");
  EXPECT_EQ(put->cron, "0 0 2 * * *");
  EXPECT_FALSE(put->enabled);
  EXPECT_EQ(put->timezone, "Asia/Kolkata");
  EXPECT_EQ(put->settings_json, R"({"batch":100})");

  auto by_name = Jobs(t, [](JobRepo& jobs) { return jobs.Get("main"); });
  ASSERT_TRUE(by_name.has_value());
  EXPECT_EQ(by_name->id, put->id);
  EXPECT_FALSE(by_name->enabled);
  EXPECT_EQ(by_name->settings_json, R"({"batch":100})");
  auto by_id = Jobs(t, [&](JobRepo& jobs) { return jobs.GetById(put->id); });
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->name, "main");
  EXPECT_EQ(by_id->timezone, "Asia/Kolkata");

  // Defaults: an empty timezone is UTC, empty settings are "{}", and "-" (off) is a valid cron.
  Job off;
  off.name = "errors";
  off.cron = "-";
  off.timezone = "";
  off.settings_json = "";
  auto put_off = Jobs(t, [&](JobRepo& jobs) { return jobs.Put(off); });
  ASSERT_TRUE(put_off.has_value()) << put_off.error().message;
  EXPECT_EQ(put_off->cron, "-");
  EXPECT_TRUE(put_off->enabled);
  EXPECT_EQ(put_off->timezone, "UTC");
  EXPECT_EQ(put_off->settings_json, "{}");
  EXPECT_EQ(Raw("SELECT timezone FROM jobs WHERE name = 'errors'"), "UTC");

  auto all = Jobs(t, [](JobRepo& jobs) { return jobs.List(); });
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "errors");  // ordered by name
  EXPECT_EQ((*all)[1].name, "main");
}

TEST_P(JobTest, ANewTenantHasItsMainAndErrorsJobs) {
  const TenantId t = StoreTest::MakeTenant("T");
  auto all = Jobs(t, [](JobRepo& jobs) { return jobs.List(); });
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "errors");
  EXPECT_EQ((*all)[0].cron, "0 30 * * * ?");
  EXPECT_EQ((*all)[1].name, "main");
  EXPECT_EQ((*all)[1].cron, "0 */5 * * * ?");
  EXPECT_TRUE((*all)[1].enabled);
  EXPECT_FALSE((*all)[1].paused);
}

TEST_P(JobTest, PutUpdatesTheJobOfTheSameName) {
  const TenantId t = MakeTenant("T");
  const RowId id = MakeJob(t, "main");
  Job changed;
  changed.name = "main";
  changed.cron = "-";
  changed.enabled = false;
  changed.timezone = "Europe/Paris";
  changed.settings_json = R"({"x":1})";
  auto put = Jobs(t, [&](JobRepo& jobs) { return jobs.Put(changed); });
  ASSERT_TRUE(put.has_value()) << put.error().message;
  EXPECT_EQ(put->id, id);
  EXPECT_EQ(put->cron, "-");
  EXPECT_FALSE(put->enabled);
  EXPECT_EQ(put->timezone, "Europe/Paris");
  EXPECT_EQ(put->settings_json, R"({"x":1})");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM jobs"), "1");
  EXPECT_EQ(Raw("SELECT cron FROM jobs"), "-");
}

TEST_P(JobTest, BadJobsNameTheFieldAndWriteNothing) {
  const TenantId t = MakeTenant("T");
  // The field the refusal names ("ok" when it was accepted).
  auto put = [&](std::string name, std::string cron, std::string timezone = "UTC") {
    Job job;
    job.name = std::move(name);
    job.cron = std::move(cron);
    job.timezone = std::move(timezone);
    return Field(t, [&](JobRepo& jobs) { return jobs.Put(job); });
  };
  EXPECT_EQ(put("", "* * * * * *"), "name");
  EXPECT_EQ(put(std::string(101, 'j'), "* * * * * *"), "name");
  EXPECT_EQ(put("main", ""), "cron");
  EXPECT_EQ(put("main", "-", std::string(101, 'z')), "timezone");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM jobs"), "0");

  auto no_tenant = Jobs(TenantId{424242}, [](JobRepo& jobs) {
    Job job;
    job.name = "main";
    job.cron = "-";
    return jobs.Put(job);
  });
  ASSERT_FALSE(no_tenant.has_value());
  EXPECT_EQ(no_tenant.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM jobs"), "0");
}

TEST_P(JobTest, MissingJobsAndRunsAreNotFound) {
  const TenantId t = MakeTenant("T");
  auto by_name = Jobs(t, [](JobRepo& jobs) { return jobs.Get("nope"); });
  ASSERT_FALSE(by_name.has_value());
  EXPECT_EQ(by_name.error().code, ErrorCode::kNotFound);
  EXPECT_NE(by_name.error().message.find("'nope'"), std::string::npos);
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.GetById(424242); }), "not_found");
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.Remove("nope"); }), "not_found");
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.StartRun(424242, "i"); }), "not_found");
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.GetRun(424242); }), "not_found");
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.FinishRun(424242, RunStatus::kFailed, {}, "x"); }),
            "not_found");
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.TryAcquire(424242, "a", seconds(30)); }),
            "not_found");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs"), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases"), "0");
}

TEST_P(JobTest, RunRecordsItsOutcomeAndCounts) {
  const TenantId t = MakeTenant("T");
  const RowId job = MakeJob(t, "main");
  const Timestamp started = clock_.Now();
  auto run = Jobs(t, [&](JobRepo& jobs) { return jobs.StartRun(job, "host-a:1234"); });
  ASSERT_TRUE(run.has_value()) << run.error().message;
  EXPECT_GT(run->id, 0);
  EXPECT_EQ(run->tenant_id, t);
  EXPECT_EQ(run->job_id, job);
  EXPECT_EQ(run->status, RunStatus::kRunning);
  EXPECT_EQ(run->started_at, started);
  EXPECT_FALSE(run->finished_at.has_value());
  EXPECT_EQ(run->instance, "host-a:1234");
  EXPECT_EQ(Raw("SELECT status FROM runs"), "running");

  clock_.Advance(seconds(42));
  auto finished = Jobs(t, [&](JobRepo& jobs) {
    return jobs.FinishRun(run->id, RunStatus::kSucceeded, RunCounts{10, 8, 1, 1}, "all done");
  });
  ASSERT_TRUE(finished.has_value()) << finished.error().message;
  EXPECT_EQ(finished->status, RunStatus::kSucceeded);
  ASSERT_TRUE(finished->finished_at.has_value());
  EXPECT_EQ(*finished->finished_at, started + seconds(42));
  EXPECT_EQ(finished->started_at, started);

  auto got = Jobs(t, [&](JobRepo& jobs) { return jobs.GetRun(run->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->status, RunStatus::kSucceeded);
  EXPECT_EQ(got->counts.read, 10);
  EXPECT_EQ(got->counts.written, 8);
  EXPECT_EQ(got->counts.failed, 1);
  EXPECT_EQ(got->counts.skipped, 1);
  EXPECT_EQ(got->message, "all done");
  EXPECT_EQ(got->instance, "host-a:1234");
  EXPECT_EQ(got->finished_at, started + seconds(42));
  EXPECT_EQ(Raw("SELECT status FROM runs"), "succeeded");

  // Large counts survive (BIGINT columns).
  auto big = Jobs(t, [&](JobRepo& jobs) {
    return jobs.FinishRun(run->id, RunStatus::kFailed, RunCounts{5'000'000'000, 0, 0, 0}, "");
  });
  ASSERT_TRUE(big.has_value());
  EXPECT_EQ(big->counts.read, 5'000'000'000);
  EXPECT_EQ(big->status, RunStatus::kFailed);
}

TEST_P(JobTest, BadRunOutcomesAreRefusedAndChangeNothing) {
  const TenantId t = MakeTenant("T");
  const RowId run = StartRun(t, MakeJob(t, "main"));
  EXPECT_EQ(Field(t, [&](JobRepo& j) { return j.FinishRun(run, RunStatus::kRunning, {}, "x"); }),
            "status");
  EXPECT_EQ(Field(t,
                  [&](JobRepo& j) {
                    return j.FinishRun(run, RunStatus::kSucceeded, RunCounts{-1, 0, 0, 0}, "x");
                  }),
            "counts");
  EXPECT_EQ(Raw("SELECT status FROM runs"), "running");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs WHERE finished_at IS NULL"), "1");
}

TEST_P(JobTest, ListRunsNewestFirstWithJobFilterAndPaging) {
  const TenantId t = MakeTenant("T");
  const RowId main = MakeJob(t, "main");
  const RowId errors = MakeJob(t, "errors");
  const RowId r1 = StartRun(t, main);
  clock_.Advance(seconds(1));
  const RowId r2 = StartRun(t, errors);
  clock_.Advance(seconds(1));
  const RowId r3 = StartRun(t, main);
  const RowId r4 = StartRun(t, main);  // same started_at as r3: the higher id comes first

  auto ids = [](const Result<std::vector<avni::Run>>& runs) {
    std::vector<RowId> out;
    for (const auto& r : *runs) out.push_back(r.id);
    return out;
  };
  auto all = Jobs(t, [](JobRepo& jobs) { return jobs.ListRuns(std::nullopt, 10, 0); });
  ASSERT_TRUE(all.has_value()) << all.error().message;
  EXPECT_EQ(ids(all), (std::vector<RowId>{r4, r3, r2, r1}));
  auto of_main = Jobs(t, [&](JobRepo& jobs) { return jobs.ListRuns(main, 10, 0); });
  ASSERT_TRUE(of_main.has_value());
  EXPECT_EQ(ids(of_main), (std::vector<RowId>{r4, r3, r1}));
  auto page = Jobs(t, [&](JobRepo& jobs) { return jobs.ListRuns(main, 2, 1); });
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(ids(page), (std::vector<RowId>{r3, r1}));
  auto past_end = Jobs(t, [](JobRepo& jobs) { return jobs.ListRuns(std::nullopt, 10, 4); });
  ASSERT_TRUE(past_end.has_value());
  EXPECT_TRUE(past_end->empty());

  auto zero = Jobs(t, [](JobRepo& jobs) { return jobs.ListRuns(std::nullopt, 0, 0); });
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().field, "limit");
  auto negative = Jobs(t, [](JobRepo& jobs) { return jobs.ListRuns(std::nullopt, 10, -1); });
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().field, "offset");
}

TEST_P(JobTest, RemovingAJobCascadesItsRunsAndLease) {
  const TenantId t = MakeTenant("T");
  const RowId main = MakeJob(t, "main");
  const RowId errors = MakeJob(t, "errors");
  StartRun(t, main);
  StartRun(t, main);
  StartRun(t, errors);
  ASSERT_TRUE(*Jobs(t, [&](JobRepo& jobs) { return jobs.TryAcquire(main, "a", seconds(30)); }));
  ASSERT_TRUE(*Jobs(t, [&](JobRepo& jobs) { return jobs.TryAcquire(errors, "a", seconds(30)); }));

  auto removed = Jobs(t, [](JobRepo& jobs) { return jobs.Remove("main"); });
  ASSERT_TRUE(removed.has_value()) << removed.error().message;
  const std::string m = std::to_string(main), e = std::to_string(errors);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM jobs"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs WHERE job_id = " + m), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases WHERE job_id = " + m), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs WHERE job_id = " + e), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases WHERE job_id = " + e), "1");
  EXPECT_EQ(Code(t, [](JobRepo& j) { return j.Get("main"); }), "not_found");
}

TEST_P(JobTest, LeaseIsExclusiveUntilItExpires) {
  const TenantId t = MakeTenant("T");
  const RowId job = MakeJob(t, "main");
  const Timestamp t0 = clock_.Now();
  auto acquire = [&](const char* owner) {
    auto got = Jobs(t, [&](JobRepo& jobs) { return jobs.TryAcquire(job, owner, seconds(30)); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    return got.value_or(false);
  };
  auto renew = [&](const char* owner) {
    auto got = Jobs(t, [&](JobRepo& jobs) { return jobs.Renew(job, owner, seconds(30)); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    return got.value_or(false);
  };
  auto lease = [&] {
    auto got = Jobs(t, [&](JobRepo& jobs) { return jobs.GetLease(job); });
    EXPECT_TRUE(got.has_value());
    return got.value_or(std::nullopt);
  };

  EXPECT_FALSE(lease().has_value());
  EXPECT_TRUE(acquire("a"));
  auto held = lease();
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->tenant_id, t);
  EXPECT_EQ(held->job_id, job);
  EXPECT_EQ(held->owner, "a");
  EXPECT_EQ(held->acquired_at, t0);
  EXPECT_EQ(held->expires_at, t0 + seconds(30));
  EXPECT_FALSE(acquire("b"));
  EXPECT_FALSE(renew("b"));
  EXPECT_EQ(Raw("SELECT owner FROM leases"), "a");

  // The holder asking again extends its lease and keeps acquired_at.
  clock_.Advance(seconds(10));
  EXPECT_TRUE(acquire("a"));
  EXPECT_EQ(lease()->acquired_at, t0);
  EXPECT_EQ(lease()->expires_at, t0 + seconds(40));
  clock_.Advance(seconds(29));
  EXPECT_TRUE(renew("a"));
  EXPECT_EQ(lease()->expires_at, t0 + seconds(69));
  EXPECT_FALSE(acquire("b"));

  // At expires_at the lease is expired: it cannot be renewed, and another owner takes it.
  clock_.Advance(seconds(30));
  EXPECT_FALSE(renew("a"));
  EXPECT_TRUE(acquire("b"));
  EXPECT_EQ(lease()->owner, "b");
  EXPECT_EQ(lease()->acquired_at, t0 + seconds(69));
  EXPECT_FALSE(acquire("a"));

  // Releasing a lost lease leaves the new holder's alone.
  ASSERT_TRUE(Jobs(t, [&](JobRepo& jobs) { return jobs.Release(job, "a"); }).has_value());
  EXPECT_EQ(Raw("SELECT owner FROM leases"), "b");
  ASSERT_TRUE(Jobs(t, [&](JobRepo& jobs) { return jobs.Release(job, "b"); }).has_value());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases"), "0");
  EXPECT_FALSE(lease().has_value());
  EXPECT_TRUE(acquire("a"));  // free again

  // An expired lease of the same owner is re-acquired with a new acquired_at.
  clock_.Advance(seconds(31));
  EXPECT_TRUE(acquire("a"));
  EXPECT_EQ(lease()->acquired_at, clock_.Now());
}

TEST_P(JobTest, BadLeaseArgumentsNameTheField) {
  const TenantId t = MakeTenant("T");
  const RowId job = MakeJob(t, "main");
  EXPECT_EQ(Field(t, [&](JobRepo& j) { return j.TryAcquire(job, "", seconds(30)); }), "owner");
  EXPECT_EQ(Field(t, [&](JobRepo& j) { return j.TryAcquire(job, "a", milliseconds(0)); }), "ttl");
  EXPECT_EQ(Field(t, [&](JobRepo& j) { return j.Renew(job, "a", seconds(-1)); }), "ttl");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases"), "0");
}

// Two workers race for the same job's lease, round after round, each round after the previous
// lease expired: exactly one of them may win each round.
TEST_P(JobTest, TwoOwnersRacingNeverBothGetTheLease) {
  const TenantId t = MakeTenant("T");
  const RowId job = MakeJob(t, "main");
  static constexpr int kRounds = 200;
  static constexpr milliseconds kTtl(1000);
  std::vector<std::array<int, 2>> got(kRounds, {-1, -1});  // 1 acquired, 0 refused, -1 error
  std::vector<std::string> errors[2];
  // Runs once both threads are between rounds: the previous round's lease expires.
  std::barrier round(2, [this]() noexcept { clock_.Advance(kTtl + milliseconds(1)); });
  auto race = [&](int who) {
    const std::string owner = who == 0 ? "instance-a" : "instance-b";
    for (int r = 0; r < kRounds; ++r) {
      round.arrive_and_wait();
      auto acquired = store_->Transact(
          [&](Tx& tx) { return tx.tenant(t).jobs().TryAcquire(job, owner, kTtl); });
      if (acquired) {
        got[r][who] = *acquired ? 1 : 0;
      } else {
        errors[who].push_back(acquired.error().message);
      }
    }
  };
  std::thread a(race, 0), b(race, 1);
  a.join();
  b.join();

  EXPECT_TRUE(errors[0].empty()) << errors[0].front();
  EXPECT_TRUE(errors[1].empty()) << errors[1].front();
  for (int r = 0; r < kRounds; ++r) {
    EXPECT_FALSE(got[r][0] == 1 && got[r][1] == 1) << "both owners got the lease in round " << r;
    EXPECT_EQ(got[r][0] + got[r][1], 1) << "round " << r << ": exactly one owner should win";
  }
  const std::string last_winner = got[kRounds - 1][0] == 1 ? "instance-a" : "instance-b";
  EXPECT_EQ(Raw("SELECT owner FROM leases"), last_winner);
}

TEST_P(JobTest, AnotherTenantsJobsRunsAndLeasesAreNotFoundAndUntouched) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId b_job = MakeJob(b, "main");
  const RowId b_run = StartRun(b, b_job);
  ASSERT_TRUE(*Jobs(b, [&](JobRepo& jobs) { return jobs.TryAcquire(b_job, "b", seconds(30)); }));

  EXPECT_EQ(Code(a, [](JobRepo& j) { return j.Get("main"); }), "not_found");
  EXPECT_EQ(Code(a, [&](JobRepo& j) { return j.GetById(b_job); }), "not_found");
  EXPECT_EQ(Code(a, [](JobRepo& j) { return j.Remove("main"); }), "not_found");
  EXPECT_EQ(Code(a, [&](JobRepo& j) { return j.StartRun(b_job, "x"); }), "not_found");
  EXPECT_EQ(Code(a, [&](JobRepo& j) { return j.GetRun(b_run); }), "not_found");
  EXPECT_EQ(Code(a,
                 [&](JobRepo& j) {
                   return j.FinishRun(b_run, RunStatus::kFailed, RunCounts{1, 1, 1, 1}, "hijack");
                 }),
            "not_found");
  auto listed = Jobs(a, [](JobRepo& jobs) { return jobs.List(); });
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE(listed->empty());

  auto runs = Jobs(a, [](JobRepo& jobs) { return jobs.ListRuns(std::nullopt, 10, 0); });
  ASSERT_TRUE(runs.has_value());
  EXPECT_TRUE(runs->empty());
  auto runs_of_b_job = Jobs(a, [&](JobRepo& jobs) { return jobs.ListRuns(b_job, 10, 0); });
  ASSERT_TRUE(runs_of_b_job.has_value());
  EXPECT_TRUE(runs_of_b_job->empty());

  clock_.Advance(seconds(60));  // B's lease expired: still not A's to take
  EXPECT_EQ(Code(a, [&](JobRepo& j) { return j.TryAcquire(b_job, "a", seconds(30)); }),
            "not_found");
  auto renewed = Jobs(a, [&](JobRepo& jobs) { return jobs.Renew(b_job, "b", seconds(30)); });
  ASSERT_TRUE(renewed.has_value());
  EXPECT_FALSE(*renewed);
  ASSERT_TRUE(Jobs(a, [&](JobRepo& jobs) { return jobs.Release(b_job, "b"); }).has_value());
  auto lease = Jobs(a, [&](JobRepo& jobs) { return jobs.GetLease(b_job); });
  ASSERT_TRUE(lease.has_value());
  EXPECT_FALSE(lease->has_value());

  // A job of the same name in A is A's own row.
  const RowId a_job = MakeJob(a, "main");
  EXPECT_NE(a_job, b_job);

  const std::string bt = std::to_string(b.value);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM jobs WHERE tenant_id = " + bt), "1");
  EXPECT_EQ(Raw("SELECT cron FROM jobs WHERE tenant_id = " + bt), "0 */5 * * * *");
  EXPECT_EQ(Raw("SELECT status FROM runs WHERE tenant_id = " + bt), "running");
  EXPECT_EQ(Raw("SELECT read_count FROM runs WHERE tenant_id = " + bt), "0");
  EXPECT_EQ(Raw("SELECT owner FROM leases WHERE tenant_id = " + bt), "b");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases"), "1");
}

AVNI_ON_EVERY_BACKEND(JobTest);

}  // namespace
}  // namespace avni::testing
