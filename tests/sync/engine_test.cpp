// The main flow: cursor, idempotent writes, the error taxonomy. Every case runs on SQLite and
// PostgreSQL with a real store and the fakes of fakes.hpp.
#include <chrono>
#include <cstdio>

#include "support/deadline.hpp"
#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

using sync::FlowOutcome;

class SyncFlowTest : public EngineTest {};

TEST_P(SyncFlowTest, WritesEveryRecordOnceAndLeavesTheCursorAtTheEnd) {
  MakeSource(1050, 1);
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.read, 1050);
  EXPECT_EQ(result.counts.written, 1050);
  ExpectSinkHoldsEachOnce();
  EXPECT_EQ(CursorId(), "subject-0001049");
  EXPECT_EQ(LinkCount(), 1050);
  // The run's counts, per entity type and in total, were committed with the pages.
  EXPECT_EQ(Raw("SELECT written_count FROM run_entity_counts WHERE entity_type = 'Subject'"),
            "1050");
  EXPECT_EQ(Raw("SELECT MAX(written_count) FROM runs"), "1050");
}

TEST_P(SyncFlowTest, RecordsSharingATimestampAcrossPageBoundariesAreNeitherSkippedNorRepeated) {
  MakeSource(250, 250);  // one timestamp for all: pages of 100 cut through it twice
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.written, 250);
  EXPECT_EQ(sink_.creates, 250);
  EXPECT_EQ(sink_.updates, 0);
  ExpectSinkHoldsEachOnce();
}

TEST_P(SyncFlowTest, ASourceThatRereadsItsBoundaryInclusivelyCausesNoRepeats) {
  MakeSource(230, 40);
  source_->inclusive = true;  // like Avni's time filter re-read from the boundary millisecond
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.read, 230);
  EXPECT_EQ(sink_.creates, 230);
  EXPECT_EQ(sink_.updates, 0);
}

TEST_P(SyncFlowTest, ANextRunReadsOnlyWhatChangedAndUpdatesIt) {
  MakeSource(300, 3);
  ASSERT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  clock_.Advance(std::chrono::minutes(1));
  source_->Change("subject-0000007", clock_.Now(), false);
  auto second = RunMain();
  ASSERT_EQ(second.outcome, FlowOutcome::kCompleted) << second.message;
  EXPECT_EQ(second.counts.read, 1);
  EXPECT_EQ(second.counts.written, 1);
  EXPECT_EQ(sink_.creates, 300);
  EXPECT_EQ(sink_.updates, 1);
  EXPECT_EQ(CursorId(), "subject-0000007");
  ExpectSinkHoldsEachOnce();
}

TEST_P(SyncFlowTest, ARewoundCursorSkipsUnchangedVersions) {
  MakeSource(120, 1);
  ASSERT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).sync_status().Remove(kType); }));
  auto again = RunMain();
  ASSERT_EQ(again.outcome, FlowOutcome::kCompleted) << again.message;
  EXPECT_EQ(again.counts.read, 120);
  EXPECT_EQ(again.counts.skipped, 120);
  EXPECT_EQ(again.counts.written, 0);
  EXPECT_EQ(sink_.creates + sink_.updates, 120);
}

TEST_P(SyncFlowTest, AWriteWhoseLinkWasNeverCommittedIsFoundByItsKeyAndUpdated) {
  MakeSource(10, 1);
  // As after a crash between the destination's write and the commit: the sink has the record,
  // the store has no link.
  ASSERT_TRUE(sink_.Create(sync::Outgoing{"old", KeyOf("subject-0000004")}));
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(sink_.creates, 1 + 9);
  EXPECT_EQ(sink_.updates, 1);
  ExpectSinkHoldsEachOnce();
}

TEST_P(SyncFlowTest, ThirtyPercentAvailabilityFailuresAreRetriedAndNothingIsParked) {
  MakeSource(400, 5);
  sink_.unavailable_rate = 0.2;
  sink_.lost_answer_rate = 0.1;  // written, but the answer lost: the retry must not duplicate
  options_.retry.max_attempts = 30;
  options_.retry.max_wait = std::chrono::hours(1);
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_GT(result.retries, 50);
  EXPECT_EQ(slept_.size(), static_cast<std::size_t>(result.retries));
  EXPECT_TRUE(ErrorEntityIds().empty());
  ExpectSinkHoldsEachOnce();
  EXPECT_EQ(CursorId(), "subject-0000399");
}

