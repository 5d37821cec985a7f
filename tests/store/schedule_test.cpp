// The scheduler's side of the store across tenants: the schedule revisions (migration 0009)
// and the batch claim (ScheduleRepo::ClaimDue), on both backends.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;
using store::ClaimCandidate;
using store::Tx;

class ScheduleTest : public StoreTest {
 protected:
  std::map<std::int64_t, std::int64_t> Revisions() {
    auto read = store_->Read([](Tx& tx) { return tx.schedule().ListRevisions(); });
    EXPECT_TRUE(read.has_value()) << (read ? "" : read.error().message);
    std::map<std::int64_t, std::int64_t> out;
    if (read) {
      for (const auto& r : *read) out[r.tenant.value] = r.revision;
    }
    return out;
  }
  RowId JobId(TenantId t, const std::string& name) {
    auto job = store_->Read([&](Tx& tx) { return tx.tenant(t).jobs().Get(name); });
    EXPECT_TRUE(job.has_value());
    return job ? job->id : 0;
  }
  std::optional<Timestamp> LastFire(TenantId t, const std::string& name) {
    auto job = store_->Read([&](Tx& tx) { return tx.tenant(t).jobs().Get(name); });
    EXPECT_TRUE(job.has_value());
    return job ? job->last_fire_at : std::nullopt;
  }
  Result<std::vector<RowId>> Claim(const std::string& owner,
                                   const std::vector<ClaimCandidate>& candidates, int limit) {
    return store_->Transact(
        [&](Tx& tx) { return tx.schedule().ClaimDue(owner, 30s, candidates, limit); });
  }
  std::string Leases() {
    auto rows = db_->QueryColumn("SELECT job_id || ':' || owner FROM leases ORDER BY job_id");
    std::string out;
    for (const auto& r : rows) out += r + " ";
    return out;
  }
};

TEST_P(ScheduleTest, EveryWriteToATenantsScheduleMovesItsRevisionAndNoOtherTenants) {
  const TenantId a = MakeTenant("tenant-a");
  const TenantId b = MakeTenant("tenant-b");
  auto before = Revisions();
  ASSERT_TRUE(before.contains(a.value));
  ASSERT_TRUE(before.contains(b.value));
  const std::vector<std::pair<std::string, std::function<Status(Tx&)>>> writes{
      {"cron",
       [&](Tx& tx) -> Status {
         auto put = tx.tenant(a).jobs().Put(Job{0, a, "main", "* * * * * ?", true, "UTC", "{}"});
         return put ? Status{} : Fail(put.error());
       }},
      {"pause",
       [&](Tx& tx) -> Status {
         auto r = tx.tenant(a).jobs().SetPaused("main", true, "by hand");
         return r ? Status{} : Fail(r.error());
       }},
      {"resume",
       [&](Tx& tx) -> Status {
         auto r = tx.tenant(a).jobs().SetPaused("main", false, "");
         return r ? Status{} : Fail(r.error());
       }},
      {"run requested",
       [&](Tx& tx) -> Status {
         auto r = tx.tenant(a).jobs().RequestRun("errors");
         return r ? Status{} : Fail(r.error());
       }},
      {"tenant off",
       [&](Tx& tx) -> Status {
         auto r = tx.tenants().SetActive(a, false);
         return r ? Status{} : Fail(r.error());
       }},
      {"job removed", [&](Tx& tx) { return tx.tenant(a).jobs().Remove("errors"); }},
  };
  for (const auto& [what, write] : writes) {
    ASSERT_TRUE(store_->Transact(write)) << what;
    auto after = Revisions();
    EXPECT_GT(after[a.value], before[a.value]) << what;
    EXPECT_EQ(after[b.value], before[b.value]) << what << " moved another tenant's revision";
    before = after;
  }
  // A claim records its fire: the revision moves, so other instances read the job again.
  clock_.Advance(10s);  // past the resume, which counts as the last fire
  const Timestamp fire = clock_.Now();
  auto claimed = Claim("instance-a", {{a, JobId(a, "main"), fire, false}}, 5);
  ASSERT_TRUE(claimed) << claimed.error().message;
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_GT(Revisions()[a.value], before[a.value]);
  // Reads that change nothing move nothing.
  before = Revisions();
  ASSERT_TRUE(store_->Read([&](Tx& tx) { return tx.schedule().ListJobs(); }));
  EXPECT_EQ(Revisions(), before);
}

