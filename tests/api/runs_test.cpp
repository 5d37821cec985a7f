// GET /tenants/{t}/runs and /runs/{id}, on both backends, over runs recorded through the store
// as the scheduler and the sync engine record them: newest first, filtered, paged, with their
// counts per entity type; another tenant's runs stay out of sight.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/time.hpp"
#include "logging/log_context.hpp"
#include "sync_api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::seconds;

// Each run's id, in the order listed.
std::vector<RowId> Ids(const Reply& r) {
  std::vector<RowId> ids;
  for (const auto& item : r.body["items"]) ids.push_back(item["id"].get<RowId>());
  return ids;
}

class RunsApiTest : public SyncApiTest {
 protected:
  // Three runs, an hour apart from the fake clock's start (2023-11-14T22:13:20Z): main
  // succeeded (90 s), errors failed, main still running; and one of another tenant.
  void SetUp() override {
    SyncApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    succeeded_ = Record(tenant_, "main", RunStatus::kSucceeded, "read 7 records");
    clock_.Advance(hours(1));
    failed_ = Record(tenant_, "errors", RunStatus::kFailed, "Avni answered 503 six times");
    clock_.Advance(hours(1));
    running_ = Record(tenant_, "main", RunStatus::kRunning, "");
    other_ = MakeTenant("Other");
    theirs_ = Record(other_, "main", RunStatus::kSucceeded, "theirs");
  }

  // A run as the engine records it: counts per entity type with each page, then its end.
  RowId Record(TenantId tenant, const std::string& job, RunStatus status,
               const std::string& message) {
    auto run = store_->Transact([&](store::Tx& tx) -> Result<avni::Run> {
      auto jobs = tx.tenant(tenant).jobs();
      auto j = jobs.Get(job);
      if (!j) return Fail(j.error());
      return jobs.StartRun(j->id, "instance-" + job);
    });
    EXPECT_TRUE(run.has_value()) << run.error().message;
    if (!run) return 0;
    auto counted = store_->Transact([&](store::Tx& tx) -> Status {
      auto jobs = tx.tenant(tenant).jobs();
      if (auto ok = jobs.AddRunCounts(run->id, "Subject", {5, 4, 0, 1}); !ok) return ok;
      return jobs.AddRunCounts(run->id, "Encounter", {2, 0, 2, 0});
    });
    EXPECT_TRUE(counted.has_value()) << counted.error().message;
    if (status == RunStatus::kRunning) return run->id;
    clock_.Advance(seconds(90));
    auto ended = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant).jobs().EndRun(run->id, status, message); });
    EXPECT_TRUE(ended.has_value()) << ended.error().message;
    return run->id;
  }

  Reply Get(const std::string& query) {
    return Call("GET", Path("/runs" + query), std::nullopt, viewer_token_);
  }

  RowId succeeded_ = 0, failed_ = 0, running_ = 0, theirs_ = 0;
  TenantId other_;
};

TEST_P(RunsApiTest, ListShowsTheTenantsRunsNewestFirst) {
  Reply r = Get("");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  EXPECT_EQ(r.body["page"], 0);
  EXPECT_EQ(r.body["size"], 50);
  EXPECT_EQ(Ids(r), (std::vector<RowId>{running_, failed_, succeeded_}));
  EXPECT_EQ(r.body["items"][2],
            (json{{"id", succeeded_},
                  {"job", "main"},
                  {"status", "succeeded"},
                  {"started_at", "2023-11-14T22:13:20.000Z"},
                  {"finished_at", "2023-11-14T22:14:50.000Z"},
                  {"duration_ms", 90000},
                  {"counts", {{"read", 7}, {"written", 4}, {"skipped", 1}, {"failed", 2}}},
                  {"message", "read 7 records"},
                  {"instance", "instance-main"}}));
  EXPECT_EQ(r.body["items"][1]["job"], "errors");
  EXPECT_EQ(r.body["items"][1]["status"], "failed");
  EXPECT_EQ(r.body["items"][0]["status"], "running");
  EXPECT_TRUE(r.body["items"][0]["finished_at"].is_null());
  EXPECT_TRUE(r.body["items"][0]["duration_ms"].is_null());
  EXPECT_EQ(r.raw.find("theirs"), std::string::npos);

  // Paged by the database, in the same order.
  r = Get("?size=2&sort=-started_at");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  EXPECT_EQ(Ids(r), (std::vector<RowId>{running_, failed_}));
  r = Get("?size=2&page=1");
  EXPECT_EQ(Ids(r), std::vector<RowId>{succeeded_});
  r = Get("?size=2&page=5");
  EXPECT_EQ(r.body["total"], 3);
  EXPECT_TRUE(Ids(r).empty());
}