TEST_P(SyncFlowTest, ASinkDownForTheWholeRunFailsTheRunWithoutMovingTheCursorOrParkingAnything) {
  MakeSource(150, 1);
  ASSERT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  clock_.Advance(std::chrono::minutes(1));
  for (int i = 0; i < 150; ++i) {
    source_->Change(fmt::format("subject-{:07}", i), clock_.Now(), false);
  }
  sink_.down = true;
  auto failed = RunMain();
  EXPECT_EQ(failed.outcome, FlowOutcome::kFailed);
  EXPECT_NE(failed.message.find("subject-0000000"), std::string::npos) << failed.message;
  EXPECT_NE(failed.message.find("HTTP 503"), std::string::npos) << failed.message;
  EXPECT_EQ(failed.counts.written, 0);
  EXPECT_EQ(CursorId(), "subject-0000149");  // where the first run left it
  EXPECT_TRUE(ErrorEntityIds().empty());
  // Bounded: max_attempts calls, with growing delays, none over max_delay.
  EXPECT_EQ(slept_.size(), static_cast<std::size_t>(options_.retry.max_attempts - 1));
  for (std::size_t i = 1; i < slept_.size(); ++i) {
    EXPECT_LE(slept_[i], options_.retry.max_delay);
  }
  EXPECT_GE(slept_.back(), slept_.front());

  sink_.down = false;
  auto resumed = RunMain();
  ASSERT_EQ(resumed.outcome, FlowOutcome::kCompleted) << resumed.message;
  EXPECT_EQ(resumed.counts.written, 150);
  EXPECT_EQ(sink_.creates, 150);
  ExpectSinkHoldsEachOnce();
}

TEST_P(SyncFlowTest, AnOutageMidPageCommitsTheRecordsBeforeIt) {
  MakeSource(50, 1);
  // The sink goes down after 20 creates.
  struct DownAfter final : sync::Sink {
    MemorySink& inner;
    int left;
    DownAfter(MemorySink& s, int n) : inner(s), left(n) {}
    Result<std::optional<std::string>> Find(const sync::Outgoing& o) override {
      return inner.Find(o);
    }
    Result<std::string> Create(const sync::Outgoing& o) override {
      if (left-- <= 0) return Fail(Error::Unavailable("connect: connection refused"));
      return inner.Create(o);
    }
    Status Update(std::string_view d, const sync::Outgoing& o) override {
      return inner.Update(d, o);
    }
    Status Void(std::string_view d, const sync::Outgoing& o) override { return inner.Void(d, o); }
  } flaky(sink_, 20);
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto result = engine.RunFlow(sync::Flow{kType, source_.get(), &transform_, &flaky}, StartRun());
  EXPECT_EQ(result.outcome, FlowOutcome::kFailed);
  EXPECT_EQ(result.counts.written, 20);
  EXPECT_EQ(CursorId(), "subject-0000019");
  EXPECT_EQ(LinkCount(), 20);
  EXPECT_TRUE(ErrorEntityIds().empty());
}

