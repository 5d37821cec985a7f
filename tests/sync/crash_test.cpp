// kill -9 at random instants loses nothing and duplicates nothing (DESIGN.md, rule 7): a child
// process runs a 10,000-record flow into a sink file and is killed with SIGKILL at least 50
// times before it may finish; then every record is checked, one by one. Both backends.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include "support/store_test.hpp"
#include "sync/fakes.hpp"

extern char** environ;

namespace avni::testing {
namespace {

constexpr int kRecords = 10000;
constexpr int kKills = 50;

std::vector<FakeEntity> CrashEntities(int n) {  // as crash_child.cpp makes them
  auto entities = GenerateEntities(n, 7, FromEpochMillis(1'700'000'000'000));
  for (std::size_t i = 0; i < entities.size(); i += 97) entities[i].bad = true;
  return entities;
}

// The sink file's rows: key -> (destination ids, body of the first).
std::map<std::string, std::pair<std::vector<std::string>, std::string>> SinkRows(
    const std::string& path) {
  std::map<std::string, std::pair<std::vector<std::string>, std::string>> out;
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT id, key, body FROM dest ORDER BY id", -1, &st, nullptr),
            SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) {
    auto& row = out[reinterpret_cast<const char*>(sqlite3_column_text(st, 1))];
    row.first.push_back("dest-" + std::to_string(sqlite3_column_int64(st, 0)));
    if (row.second.empty()) row.second = reinterpret_cast<const char*>(sqlite3_column_text(st, 2));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

class CrashTest : public StoreTest {
 protected:
  pid_t Spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    EXPECT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    return pid;
  }
};

TEST_P(CrashTest, KilledFiftyTimesTheFlowEndsWithEveryRecordOnceAndTheCursorAtTheEnd) {
  const TenantId tenant = MakeTenant("crash");
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant).jobs().Put(Job{0, tenant, "main", "-", true, "UTC", "{}"});
  }));
  char dir_template[] = "/tmp/avni-crash-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string sink = dir + "/sink.db";
  const std::vector<std::string> args = {AVNI_CRASH_CHILD, db_->dsn(), std::to_string(tenant.value),
                                         sink, std::to_string(kRecords)};
  std::mt19937 random(GetParam() == store::Backend::kSqlite ? 5 : 6);
  int kills = 0, lives = 0, exit_code = -1;
  while (exit_code != 0 && lives < 2000) {
    ++lives;
    const pid_t pid = Spawn(args);
    ASSERT_GT(pid, 0);
    int status = 0;
    if (kills < kKills) {
      // Anywhere in a life: during start-up, a page, a sink write, a commit.
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::uniform_int_distribution<>(10, 150)(random)));
      if (waitpid(pid, &status, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        ++kills;
        continue;
      }
    } else {
      waitpid(pid, &status, 0);
    }
    ASSERT_TRUE(WIFEXITED(status)) << "child died of signal " << WTERMSIG(status);
    exit_code = WEXITSTATUS(status);
    ASSERT_EQ(exit_code, 0) << "the flow did not complete on its own";
  }
  ASSERT_EQ(exit_code, 0);
  EXPECT_GE(kills, kKills) << "the child finished too soon to be killed often enough";
  std::cout << "[ crash    ] " << kills << " kills, " << lives << " lives\n";

  // Record by record: each good one in the sink exactly once with its body and linked to that
  // row; each refused one parked exactly once and never written.
  FakeSource source(CrashEntities(kRecords));
  auto all = source.Read(sync::Cursor{}, kRecords + 1);
  ASSERT_TRUE(all);
  auto rows = SinkRows(sink);
  std::map<std::string, std::string> links;
  const std::string t = std::to_string(tenant.value);
  auto ids = db_->QueryColumn("SELECT source_id FROM entity_links WHERE tenant_id = " + t +
                              " ORDER BY source_id");
  auto dests = db_->QueryColumn("SELECT destination_id FROM entity_links WHERE tenant_id = " + t +
                                " ORDER BY source_id");
  for (std::size_t i = 0; i < ids.size(); ++i) links[ids[i]] = dests[i];
  auto parked_list = db_->QueryColumn("SELECT entity_id FROM error_records WHERE tenant_id = " + t);
  std::set<std::string> parked(parked_list.begin(), parked_list.end());
  EXPECT_EQ(parked.size(), parked_list.size());
  int bad = 0;
  for (std::size_t i = 0; i < all->records.size(); ++i) {
    const auto& record = all->records[i];
    const bool refused = i % 97 == 0;
    if (refused) {
      ++bad;
      EXPECT_TRUE(parked.contains(record.id)) << record.id;
      EXPECT_FALSE(rows.contains(KeyOf(record.id))) << record.id;
      EXPECT_FALSE(links.contains(record.id)) << record.id;
      continue;
    }
    auto row = rows.find(KeyOf(record.id));
    ASSERT_NE(row, rows.end()) << record.id << " never reached the sink";
    EXPECT_EQ(row->second.first.size(), 1u) << record.id << " was written more than once";
    EXPECT_EQ(row->second.second, record.body) << record.id;
    EXPECT_EQ(links[record.id], row->second.first.front()) << record.id;
    EXPECT_FALSE(parked.contains(record.id)) << record.id;
  }
  EXPECT_EQ(static_cast<int>(parked.size()), bad);
  EXPECT_EQ(rows.size(), all->records.size() - static_cast<std::size_t>(bad));
  EXPECT_EQ(db_->QueryColumn("SELECT read_upto_id FROM sync_status WHERE tenant_id = " + t),
            std::vector<std::string>{all->records.back().id});
  std::filesystem::remove_all(dir);
}

AVNI_ON_EVERY_BACKEND(CrashTest);

}  // namespace
}  // namespace avni::testing
