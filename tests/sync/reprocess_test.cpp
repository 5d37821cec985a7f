// The errors job: reprocessing error records by re-fetching their entities, per-record backoff,
// Terminal types, disabled records, bulk actions. Both backends.
#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

using sync::FlowOutcome;

class ReprocessTest : public EngineTest {
 protected:
  // 100 entities, every tenth (0, 10, ..., 90) refused by the transform, after a main run.
  void ParkTen() {
    auto entities = GenerateEntities(100, 3, clock_.Now());
    for (int i = 0; i < 100; i += 10) entities[static_cast<std::size_t>(i)].bad = true;
    source_ = std::make_unique<FakeSource>(std::move(entities));
    auto main = RunMain();
    ASSERT_EQ(main.outcome, FlowOutcome::kCompleted) << main.message;
    ASSERT_EQ(ErrorEntityIds().size(), 10u);
  }
  // Fixes the data in the source without the main flow running: the errors job must find it.
  void FixAll() {
    for (int i = 0; i < 100; i += 10) source_->Change(Id(i), clock_.Now(), false);
  }
  static std::string Id(int i) { return fmt::format("subject-{:07}", i); }
  std::string Attempts(int i) {
    return Raw("SELECT attempts FROM error_records WHERE entity_id = '" + Id(i) + "'");
  }
};

TEST_P(ReprocessTest, FixedRecordsAreWrittenTheirErrorRecordsDeletedAndTheCursorLeftAlone) {
  ParkTen();
  FixAll();
  // Not due yet: the first retry waits error_backoff_initial.
  auto early = RunErrors();
  ASSERT_EQ(early.outcome, FlowOutcome::kCompleted) << early.message;
  EXPECT_EQ(early.counts.read, 0);
  clock_.Advance(options_.error_backoff_initial);
  auto result = RunErrors();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.read, 10);
  EXPECT_EQ(result.counts.written, 10);
  EXPECT_TRUE(ErrorEntityIds().empty());
  EXPECT_EQ(CursorId(), Id(99));
  ExpectSinkHoldsEachOnce();
}

TEST_P(ReprocessTest, StillFailingRecordsBackOffPerRecordInTheOrderFirstSeen) {
  ParkTen();
  clock_.Advance(options_.error_backoff_initial);
  auto first = RunErrors();
  ASSERT_EQ(first.outcome, FlowOutcome::kCompleted) << first.message;
  EXPECT_EQ(first.counts.failed, 10);
  EXPECT_EQ(Attempts(0), "1");
  // The n-th failed retry waits initial * 2^(n-1).
  auto next_of = [&](int i) {
    return Raw("SELECT next_attempt_at FROM error_records WHERE entity_id = '" + Id(i) + "'");
  };
  EXPECT_EQ(next_of(40),
            std::to_string(ToEpochMillis(clock_.Now() + options_.error_backoff_initial)));
  clock_.Advance(options_.error_backoff_initial);
  EXPECT_EQ(RunErrors().counts.read, 10);
  EXPECT_EQ(Attempts(0), "2");
  EXPECT_EQ(next_of(40),
            std::to_string(ToEpochMillis(clock_.Now() + 2 * options_.error_backoff_initial)));
  clock_.Advance(options_.error_backoff_initial);
  EXPECT_EQ(RunErrors().counts.read, 0);  // not due yet
  clock_.Advance(options_.error_backoff_initial);
  EXPECT_EQ(RunErrors().counts.read, 10);
  EXPECT_EQ(Attempts(0), "3");
  // Read in the order first seen, each time; the log's one entry per record grew.
  std::vector<std::string> order;
  for (int i = 0; i < 100; i += 10) order.push_back(Id(i));
  ASSERT_EQ(source_->fetched.size(), 30u);
  EXPECT_EQ(std::vector<std::string>(source_->fetched.begin() + 20, source_->fetched.end()), order);
  EXPECT_EQ(Raw("SELECT MAX(count) FROM error_record_log"), "4");
}

