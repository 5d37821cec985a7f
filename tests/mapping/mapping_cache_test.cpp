// The mapping cache over a real store, on SQLite and on PostgreSQL: lookups, invalidation,
// refresh from another instance's writes, and concurrent readers while a writer invalidates.
#include "mapping/mapping_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using mapping::MappingCache;
using store::MappingRepo;
using store::Tx;

class MappingCacheTest : public StoreTest {
 protected:
  // Runs fn(MappingRepo&) in a write transaction of `tenant` on `store`.
  template <typename Fn>
  static auto In(store::Store& store, TenantId tenant, Fn fn) {
    return store.Transact([&](Tx& tx) {
      MappingRepo repo = tx.tenant(tenant).mappings();
      return fn(repo);
    });
  }

  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("A");
    auto ids = In(*store_, a_, [&](MappingRepo& r) -> Result<std::pair<RowId, RowId>> {
      auto g = r.CreateGroup("Observation");
      auto t = r.CreateType("Concept");
      if (!g || !t) return Fail(g ? t.error() : g.error());
      return std::make_pair(g->id, t->id);
    });
    ASSERT_TRUE(ids.has_value()) << ids.error().message;
    group_ = ids->first;
    type_ = ids->second;
  }

  // A mapping of (Observation, Concept) written through `store` (the test's own by default).
  RowId Add(const std::string& avni, const std::string& int_value,
            DataTypeHint hint = DataTypeHint::kNA, store::Store* store = nullptr) {
    Mapping m;
    m.group_id = group_;
    m.type_id = type_;
    m.avni_value = avni;
    m.int_system_value = int_value;
    m.data_type_hint = hint;
    auto made = In(store ? *store : *store_, a_, [&](MappingRepo& r) { return r.Create(m); });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made ? made->id : 0;
  }
  void SetAvniValue(RowId id, const std::string& avni, store::Store* store = nullptr) {
    auto done = In(store ? *store : *store_, a_, [&](MappingRepo& r) -> Result<Mapping> {
      auto m = r.Get(id);
      if (!m) return m;
      m->avni_value = avni;
      return r.Update(*m);
    });
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }
  MappingCache::Snapshot Snap(MappingCache& cache, TenantId t) {
    auto s = cache.Get(t);
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    return s ? *s : nullptr;
  }

  TenantId a_;
  RowId group_ = 0, type_ = 0;
};

TEST_P(MappingCacheTest, LooksUpBothWaysAndTellsMissingFromPresent) {
  Add("Weight", "5089AAAA", DataTypeHint::kNumeric);
  Add("Blood group", "bg-1", DataTypeHint::kCoded);
  MappingCache cache(*store_);
  auto s = Snap(cache, a_);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 2u);
  EXPECT_EQ(s->AvniValueFor("Observation", "Concept", "5089AAAA"), "Weight");
  EXPECT_EQ(s->IntValueFor("Observation", "Concept", "Blood group"), "bg-1");
  auto found = s->FindByAvniValue("Observation", "Concept", "Weight");
  EXPECT_TRUE(found.found);
  EXPECT_EQ(found.value, "5089AAAA");
  EXPECT_EQ(found.data_type_hint, DataTypeHint::kNumeric);
  EXPECT_FALSE(s->FindByAvniValue("Observation", "Concept", "Height").found);
  EXPECT_EQ(s->AvniValueFor("Observation", "Concept", "Weight"), std::nullopt);
  EXPECT_EQ(s->AvniValueFor("Observation", "Other", "5089AAAA"), std::nullopt);
  // Asked again, the same snapshot: built once.
  EXPECT_EQ(Snap(cache, a_), s);
  EXPECT_EQ(cache.builds(), 1u);
}

