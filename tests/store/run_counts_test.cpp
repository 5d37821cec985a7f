#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::seconds;
using store::JobRepo;
using store::Tx;

class RunCountsTest : public StoreTest {
 protected:
  template <typename Fn>
  auto Jobs(TenantId t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      JobRepo jobs = tx.tenant(t).jobs();
      return fn(jobs);
    });
  }

  // A started run of tenant t's job "main".
  RowId StartRun(TenantId t) {
    auto run = Jobs(t, [](JobRepo& jobs) -> Result<avni::Run> {
      Job job;
      job.name = "main";
      job.cron = "-";
      auto put = jobs.Put(job);
      if (!put) return Fail(put.error());
      return jobs.StartRun(put->id, "instance-1");
    });
    EXPECT_TRUE(run.has_value()) << (run ? "" : run.error().message);
    return run ? run->id : 0;
  }

  Status Add(TenantId t, RowId run, const std::string& type, RunCounts counts) {
    return Jobs(t, [&](JobRepo& jobs) { return jobs.AddRunCounts(run, type, counts); });
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
  // "read/written/failed/skipped" of a run's totals as stored.
  std::string RawTotals(RowId run) {
    return Raw(
        "SELECT CAST(read_count AS TEXT) || '/' || CAST(written_count AS TEXT) || '/' || "
        "CAST(failed_count AS TEXT) || '/' || CAST(skipped_count AS TEXT) FROM runs WHERE id = " +
        std::to_string(run));
  }
};

void ExpectCounts(const RunCounts& c, std::int64_t read, std::int64_t written, std::int64_t failed,
                  std::int64_t skipped) {
  EXPECT_EQ(c.read, read);
  EXPECT_EQ(c.written, written);
  EXPECT_EQ(c.failed, failed);
  EXPECT_EQ(c.skipped, skipped);
}

TEST_P(RunCountsTest, PagesOfTwoEntityTypesAddUpPerTypeAndInTheRunTotals) {
  const TenantId t = MakeTenant("T");
  const RowId run = StartRun(t);
  ASSERT_TRUE(Add(t, run, "Subject", RunCounts{100, 90, 4, 6}).has_value());
  ASSERT_TRUE(Add(t, run, "Encounter", RunCounts{10, 10, 0, 0}).has_value());
  ASSERT_TRUE(Add(t, run, "Subject", RunCounts{50, 45, 1, 4}).has_value());
  ASSERT_TRUE(Add(t, run, "Encounter", RunCounts{7, 5, 2, 0}).has_value());

  auto per_type = Jobs(t, [&](JobRepo& jobs) { return jobs.ListRunCounts(run); });
  ASSERT_TRUE(per_type.has_value()) << per_type.error().message;
  ASSERT_EQ(per_type->size(), 2u);
  EXPECT_EQ((*per_type)[0].entity_type, "Encounter");  // ordered by entity type
  ExpectCounts((*per_type)[0].counts, 17, 15, 2, 0);
  EXPECT_EQ((*per_type)[1].entity_type, "Subject");
  ExpectCounts((*per_type)[1].counts, 150, 135, 5, 10);

  auto got = Jobs(t, [&](JobRepo& jobs) { return jobs.GetRun(run); });
  ASSERT_TRUE(got.has_value());
  ExpectCounts(got->counts, 167, 150, 7, 10);
  EXPECT_EQ(got->status, RunStatus::kRunning);
  EXPECT_EQ(RawTotals(run), "167/150/7/10");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM run_entity_counts"), "2");
  EXPECT_EQ(Raw("SELECT CAST(skipped_count AS TEXT) FROM run_entity_counts WHERE entity_type = "
                "'Subject'"),
            "10");
}

