// The sync engine's throughput and overhead against an in-process source and sink that cost
// almost nothing, so the figures are the engine's and its store's: records/s for a first run
// (every record created) and a second run over the same records (all unchanged, skipped), CPU
// time per record, and the process's peak RSS, which must not grow with --records (run it
// with 10,000 and 1,000,000). A baseline in the same run drives the same source, transform and
// sink without the engine: the ratio says what the engine adds. Prints figures; it passes or
// fails nothing.
//
//   sync_engine [--db DSN] [--records N] [--page-size N]
// The default database is a fresh SQLite file; give --db postgresql://... for PostgreSQL.
// Under callgrind, EngineLoop holds exactly the two engine runs, Baseline the baseline:
//   valgrind --tool=callgrind --toggle-collect='*EngineLoop*' sync_engine --records 20000
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_util.hpp"
#include "store/store.hpp"
#include "sync/engine.hpp"

namespace {

using avni::bench::Arg;
using avni::bench::CpuSeconds;
using avni::bench::PeakRssMiB;

using namespace avni;
using Steady = std::chrono::steady_clock;

// Subjects made on demand from their index, 20 observations each, 7 sharing each timestamp:
// nothing is kept, so memory does not grow with their number.
class GeneratedSource final : public sync::Source {
 public:
  explicit GeneratedSource(std::int64_t n) : n_(n) {}
  Result<sync::Page> Read(const sync::Cursor& after, int limit) override {
    std::int64_t next = after.id.empty() ? 0 : std::stoll(after.id.substr(8)) + 1;
    sync::Page page;
    page.records.reserve(static_cast<std::size_t>(limit));
    for (; next < n_ && static_cast<int>(page.records.size()) < limit; ++next) {
      page.records.push_back(Make(next));
    }
    page.last = next >= n_;
    return page;
  }
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view id) override {
    return std::optional<sync::SourceRecord>(Make(std::stoll(std::string(id.substr(8)))));
  }

 private:
  static sync::SourceRecord Make(std::int64_t i) {
    sync::SourceRecord r;
    r.id = fmt::format("subject-{:010}", i);
    r.version = "1";
    r.position.time = FromEpochMillis(1'700'000'000'000 + i / 7);
    r.position.id = r.id;
    r.body = fmt::format(R"({{"ID":"{}","Subject type":"Individual","observations":{{)", r.id);
    for (int o = 0; o < 20; ++o) {
      r.body += fmt::format(R"({}"Concept {}":"Answer {}")", o ? "," : "", o, (i + o) % 5);
    }
    r.body += "}}";
    return r;
  }
  std::int64_t n_;
};

class CopyTransform final : public sync::Transform {
 public:
  Result<sync::Outgoing> Apply(const sync::SourceRecord& r) override {
    return sync::Outgoing{r.body, "ext-" + r.id};
  }
};

// Takes everything and keeps nothing.
class NullSink final : public sync::Sink {
 public:
  Result<std::optional<std::string>> Find(const sync::Outgoing&) override {
    return std::optional<std::string>();
  }
  Result<std::string> Create(const sync::Outgoing& out) override {
    ++writes;
    return "d-" + out.key;
  }
  Status Update(std::string_view, const sync::Outgoing&) override {
    ++writes;
    return {};
  }
  Status Void(std::string_view, const sync::Outgoing&) override {
    ++writes;
    return {};
  }
  std::int64_t writes = 0;
};

// The same parts driven without the engine: what the fakes themselves cost.
__attribute__((noinline)) std::int64_t Baseline(std::int64_t n, int page_size) {
  GeneratedSource source(n);
  CopyTransform transform;
  NullSink sink;
  sync::Cursor cursor;
  for (;;) {
    auto page = source.Read(cursor, page_size);
    for (const auto& r : page->records) {
      auto out = transform.Apply(r);
      if (!*sink.Find(*out)) (void)sink.Create(*out);
      cursor = r.position;
    }
    if (page->last) break;
  }
  return sink.writes;
}