TEST_P(MappingCacheTest, VoidedMappingsAndOtherTenantsAreNotSeen) {
  RowId voided = Add("Old", "old-1");
  ASSERT_TRUE(In(*store_, a_, [&](MappingRepo& r) { return r.SetVoided(voided, true); }));
  const TenantId b = MakeTenant("B");
  ASSERT_TRUE(In(*store_, b, [&](MappingRepo& r) -> Result<Mapping> {
    auto g = r.CreateGroup("Observation");
    auto t = r.CreateType("Concept");
    if (!g || !t) return Fail(Error::Internal("setup"));
    Mapping m;
    m.group_id = g->id;
    m.type_id = t->id;
    m.avni_value = "B's weight";
    m.int_system_value = "5089AAAA";
    return r.Create(m);
  }));
  Add("Weight", "5089AAAA");
  MappingCache cache(*store_);
  auto sa = Snap(cache, a_);
  auto sb = Snap(cache, b);
  ASSERT_TRUE(sa && sb);
  EXPECT_EQ(sa->IntValueFor("Observation", "Concept", "Old"), std::nullopt);
  EXPECT_EQ(sa->AvniValueFor("Observation", "Concept", "5089AAAA"), "Weight");
  EXPECT_EQ(sb->AvniValueFor("Observation", "Concept", "5089AAAA"), "B's weight");
  EXPECT_EQ(sb->tenant(), b);
  // A tenant without mappings (or unknown) has an empty snapshot.
  auto none = Snap(cache, TenantId{a_.value + 1000});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->size(), 0u);
}

TEST_P(MappingCacheTest, InvalidateAfterAWriteShowsIt) {
  RowId id = Add("Weight", "5089AAAA");
  MappingCache cache(*store_);
  auto before = Snap(cache, a_);
  SetAvniValue(id, "Body weight");
  // Cached: the write is not seen until the cache is told.
  EXPECT_EQ(Snap(cache, a_)->AvniValueFor("Observation", "Concept", "5089AAAA"), "Weight");
  cache.Invalidate(a_);
  auto after = Snap(cache, a_);
  EXPECT_EQ(after->AvniValueFor("Observation", "Concept", "5089AAAA"), "Body weight");
  // A reader's snapshot stays whole and as it was.
  EXPECT_EQ(before->AvniValueFor("Observation", "Concept", "5089AAAA"), "Weight");
  EXPECT_EQ(cache.builds(), 2u);
  // Invalidating a tenant never asked for is harmless.
  cache.Invalidate(TenantId{a_.value + 1000});
}

TEST_P(MappingCacheTest, RefreshPicksUpAnotherInstancesWrite) {
  RowId id = Add("Weight", "5089AAAA");
  MappingCache cache(*store_);
  // Nothing cached: nothing to refresh.
  auto idle = cache.Refresh(a_);
  ASSERT_TRUE(idle.has_value()) << idle.error().message;
  EXPECT_FALSE(*idle);
  auto first = Snap(cache, a_);

  // Another instance on the same database.
  store::StoreOptions options;
  options.secrets = &secrets_;
  options.clock = &clock_;
  options.pool_size = 1;
  auto other = store::Store::Open(db_->dsn(), options);
  ASSERT_TRUE(other.has_value()) << other.error().message;

  auto unchanged = cache.Refresh(a_);
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_FALSE(*unchanged);
  EXPECT_EQ(Snap(cache, a_), first);

  // A changed value (same count; a later change time).
  clock_.Advance(std::chrono::seconds(1));
  SetAvniValue(id, "Body weight", other->get());
  auto changed = cache.Refresh(a_);
  ASSERT_TRUE(changed.has_value()) << changed.error().message;
  EXPECT_TRUE(*changed);
  EXPECT_EQ(Snap(cache, a_)->AvniValueFor("Observation", "Concept", "5089AAAA"), "Body weight");

  // A new mapping.
  Add("Height", "5090AAAA", DataTypeHint::kNumeric, other->get());
  auto added = cache.Refresh(a_);
  ASSERT_TRUE(added.has_value());
  EXPECT_TRUE(*added);
  EXPECT_EQ(Snap(cache, a_)->IntValueFor("Observation", "Concept", "Height"), "5090AAAA");
  EXPECT_EQ(cache.builds(), 3u);

  // A renamed group changes no mapping row (the count and latest change the cache compared
  // before stayed the same, so it kept answering by the old name); the revision moves.
  auto renamed = (*other)->Transact(
      [&](store::Tx& tx) { return tx.tenant(a_).mappings().RenameGroup(group_, "Observations"); });
  ASSERT_TRUE(renamed.has_value()) << renamed.error().message;
  auto moved = cache.Refresh(a_);
  ASSERT_TRUE(moved.has_value());
  EXPECT_TRUE(*moved);
  EXPECT_EQ(Snap(cache, a_)->IntValueFor("Observations", "Concept", "Height"), "5090AAAA");
  EXPECT_FALSE(Snap(cache, a_)->IntValueFor("Observation", "Concept", "Height").has_value());
}

