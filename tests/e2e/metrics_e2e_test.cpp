// GET /metrics of the real `avni-integrator serve --demo` (the demo tenant syncing both
// simulators in the server's process), on SQLite and PostgreSQL: the figures it exports are
// checked against what the store holds (records per entity type against run_entity_counts,
// open error records by type, paused jobs, ended runs), the HTTP counters against the requests
// the test made (by route template, never the raw path), and the bearer token.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "store/store.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "scrape-token-correct-horse-7";
constexpr const char* kDemoTenant = "demo-bahmni";

bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return done();
}

struct Scrape {
  int status = 0;
  std::string content_type;
  std::string body;

  // The value of the sample written exactly as `series` (name and labels); nullopt if absent.
  std::optional<double> Value(const std::string& series) const {
    std::istringstream lines(body);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
        return std::stod(line.substr(series.size() + 1));
      }
    }
    return std::nullopt;
  }
  double ValueOr0(const std::string& series) const { return Value(series).value_or(0); }
};

class MetricsE2eTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    std::string why;
    db_ = TestDatabase::Create(GetParam(), &why);
    if (!db_) {
      if (PostgresRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    char tmpl[] = "/tmp/avni-metrics-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    auto started = StartServe({"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key",
                               "--demo", "--web-dir", "", "--metrics-token", kToken});
    ASSERT_TRUE(started.has_value());
    server_.emplace(std::move(*started));
  }

  void TearDown() override {
    if (HasFailure() && server_) std::cerr << server_->process.Stderr().substr(0, 20000);
    if (server_) server_->process.Stop(SIGTERM, 30s);
    server_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  Scrape Get(const std::string& path, const std::string& authorization = "") {
    httplib::Client client("127.0.0.1", server_->port);
    client.set_connection_timeout(5s);
    client.set_read_timeout(30s);
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    auto res = client.Get(path.c_str(), headers);
    if (!res) return {};
    return {res->status, res->get_header_value("Content-Type"), res->body};
  }
  Scrape Metrics() { return Get("/metrics", std::string("Bearer ") + kToken); }

  std::string One(const std::string& sql) {
    auto rows = db_->QueryColumn(sql);
    return rows.empty() ? "" : rows.front();
  }

  std::optional<TestDatabase> db_;
  std::string dir_;
  std::optional<Serving> server_;
};

