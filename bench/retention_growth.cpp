// retention_growth: the store's size over simulated days, with the daily retention run off and
// on, on SQLite or PostgreSQL.
//   retention_growth [--db DSN] [--days 30] [--tenants 10] [--every-minutes 1] [--report-days 3]
// Each tenant's job `main` runs every M minutes of simulated time (a run with the counts of two
// entity types); each run logs 2 failures (a new message each time, a 512-byte body) of entities
// cycling over 200, and resolves one; each tenant gets one audit entry an hour. With retention
// on, the daily run (the real Maintenance, its lease and batches of 1,000) keeps runs and error
// log entries 3 days and audit entries 7. A fake clock drives everything: 30 days take minutes.
// The default database is a fresh SQLite file per mode; with --db postgresql://... each mode
// gets a fresh schema there. Sizes: SQLite, the database file plus its WAL; PostgreSQL, the sum
// of pg_total_relation_size over the schema's tables, after a plain VACUUM at each simulated
// midnight (what autovacuum does over a real day; both modes alike).
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_util.hpp"
#include "scheduler/maintenance.hpp"
#include "store/sql/dsn.hpp"
#include "store/store.hpp"
#include "support/fake_clock.hpp"

namespace avni {
namespace {

using bench::Arg;
using std::chrono::hours;
using std::chrono::minutes;

struct Sample {
  int day = 0;
  double mib = 0;
  long long runs = 0, log_entries = 0, audit = 0;
};

struct Outcome {
  std::vector<Sample> samples;
  double seconds = 0;
  double longest_purge_seconds = 0;  // the longest daily run, all its batches
  long long purged = 0;
};

// Where one mode's database lives and how to measure it.
class Database {
 public:
  Database(const std::string& base, const std::string& mode) {
    if (base.rfind("postgresql:", 0) == 0) {
      schema_ = fmt::format("retention_{}_{}", mode, ::getpid());
      auto admin = store::ParseDsn(base);
      if (!admin) throw std::runtime_error(admin.error().message);
      admin_connect_ = admin->connect;
      soci::session s(soci::postgresql, admin_connect_);
      s << "CREATE SCHEMA " + schema_;
      const char* sep = base.find('?') == std::string::npos ? "?" : "&";
      dsn_ = base + sep + "options=-csearch_path%3D" + schema_;
    } else {
      dir_ = std::filesystem::temp_directory_path() /
             fmt::format("avni-retention-{}-{}", mode, ::getpid());
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      file_ = dir_ / "bench.db";
      dsn_ = "sqlite:" + file_.string();
    }
    auto parsed = store::ParseDsn(dsn_);
    if (!parsed) throw std::runtime_error(parsed.error().message);
    connect_ = parsed->connect;
  }
  ~Database() {
    session_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) {
      try {
        soci::session s(soci::postgresql, admin_connect_);
        s << "DROP SCHEMA " + schema_ + " CASCADE";
      } catch (const std::exception& e) {
        std::fprintf(stderr, "retention_growth: schema %s left behind: %s\n", schema_.c_str(),
                     e.what());
      }
    }
  }

  const std::string& dsn() const { return dsn_; }
  const std::string& schema() const { return schema_; }

  // Opened after the store made the schema.
  void Connect() {
    const soci::backend_factory& factory =
        schema_.empty() ? static_cast<const soci::backend_factory&>(soci::sqlite3)
                        : soci::postgresql;
    session_ = std::make_unique<soci::session>(factory, connect_);
  }

  void Vacuum() {
    if (schema_.empty()) return;
    for (const char* table : {"runs", "run_entity_counts", "error_record_log", "error_records",
                              "audit_log", "sessions"}) {
      *session_ << std::string("VACUUM ") + table;
    }
  }

