// The integration seam as the engine keeps it, on both backends: an integration's exception
// parks its record or fails its run and nothing else; voids and skips; flows that depend on
// each other run in order, and a record whose parent is missing clears once the parent syncs;
// a setup failure stops the flow without retrying or parking.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

using sync::FlowOutcome;
using sync::Outgoing;

class BoundariesTest : public EngineTest {
 protected:
  std::string LatestMessage(const std::string& entity_id) {
    return Raw(
        "SELECT l.message FROM error_record_log l JOIN error_records r ON r.id = "
        "l.error_record_id WHERE r.tenant_id = " +
        Tenant() + " AND r.entity_id = '" + entity_id + "' ORDER BY l.id DESC");
  }
};

// Throws for the records it is told to, as a transform with a bug would on a record of a shape
// it did not expect; copies the rest.
class ThrowingTransform final : public sync::Transform {
 public:
  Result<Outgoing> Apply(const sync::SourceRecord& record) override {
    if (record.id == "subject-0000003") throw std::runtime_error("boom in the transform");
    if (record.id == "subject-0000007") {
      // What nlohmann/json throws when a field has another type than the code expects.
      const auto body = nlohmann::json::parse(record.body);
      (void)body.at("ID").get<int>();
    }
    return Outgoing{record.body, KeyOf(record.id)};
  }
};

TEST_P(BoundariesTest, AThrowingTransformParksItsRecordAndTheFlowGoesOn) {
  MakeSource(12, 1);
  ThrowingTransform throwing;
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto result = engine.RunFlow(sync::Flow{kType, source_.get(), &throwing, &sink_}, StartRun());
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(result.counts.written, 10);
  EXPECT_EQ(result.counts.failed, 2);
  EXPECT_EQ(ErrorEntityIds(), (std::vector<std::string>{"subject-0000003", "subject-0000007"}));
  EXPECT_EQ(LatestMessage("subject-0000003"), "internal error: boom in the transform");
  EXPECT_NE(LatestMessage("subject-0000007").find("internal error: [json.exception.type_error"),
            std::string::npos)
      << LatestMessage("subject-0000007");
  EXPECT_EQ(CursorId(), "subject-0000011");
  ExpectSinkHoldsEachOnce({"subject-0000003", "subject-0000007"});
}

// A sink that throws on one key, as a client with a bug would on an unexpected answer.
class ThrowingSink final : public sync::Sink {
 public:
  explicit ThrowingSink(MemorySink& inner) : inner_(inner) {}
  Result<std::optional<std::string>> Find(const Outgoing& out) override { return inner_.Find(out); }
  Result<std::string> Create(const Outgoing& out) override {
    if (out.key == KeyOf("subject-0000004")) throw std::logic_error("boom in the sink");
    return inner_.Create(out);
  }
  Status Update(std::string_view id, const Outgoing& out) override {
    return inner_.Update(id, out);
  }
  Status Void(std::string_view id, const Outgoing& out) override { return inner_.Void(id, out); }

 private:
  MemorySink& inner_;
};

TEST_P(BoundariesTest, AThrowingSinkParksItsRecordAndTheFlowGoesOn) {
  MakeSource(8, 2);
  ThrowingSink throwing(sink_);
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto result =
      engine.RunFlow(sync::Flow{kType, source_.get(), &transform_, &throwing}, StartRun());
  ASSERT_EQ(result.outcome, FlowOutcome::kCompleted) << result.message;
  EXPECT_EQ(ErrorEntityIds(), std::vector<std::string>{"subject-0000004"});
  EXPECT_EQ(LatestMessage("subject-0000004"), "internal error: boom in the sink");
  ExpectSinkHoldsEachOnce({"subject-0000004"});
}

// A source that throws: the run fails with the message, its row is ended (not left running),
// and the next run, with the source mended, does the work.
class ThrowingSource final : public sync::Source {
 public:
  explicit ThrowingSource(sync::Source& inner) : inner_(inner) {}
  Result<sync::Page> Read(const sync::Cursor& after, int limit) override {
    if (broken) throw std::runtime_error("boom in the source");
    return inner_.Read(after, limit);
  }
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view id) override {
    return inner_.Fetch(id);
  }
  bool broken = true;

 private:
  sync::Source& inner_;
};

