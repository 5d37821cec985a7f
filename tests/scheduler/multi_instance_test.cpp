// Three `serve` processes on one PostgreSQL run the jobs of 50 demo tenants that fire every
// second, for a minute; one instance is killed with SIGKILL halfway. The run records must show
// that no (tenant, job) ever had two overlapping runs, that a tenant's main and errors jobs
// never overlapped, that no fire was lost (every job ran all along, the killed instance's jobs
// after its leases expired), and that its unfinished runs were ended as abandoned.
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <map>
#include <thread>

#include "store/store.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kTenants = 50;
constexpr int kLeaseSeconds = 4;
constexpr auto kRunFor = 60s;
constexpr auto kKillAfter = 30s;
constexpr long long kMaxWaitMs = 10000;
const std::string kKey = "AVNI_INT_SECRET_KEY=" + std::string(64, '1');

struct RunRecord {
  long long tenant = 0, job = 0, started = 0, finished = 0;  // finished 0: never ended
  std::string job_name, status, instance, message;
};

TEST(MultiInstance, ThreeInstancesNeverOverlapAJobLoseNoFireAndTakeOverADeadOnesWork) {
  spdlog::set_level(spdlog::level::warn);
  std::string why;
  auto db = TestDatabase::Create(store::Backend::kPostgres, &why);
  if (!db) {
    if (PostgresRequired()) FAIL() << why;
    GTEST_SKIP() << why;
  }
  {
    auto store = store::Store::Open(db->dsn(), {});
    ASSERT_TRUE(store) << store.error().message;
    for (int i = 0; i < kTenants; ++i) {
      ASSERT_TRUE((*store)->Transact([&](store::Tx& tx) -> Status {
        auto tenant = tx.tenants().Create("demo " + std::to_string(i), "demo");
        if (!tenant) return Fail(tenant.error());
        auto scope = tx.tenant(tenant->id);
        for (const char* name : {"main", "errors"}) {
          auto job = scope.jobs().Put(Job{0, tenant->id, name, "* * * * * ?", true, "UTC", "{}"});
          if (!job) return Fail(job.error());
        }
        // Each main run has a few subjects to write, 25 ms each, and parks every 9th.
        for (auto [key, value] : {std::pair{"demo_records_per_second", "10"},
                                  {"demo_write_ms", "25"},
                                  {"demo_bad_every", "9"}}) {
          if (auto set = scope.config().Set(key, value, false); !set) return Fail(set.error());
        }
        return {};
      }));
    }
  }

  std::vector<BackgroundProcess> instances;
  for (int i = 0; i < 3; ++i) {
    auto p =
        BackgroundProcess::Start(ServeCommand({"--port", "0", "--db", db->dsn(), "--instance-id",
                                               "instance-" + std::to_string(i), "--workers", "8",
                                               "--lease-seconds", std::to_string(kLeaseSeconds),
                                               "--grace-seconds", "10", "--log-level", "warn"}),
                                 {kKey});
    ASSERT_TRUE(p.has_value());
    ASSERT_TRUE(p->ReadLine(60s).has_value()) << p->Stderr();
    instances.push_back(std::move(*p));
  }
  const auto begin = std::chrono::system_clock::now();
  std::this_thread::sleep_for(kKillAfter);
  // Mid-run: while instance-0 has several runs going (one could end before the signal lands).
  for (int i = 0; i < 1000; ++i) {
    if (std::stoi(db->QueryColumn("SELECT COUNT(*) FROM runs WHERE status = 'running' AND "
                                  "instance = 'instance-0'")
                      .at(0)) >= 3) {
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  const auto killed_at = std::chrono::system_clock::now();
  EXPECT_EQ(instances[0].Stop(SIGKILL, 10s), -1);
  std::this_thread::sleep_for(kRunFor - kKillAfter);
  const auto end = std::chrono::system_clock::now();
  EXPECT_EQ(instances[1].Stop(SIGTERM, 30s), 0) << instances[1].Stderr();
  EXPECT_EQ(instances[2].Stop(SIGTERM, 30s), 0) << instances[2].Stderr();

  // The run records, by job, in start order.
  const auto columns = [&](const std::string& column) {
    return db->QueryColumn("SELECT " + column +
                           " FROM runs JOIN jobs ON jobs.id = runs.job_id ORDER BY runs.id");
  };
  auto tenants = columns("runs.tenant_id"), jobs = columns("runs.job_id"),
       names = columns("jobs.name"), started = columns("runs.started_at"),
       finished = columns("runs.finished_at"), statuses = columns("runs.status"),
       owners = columns("runs.instance"), messages = columns("runs.message");
  std::map<long long, std::vector<RunRecord>> by_job;
  std::map<long long, std::vector<RunRecord>> by_tenant;
  for (std::size_t i = 0; i < tenants.size(); ++i) {
    RunRecord r{std::stoll(tenants[i]),
                std::stoll(jobs[i]),
                std::stoll(started[i]),
                finished[i].empty() ? 0 : std::stoll(finished[i]),
                names[i],
                statuses[i],
                owners[i],
                messages[i]};
    by_job[r.job].push_back(r);
    by_tenant[r.tenant].push_back(r);
  }
  ASSERT_EQ(by_job.size(), 2u * kTenants) << "every job ran";
  std::map<std::string, int> per_instance;
  int abandoned = 0, taken_over = 0;
  const long long end_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(end.time_since_epoch()).count();
  const long long begin_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(begin.time_since_epoch()).count();
  const auto& tenant_runs = by_tenant;
  for (auto& [job, runs] : by_job) {
    std::sort(runs.begin(), runs.end(),
              [](const RunRecord& a, const RunRecord& b) { return a.started < b.started; });
    for (std::size_t i = 0; i < runs.size(); ++i) {
      ++per_instance[runs[i].instance];
      const bool was_abandoned = runs[i].message.starts_with("abandoned");
      abandoned += was_abandoned;
      if (i + 1 == runs.size()) break;
      const RunRecord& a = runs[i];
      const RunRecord& b = runs[i + 1];
      // Never two at once: each run ended before the next began.
      ASSERT_GT(a.finished, 0) << "a run of job " << job << " never ended but another followed";
      EXPECT_LE(a.finished, b.started) << "job " << job << " (" << a.job_name
                                       << ") overlapped: " << a.instance << " and " << b.instance;
      // No fire lost: a fire that comes while the job runs, or while the tenant's other job
      // runs, is served by the next run, a few ticks after those end; after a dead instance's
      // run, once its lease has expired.
      long long reference = was_abandoned ? a.started : a.finished;
      for (const auto& other : tenant_runs.at(a.tenant)) {
        if (other.started > a.started && other.started < b.started && other.finished > 0) {
          reference = std::max(reference, other.finished);
        }
      }
      const long long allowed = (was_abandoned ? kLeaseSeconds : 0) * 1000 + kMaxWaitMs;
      EXPECT_LE(b.started - reference, allowed)
          << "job " << job << " (" << a.job_name << ") waited " << (b.started - reference)
          << " ms between runs on " << a.instance << " and " << b.instance;
      if (was_abandoned && b.instance != a.instance) ++taken_over;
    }
    EXPECT_GE(runs.size(), 8u) << "job " << job << " ran too seldom";
    // Ran all along, until the end.
    EXPECT_LE(runs.front().started - begin_ms, kMaxWaitMs) << "job " << job;
    // (the tenant's other job may be what ran last: see the tenant check below)
    EXPECT_GE(runs.back().started, end_ms - 3 * kMaxWaitMs) << "job " << job;
  }
  for (auto& [tenant, runs] : by_tenant) {
    std::sort(runs.begin(), runs.end(),
              [](const RunRecord& a, const RunRecord& b) { return a.started < b.started; });
    const RunRecord& last = runs.back();
    EXPECT_TRUE(last.finished == 0 || last.finished >= end_ms - kMaxWaitMs ||
                last.started >= end_ms - kMaxWaitMs)
        << "tenant " << tenant << " was idle at the end";
    for (std::size_t i = 0; i + 1 < runs.size(); ++i) {
      if (runs[i].finished == 0) continue;
      EXPECT_LE(runs[i].finished, runs[i + 1].started)
          << "tenant " << tenant << ": " << runs[i].job_name << " and " << runs[i + 1].job_name
          << " overlapped";
    }
  }
  EXPECT_GT(abandoned, 0) << "the killed instance had runs going";
  EXPECT_EQ(taken_over, abandoned) << "each abandoned job was taken over by another instance";
  EXPECT_EQ(per_instance.size(), 3u);
  std::cout << "[ multi    ] " << tenants.size() << " runs; by instance:";
  for (auto& [instance, n] : per_instance) std::cout << " " << instance << "=" << n;
  std::cout << "; abandoned " << abandoned << "; killed at +"
            << std::chrono::duration_cast<std::chrono::seconds>(killed_at - begin).count()
            << " s\n";
  // The parked subjects are error records, once each per tenant and entity.
  EXPECT_EQ(db->QueryColumn("SELECT COUNT(*) FROM (SELECT tenant_id, entity_id, COUNT(*) AS n "
                            "FROM error_records GROUP BY tenant_id, entity_id) AS c WHERE n > 1")
                .at(0),
            "0");
}

}  // namespace
}  // namespace avni::testing