TEST_P(RunCountsTest, EndRunKeepsTheGatheredCounts) {
  const TenantId t = MakeTenant("T");
  const RowId run = StartRun(t);
  ASSERT_TRUE(Add(t, run, "Subject", RunCounts{3, 2, 1, 0}).has_value());
  clock_.Advance(seconds(5));
  auto ended = Jobs(t, [&](JobRepo& jobs) {
    return jobs.EndRun(run, RunStatus::kFailed, "OpenMRS unreachable");
  });
  ASSERT_TRUE(ended.has_value()) << ended.error().message;
  EXPECT_EQ(ended->status, RunStatus::kFailed);
  EXPECT_EQ(ended->message, "OpenMRS unreachable");
  ASSERT_TRUE(ended->finished_at.has_value());
  EXPECT_EQ(*ended->finished_at, clock_.Now());
  ExpectCounts(ended->counts, 3, 2, 1, 0);
  EXPECT_EQ(RawTotals(run), "3/2/1/0");
  EXPECT_EQ(Raw("SELECT status FROM runs"), "failed");
  auto per_type = Jobs(t, [&](JobRepo& jobs) { return jobs.ListRunCounts(run); });
  ASSERT_TRUE(per_type.has_value());
  ASSERT_EQ(per_type->size(), 1u);
  ExpectCounts((*per_type)[0].counts, 3, 2, 1, 0);

  // A run cannot be ended as running.
  auto running =
      Jobs(t, [&](JobRepo& jobs) { return jobs.EndRun(run, RunStatus::kRunning, "again"); });
  ASSERT_FALSE(running.has_value());
  EXPECT_EQ(running.error().field, "status");
  EXPECT_EQ(Raw("SELECT message FROM runs"), "OpenMRS unreachable");
}

TEST_P(RunCountsTest, BadCountsAreRefusedAndWriteNothing) {
  const TenantId t = MakeTenant("T");
  const RowId run = StartRun(t);
  auto negative = Add(t, run, "Subject", RunCounts{1, -1, 0, 0});
  ASSERT_FALSE(negative.has_value());
  EXPECT_EQ(negative.error().field, "counts");
  auto no_type = Add(t, run, "", RunCounts{1, 1, 0, 0});
  ASSERT_FALSE(no_type.has_value());
  EXPECT_EQ(no_type.error().field, "entity_type");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM run_entity_counts"), "0");
  EXPECT_EQ(RawTotals(run), "0/0/0/0");
}

TEST_P(RunCountsTest, AnUnknownRunOrAnotherTenantsRunIsNotFoundAndNothingIsWritten) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId a_run = StartRun(a);
  const RowId b_run = StartRun(b);
  ASSERT_TRUE(Add(b, b_run, "Subject", RunCounts{5, 5, 0, 0}).has_value());

  auto unknown = Add(a, 987654, "Subject", RunCounts{1, 1, 0, 0});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  auto foreign = Add(a, b_run, "Subject", RunCounts{1, 1, 0, 0});
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code, ErrorCode::kNotFound);
  auto list = Jobs(a, [&](JobRepo& jobs) { return jobs.ListRunCounts(b_run); });
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().code, ErrorCode::kNotFound);
  auto end =
      Jobs(a, [&](JobRepo& jobs) { return jobs.EndRun(b_run, RunStatus::kCancelled, "hijack"); });
  ASSERT_FALSE(end.has_value());
  EXPECT_EQ(end.error().code, ErrorCode::kNotFound);

  EXPECT_EQ(Raw("SELECT COUNT(*) FROM run_entity_counts"), "1");
  EXPECT_EQ(RawTotals(b_run), "5/5/0/0");
  EXPECT_EQ(RawTotals(a_run), "0/0/0/0");
  EXPECT_EQ(Raw("SELECT status FROM runs WHERE id = " + std::to_string(b_run)), "running");
  EXPECT_EQ(Raw("SELECT message FROM runs WHERE id = " + std::to_string(b_run)), "");

  // A's own run has no counts yet: an empty list, not an error.
  auto empty = Jobs(a, [&](JobRepo& jobs) { return jobs.ListRunCounts(a_run); });
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST_P(RunCountsTest, DeletingTheJobDeletesItsRunsCounts) {
  const TenantId t = MakeTenant("T");
  const RowId run = StartRun(t);
  ASSERT_TRUE(Add(t, run, "Subject", RunCounts{1, 1, 0, 0}).has_value());
  ASSERT_TRUE(Jobs(t, [](JobRepo& jobs) { return jobs.Remove("main"); }).has_value());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs"), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM run_entity_counts"), "0");
}

AVNI_ON_EVERY_BACKEND(RunCountsTest);

}  // namespace
}  // namespace avni::testing