TEST_P(BoundariesTest, AThrowingSourceFailsTheRunWithItsMessageAndEndsTheRun) {
  MakeSource(5, 1);
  ThrowingSource throwing(*source_);
  const sync::Flow flow{kType, &throwing, &transform_, &sink_};
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto run = engine.RunJob(job_id_, "test", {flow}, sync::JobKind::kMain);
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->status, RunStatus::kFailed);
  EXPECT_NE(run->message.find("internal error: boom in the source"), std::string::npos)
      << run->message;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM runs WHERE status = 'running'"), "0");
  EXPECT_EQ(sink_.size(), 0u);
  throwing.broken = false;
  auto again = engine.RunJob(job_id_, "test", {flow}, sync::JobKind::kMain);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, RunStatus::kSucceeded) << again->message;
  ExpectSinkHoldsEachOnce();
}

// Voids what the source voided (when it was written before), skips what it says to skip.
class VoidingTransform final : public sync::Transform {
 public:
  Result<Outgoing> Apply(const sync::SourceRecord& record) override {
    Outgoing out{record.body, KeyOf(record.id)};
    if (voided.contains(record.id)) out.action = Outgoing::Action::kVoid;
    if (skipped.contains(record.id)) out.action = Outgoing::Action::kSkip;
    return out;
  }
  std::set<std::string> voided, skipped;
};

TEST_P(BoundariesTest, VoidsReachTheSinkForWrittenRecordsAndSkipsAreCounted) {
  MakeSource(6, 1);
  VoidingTransform transform;
  transform.skipped = {"subject-0000005"};
  const sync::Flow flow{kType, source_.get(), &transform, &sink_};
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto first = engine.RunFlow(flow, StartRun());
  ASSERT_EQ(first.outcome, FlowOutcome::kCompleted) << first.message;
  EXPECT_EQ(first.counts.written, 5);
  EXPECT_EQ(first.counts.skipped, 1);
  EXPECT_TRUE(sink_.RowsFor(KeyOf("subject-0000005")).empty());

  // subject 1 is voided in the source after it was written; subject 5, never written, too.
  transform.voided = {"subject-0000001", "subject-0000005"};
  transform.skipped.clear();
  clock_.Advance(std::chrono::seconds(1));
  source_->Change("subject-0000001", clock_.Now(), false);
  source_->Change("subject-0000005", clock_.Now(), false);
  auto second = engine.RunFlow(flow, StartRun());
  ASSERT_EQ(second.outcome, FlowOutcome::kCompleted) << second.message;
  EXPECT_EQ(second.counts.written, 1);  // the void
  EXPECT_EQ(second.counts.skipped, 1);  // nothing to void
  EXPECT_EQ(sink_.voids, 1);
  auto rows = sink_.RowsFor(KeyOf("subject-0000001"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows.front()->voided);
  EXPECT_TRUE(sink_.RowsFor(KeyOf("subject-0000005")).empty());
  EXPECT_TRUE(ErrorEntityIds().empty());
}

// An encounter's transform needs its subject's destination id, from the subject flow's entity
// links: a missing parent is a data error naming it.
class ChildTransform final : public sync::Transform {
 public:
  ChildTransform(store::Store& store, TenantId tenant) : store_(store), tenant_(tenant) {}
  Result<Outgoing> Apply(const sync::SourceRecord& record) override {
    // Encounter "subject-000000k" belongs to Subject "subject-000000k".
    auto links = store_.Read([&](store::Tx& tx) {
      return tx.tenant(tenant_).entity_links().FindMany("Subject", {record.id});
    });
    if (!links) return Fail(links.error());
    if (links->empty()) {
      return Fail(Error::InvalidArgument(
          "", fmt::format("NoSubjectWithId: subject {} of this encounter has not been written "
                          "yet; it is retried after the subject syncs",
                          record.id)));
    }
    return Outgoing{record.body + "@" + links->front().destination_id, "enc-" + record.id};
  }

 private:
  store::Store& store_;
  TenantId tenant_;
};

TEST_P(BoundariesTest, FlowsRunAfterTheirParentsAndAMissingParentClearsOnReprocessing) {
  MakeSource(4, 1);
  FakeSource encounters(GenerateEntities(4, 1, clock_.Now()));
  ChildTransform child(*store_, tenant_);
  MemorySink encounter_sink;
  const sync::Flow subjects{kType, source_.get(), &transform_, &sink_};
  const sync::Flow encounter_flow{"Encounter", &encounters, &child, &encounter_sink, {kType}};
  sync::Engine engine(*store_, tenant_, clock_, options_);

  // Listed child first: the run still writes the subjects first, so every encounter finds its
  // subject.
  auto run = engine.RunJob(job_id_, "test", {encounter_flow, subjects}, sync::JobKind::kMain);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->status, RunStatus::kSucceeded) << run->message;
  EXPECT_EQ(encounter_sink.size(), 4u);
  EXPECT_TRUE(ErrorEntityIds().empty());

  // A new encounter whose subject is new too, with only the encounter flow running: parked,
  // naming its parent; reprocessed after the subject's flow ran, it is delivered.
  clock_.Advance(std::chrono::seconds(1));
  FakeSource more_encounters(GenerateEntities(5, 1, clock_.Now()));
  const sync::Flow alone{"Encounter", &more_encounters, &child, &encounter_sink};
  ASSERT_EQ(engine.RunFlow(alone, StartRun()).outcome, FlowOutcome::kCompleted);
  EXPECT_EQ(ErrorEntityIds(), std::vector<std::string>{"subject-0000004"});
  EXPECT_NE(LatestMessage("subject-0000004").find("NoSubjectWithId"), std::string::npos);
  MakeSource(5, 1);
  const sync::Flow five_subjects{kType, source_.get(), &transform_, &sink_};
  ASSERT_EQ(engine.RunFlow(five_subjects, StartRun()).outcome, FlowOutcome::kCompleted);
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).errors().ScheduleNowWhere(store::ErrorRecordFilter{});
  }));
  auto reprocessed = engine.Reprocess(alone, StartRun());
  ASSERT_EQ(reprocessed.outcome, FlowOutcome::kCompleted) << reprocessed.message;
  EXPECT_TRUE(ErrorEntityIds().empty());
  EXPECT_EQ(encounter_sink.RowsFor("enc-subject-0000004").size(), 1u);
}