TEST_P(RunsApiTest, FiltersNarrowTheList) {
  EXPECT_EQ(Ids(Get("?job=main")), (std::vector<RowId>{running_, succeeded_}));
  EXPECT_EQ(Get("?job=main").body["total"], 2);
  EXPECT_EQ(Ids(Get("?job=errors")), std::vector<RowId>{failed_});
  EXPECT_EQ(Ids(Get("?status=running")), std::vector<RowId>{running_});
  EXPECT_EQ(Ids(Get("?status=failed&job=errors")), std::vector<RowId>{failed_});
  EXPECT_TRUE(Ids(Get("?status=cancelled")).empty());
  // from is inclusive, to exclusive, on started_at (failed_ started at 23:13:20Z).
  EXPECT_EQ(Ids(Get("?from=2023-11-14T23:13:20Z")), (std::vector<RowId>{running_, failed_}));
  EXPECT_EQ(Ids(Get("?to=2023-11-14T23:13:20Z")), std::vector<RowId>{succeeded_});
  EXPECT_EQ(Ids(Get("?from=2023-11-15T04:43:20%2B05:30&to=2023-11-15T00:13:20Z")),
            std::vector<RowId>{failed_});
  Reply r = Get("?from=2023-11-14&job=main&size=1");
  EXPECT_EQ(r.body["total"], 2);
  EXPECT_EQ(Ids(r), std::vector<RowId>{running_});
}

TEST_P(RunsApiTest, BadFiltersAreRefusedNamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"?job=nightly", "job"},
      {"?job=" + std::string(101, 'j'), "job"},
      {"?status=done", "status"},
      {"?from=yesterday", "from"},
      {"?to=2023-11-14T23:00:00", "to"},
      {"?from=2023-11-15&to=2023-11-15", "to"},
      {"?sort=started_at", "sort"},
      {"?sort=id", "sort"},
      {"?size=0", "size"},
      {"?page=-1", "page"},
  };
  for (const auto& [query, field] : cases) {
    Reply r = Get(query);
    EXPECT_EQ(r.status, 400) << query << " -> " << r.raw;
    EXPECT_EQ(r.error_field(), field) << query << " -> " << r.raw;
  }
  Reply r = Get("?job=nightly");
  EXPECT_EQ(r.body["error"].value("message", ""),
            "no job named 'nightly'; the tenant's jobs are: errors, main");
}