  Sample Measure(int day) {
    Sample s;
    s.day = day;
    if (schema_.empty()) {
      double bytes = static_cast<double>(std::filesystem::file_size(file_));
      std::error_code ec;
      const auto wal = std::filesystem::file_size(file_.string() + "-wal", ec);
      if (!ec) bytes += static_cast<double>(wal);
      s.mib = bytes / (1024.0 * 1024.0);
    } else {
      long long bytes = 0;
      *session_ << "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS BIGINT) "
                   "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE n.nspname = :schema AND c.relkind = 'r'",
          soci::use(schema_), soci::into(bytes);
      s.mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
    }
    *session_ << "SELECT COUNT(*) FROM runs", soci::into(s.runs);
    *session_ << "SELECT COUNT(*) FROM error_record_log", soci::into(s.log_entries);
    *session_ << "SELECT COUNT(*) FROM audit_log", soci::into(s.audit);
    return s;
  }

 private:
  std::string dsn_, connect_, admin_connect_, schema_;
  std::filesystem::path dir_, file_;
  std::unique_ptr<soci::session> session_;
};

Outcome Simulate(const std::string& base, bool retention, int days, int tenants, int every_minutes,
                 int report_days) {
  Database db(base, retention ? "on" : "off");
  testing::FakeClock clock(FromEpochMillis(1'767'225'600'000));  // 2026-01-01 00:00 UTC
  store::StoreOptions options;
  options.clock = &clock;
  options.pool_size = 1;
  auto opened = store::Store::Open(db.dsn(), options);
  if (!opened) throw std::runtime_error(opened.error().message);
  store::Store& store = **opened;
  db.Connect();

  std::vector<TenantId> ids;
  std::vector<RowId> jobs;
  for (int t = 0; t < tenants; ++t) {
    auto made = store.Transact([&](store::Tx& tx) -> Result<std::pair<TenantId, RowId>> {
      auto tenant = tx.tenants().Create(fmt::format("tenant-{}", t), "bahmni");
      if (!tenant) return Fail(tenant.error());
      auto job = tx.tenant(tenant->id).jobs().Get("main");
      if (!job) return Fail(job.error());
      return std::pair(tenant->id, job->id);
    });
    if (!made) throw std::runtime_error(made.error().message);
    ids.push_back(made->first);
    jobs.push_back(made->second);
  }

  scheduler::MaintenanceOptions maintenance_options;
  maintenance_options.instance = "bench";
  maintenance_options.defaults = RetentionPolicy{3, 3, 7};
  scheduler::Maintenance maintenance(store, clock, maintenance_options);

  const std::string body(512, 'b');
  Outcome out;
  const auto started = std::chrono::steady_clock::now();
  long long sequence = 0;
  out.samples.push_back(db.Measure(0));
  for (int hour = 0; hour < days * 24; ++hour) {
    const Timestamp hour_start = FromEpochMillis(1'767'225'600'000) + hours(hour);
    for (std::size_t t = 0; t < ids.size(); ++t) {
      auto done = store.Transact([&](store::Tx& tx) -> Status {
        auto scope = tx.tenant(ids[t]);
        auto job_repo = scope.jobs();
        auto errors = scope.errors();
        for (int m = 0; m < 60; m += every_minutes) {
          clock.Set(hour_start + minutes(m));
          auto run = job_repo.StartRun(jobs[t], "bench");
          if (!run) return Fail(run.error());
          for (const char* type : {"Subject", "Encounter"}) {
            if (auto ok = job_repo.AddRunCounts(run->id, type, RunCounts{10, 8, 2, 0}); !ok) {
              return ok;
            }
          }
          for (int f = 0; f < 2; ++f) {
            ++sequence;
            auto failed = errors.RecordFailure(store::Failure{
                "Subject", fmt::format("entity-{}", sequence % 200), std::nullopt,
                fmt::format("rejected by OpenMRS (attempt {})", sequence), body, std::nullopt});
            if (!failed) return Fail(failed.error());
          }
          if (auto ok = errors.Resolve("Subject", fmt::format("entity-{}", (sequence + 100) % 200));
              !ok) {
            return ok;
          }
          if (auto ended = job_repo.EndRun(run->id, RunStatus::kSucceeded, ""); !ended) {
            return Fail(ended.error());
          }
        }
        auto audited =
            scope.audit().Append("admin@example.org", "config.update", "config",
                                 "write_concurrency", R"({"value":"4"})", R"({"value":"8"})");
        if (!audited) return Fail(audited.error());
        return {};
      });
      if (!done) throw std::runtime_error(done.error().message);
    }
    clock.Set(hour_start + hours(1));
    if (retention) {
      const auto purge_started = std::chrono::steady_clock::now();
      auto ran = maintenance.RunIfDue();
      if (!ran) throw std::runtime_error(ran.error().message);
      if (ran->has_value()) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - purge_started).count();
        out.longest_purge_seconds = std::max(out.longest_purge_seconds, s);
        out.purged += (*ran)->runs.rows + (*ran)->error_log.rows + (*ran)->audit.rows;
      }
    }
    if ((hour + 1) % 24 == 0) {
      const int day = (hour + 1) / 24;
      db.Vacuum();
      if (day % report_days == 0 || day == days) out.samples.push_back(db.Measure(day));
    }
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return out;
}

}  // namespace
}  // namespace avni