TEST(FlowOrderTest, DependenciesOrderFlowsAndCyclesOrMissingParentsAreNamed) {
  auto flow = [](std::string type, std::vector<std::string> parents) {
    return sync::Flow{std::move(type), nullptr, nullptr, nullptr, std::move(parents)};
  };
  auto names = [](const std::vector<sync::Flow>& flows) {
    std::vector<std::string> out;
    for (const auto& f : flows) out.push_back(f.entity_type);
    return out;
  };
  auto ordered = sync::InDependencyOrder({flow("ProgramEncounter", {"Enrolment"}),
                                          flow("Encounter", {"Subject"}), flow("Subject", {}),
                                          flow("Enrolment", {"Subject"}), flow("Location", {})});
  ASSERT_TRUE(ordered) << ordered.error().message;
  EXPECT_EQ(names(*ordered), (std::vector<std::string>{"Subject", "Encounter", "Enrolment",
                                                       "ProgramEncounter", "Location"}));
  auto missing = sync::InDependencyOrder({flow("Encounter", {"Subject"})});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "Encounter");
  EXPECT_NE(missing.error().message.find("enable the Subject flow"), std::string::npos);
  auto cycle = sync::InDependencyOrder({flow("A", {"B"}), flow("B", {"A"}), flow("C", {})});
  ASSERT_FALSE(cycle);
  EXPECT_NE(cycle.error().message.find("A, B"), std::string::npos) << cycle.error().message;
}

// A sink whose setup is wrong (an address the operator does not allow): every record would
// fail alike, so the flow stops at once, without retrying and without parking.
class MisconfiguredSink final : public sync::Sink {
 public:
  Result<std::optional<std::string>> Find(const Outgoing&) override {
    ++calls;
    return Fail(Error::FailedPrecondition("avni_api_url: 10.0.0.5 is a private address"));
  }
  Result<std::string> Create(const Outgoing&) override { return std::string(); }
  Status Update(std::string_view, const Outgoing&) override { return {}; }
  Status Void(std::string_view, const Outgoing&) override { return {}; }
  int calls = 0;
};

TEST_P(BoundariesTest, ASetupFailureStopsTheFlowWithoutRetriesOrErrorRecords) {
  MakeSource(10, 1);
  MisconfiguredSink sink;
  sync::Engine engine(*store_, tenant_, clock_, options_);
  auto result = engine.RunFlow(sync::Flow{kType, source_.get(), &transform_, &sink}, StartRun());
  EXPECT_EQ(result.outcome, FlowOutcome::kFailed);
  EXPECT_NE(result.message.find("10.0.0.5 is a private address"), std::string::npos)
      << result.message;
  EXPECT_EQ(sink.calls, 1);
  EXPECT_TRUE(slept_.empty());
  EXPECT_TRUE(ErrorEntityIds().empty());
  EXPECT_EQ(CursorId(), "");
}

AVNI_ON_EVERY_BACKEND(BoundariesTest);

}  // namespace
}  // namespace avni::testing