TEST_P(SyncFlowTest, DataErrorsAreParkedClassifiedAndTheFlowGoesOn) {
  auto entities = GenerateEntities(200, 4, clock_.Now());
  for (int i = 0; i < 200; i += 25) entities[static_cast<std::size_t>(i)].bad = true;
  source_ = std::make_unique<FakeSource>(std::move(entities));
  sink_.rejected_keys.insert(KeyOf("subject-0000101"));  // a 500 with a validation message
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto errors = tx.tenant(tenant_).errors();
    // Lower priority wins when both match; the order of creation must not matter.
    auto late = errors.CreateType({0, tenant_, "", "Any mapping", ErrorOperator::kContains,
                                   "MAPPING", FollowUpStep::kProcess, 5});
    auto early = errors.CreateType({0, tenant_, "", "Concept mapping", ErrorOperator::kMatches,
                                    "concept '.*' of", FollowUpStep::kInternal, 1});
    if (!late || !early) return Fail(Error::Internal("types"));
    return {};
  }));
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.failed, 9);
  EXPECT_EQ(result.counts.written, 191);
  std::vector<std::string> expected;
  for (int i = 0; i < 200; i += 25) {
    expected.push_back(fmt::format("subject-{:07}", i));
    if (i == 100) expected.push_back("subject-0000101");
  }
  EXPECT_EQ(ErrorEntityIds(), expected);
  EXPECT_EQ(CursorId(), "subject-0000199");
  EXPECT_EQ(Raw("SELECT t.name FROM error_records r JOIN error_types t ON t.id = r.error_type_id "
                "WHERE r.entity_id = 'subject-0000025'"),
            "Concept mapping");
  // No type matches the destination's refusal: the default type (none).
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records WHERE entity_id = 'subject-0000101' AND "
                "error_type_id IS NULL"),
            "1");
  EXPECT_EQ(Raw("SELECT message FROM error_record_log l JOIN error_records r ON "
                "r.id = l.error_record_id WHERE r.entity_id = 'subject-0000101'"),
            "HTTP 500 (refused): Subject type 'Individual' not found");
  ExpectSinkHoldsEachOnce({expected.begin(), expected.end()});
}

// Issue 15: a tenant's pattern that a backtracking engine never finishes, against long
// messages. Records are classified when parked, outside the page's transaction, in linear time:
// the run completes promptly and each record carries the type its message matches.
TEST_P(SyncFlowTest, ANestedQuantifierPatternAndLongMessagesParkPromptlyWithTheRightTypes) {
  auto entities = GenerateEntities(300, 3, clock_.Now());
  for (std::size_t i = 0; i < entities.size(); i += 3) entities[i].bad = true;
  source_ = std::make_unique<FakeSource>(std::move(entities));
  // 100 to 10,000 characters; every tenth is short and ends as the pattern wants.
  transform_.bad_message = [](std::string_view id) {
    const int n = std::stoi(std::string(id.substr(id.size() - 7)));
    std::string message = fmt::format("no mapping for the Avni concept 'Blood group' of {} ", id);
    if (n % 30 == 0) return message + "ZZZQQQ";
    message.resize(100 + static_cast<std::size_t>(n) * 33, 'x');
    return message;
  };
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto errors = tx.tenant(tenant_).errors();
    auto evil = errors.CreateType({0, tenant_, "", "Evil", ErrorOperator::kMatches, "^(.+)+ZZZQQQ$",
                                   FollowUpStep::kTerminal, 1});
    auto mapping = errors.CreateType({0, tenant_, "", "Blood group", ErrorOperator::kContains,
                                      "blood group", FollowUpStep::kProcess, 2});
    if (!evil || !mapping) return Fail(Error::Internal("types"));
    return {};
  }));

  const auto started = std::chrono::steady_clock::now();
  const sync::FlowResult result =
      FinishWithin(std::chrono::seconds(60), "a run with a nested-quantifier error type",
                   [&] { return RunMain(); });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("a run of 300 records parking 100 (messages of up to 10,000 characters): %.2f s\n",
              seconds);
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.failed, 100);
  EXPECT_EQ(result.counts.written, 200);
  EXPECT_LT(seconds, 20.0);
  const std::string records =
      "SELECT COUNT(*) FROM error_records r JOIN error_types t ON "
      "t.id = r.error_type_id WHERE r.tenant_id = " +
      Tenant();
  EXPECT_EQ(Raw(records + " AND t.name = 'Evil' AND r.next_attempt_at IS NULL"), "10");
  EXPECT_EQ(Raw(records + " AND t.name = 'Blood group' AND r.next_attempt_at IS NOT NULL"), "90");
  // Only classification looks at the start of a message: the log keeps it whole.
  EXPECT_EQ(Raw("SELECT MAX(LENGTH(message)) FROM error_record_log WHERE tenant_id = " + Tenant()),
            std::to_string(100 + 297 * 33));
}