TEST_P(ScheduleTest, ListJobsOfSomeTenantsReadsOnlyTheirJobs) {
  const TenantId a = MakeTenant("tenant-a");
  MakeTenant("tenant-b");
  const TenantId c = MakeTenant("tenant-c");
  auto jobs = store_->Read([&](Tx& tx) { return tx.schedule().ListJobs({a, c}); });
  ASSERT_TRUE(jobs) << jobs.error().message;
  std::vector<std::string> got;
  for (const auto& sj : *jobs) got.push_back(sj.tenant_name + "/" + sj.job.name);
  EXPECT_EQ(got, (std::vector<std::string>{"tenant-a/errors", "tenant-a/main", "tenant-c/errors",
                                           "tenant-c/main"}));
  auto none = store_->Read([&](Tx& tx) { return tx.schedule().ListJobs(std::vector<TenantId>{}); });
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(ScheduleTest, ABatchClaimTakesOneJobPerTenantRecordsTheFiresAndClearsRequests) {
  const TenantId a = MakeTenant("tenant-a");
  const TenantId b = MakeTenant("tenant-b");
  const TenantId c = MakeTenant("tenant-c");
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.tenant(c).jobs().RequestRun("main"); }));
  const Timestamp fire = clock_.Now() - 2s;
  const std::vector<ClaimCandidate> due{{a, JobId(a, "errors"), fire, false},
                                        {a, JobId(a, "main"), fire, false},
                                        {b, JobId(b, "main"), fire, false},
                                        {c, JobId(c, "main"), std::nullopt, true}};
  auto claimed = Claim("instance-a", due, 10);
  ASSERT_TRUE(claimed) << claimed.error().message;
  // a's main waits: a tenant's jobs never run together, even within one batch.
  EXPECT_EQ(*claimed, (std::vector<RowId>{JobId(a, "errors"), JobId(b, "main"), JobId(c, "main")}));
  EXPECT_EQ(LastFire(a, "errors"), fire);
  EXPECT_EQ(LastFire(a, "main"), std::nullopt);
  EXPECT_EQ(LastFire(b, "main"), fire);
  EXPECT_EQ(LastFire(c, "main"), std::nullopt);  // a request only
  auto c_main = store_->Read([&](Tx& tx) { return tx.tenant(c).jobs().Get("main"); });
  EXPECT_FALSE(c_main->run_requested_at.has_value());
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM leases WHERE owner = 'instance-a'").at(0), "3");
  // The same fire again, by another instance: refused, the leases stay as they were.
  const std::string leases = Leases();
  auto again = Claim("instance-b", due, 10);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(Leases(), leases);
}