TEST_P(MetricsE2eTest, FiguresDuringADemoSyncMatchTheStore) {
  // The tenant the demo made, and its errors job paused through the store (as the API does):
  // the main job's first run then writes everything and nothing reprocesses behind it.
  std::string tenant_id;
  ASSERT_TRUE(Eventually(
      [&] {
        tenant_id = One(fmt::format("SELECT id FROM tenants WHERE name = '{}'", kDemoTenant));
        return !tenant_id.empty();
      },
      30s));
  const TenantId tenant{std::stoll(tenant_id)};
  {
    store::StoreOptions options;
    options.migrate = false;
    options.pool_size = 1;
    auto store = store::Store::Open(db_->dsn(), options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    auto paused = (*store)->Transact([&](store::Tx& tx) {
      return tx.tenant(tenant).jobs().SetPaused("errors", true, "paused by the metrics test");
    });
    ASSERT_TRUE(paused.has_value()) << paused.error().message;
  }
  const std::string where = " WHERE tenant_id = " + tenant_id;
  // The first run has ended, or (on a slow machine) has written records and parked the
  // subjects answering "O+": the figures are compared while it goes on.
  ASSERT_TRUE(Eventually(
      [&] {
        return One("SELECT COUNT(*) FROM runs" + where + " AND status <> 'running'") != "0" ||
               (One("SELECT COUNT(*) FROM error_records" + where) != "0" &&
                One("SELECT COUNT(*) FROM run_entity_counts" + where + " AND written_count > 0") !=
                    "0");
      },
      400s))
      << "the demo's first run neither ended nor wrote";

  // Records per entity type and outcome: the counters equal the sums of run_entity_counts (all
  // of this process's runs: the database is new). Counters move just after each commit, so
  // the two are compared until they agree.
  const std::string t = fmt::format("tenant=\"{}\"", kDemoTenant);
  std::string mismatch;
  double written_total = 0;
  const bool records_agree = Eventually(
      [&] {
        mismatch.clear();
        written_total = 0;
        const Scrape scrape = Metrics();
        // entity_type:read:written:skipped:failed, one row per entity type.
        const auto rows = db_->QueryColumn(
            "SELECT entity_type || ':' || CAST(SUM(read_count) AS TEXT) || ':' || "
            "CAST(SUM(written_count) AS TEXT) || ':' || CAST(SUM(skipped_count) AS TEXT) || ':' "
            "|| CAST(SUM(failed_count) AS TEXT) FROM run_entity_counts" +
            where + " GROUP BY entity_type");
        if (rows.empty()) mismatch = "no run_entity_counts yet";
        for (const auto& row : rows) {
          std::vector<std::string> fields;
          std::istringstream parts(row);
          for (std::string field; std::getline(parts, field, ':');) fields.push_back(field);
          if (fields.size() != 5) {
            mismatch += "unexpected row " + row + "\n";
            continue;
          }
          const char* outcomes[] = {"read", "written", "skipped", "failed"};
          for (int i = 0; i < 4; ++i) {
            const std::string series =
                fmt::format("avni_integrator_records_total{{{},entity_type=\"{}\",outcome=\"{}\"}}",
                            t, fields[0], outcomes[i]);
            const double exported = scrape.ValueOr0(series);
            if (i == 1) written_total += exported;
            if (exported != std::stod(fields[i + 1])) {
              mismatch +=
                  fmt::format("{}: exported {}, stored {}\n", series, exported, fields[i + 1]);
            }
          }
        }
        return mismatch.empty();
      },
      120s);
  EXPECT_TRUE(records_agree) << mismatch;
  EXPECT_GT(written_total, 0) << "the demo sync wrote nothing";

  // Open error records by type (the demo parks the subjects answering the unmapped "O+"), the
  // paused job, and the runs that ended; figures read from the store may be 10 s old.
  const bool store_figures_agree = Eventually(
      [&] {
        mismatch.clear();
        const Scrape scrape = Metrics();
        // error type:count, one row per type.
        const auto rows = db_->QueryColumn(
            "SELECT COALESCE(error_types.name, 'unclassified') || ':' || CAST(COUNT(*) AS TEXT) "
            "FROM error_records LEFT JOIN error_types ON error_types.tenant_id = "
            "error_records.tenant_id AND error_types.id = error_records.error_type_id WHERE "
            "error_records.tenant_id = " +
            tenant_id + " GROUP BY error_types.name");
        if (rows.empty()) mismatch = "no error records yet\n";
        for (const auto& row : rows) {
          const auto colon = row.rfind(':');
          const std::string type = row.substr(0, colon), stored = row.substr(colon + 1);
          const std::string series =
              fmt::format("avni_integrator_error_records_open{{{},error_type=\"{}\"}}", t, type);
          if (scrape.ValueOr0(series) != std::stod(stored)) {
            mismatch += fmt::format("{}: exported {}, stored {}\n", series, scrape.ValueOr0(series),
                                    stored);
          }
        }
        const auto paused =
            scrape.Value(fmt::format("avni_integrator_jobs_paused{{{},job=\"errors\"}}", t));
        const auto running =
            scrape.Value(fmt::format("avni_integrator_jobs_paused{{{},job=\"main\"}}", t));
        if (paused != 1.0 || running != 0.0) mismatch += "jobs_paused is not errors 1, main 0\n";
        for (const auto& type : db_->QueryColumn("SELECT entity_type FROM sync_status" + where)) {
          const auto lag = scrape.Value(
              fmt::format("avni_integrator_cursor_lag_seconds{{{},entity_type=\"{}\"}}", t, type));
          if (!lag || *lag < 0) mismatch += "no cursor lag for " + type + "\n";
        }
        const std::string ended = One("SELECT COUNT(*) FROM runs" + where +
                                      " AND status <> 'running' AND job_id = (SELECT id FROM jobs" +
                                      where + " AND name = 'main')");
        double runs = 0;
        for (const char* outcome : {"succeeded", "failed", "cancelled", "error"}) {
          runs += scrape.ValueOr0(fmt::format(
              "avni_integrator_job_runs_total{{{},job=\"main\",outcome=\"{}\"}}", t, outcome));
        }
        const double timed = scrape.ValueOr0(
            fmt::format("avni_integrator_job_run_duration_seconds_count{{{},job=\"main\"}}", t));
        if (runs != std::stod(ended) || timed != runs) {
          mismatch += fmt::format("runs: exported {} (timed {}), stored {}\n", runs, timed, ended);
        }
        return mismatch.empty();
      },
      180s);
  EXPECT_TRUE(store_figures_agree) << mismatch;

  // HTTP requests by route template: three anonymous reads of a tenant's cursors (401) and one
  // path no route matches. The raw paths never appear.
  const std::string sync_status = fmt::format("/api/v1/tenants/{}/sync-status", tenant_id);
  const std::string template_series =
      "avni_integrator_http_requests_total{route=\"/api/v1/tenants/{tenant}/sync-status\","
      "method=\"GET\",status=\"401\"}";
  const std::string unmatched_series =
      "avni_integrator_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}";
  const Scrape before = Metrics();
  ASSERT_EQ(before.status, 200);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Get(sync_status).status, 401);
  EXPECT_EQ(Get("/no-such-page-for-metrics").status, 404);
  const Scrape after = Metrics();
  EXPECT_EQ(after.ValueOr0(template_series) - before.ValueOr0(template_series), 3);
  EXPECT_EQ(after.ValueOr0(unmatched_series) - before.ValueOr0(unmatched_series), 1);
  EXPECT_GE(after.ValueOr0("avni_integrator_http_requests_total{route=\"/metrics\",method=\"GET\","
                           "status=\"200\"}"),
            1);
  EXPECT_EQ(after.body.find(sync_status), std::string::npos);
  EXPECT_EQ(after.body.find("no-such-page-for-metrics"), std::string::npos);
  EXPECT_TRUE(after.Value("avni_integrator_store_pool_in_use").has_value());
  EXPECT_TRUE(after.Value("avni_integrator_store_pool_waits_total").has_value());
  EXPECT_TRUE(after.Value("avni_integrator_worker_pool_busy").has_value());
}

TEST_P(MetricsE2eTest, TheTokenIsNeededWhenSet) {
  const Scrape none = Get("/metrics");
  EXPECT_EQ(none.status, 401);
  const auto error = nlohmann::json::parse(none.body, nullptr, false);
  EXPECT_EQ(error.value(nlohmann::json::json_pointer("/error/code"), ""), "unauthenticated")
      << none.body;
  EXPECT_EQ(none.body.find("avni_integrator_"), std::string::npos);
  EXPECT_EQ(Get("/metrics", "Bearer wrong-token-correct-horse").status, 401);
  EXPECT_EQ(Get("/metrics", kToken).status, 401);  // not "Bearer <token>"
  const Scrape ok = Metrics();
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(ok.body.find("# TYPE avni_integrator_records_total counter"), std::string::npos);
  // The token is never logged.
  EXPECT_EQ(server_->process.Stderr().find(kToken), std::string::npos);
}

AVNI_ON_EVERY_BACKEND(MetricsE2eTest);

}  // namespace
}  // namespace avni::testing