int main(int argc, char** argv) {
  using namespace avni;
  spdlog::set_level(spdlog::level::warn);
  const std::string dsn = Arg(argc, argv, "--db", "sqlite:");
  const int days = std::stoi(Arg(argc, argv, "--days", "30"));
  const int tenants = std::stoi(Arg(argc, argv, "--tenants", "10"));
  const int every = std::stoi(Arg(argc, argv, "--every-minutes", "1"));
  const int report_days = std::stoi(Arg(argc, argv, "--report-days", "3"));
  const bool pg = dsn.rfind("postgresql:", 0) == 0;
  try {
    fmt::print(
        "retention_growth on {}: {} tenants, a run every {} min, {} simulated days; "
        "retention on: runs and error log 3 days, audit 7\n",
        pg ? "PostgreSQL" : "SQLite", tenants, every, days);
    const Outcome off = Simulate(dsn, false, days, tenants, every, report_days);
    const Outcome on = Simulate(dsn, true, days, tenants, every, report_days);
    fmt::print("{:>4} | {:>10} {:>9} {:>10} {:>7} | {:>10} {:>9} {:>10} {:>7}\n", "day", "off MiB",
               "runs", "err log", "audit", "on MiB", "runs", "err log", "audit");
    for (std::size_t i = 0; i < off.samples.size() && i < on.samples.size(); ++i) {
      const Sample& a = off.samples[i];
      const Sample& b = on.samples[i];
      fmt::print("{:>4} | {:>10.1f} {:>9} {:>10} {:>7} | {:>10.1f} {:>9} {:>10} {:>7}\n", a.day,
                 a.mib, a.runs, a.log_entries, a.audit, b.mib, b.runs, b.log_entries, b.audit);
    }
    fmt::print(
        "simulated in {:.0f} s (off) and {:.0f} s (on); rows purged {}; longest daily "
        "run {:.2f} s (in batches of 1,000 rows, each its own transaction)\n",
        off.seconds, on.seconds, on.purged, on.longest_purge_seconds);
    fmt::print("final size with retention: {:.1f} MiB, without: {:.1f} MiB (ratio {:.2f})\n",
               on.samples.back().mib, off.samples.back().mib,
               on.samples.back().mib / off.samples.back().mib);
    avni::bench::Record({.name = fmt::format("retention_growth/store size after {} days[{}]", days,
                                             pg ? "postgresql" : "sqlite"),
                         .value = on.samples.back().mib,
                         .unit = "MiB",
                         .baseline = off.samples.back().mib,
                         .baseline_name = "the same days without retention",
                         .better = "lower"});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "retention_growth: %s\n", e.what());
    return 1;
  }
  return 0;
}
