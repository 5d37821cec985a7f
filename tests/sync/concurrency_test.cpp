// A flow's write_concurrency: the records of a page in flight at once, each entity's versions
// still in order, the cursor still committed once per page and never past a record not done.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "sync/engine_fixture.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

// Records in a fixed order, positioned by sequence number (as a feed is): an id may come
// several times, one version each.
class SequenceSource final : public sync::Source {
 public:
  void Add(std::string id, int version) {
    sync::SourceRecord record;
    record.id = std::move(id);
    record.version = std::to_string(version);
    record.position.numeric = static_cast<std::int64_t>(records_.size()) + 1;
    record.body = record.version;
    records_.push_back(std::move(record));
  }
  Result<sync::Page> Read(const sync::Cursor& after, int limit) override {
    sync::Page page;
    const std::int64_t from = after.numeric.value_or(0);
    for (std::int64_t i = from; i < static_cast<std::int64_t>(records_.size()); ++i) {
      if (static_cast<int>(page.records.size()) == limit) return page;
      page.records.push_back(records_[i]);
    }
    page.last = true;
    return page;
  }
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view) override {
    return std::optional<sync::SourceRecord>();
  }

 private:
  std::vector<sync::SourceRecord> records_;
};

class PassThrough final : public sync::Transform {
 public:
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override {
    return sync::Outgoing{record.body, record.id};
  }
};

// A destination that takes `delay` per write, called from many threads: it notes how many
// writes were in flight at once and every version written per key, in the order written.
class SlowSink final : public sync::Sink {
 public:
  explicit SlowSink(std::chrono::milliseconds delay) : delay_(delay) {}

  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override {
    std::lock_guard lock(mutex_);
    auto it = destination_of_.find(out.key);
    if (it == destination_of_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Result<std::string> Create(const sync::Outgoing& out) override {
    if (auto ok = Write(out); !ok) return Fail(ok.error());
    std::lock_guard lock(mutex_);
    ++creates_[out.key];
    const std::string id = "dest-" + out.key;
    destination_of_[out.key] = id;
    return id;
  }
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override {
    if (destination_id != "dest-" + out.key) {
      return Fail(Error::InvalidArgument("destination", "updated the wrong record"));
    }
    return Write(out);
  }
  Status Void(std::string_view, const sync::Outgoing&) override { return {}; }

  std::map<std::string, std::vector<std::string>> written() const {
    std::lock_guard lock(mutex_);
    return written_;
  }
  std::map<std::string, int> creates() const {
    std::lock_guard lock(mutex_);
    return creates_;
  }
  int most_in_flight() const { return most_in_flight_.load(); }

  std::atomic<bool> refuse_down_key{true};
  std::atomic<int> down_for{1 << 30};  // how many writes of down_key are refused
  std::string down_key;  // answered kUnavailable while refuse_down_key is set and down_for > 0

 private:
  Status Write(const sync::Outgoing& out) {
    if (out.key == down_key && refuse_down_key.load() && down_for.fetch_sub(1) > 0) {
      return Fail(Error::Unavailable("HTTP 503: the destination is down"));
    }
    const int now = ++in_flight_;
    for (int seen = most_in_flight_.load(); now > seen;) {
      if (most_in_flight_.compare_exchange_weak(seen, now)) break;
    }
    std::this_thread::sleep_for(delay_);
    --in_flight_;
    std::lock_guard lock(mutex_);
    written_[out.key].push_back(out.body);
    return {};
  }

  const std::chrono::milliseconds delay_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> most_in_flight_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> written_;  // guarded by mutex_
  std::map<std::string, int> creates_;                       // guarded by mutex_
  std::map<std::string, std::string> destination_of_;        // guarded by mutex_
};

class WriteConcurrencyTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    // Retries from several threads at once: a sleeper that only counts.
    options_.sleep = [this](std::chrono::milliseconds) {
      ++retried_;
      return true;
    };
    options_.retry.max_attempts = 2;
  }
  sync::FlowResult Run(sync::Source& source, sync::Sink& sink, int concurrency) {
    sync::Flow flow{kType, &source, &transform_, &sink};
    flow.write_concurrency = concurrency;
    sync::Engine engine(*store_, tenant_, clock_, options_);
    return engine.RunFlow(flow, StartRun());
  }
  std::string CursorNumeric() {
    return Raw("SELECT read_upto_numeric FROM sync_status WHERE tenant_id = " + Tenant());
  }
  static std::string Id(int i) { return fmt::format("r{:03}", i); }

  PassThrough transform_;
  std::atomic<int> retried_{0};
};