__attribute__((noinline)) sync::FlowResult EngineLoop(sync::Engine& engine, const sync::Flow& flow,
                                                      RowId run) {
  return engine.RunFlow(flow, run);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("avni-bench-sync-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string dsn = Arg(argc, argv, "--db", "sqlite:" + (dir / "bench.db").string());
  const std::int64_t n = std::stoll(Arg(argc, argv, "--records", "10000"));
  const int page_size = std::stoi(Arg(argc, argv, "--page-size", "100"));

  auto opened = store::Store::Open(dsn, {});
  if (!opened) {
    std::fprintf(stderr, "sync_engine: %s\n", opened.error().message.c_str());
    return 1;
  }
  store::Store& store = **opened;
  auto tenant = store.Transact([&](store::Tx& tx) {
    return tx.tenants().Create(fmt::format("bench-{}", ::getpid()), "bahmni");
  });
  if (!tenant) return 1;
  const TenantId t = tenant->id;
  auto job = store.Transact([&](store::Tx& tx) {
    return tx.tenant(t).jobs().Put(Job{0, t, "main", "-", true, "UTC", "{}"});
  });
  if (!job) return 1;

  std::printf("sync engine, %s store, %lld records, page size %d\n",
              store.backend() == store::Backend::kSqlite ? "SQLite" : "PostgreSQL",
              static_cast<long long>(n), page_size);
  auto started = Steady::now();
  const std::int64_t baseline_writes = Baseline(n, page_size);
  const double baseline_s = std::chrono::duration<double>(Steady::now() - started).count();
  std::printf("  %-28s %8.2f s %10.0f records/s\n", "baseline (no engine)", baseline_s,
              baseline_writes / baseline_s);

  GeneratedSource source(n);
  CopyTransform transform;
  NullSink sink;
  const sync::Flow flow{"Subject", &source, &transform, &sink};
  SystemClock clock;
  sync::EngineOptions options;
  options.page_size = page_size;
  options.owner = "bench";
  double first_s = 0;
  for (const char* name : {"first run (all created)", "second run (all unchanged)"}) {
    // The second run reads everything again from the start: its records are skipped by version.
    (void)store.Transact(
        [&](store::Tx& tx) { return tx.tenant(t).sync_status().Remove("Subject"); });
    auto run = store.Transact(
        [&](store::Tx& tx) { return tx.tenant(t).jobs().StartRun(job->id, "bench"); });
    if (!run) return 1;
    sync::Engine engine(store, t, clock, options);
    const double cpu_before = CpuSeconds();
    started = Steady::now();
    auto result = EngineLoop(engine, flow, run->id);
    const double seconds = std::chrono::duration<double>(Steady::now() - started).count();
    const double cpu = CpuSeconds() - cpu_before;
    if (result.outcome != sync::FlowOutcome::kCompleted) {
      std::fprintf(stderr, "sync_engine: %s\n", result.message.c_str());
      return 1;
    }
    if (first_s == 0) first_s = seconds;
    std::printf(
        "  %-28s %8.2f s %10.0f records/s   CPU %6.1f us/record   peak RSS %6.1f MiB"
        "   (written %lld, skipped %lld)\n",
        name, seconds, n / seconds, cpu * 1e6 / static_cast<double>(n), PeakRssMiB(),
        static_cast<long long>(result.counts.written),
        static_cast<long long>(result.counts.skipped));
  }
  std::printf("  engine / baseline time: %.0fx\n", first_s / baseline_s);
  avni::bench::Record(
      {.name = fmt::format("sync_engine/first run, {} records[{}]", n, avni::bench::BackendOf(dsn)),
       .value = n / first_s,
       .unit = "records/s",
       .baseline = baseline_writes / baseline_s,
       .baseline_name = "same source and sink, no engine"});
  std::filesystem::remove_all(dir);
  return 0;
}
