// What a run logs: its retries, its parked records and why it ended are kept in its run log, and
// a line logged on one of the engine's worker threads (write_concurrency > 1) names the run and
// goes to that run's log. Both backends.
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "logging/log_context.hpp"
#include "logging/log_sink.hpp"
#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

// A destination called from several threads: each create waits (bounded) until two threads are
// in it, so that a helper thread surely writes; "bad" keys are refused as data errors, and the
// first create of "flaky" keys fails for availability.
class TwoLaneSink final : public sync::Sink {
 public:
  explicit TwoLaneSink(std::thread::id main) : main_(main) {}

  Result<std::optional<std::string>> Find(const sync::Outgoing&) override {
    return std::optional<std::string>();
  }
  Result<std::string> Create(const sync::Outgoing& out) override {
    {
      std::unique_lock lock(mutex_);
      threads_.insert(std::this_thread::get_id());
      entered_.notify_all();
      entered_.wait_for(lock, 10s, [&] { return threads_.size() >= 2; });
      if (out.key.find("flaky") != std::string::npos && flaked_.insert(out.key).second) {
        return Fail(Error::Unavailable("the destination answered HTTP 503"));
      }
    }
    if (std::this_thread::get_id() != main_) spdlog::warn("written on a helper thread");
    if (out.key.find("bad") != std::string::npos) {
      return Fail(Error::InvalidArgument("", "the destination refused it"));
    }
    return "dest-" + out.key;
  }
  Status Update(std::string_view, const sync::Outgoing&) override { return {}; }
  Status Void(std::string_view, const sync::Outgoing&) override { return {}; }

 private:
  const std::thread::id main_;
  std::mutex mutex_;
  std::condition_variable entered_;
  std::set<std::thread::id> threads_;  // guarded by mutex_
  std::set<std::string> flaked_;       // guarded by mutex_
};

class RunLogTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    logging::Install(logging::LogFormat::kJson, spdlog::level::info, [this](std::string_view l) {
      std::lock_guard lock(mutex_);
      written_.emplace_back(l);
    });
  }
  void TearDown() override {
    logging::Install(logging::LogFormat::kText, spdlog::level::info);
    EngineTest::TearDown();
  }

  std::mutex mutex_;
  std::vector<std::string> written_;  // guarded by mutex_
};

TEST_P(RunLogTest, RetriesParkedRecordsAndAWorkerThreadsLinesAreKeptWithTheirRun) {
  std::vector<FakeEntity> entities = GenerateEntities(6, 1, clock_.Now());
  source_ = std::make_unique<FakeSource>(entities);
  // Ids decide the sink's behaviour: the third is refused, the fifth fails once.
  auto page = source_->Read(sync::Cursor{}, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->records.size(), 6u);
  const std::string bad_id = page->records[2].id;
  const std::string flaky_id = page->records[4].id;
  class Keyed final : public sync::Transform {
   public:
    Keyed(std::string bad, std::string flaky) : bad_(std::move(bad)), flaky_(std::move(flaky)) {}
    Result<sync::Outgoing> Apply(const sync::SourceRecord& r) override {
      std::string key = r.id;
      if (r.id == bad_) key += "-bad";
      if (r.id == flaky_) key += "-flaky";
      return sync::Outgoing{r.body, key};
    }

   private:
    std::string bad_, flaky_;
  } transform(bad_id, flaky_id);
  TwoLaneSink sink(std::this_thread::get_id());
  sync::Flow flow{kType, source_.get(), &transform, &sink};
  flow.write_concurrency = 3;

  auto log = std::make_shared<logging::RunLog>();
  Result<avni::Run> run = Fail(Error::Internal("not run"));
  {
    const logging::ScopedLogContext context(
        logging::LogContext{tenant_.value, "main", std::nullopt, log});
    sync::Engine engine(*store_, tenant_, clock_, options_);
    run = engine.RunJob(job_id_, "instance-1", {flow}, sync::JobKind::kMain);
  }
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->counts.failed, 1);

  bool retry = false, parked = false, helper = false, summary = false;
  for (const auto& line : log->Lines()) {
    retry = retry || (line.level == "info" && line.message.starts_with("retrying in ") &&
                      line.message.find("HTTP 503") != std::string::npos);
    parked = parked || (line.level == "warn" && line.message.find(bad_id) != std::string::npos &&
                        line.message.find("parked") != std::string::npos);
    helper = helper || line.message == "written on a helper thread";
    summary = summary || (line.level == "info" &&
                          line.message.starts_with(fmt::format("run {} succeeded", run->id)));
  }
  EXPECT_TRUE(retry);
  EXPECT_TRUE(parked);
  EXPECT_TRUE(helper);
  EXPECT_TRUE(summary);
  // The helper's line as written names the tenant, the job and the run.
  bool named = false;
  std::lock_guard lock(mutex_);
  for (const auto& text : written_) {
    const auto line = nlohmann::json::parse(text);
    if (line.at("msg") != "written on a helper thread") continue;
    named = line.value("tenant", 0) == tenant_.value && line.value("job", "") == "main" &&
            line.value("run", 0) == run->id;
  }
  EXPECT_TRUE(named);
}

AVNI_ON_EVERY_BACKEND(RunLogTest);

}  // namespace
}  // namespace avni::testing
