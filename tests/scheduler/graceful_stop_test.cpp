// SIGTERM lets a running flow commit its page, ends its run as cancelled and releases the
// lease within the grace period; a second signal stops at once, and what was committed stays.
// The real binary, on SQLite, with a demo tenant whose writes are slow.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/store.hpp"
#include "support/process.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

const std::string kKey = "AVNI_INT_SECRET_KEY=" + std::string(64, '2');

class GracefulStopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    char dir[] = "/tmp/avni-stop-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    dsn_ = "sqlite:" + dir_ + "/db";
    auto store = store::Store::Open(dsn_, {});
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE((*store)->Transact([&](store::Tx& tx) -> Status {
      auto tenant = tx.tenants().Create("slow", "demo");
      if (!tenant) return Fail(tenant.error());
      auto scope = tx.tenant(tenant->id);
      // Pages of 5 subjects, 100 ms per write: half a second per page.
      auto job = scope.jobs().Put(
          Job{0, tenant->id, "main", "* * * * * ?", true, "UTC", R"({"page_size":5})"});
      if (!job) return Fail(job.error());
      for (auto [key, value] :
           {std::pair{"demo_records_per_second", "1000"}, {"demo_write_ms", "100"}}) {
        if (auto set = scope.config().Set(key, value, false); !set) return Fail(set.error());
      }
      return {};
    }));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::optional<BackgroundProcess> Serve() {
    auto p = BackgroundProcess::Start(ServeCommand({"--port", "0", "--db", dsn_, "--grace-seconds",
                                                    "20", "--lease-seconds", "30"}),
                                      {kKey});
    if (p) {
      EXPECT_TRUE(p->ReadLine(60s).has_value()) << p->Stderr();
    }
    return p;
  }
  std::string Raw(const std::string& sql) {
    // Read through the sqlite3 tool: the file as it is, whatever the service did.
    auto out = RunProcess({"/usr/bin/sqlite3", dir_ + "/db", sql});
    std::string text = out.out;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }
  bool WaitFor(const std::string& sql, const std::string& want, std::chrono::seconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (Raw(sql) == want) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string dir_, dsn_;
};

TEST_F(GracefulStopTest, SigtermLetsTheRunningPageCommitThenEndsTheRunAndReleasesTheLease) {
  auto server = Serve();
  ASSERT_TRUE(server.has_value());
  // Running, with at least one page committed.
  ASSERT_TRUE(WaitFor("SELECT COUNT(*) > 0 FROM sync_status", "1", 60s)) << server->Stderr();
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(server->Stop(SIGTERM, 30s), 0) << server->Stderr();
  const auto took = std::chrono::steady_clock::now() - asked;
  EXPECT_LT(took, 20s);
  EXPECT_EQ(Raw("SELECT status FROM runs ORDER BY id DESC LIMIT 1"), "cancelled");
  EXPECT_NE(Raw("SELECT message FROM runs ORDER BY id DESC LIMIT 1").find("stop requested"),
            std::string::npos);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM leases"), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM flow_locks"), "0");
  // The counts committed with the pages match the cursor: whole pages only.
  const long long written = std::stoll(Raw("SELECT SUM(written_count) FROM run_entity_counts"));
  EXPECT_GT(written, 0);
  EXPECT_EQ(written % 5, 0) << written;
  EXPECT_EQ(Raw("SELECT read_upto_id FROM sync_status"), fmt::format("demo-{:012}", written - 1));
}

TEST_F(GracefulStopTest, ASecondSignalStopsAtOnceAndWhatWasCommittedStays) {
  auto server = Serve();
  ASSERT_TRUE(server.has_value());
  ASSERT_TRUE(WaitFor("SELECT COUNT(*) > 0 FROM sync_status", "1", 60s)) << server->Stderr();
  kill(server->pid(), SIGTERM);
  std::this_thread::sleep_for(100ms);
  const auto asked = std::chrono::steady_clock::now();
  EXPECT_EQ(server->Stop(SIGTERM, 10s), 1) << server->Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 2s);
  const long long written = std::stoll(Raw("SELECT SUM(written_count) FROM run_entity_counts"));
  EXPECT_EQ(written % 5, 0) << written;
  EXPECT_EQ(Raw("SELECT read_upto_id FROM sync_status"), fmt::format("demo-{:012}", written - 1));
}

}  // namespace
}  // namespace avni::testing