TEST_P(ReprocessTest, TerminalErrorsAreNeverRetried) {
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto type = tx.tenant(tenant_).errors().CreateType({0, tenant_, "", "Blood group unmapped",
                                                        ErrorOperator::kContains, "blood group",
                                                        FollowUpStep::kTerminal, 0});
    if (!type) return Fail(type.error());
    return {};
  }));
  ParkTen();
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records WHERE next_attempt_at IS NULL"), "10");
  FixAll();
  // Not even on request: a bulk reprocess leaves them out, and says so in its count.
  auto scheduled = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).errors().ScheduleNowWhere({}); });
  ASSERT_TRUE(scheduled);
  EXPECT_EQ(*scheduled, 0);
  clock_.Advance(std::chrono::hours(48));
  const int calls = transform_.calls;
  auto result = RunErrors();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.read, 0);
  EXPECT_EQ(transform_.calls, calls);
  EXPECT_EQ(ErrorEntityIds().size(), 10u);
}

TEST_P(ReprocessTest, ADisabledRecordIsLeftAlone) {
  ParkTen();
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Result<std::int64_t> {
    store::ErrorRecordFilter filter;
    filter.text = Id(30);  // the message names the entity
    return tx.tenant(tenant_).errors().SetProcessingDisabledWhere(filter, true);
  }));
  FixAll();
  clock_.Advance(options_.error_backoff_initial);
  auto result = RunErrors();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.written, 9);
  EXPECT_EQ(ErrorEntityIds(), std::vector<std::string>{Id(30)});
  EXPECT_EQ(Attempts(30), "0");
  EXPECT_TRUE(sink_.RowsFor(KeyOf(Id(30))).empty());
}

TEST_P(ReprocessTest, ABulkReprocessByFilterMakesRecordsDueAtOnce) {
  ParkTen();
  FixAll();
  auto scheduled = store_->Transact([&](store::Tx& tx) -> Result<std::int64_t> {
    store::ErrorRecordFilter filter;
    filter.entity_type = kType;
    return tx.tenant(tenant_).errors().ScheduleNowWhere(filter);
  });
  ASSERT_TRUE(scheduled);
  EXPECT_EQ(*scheduled, 10);
  auto result = RunErrors();  // no clock advance: the action made them due now
  EXPECT_EQ(result.counts.written, 10);
  EXPECT_TRUE(ErrorEntityIds().empty());
}

TEST_P(ReprocessTest, AnEntityDeletedInTheSourceTakesItsErrorRecordWithIt) {
  ParkTen();
  source_->Remove(Id(50));
  clock_.Advance(options_.error_backoff_initial);
  auto result = RunErrors();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.skipped, 1);
  EXPECT_EQ(result.counts.failed, 9);
  auto left = ErrorEntityIds();
  EXPECT_EQ(std::count(left.begin(), left.end(), Id(50)), 0);
  EXPECT_EQ(left.size(), 9u);
}

TEST_P(ReprocessTest, ASourceOutageStopsTheJobWithoutCountingAttempts) {
  ParkTen();
  FixAll();
  source_->down = true;
  clock_.Advance(options_.error_backoff_initial);
  auto result = RunErrors();
  EXPECT_EQ(result.outcome, FlowOutcome::kFailed);
  EXPECT_NE(result.message.find("connection refused"), std::string::npos) << result.message;
  EXPECT_EQ(ErrorEntityIds().size(), 10u);
  EXPECT_EQ(Raw("SELECT SUM(attempts) FROM error_records"), "0");
  source_->down = false;
  EXPECT_EQ(RunErrors().counts.written, 10);
  EXPECT_TRUE(ErrorEntityIds().empty());
}

AVNI_ON_EVERY_BACKEND(ReprocessTest);

}  // namespace
}  // namespace avni::testing
