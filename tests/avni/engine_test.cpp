// The Avni client as the sync engine's source, on both stores: the simulator answers with
// outages, cut answers and dropped connections, many subjects share a millisecond, subjects
// are edited between runs; at the end every subject is in the sink exactly once with its
// latest body, and the cursor stands on the last one.

#include <httplib.h>

#include <memory>

#include "avni/source.hpp"
#include "avnisim/simulator.hpp"
#include "support/loopback_client.hpp"
#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class AvniEngineTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    sim::SimOptions sim_options;
    sim_options.subjects = 600;
    sim_options.same_time = 17;
    sim_options.seed = 5;
    sim_ = std::make_unique<sim::Simulator>(sim_options);
    const int port = sim_->Start();
    ASSERT_GT(port, 0);
    control_ = std::make_unique<httplib::Client>("127.0.0.1", port);
    avniapi::AvniConfig config;
    config.api_url = "http://127.0.0.1:" + std::to_string(port);
    config.user = "admin@sim";
    config.auth_enabled = false;
    client_ = std::make_unique<avniapi::Client>(config, wall_clock_, LoopbackClientOptions());
    options_.page_size = 40;
    options_.retry.max_attempts = 6;
  }
  void TearDown() override {
    client_.reset();
    if (sim_) sim_->Stop();
    EngineTest::TearDown();
  }

  sync::FlowResult Run() {
    avniapi::WatermarkSource source(*client_, avniapi::Resource::kSubject, {}, wall_clock_);
    sync::Engine engine(*store_, tenant_, clock_, options_);
    return engine.RunFlow(sync::Flow{kType, &source, &transform_, &sink_}, StartRun());
  }
  // Runs until a run completes (each run may stop at a persistent outage).
  void RunToCompletion() {
    for (int i = 0; i < 50; ++i) {
      if (Run().outcome == sync::FlowOutcome::kCompleted) return;
    }
    FAIL() << "50 runs did not complete";
  }
  // Every subject the simulator holds is in the sink once, with the body Avni has now.
  void ExpectSinkMatchesAvni() {
    auto res = control_->Get("/_sim/entities/subject");
    ASSERT_TRUE(res && res->status == 200);
    json all = json::parse(res->body);
    const json& list = all.is_array() ? all : all.at("entities");
    ASSERT_EQ(list.size(), 600u);
    for (const auto& subject : list) {
      const std::string id = subject.at("ID");
      auto rows = sink_.RowsFor(KeyOf(id));
      ASSERT_EQ(rows.size(), 1u) << id;
      EXPECT_EQ(json::parse(rows.front()->body), subject) << id;
    }
    EXPECT_EQ(sink_.size(), 600u);
  }

  SystemClock wall_clock_;
  std::unique_ptr<sim::Simulator> sim_;
  std::unique_ptr<httplib::Client> control_;
  std::unique_ptr<avniapi::Client> client_;
};

TEST_P(AvniEngineTest, EverySubjectArrivesOnceThroughOutagesCutAnswersAndEdits) {
  auto faults = control_->Post(
      "/_sim/faults",
      R"({"status": 503, "rate": 0.15, "malformed_json_rate": 0.05, "drop_rate": 0.05, "seed": 9})",
      "application/json");
  ASSERT_TRUE(faults && faults->status == 200) << (faults ? faults->body : "no answer");
  RunToCompletion();
  ExpectSinkMatchesAvni();
  EXPECT_EQ(sink_.creates, 600);

  // Edits in Avni between runs: those subjects are read again and updated, not duplicated.
  auto res = control_->Get("/_sim/entities/subject");
  const json all = json::parse(res->body);
  const json& list = all.is_array() ? all : all.at("entities");
  const Timestamp edited = wall_clock_.Now() - std::chrono::minutes(1);
  for (int i = 0; i < 600; i += 50) {
    ASSERT_TRUE(sim_->Touch(list[i].at("ID"), edited));
  }
  RunToCompletion();
  ExpectSinkMatchesAvni();
  EXPECT_EQ(sink_.creates, 600);
  EXPECT_GE(sink_.updates, 12);
  // The cursor stands on the last subject in Avni's order (asked of the API itself).
  ASSERT_TRUE(control_->Delete("/_sim/faults"));
  httplib::Headers as_user = {{"USER-NAME", "admin@sim"}};
  auto window = control_->Get("/api/subjects?size=100&lastModifiedDateTime=" +
                                  FormatIso8601(edited - std::chrono::milliseconds(1)),
                              as_user);
  ASSERT_TRUE(window && window->status == 200);
  const std::string last_id = json::parse(window->body).at("content").back().at("ID");
  const auto cursor = db_->QueryColumn("SELECT read_upto_id FROM sync_status WHERE tenant_id = " +
                                       std::to_string(tenant_.value));
  ASSERT_EQ(cursor.size(), 1u);
  EXPECT_TRUE(cursor[0].ends_with(":" + last_id)) << cursor[0];
}

TEST_P(AvniEngineTest, AnAvniTheOperatorDoesNotAllowFailsTheRunAndParksNothing) {
  // The same simulator, but the client has the default target policy: loopback is refused.
  client_ = std::make_unique<avniapi::Client>(client_->config(), wall_clock_);
  const sync::FlowResult result = Run();
  EXPECT_EQ(result.outcome, sync::FlowOutcome::kFailed);
  // The engine says what it was doing; the client's part names the setting first.
  EXPECT_NE(result.message.find("failed: avni_api_url: 127.0.0.1:"), std::string::npos)
      << result.message;
  EXPECT_NE(result.message.find("--allow-private-targets"), std::string::npos) << result.message;
  EXPECT_TRUE(ErrorEntityIds().empty());
  EXPECT_EQ(sink_.size(), 0u);
  EXPECT_EQ(CursorId(), "");
  auto stats = control_->Get("/_sim/stats");
  ASSERT_TRUE(stats && stats->status == 200);
  EXPECT_TRUE(json::parse(stats->body).at("requests").empty()) << "the simulator was called";
}

AVNI_ON_EVERY_BACKEND(AvniEngineTest);

}  // namespace
}  // namespace avni::testing