TEST_P(WriteConcurrencyTest, RecordsOfAPageAreInFlightAtOnceUpToTheLimitAndEachIsWrittenOnce) {
  for (const int concurrency : {1, 8}) {
    SCOPED_TRACE(fmt::format("write_concurrency {}", concurrency));
    SequenceSource source;
    for (int i = 0; i < 120; ++i) source.Add(Id(i) + "-" + std::to_string(concurrency), 1);
    SlowSink sink(3ms);
    options_.page_size = 50;
    auto result = Run(source, sink, concurrency);
    ASSERT_EQ(result.outcome, sync::FlowOutcome::kCompleted) << result.message;
    EXPECT_EQ(result.counts.written, 120);
    if (concurrency == 1) {
      EXPECT_EQ(sink.most_in_flight(), 1);
    } else {
      EXPECT_GT(sink.most_in_flight(), 1);
      EXPECT_LE(sink.most_in_flight(), concurrency);
    }
    const auto written = sink.written();
    ASSERT_EQ(written.size(), 120u);
    for (const auto& [key, versions] : written) {
      EXPECT_EQ(versions, std::vector<std::string>{"1"}) << key;
    }
    EXPECT_EQ(CursorNumeric(), "120");
    // Reset the cursor for the next round: its records have ids of their own.
    db_->Execute("DELETE FROM sync_status WHERE tenant_id = " + Tenant());
  }
}

TEST_P(WriteConcurrencyTest, VersionsOfOneEntityInAPageAreWrittenInOrderOnOneRecord) {
  SequenceSource source;
  for (int version = 1; version <= 3; ++version) {
    for (int i = 0; i < 10; ++i) source.Add(Id(i), version);
  }
  SlowSink sink(2ms);
  auto result = Run(source, sink, 8);
  ASSERT_EQ(result.outcome, sync::FlowOutcome::kCompleted) << result.message;
  const auto written = sink.written();
  const auto creates = sink.creates();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(written.contains(Id(i)));
    EXPECT_EQ(written.at(Id(i)), (std::vector<std::string>{"1", "2", "3"})) << Id(i);
    EXPECT_EQ(creates.at(Id(i)), 1) << Id(i) << ": the later versions update the first's record";
  }
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM entity_links WHERE tenant_id = " + Tenant() +
                " AND source_version = '3'"),
            "10");
}

TEST_P(WriteConcurrencyTest, AnOutageMidPageLeavesTheCursorBeforeTheFirstRecordNotDone) {
  SequenceSource source;
  for (int i = 0; i < 60; ++i) source.Add(Id(i), 1);
  SlowSink sink(1ms);
  sink.down_key = Id(30);
  auto failed = Run(source, sink, 4);
  ASSERT_EQ(failed.outcome, sync::FlowOutcome::kFailed);
  EXPECT_NE(failed.message.find("'r030'"), std::string::npos) << failed.message;
  EXPECT_EQ(CursorNumeric(), "30") << "the cursor stays before r030, the first record not done";
  EXPECT_GT(retried_.load(), 0);
  EXPECT_TRUE(ErrorEntityIds().empty()) << "an outage parks nothing";

  sink.refuse_down_key = false;
  auto resumed = Run(source, sink, 4);
  ASSERT_EQ(resumed.outcome, sync::FlowOutcome::kCompleted) << resumed.message;
  EXPECT_EQ(CursorNumeric(), "60");
  const auto written = sink.written();
  const auto creates = sink.creates();
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(written.contains(Id(i))) << Id(i) << " was lost";
    EXPECT_EQ(creates.at(Id(i)), 1) << Id(i) << " was created twice";
    // A record written after the stop point kept its link and was not written again.
    EXPECT_EQ(written.at(Id(i)).size(), 1u) << Id(i);
  }
  EXPECT_EQ(LinkCount(), 60);
}

// Retries that outlast the flow lock's life renew it as they wait, so the page still commits
// (before, the lock lapsed during the retries of one record and its page could not commit).
TEST_P(WriteConcurrencyTest, ARecordRetriedForLongerThanTheLockLivesStillCommitsItsPage) {
  options_.lock_ttl = std::chrono::seconds(30);
  options_.retry.max_attempts = 8;
  options_.sleep = [this](std::chrono::milliseconds) {
    clock_.Advance(std::chrono::seconds(20));  // each wait, a long one
    return true;
  };
  for (const int concurrency : {1, 4}) {
    SCOPED_TRACE(fmt::format("write_concurrency {}", concurrency));
    SequenceSource source;
    for (int i = 0; i < 10; ++i) source.Add(Id(i) + "-" + std::to_string(concurrency), 1);
    SlowSink sink(0ms);
    sink.down_key = Id(5) + "-" + std::to_string(concurrency);
    sink.down_for = 5;  // 100 s of retries: over three times the lock's life
    auto result = Run(source, sink, concurrency);
    ASSERT_EQ(result.outcome, sync::FlowOutcome::kCompleted) << result.message;
    EXPECT_EQ(result.counts.written, 10);
    EXPECT_EQ(CursorNumeric(), "10");
    db_->Execute("DELETE FROM sync_status WHERE tenant_id = " + Tenant());
  }
}

AVNI_ON_EVERY_BACKEND(WriteConcurrencyTest);

}  // namespace
}  // namespace avni::testing
