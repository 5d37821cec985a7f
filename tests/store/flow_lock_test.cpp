#include <gtest/gtest.h>

#include <barrier>
#include <thread>
#include <vector>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using store::SyncStatusRepo;
using store::Tx;

class FlowLockTest : public StoreTest {
 protected:
  // Runs fn(SyncStatusRepo&) in one write transaction of tenant t.
  template <typename Fn>
  auto Locks(TenantId t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      SyncStatusRepo repo = tx.tenant(t).sync_status();
      return fn(repo);
    });
  }

  // True when owner holds the lock afterwards; a failure fails the test.
  bool TryLock(TenantId t, const std::string& type, const std::string& owner,
               milliseconds ttl = seconds(30)) {
    auto got = Locks(t, [&](SyncStatusRepo& r) { return r.TryLock(type, owner, ttl); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    return got.value_or(false);
  }
  bool Renew(TenantId t, const std::string& type, const std::string& owner,
             milliseconds ttl = seconds(30)) {
    auto got = Locks(t, [&](SyncStatusRepo& r) { return r.RenewLock(type, owner, ttl); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    return got.value_or(false);
  }
  std::optional<FlowLock> Lock(TenantId t, const std::string& type) {
    auto got = Locks(t, [&](SyncStatusRepo& r) { return r.GetLock(type); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    return got.value_or(std::nullopt);
  }
  void Unlock(TenantId t, const std::string& type, const std::string& owner) {
    auto done = Locks(t, [&](SyncStatusRepo& r) { return r.Unlock(type, owner); });
    EXPECT_TRUE(done.has_value()) << done.error().message;
  }

  template <typename Fn>
  std::string Field(TenantId t, Fn fn) {
    auto r = Locks(t, fn);
    return r ? "ok" : r.error().field;
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
};

TEST_P(FlowLockTest, TakeRenewExpireTakeOverAndUnlock) {
  const TenantId t = MakeTenant("T");
  const Timestamp t0 = clock_.Now();

  EXPECT_FALSE(Lock(t, "Subject").has_value());
  EXPECT_TRUE(TryLock(t, "Subject", "main-flow"));
  auto held = Lock(t, "Subject");
  ASSERT_TRUE(held.has_value());
  EXPECT_EQ(held->tenant_id, t);
  EXPECT_EQ(held->entity_type, "Subject");
  EXPECT_EQ(held->owner, "main-flow");
  EXPECT_EQ(held->acquired_at, t0);
  EXPECT_EQ(held->expires_at, t0 + seconds(30));
  EXPECT_EQ(Raw("SELECT expires_at FROM flow_locks"), std::to_string(ToEpochMillis(t0) + 30000));

  // Another owner is refused while the lock is live, and cannot renew it.
  EXPECT_FALSE(TryLock(t, "Subject", "reprocessing"));
  EXPECT_FALSE(Renew(t, "Subject", "reprocessing"));
  EXPECT_EQ(Raw("SELECT owner FROM flow_locks"), "main-flow");
  EXPECT_EQ(Lock(t, "Subject")->expires_at, t0 + seconds(30));

  // The holder taking it again extends it and keeps acquired_at; renewing extends it from now.
  clock_.Advance(seconds(10));
  EXPECT_TRUE(TryLock(t, "Subject", "main-flow"));
  EXPECT_EQ(Lock(t, "Subject")->acquired_at, t0);
  EXPECT_EQ(Lock(t, "Subject")->expires_at, t0 + seconds(40));
  clock_.Advance(seconds(29));
  EXPECT_TRUE(Renew(t, "Subject", "main-flow", seconds(5)));
  EXPECT_EQ(Lock(t, "Subject")->expires_at, t0 + seconds(44));

  // At expires_at the lock is expired: it is not renewed, and another owner takes it over.
  clock_.Advance(seconds(5));
  EXPECT_FALSE(Renew(t, "Subject", "main-flow"));
  EXPECT_EQ(Lock(t, "Subject")->expires_at, t0 + seconds(44));
  EXPECT_TRUE(TryLock(t, "Subject", "reprocessing"));
  EXPECT_EQ(Lock(t, "Subject")->owner, "reprocessing");
  EXPECT_EQ(Lock(t, "Subject")->acquired_at, t0 + seconds(44));
  // The runner that lost it can no longer renew (so cannot commit) nor take it back.
  EXPECT_FALSE(Renew(t, "Subject", "main-flow"));
  EXPECT_FALSE(TryLock(t, "Subject", "main-flow"));

  // Unlocking a lock one does not hold leaves the holder's alone.
  Unlock(t, "Subject", "main-flow");
  EXPECT_EQ(Raw("SELECT owner FROM flow_locks"), "reprocessing");
  Unlock(t, "Subject", "reprocessing");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM flow_locks"), "0");
  EXPECT_FALSE(Lock(t, "Subject").has_value());
  EXPECT_FALSE(Renew(t, "Subject", "reprocessing"));
  EXPECT_TRUE(TryLock(t, "Subject", "main-flow"));  // free again

  // The same owner's expired lock is taken again with a new acquired_at.
  clock_.Advance(seconds(31));
  EXPECT_TRUE(TryLock(t, "Subject", "main-flow"));
  EXPECT_EQ(Lock(t, "Subject")->acquired_at, clock_.Now());
}

TEST_P(FlowLockTest, EachEntityTypeAndEachTenantHasItsOwnLock) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  EXPECT_TRUE(TryLock(a, "Subject", "a-runner"));
  EXPECT_TRUE(TryLock(a, "Encounter", "other-runner"));
  // Tenant B's lock of the same entity type is independent of A's.
  EXPECT_FALSE(Lock(b, "Subject").has_value());
  EXPECT_TRUE(TryLock(b, "Subject", "b-runner"));
  EXPECT_EQ(Lock(b, "Subject")->owner, "b-runner");
  EXPECT_EQ(Lock(a, "Subject")->owner, "a-runner");

  // Nothing of A's touches B's lock: not renewing, not unlocking, not taking over.
  EXPECT_FALSE(Renew(a, "Subject", "b-runner"));
  Unlock(a, "Subject", "b-runner");
  clock_.Advance(seconds(10));
  EXPECT_TRUE(Renew(a, "Subject", "a-runner"));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM flow_locks"), "3");
  EXPECT_EQ(Raw("SELECT owner FROM flow_locks WHERE tenant_id = " + std::to_string(b.value)),
            "b-runner");
  EXPECT_EQ(Lock(b, "Subject")->expires_at, Lock(a, "Encounter")->expires_at);

  Unlock(b, "Subject", "b-runner");
  EXPECT_EQ(Lock(a, "Subject")->owner, "a-runner");
  EXPECT_FALSE(Lock(b, "Subject").has_value());
}

TEST_P(FlowLockTest, BadArgumentsNameTheFieldAndWriteNothing) {
  const TenantId t = MakeTenant("T");
  EXPECT_EQ(Field(t, [](SyncStatusRepo& r) { return r.TryLock("", "a", seconds(30)); }),
            "entity_type");
  EXPECT_EQ(Field(t, [](SyncStatusRepo& r) { return r.TryLock("Subject", "", seconds(30)); }),
            "owner");
  EXPECT_EQ(Field(t, [](SyncStatusRepo& r) { return r.TryLock("Subject", "a", seconds(0)); }),
            "ttl");
  EXPECT_EQ(
      Field(t, [](SyncStatusRepo& r) { return r.TryLock(std::string(201, 's'), "a", seconds(1)); }),
      "entity_type");
  EXPECT_EQ(Field(t, [](SyncStatusRepo& r) { return r.RenewLock("Subject", "a", seconds(-1)); }),
            "ttl");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM flow_locks"), "0");

  auto no_tenant = Locks(TenantId{424242},
                         [](SyncStatusRepo& r) { return r.TryLock("Subject", "a", seconds(30)); });
  ASSERT_FALSE(no_tenant.has_value());
  EXPECT_EQ(no_tenant.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM flow_locks"), "0");
}

TEST_P(FlowLockTest, DeletingTheTenantDeletesItsLocks) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  EXPECT_TRUE(TryLock(a, "Subject", "x"));
  EXPECT_TRUE(TryLock(b, "Subject", "x"));
  db_->Execute("DELETE FROM tenants WHERE id = " + std::to_string(a.value));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM flow_locks"), "1");
  EXPECT_EQ(Raw("SELECT tenant_id FROM flow_locks"), std::to_string(b.value));
}

// Several runners race for the same lock, round after round, each round after the previous
// lock expired: exactly one of them may win each round.
TEST_P(FlowLockTest, RunnersRacingNeverBothGetTheLock) {
  const TenantId t = MakeTenant("T");
  static constexpr int kRunners = 3;
  static constexpr int kRounds = 100;
  static constexpr milliseconds kTtl(1000);
  // 1 locked, 0 refused, -1 error
  std::vector<std::vector<int>> got(kRounds, std::vector<int>(kRunners, -1));
  std::vector<std::vector<std::string>> errors(kRunners);
  // Runs once every runner is between rounds: the previous round's lock expires.
  std::barrier round(kRunners, [this]() noexcept { clock_.Advance(kTtl + milliseconds(1)); });
  auto race = [&](int who) {
    const std::string owner = "runner-" + std::to_string(who);
    for (int r = 0; r < kRounds; ++r) {
      round.arrive_and_wait();
      auto locked = store_->Transact(
          [&](Tx& tx) { return tx.tenant(t).sync_status().TryLock("Subject", owner, kTtl); });
      if (locked) {
        got[r][who] = *locked ? 1 : 0;
      } else {
        errors[who].push_back(locked.error().message);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i) threads.emplace_back(race, i);
  for (auto& thread : threads) thread.join();

  for (int i = 0; i < kRunners; ++i) {
    EXPECT_TRUE(errors[i].empty()) << errors[i].front();
  }
  int last_winner = -1;
  for (int r = 0; r < kRounds; ++r) {
    int winners = 0;
    for (int i = 0; i < kRunners; ++i) {
      if (got[r][i] == 1) {
        ++winners;
        last_winner = i;
      }
    }
    EXPECT_EQ(winners, 1) << "round " << r << ": exactly one runner should win";
  }
  EXPECT_EQ(Raw("SELECT owner FROM flow_locks"), "runner-" + std::to_string(last_winner));
}

AVNI_ON_EVERY_BACKEND(FlowLockTest);

}  // namespace
}  // namespace avni::testing