TEST_P(RunsApiTest, OneRunHasItsCountsPerEntityType) {
  Reply r = Call("GET", Path("/runs/" + std::to_string(succeeded_)), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["id"], succeeded_);
  EXPECT_EQ(r.body["job"], "main");
  EXPECT_EQ(r.body["duration_ms"], 90000);
  EXPECT_EQ(r.body["message"], "read 7 records");
  EXPECT_EQ(r.body["entity_types"], (json{{{"entity_type", "Encounter"},
                                           {"read", 2},
                                           {"written", 0},
                                           {"skipped", 0},
                                           {"failed", 2}},
                                          {{"entity_type", "Subject"},
                                           {"read", 5},
                                           {"written", 4},
                                           {"skipped", 1},
                                           {"failed", 0}}}));

  r = Call("GET", Path("/runs/" + std::to_string(running_)), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["status"], "running");
  EXPECT_EQ(r.body["entity_types"].size(), 2u);

  // Another tenant's run is not found, exactly as one that does not exist.
  r = Call("GET", Path("/runs/" + std::to_string(theirs_)), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(r.raw.find("theirs"), std::string::npos);
  EXPECT_EQ(Call("GET", Path("/runs/987654"), std::nullopt, token_).status, 404);
  r = Call("GET", Path("/runs/latest"), std::nullopt, token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "run");
}

TEST_P(RunsApiTest, EveryRoleReadsRunsAndNoOneWritesThem) {
  for (const auto& token : {viewer_token_, editor_token_, token_}) {
    EXPECT_EQ(Call("GET", Path("/runs"), std::nullopt, token).status, 200);
    EXPECT_EQ(Call("GET", Path("/runs/" + std::to_string(failed_)), std::nullopt, token).status,
              200);
  }
  const std::string key = MakeApiKey(tenant_, Role::kViewer, "dashboard");
  EXPECT_EQ(Call("GET", Path("/runs"), std::nullopt, key).body["total"], 3);
  EXPECT_EQ(Call("DELETE", Path("/runs/" + std::to_string(failed_)), std::nullopt, token_).status,
            404);
  EXPECT_EQ(Count("runs" + Where()), "3");
}

// The per-run log, as the scheduler keeps it when a run ends: the latest lines up to the cap,
// saying so when earlier ones were dropped; another tenant's run is not found.
TEST_P(RunsApiTest, ARunsLogShowsItsLatestLinesAndWhetherSomeWereDropped) {
  logging::RunLog log;
  for (std::size_t i = 0; i < logging::kRunLogLines + 30; ++i) {
    log.Add(clock_.Now(), i % 3 == 0 ? "info" : "warn", fmt::format("line {}", i));
  }
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).run_log().Put(failed_, log.Lines()); }));
  logging::RunLog short_log;
  short_log.Add(clock_.Now(), "error", "the only line");
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).run_log().Put(succeeded_, short_log.Lines());
  }));

  Reply r = Call("GET", Path(fmt::format("/runs/{}/log", failed_)), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["run_id"], failed_);
  EXPECT_EQ(r.body["truncated"], true);
  ASSERT_EQ(r.body["lines"].size(), logging::kRunLogLines);
  EXPECT_EQ(r.body["lines"][0]["level"], "info");  // line 30: every third is info
  EXPECT_EQ(r.body["lines"][0]["message"], "line 30");
  EXPECT_EQ(r.body["lines"][0]["at"], FormatIso8601(clock_.Now()));
  EXPECT_EQ(r.body["lines"].back()["message"], fmt::format("line {}", logging::kRunLogLines + 29));

  r = Call("GET", Path(fmt::format("/runs/{}/log", succeeded_)), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["truncated"], false);
  ASSERT_EQ(r.body["lines"].size(), 1u);
  EXPECT_EQ(r.body["lines"][0]["level"], "error");
  // A run that kept nothing (still running) has an empty log.
  r = Call("GET", Path(fmt::format("/runs/{}/log", running_)), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["lines"], json::array());
  EXPECT_EQ(r.body["truncated"], false);

  // Another tenant's run is not found, exactly as one that does not exist.
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(other_).run_log().Put(theirs_, short_log.Lines()); }));
  r = Call("GET", Path(fmt::format("/runs/{}/log", theirs_)), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(r.raw.find("the only line"), std::string::npos);
  EXPECT_EQ(Call("GET", Path("/runs/987654/log"), std::nullopt, token_).status, 404);
}

AVNI_ON_EVERY_BACKEND(RunsApiTest);

}  // namespace
}  // namespace avni::testing