TEST_P(ScheduleTest, ABatchClaimStopsAtItsLimitAndPassesOverTenantsBusyElsewhere) {
  std::vector<TenantId> tenants;
  for (int i = 0; i < 5; ++i) tenants.push_back(MakeTenant("tenant-" + std::to_string(i)));
  // Tenant 1's errors job runs on another instance.
  ASSERT_TRUE(store_->Transact([&](Tx& tx) {
    return tx.tenant(tenants[1]).jobs().TryAcquire(JobId(tenants[1], "errors"), "other", 30s);
  }));
  const Timestamp fire = clock_.Now();
  std::vector<ClaimCandidate> due;
  for (TenantId t : tenants) due.push_back({t, JobId(t, "main"), fire, false});
  auto claimed = Claim("instance-a", due, 3);
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(*claimed, (std::vector<RowId>{JobId(tenants[0], "main"), JobId(tenants[2], "main"),
                                          JobId(tenants[3], "main")}));
  EXPECT_EQ(LastFire(tenants[1], "main"), std::nullopt);
  EXPECT_EQ(LastFire(tenants[4], "main"), std::nullopt);  // past the limit: still due
  // Once the other instance's lease expired, tenant 1's job is claimed, and its run that was
  // left running is ended as abandoned.
  ASSERT_TRUE(store_->Transact([&](Tx& tx) -> Status {
    auto run = tx.tenant(tenants[1]).jobs().StartRun(JobId(tenants[1], "errors"), "other");
    return run ? Status{} : Fail(run.error());
  }));
  clock_.Advance(31s);
  claimed = Claim("instance-a", {due[1], due[4]}, 3);
  ASSERT_TRUE(claimed) << claimed.error().message;
  EXPECT_EQ(claimed->size(), 2u);
  EXPECT_EQ(db_->QueryColumn("SELECT status FROM runs WHERE instance = 'other'").at(0), "failed");
}

TEST_P(ScheduleTest, BadClaimArgumentsNameTheField) {
  const TenantId a = MakeTenant("tenant-a");
  const std::vector<ClaimCandidate> due{{a, JobId(a, "main"), clock_.Now(), false}};
  auto no_owner = Claim("", due, 1);
  ASSERT_FALSE(no_owner);
  EXPECT_EQ(no_owner.error().field, "owner");
  auto bad_ttl =
      store_->Transact([&](Tx& tx) { return tx.schedule().ClaimDue("instance-a", 0ms, due, 1); });
  ASSERT_FALSE(bad_ttl);
  EXPECT_EQ(bad_ttl.error().field, "ttl");
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM leases").at(0), "0");
}

// Three instances claiming one burst at once: every job once, one job per tenant at a time.
TEST_P(ScheduleTest, ThreeInstancesClaimingOneBurstAtOnceClaimEachFireOnce) {
  constexpr int kTenants = 30;
  std::vector<ClaimCandidate> due;
  const Timestamp fire = clock_.Now();
  for (int i = 0; i < kTenants; ++i) {
    const TenantId t = MakeTenant("tenant-" + std::to_string(i));
    due.push_back({t, JobId(t, "errors"), fire, false});
    due.push_back({t, JobId(t, "main"), fire, false});
  }
  std::map<RowId, std::string> winners;
  std::mutex mutex;
  std::vector<std::thread> instances;
  for (int i = 0; i < 3; ++i) {
    instances.emplace_back([&, i] {
      const std::string owner = "instance-" + std::to_string(i);
      // Batches of four, as an instance with four free workers would ask.
      for (std::size_t from = 0; from < due.size(); from += 4) {
        std::vector<ClaimCandidate> batch(
            due.begin() + static_cast<std::ptrdiff_t>(from),
            due.begin() + static_cast<std::ptrdiff_t>(std::min(due.size(), from + 4)));
        auto claimed =
            store_->Transact([&](Tx& tx) { return tx.schedule().ClaimDue(owner, 30s, batch, 4); });
        ASSERT_TRUE(claimed) << claimed.error().message;
        std::lock_guard lock(mutex);
        for (RowId id : *claimed) {
          EXPECT_FALSE(winners.contains(id)) << "job " << id << " claimed twice";
          winners[id] = owner;
        }
      }
    });
  }
  for (auto& t : instances) t.join();
  // One job per tenant (its other job waits for this one's lease), each by one instance.
  EXPECT_EQ(winners.size(), static_cast<std::size_t>(kTenants));
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM (SELECT tenant_id FROM leases GROUP BY "
                             "tenant_id HAVING COUNT(*) > 1) AS t")
                .at(0),
            "0");
}

AVNI_ON_EVERY_BACKEND(ScheduleTest);

}  // namespace
}  // namespace avni::testing
