// The per-run log: lines kept with their run, scoped to its tenant, purged with the run. Both
// backends.
#include <fmt/format.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

class RunLogStoreTest : public StoreTest {
 protected:
  RowId StartRun(TenantId tenant) {
    auto run = store_->Transact([&](store::Tx& tx) -> Result<avni::Run> {
      auto jobs = tx.tenant(tenant).jobs();
      auto job = jobs.Put(Job{0, tenant, "main", "0 * * * * ?", true, "UTC", "{}"});
      if (!job) return Fail(job.error());
      return jobs.StartRun(job->id, "test");
    });
    EXPECT_TRUE(run) << run.error().message;
    return run ? run->id : 0;
  }
  static std::vector<RunLogLine> Lines(int from, int to) {
    std::vector<RunLogLine> lines;
    for (int i = from; i < to; ++i) {
      lines.push_back(RunLogLine{i, FromEpochMillis(1700000000000 + i),
                                 i % 2 == 0 ? "warn" : "info", fmt::format("line {}", i)});
    }
    return lines;
  }
};

TEST_P(RunLogStoreTest, ARunsLinesAreKeptInOrderAndReplacedWhenPutAgain) {
  const TenantId tenant = MakeTenant("ngo");
  const RowId run = StartRun(tenant);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant).run_log().Put(run, Lines(3, 6)); }));
  auto lines = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant).run_log().List(run); });
  ASSERT_TRUE(lines) << lines.error().message;
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[0].seq, 3);
  EXPECT_EQ((*lines)[0].level, "info");
  EXPECT_EQ((*lines)[0].message, "line 3");
  EXPECT_EQ((*lines)[2].at, FromEpochMillis(1700000000005));
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant).run_log().Put(run, Lines(0, 1)); }));
  lines = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant).run_log().List(run); });
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ((*lines)[0].message, "line 0");
}

TEST_P(RunLogStoreTest, AnotherTenantsRunIsNotFoundAndItsLogUntouched) {
  const TenantId mine = MakeTenant("mine");
  const TenantId theirs = MakeTenant("theirs");
  const RowId their_run = StartRun(theirs);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(theirs).run_log().Put(their_run, Lines(0, 2)); }));
  auto read =
      store_->Read([&](store::Tx& tx) { return tx.tenant(mine).run_log().List(their_run); });
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code, ErrorCode::kNotFound);
  auto put = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(mine).run_log().Put(their_run, Lines(5, 6)); });
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().code, ErrorCode::kNotFound);
  auto kept =
      store_->Read([&](store::Tx& tx) { return tx.tenant(theirs).run_log().List(their_run); });
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->size(), 2u);
}

TEST_P(RunLogStoreTest, PurgingARunPurgesItsLog) {
  const TenantId tenant = MakeTenant("ngo");
  const RowId run = StartRun(tenant);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant).run_log().Put(run, Lines(0, 4)); }));
  db_->Execute("DELETE FROM runs WHERE id = " + std::to_string(run));
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM run_log_lines").at(0), "0");
}

AVNI_ON_EVERY_BACKEND(RunLogStoreTest);

}  // namespace
}  // namespace avni::testing