TEST_P(MappingCacheTest, AFailedBuildIsReportedAndNotCached) {
  Add("Weight", "5089AAAA");
  MappingCache cache(*store_);
  // The database answers with an error while the table is away.
  db_->Execute("ALTER TABLE mappings RENAME TO mappings_away");
  auto failed = cache.Get(a_);
  ASSERT_FALSE(failed.has_value());
  EXPECT_NE(failed.error().code, ErrorCode::kNotFound);
  db_->Execute("ALTER TABLE mappings_away RENAME TO mappings");
  auto s = Snap(cache, a_);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->AvniValueFor("Observation", "Concept", "5089AAAA"), "Weight");
  EXPECT_EQ(cache.builds(), 2u);
  // Refresh reports the store's failure and keeps the snapshot it has: a write made the
  // snapshot stale, and its rebuild fails.
  Add("Height", "5090AAAA");
  db_->Execute("ALTER TABLE mappings RENAME TO mappings_away");
  EXPECT_FALSE(cache.Refresh(a_).has_value());
  db_->Execute("ALTER TABLE mappings_away RENAME TO mappings");
  EXPECT_EQ(Snap(cache, a_), s);
  // Once the store answers, the next Refresh brings the write in.
  auto refreshed = cache.Refresh(a_);
  ASSERT_TRUE(refreshed.has_value()) << refreshed.error().message;
  EXPECT_TRUE(*refreshed);
  EXPECT_EQ(Snap(cache, a_)->AvniValueFor("Observation", "Concept", "5090AAAA"), "Height");
}

TEST_P(MappingCacheTest, ConcurrentFirstUsersShareOneBuild) {
  for (int i = 0; i < 300; ++i) Add("avni-" + std::to_string(i), "int-" + std::to_string(i));
  MappingCache cache(*store_);
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      auto s = cache.Get(a_);
      if (s && (*s)->size() == 300u) ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 6);
  EXPECT_EQ(cache.builds(), 1u);
}

// Four readers look up while a writer flips a mapping between two values and invalidates after
// each commit: every answer is one of the two, and each snapshot agrees with itself.
TEST_P(MappingCacheTest, ReadersSeeOldOrNewValueWhileAWriterInvalidates) {
  const std::string kOld = "Weight (old name)", kNew = "Weight (new name)";
  RowId id = Add(kOld, "5089AAAA");
  for (int i = 0; i < 50; ++i) Add("filler-" + std::to_string(i), "f-" + std::to_string(i));
  MappingCache cache(*store_);

  std::atomic<bool> writing{true};
  std::atomic<int> bad{0}, failed{0};
  std::atomic<long> lookups{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      std::set<std::string> seen;
      for (int i = 0; i < 3000 || writing.load(); ++i) {
        auto s = cache.Get(a_);
        if (!s) {
          ++failed;
          continue;
        }
        auto avni = (*s)->AvniValueFor("Observation", "Concept", "5089AAAA");
        if (!avni || (*avni != kOld && *avni != kNew)) {
          ++bad;
          continue;
        }
        if ((*s)->IntValueFor("Observation", "Concept", *avni) != "5089AAAA") ++bad;
        if ((*s)->AvniValueFor("Observation", "Concept", "f-7") != "filler-7") ++bad;
        ++lookups;
      }
    });
  }
  std::thread writer([&] {
    for (int i = 0; i < 40; ++i) {
      clock_.Advance(std::chrono::milliseconds(1));
      SetAvniValue(id, i % 2 == 0 ? kNew : kOld);
      cache.Invalidate(a_);
    }
    writing = false;
  });
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GE(lookups.load(), 4 * 3000);
  EXPECT_GE(cache.builds(), 2u);  // the readers did rebuild after invalidations
  // After the last invalidation, the last write.
  EXPECT_EQ(Snap(cache, a_)->AvniValueFor("Observation", "Concept", "5089AAAA"), kOld);
}

AVNI_ON_EVERY_BACKEND(MappingCacheTest);

}  // namespace
}  // namespace avni::testing