// A pattern stored before patterns were checked when stored, which RE2 refuses, used to fail
// every run of the tenant. It matches nothing; the other types still classify.
TEST_P(SyncFlowTest, AStoredPatternRe2RefusesMatchesNothingAndTheRunGoesOn) {
  auto entities = GenerateEntities(20, 1, clock_.Now());
  entities[4].bad = true;
  source_ = std::make_unique<FakeSource>(std::move(entities));
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto errors = tx.tenant(tenant_).errors();
    auto broken = errors.CreateType({0, tenant_, "", "Broken", ErrorOperator::kMatches,
                                     "(no mapping for", FollowUpStep::kTerminal, 0});
    auto mapping = errors.CreateType({0, tenant_, "", "Mapping", ErrorOperator::kContains,
                                      "no mapping for", FollowUpStep::kProcess, 1});
    if (!broken || !mapping) return Fail(Error::Internal("types"));
    return {};
  }));
  auto result = RunMain();
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.failed, 1);
  EXPECT_EQ(Raw("SELECT t.name FROM error_records r JOIN error_types t ON t.id = r.error_type_id "
                "WHERE r.tenant_id = " +
                Tenant()),
            "Mapping");
}

TEST_P(SyncFlowTest, AnIdenticalRepeatOnlyBumpsTheCounterAndSuccessDeletesTheRecord) {
  auto entities = GenerateEntities(5, 1, clock_.Now());
  entities[2].bad = true;
  source_ = std::make_unique<FakeSource>(std::move(entities));
  ASSERT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).sync_status().Remove(kType); }));
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "1");
  EXPECT_EQ(Raw("SELECT count FROM error_record_log"), "2");
  EXPECT_EQ(ErrorEntityIds(), std::vector<std::string>{"subject-0000002"});

  clock_.Advance(std::chrono::seconds(5));
  source_->Change("subject-0000002", clock_.Now(), /*bad=*/false);
  ASSERT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  EXPECT_TRUE(ErrorEntityIds().empty());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "0");
  ExpectSinkHoldsEachOnce();
}

TEST_P(SyncFlowTest, AFlowLockedByAnotherRunnerIsBusyAndChangesNothing) {
  MakeSource(10, 1);
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).sync_status().TryLock(kType, "other-instance",
                                                    std::chrono::minutes(1));
  }));
  EXPECT_EQ(RunMain().outcome, FlowOutcome::kBusy);
  EXPECT_EQ(RunErrors().outcome, FlowOutcome::kBusy);
  EXPECT_EQ(sink_.size(), 0u);
  clock_.Advance(std::chrono::minutes(2));  // the other runner died: its lock expires
  EXPECT_EQ(RunMain().outcome, FlowOutcome::kCompleted);
  EXPECT_EQ(sink_.size(), 10u);
}

TEST_P(SyncFlowTest, ARunnerThatLostItsLockCannotCommit) {
  MakeSource(30, 1);
  // While the first page is being written, the lock expires and another runner takes it.
  options_.lock_ttl = std::chrono::minutes(1);
  auto steal = [&] {
    clock_.Advance(std::chrono::minutes(2));
    auto taken = store_->Transact([&](store::Tx& tx) {
      return tx.tenant(tenant_).sync_status().TryLock(kType, "thief", std::chrono::minutes(10));
    });
    ASSERT_TRUE(taken && *taken);
  };
  int calls = 0;
  struct Hooked final : sync::Transform {
    std::function<void()> hook;
    int* calls;
    FakeTransform inner;
    Result<sync::Outgoing> Apply(const sync::SourceRecord& r) override {
      if ((*calls)++ == 5) hook();
      return inner.Apply(r);
    }
  } hooked;
  hooked.hook = steal;
  hooked.calls = &calls;
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto result = engine.RunFlow(sync::Flow{kType, source_.get(), &hooked, &sink_}, StartRun());
  EXPECT_EQ(result.outcome, FlowOutcome::kFailed);
  EXPECT_NE(result.message.find("lock"), std::string::npos) << result.message;
  EXPECT_EQ(CursorId(), "");
  EXPECT_EQ(LinkCount(), 0);
}

AVNI_ON_EVERY_BACKEND(SyncFlowTest);

}  // namespace
}  // namespace avni::testing
