// Run records: a job's run with its outcome, message and counts per entity type. Both backends.
#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

class RunJobTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    MakeSource(120, 2);
    auto entities = GenerateEntities(30, 1, clock_.Now());
    entities[4].bad = true;
    encounters_ = std::make_unique<FakeSource>(std::move(entities));
  }
  std::vector<sync::Flow> Flows() {
    return {MakeFlow(), sync::Flow{"Encounter", encounters_.get(), &transform_, &encounter_sink_}};
  }
  Result<avni::Run> RunJob(sync::JobKind kind) {
    sync::Engine engine(*store_, tenant_, clock_, options_);
    return engine.RunJob(job_id_, "instance-1", Flows(), kind);
  }
  std::vector<std::string> CountsOf(RowId run) {
    return db_->QueryColumn(
        "SELECT entity_type || ':' || read_count || '/' || written_count || '/' || "
        "skipped_count || '/' || failed_count FROM run_entity_counts WHERE run_id = " +
        std::to_string(run) + " ORDER BY entity_type");
  }

  std::unique_ptr<FakeSource> encounters_;
  MemorySink encounter_sink_;
};

TEST_P(RunJobTest, ASucceededRunShowsItsCountsPerEntityTypeAndInTotal) {
  auto run = RunJob(sync::JobKind::kMain);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->status, RunStatus::kSucceeded);
  ASSERT_TRUE(run->finished_at.has_value());
  EXPECT_EQ(run->instance, "instance-1");
  EXPECT_EQ(run->counts.read, 150);
  EXPECT_EQ(run->counts.written, 149);
  EXPECT_EQ(run->counts.failed, 1);
  EXPECT_EQ(CountsOf(run->id),
            (std::vector<std::string>{"Encounter:30/29/0/1", "Subject:120/120/0/0"}));
  auto listed =
      store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).jobs().ListRunCounts(run->id); });
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].counts.written, 120);
}

TEST_P(RunJobTest, AFailedFlowFailsTheRunWithItsReasonAndTheFlowsAfterItWait) {
  sink_.down = true;
  auto run = RunJob(sync::JobKind::kMain);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->status, RunStatus::kFailed);
  EXPECT_EQ(run->message.rfind("Subject: stopped before Subject 'subject-0000000'", 0), 0u)
      << run->message;
  EXPECT_EQ(encounter_sink_.size(), 0u);  // encounters need their subjects first
  EXPECT_EQ(Raw("SELECT status FROM runs WHERE id = " + std::to_string(run->id)), "failed");
}

TEST_P(RunJobTest, ARunWhoseFlowIsHeldElsewhereIsCancelledAndSaysWhy) {
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).sync_status().TryLock(kType, "other", std::chrono::minutes(5));
  }));
  auto run = RunJob(sync::JobKind::kErrors);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->status, RunStatus::kCancelled);
  EXPECT_NE(run->message.find("running"), std::string::npos) << run->message;
}

TEST_P(RunJobTest, AnErrorsRunCountsWhatItReprocessed) {
  ASSERT_EQ(RunJob(sync::JobKind::kMain)->status, RunStatus::kSucceeded);
  encounters_->Change("subject-0000004", clock_.Now(), false);
  clock_.Advance(options_.error_backoff_initial);
  auto run = RunJob(sync::JobKind::kErrors);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->status, RunStatus::kSucceeded);
  EXPECT_EQ(CountsOf(run->id), std::vector<std::string>{"Encounter:1/1/0/0"});
  EXPECT_EQ(encounter_sink_.RowsFor(KeyOf("subject-0000004")).size(), 1u);
}

AVNI_ON_EVERY_BACKEND(RunJobTest);

}  // namespace
}  // namespace avni::testing
