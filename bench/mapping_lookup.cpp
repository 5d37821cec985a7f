// Cached mapping lookups and observation mapping on one thread, over a tenant of 100,000
// mappings; and the cost of building that tenant's snapshot from the store. Prints figures; it
// passes or fails nothing.
//
//   mapping_lookup [--db DSN] [--mappings N] [--lookups N] [--records N]
//                  [--no-store | --store-only]
// The default database is a fresh SQLite file; give --db postgresql://... for PostgreSQL.
// Under callgrind, LookupLoop (run twice: random keys, hot keys) and MapLoop hold exactly the
// measured work:
//   valgrind --tool=callgrind --toggle-collect='*LookupLoop*' mapping_lookup --no-store ...
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_util.hpp"
#include "mapping/mapping_cache.hpp"
#include "mapping/observation_mapper.hpp"
#include "mapping/tenant_mappings.hpp"
#include "store/store.hpp"

namespace {

using avni::DataTypeHint;
using avni::Mapping;
using avni::mapping::Direction;
using avni::mapping::Observation;
using avni::mapping::TenantMappings;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr avni::RowId kObservation = 1, kConcept = 10, kOtherGroup = 2, kOtherType = 11;
constexpr int kQuestions = 20, kCoded = 5, kAnswersPerCoded = 8;

using avni::bench::Arg;

bool Flag(int argc, char** argv, const std::string& name) {
  for (int i = 1; i < argc; ++i) {
    if (argv[i] == name) return true;
  }
  return false;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}
long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// A uuid-like id of the other system (36 characters, as OpenMRS concept uuids are).
std::string IntId(int i) {
  return fmt::format("{:08x}-aaaa-4bbb-8ccc-{:012x}", i * 2654435761u, i);
}

// `n` mappings: the observation questions and answers first, then concepts of the same group
// and type, and a tenth of the rows in another group and type.
std::vector<Mapping> MakeRows(int n) {
  std::vector<Mapping> rows;
  rows.reserve(n);
  auto add = [&](avni::RowId g, avni::RowId t, std::string avni, DataTypeHint hint) {
    Mapping m;
    m.group_id = g;
    m.type_id = t;
    m.int_system_value = IntId(static_cast<int>(rows.size()));
    m.avni_value = std::move(avni);
    m.data_type_hint = hint;
    rows.push_back(std::move(m));
  };
  // Questions 0..4 coded, then numeric, date, date-time, text and boolean ones.
  const DataTypeHint kHints[] = {DataTypeHint::kNumeric, DataTypeHint::kDate,
                                 DataTypeHint::kDateTime, DataTypeHint::kText,
                                 DataTypeHint::kBoolean};
  for (int q = 0; q < kQuestions; ++q) {
    add(kObservation, kConcept, fmt::format("Question {}", q),
        q < kCoded ? DataTypeHint::kCoded : kHints[(q - kCoded) % 5]);
  }
  for (int a = 0; a < kCoded * kAnswersPerCoded; ++a) {
    add(kObservation, kConcept, fmt::format("Answer {}", a), DataTypeHint::kNA);
  }
  while (static_cast<int>(rows.size()) < n) {
    const bool other = rows.size() % 10 == 0;
    add(other ? kOtherGroup : kObservation, other ? kOtherType : kConcept,
        fmt::format("Concept name number {}", rows.size()), DataTypeHint::kText);
  }
  return rows;
}

std::shared_ptr<const TenantMappings> Snapshot(const std::vector<Mapping>& rows) {
  return TenantMappings::Build(
      avni::TenantId{1},
      {{kObservation, {1}, "", "Observation"}, {kOtherGroup, {1}, "", "Encounter"}},
      {{kConcept, {1}, "", "Concept"}, {kOtherType, {1}, "", "EncounterType"}}, rows);
}

// Alternates directions; one key in eight is missing. Answers the total length found, so
// that the work cannot be optimised away.
__attribute__((noinline)) std::size_t LookupLoop(const TenantMappings& m,
                                                 const std::vector<std::string>& int_keys,
                                                 const std::vector<std::string>& avni_keys,
                                                 long count) {
  std::size_t sink = 0;
  const std::size_t n = int_keys.size();
  for (long i = 0; i < count; ++i) {
    const std::size_t k = static_cast<std::size_t>(i) % n;
    auto found = i % 2 == 0 ? m.AvniValueFor("Observation", "Concept", int_keys[k])
                            : m.IntValueFor("Observation", "Concept", avni_keys[k]);
    sink += found ? found->size() : 1;
  }
  return sink;
}

// Records of 20 observations as the other system sends them: 5 coded (answers by id), 3 numeric
// (one as text), 3 dates, 3 date-times with an offset, 3 texts, 3 booleans.
std::vector<std::vector<Observation>> MakeRecords(const std::vector<Mapping>& rows, int count) {
  std::mt19937 rng(42);
  std::vector<std::vector<Observation>> records(count);
  for (auto& record : records) {
    for (int q = 0; q < kQuestions; ++q) {
      const Mapping& question = rows[q];
      json value;
      switch (question.data_type_hint) {
        case DataTypeHint::kCoded:
          value =
              rows[kQuestions + q * kAnswersPerCoded + rng() % kAnswersPerCoded].int_system_value;
          break;
        case DataTypeHint::kNumeric:
          value = q % 2 ? json(fmt::format("{}.5", rng() % 200)) : json(rng() % 200);
          break;
        case DataTypeHint::kDate:
          value = fmt::format("2023-{:02}-{:02}", 1 + rng() % 12, 1 + rng() % 28);
          break;
        case DataTypeHint::kDateTime:
          value = fmt::format("2023-06-{:02}T{:02}:15:00.250+05:30", 1 + rng() % 28, rng() % 24);
          break;
        case DataTypeHint::kBoolean:
          value = rng() % 2 ? "Yes" : "No";
          break;
        default:
          value = fmt::format("free text {}", rng());
      }
      record.push_back({question.int_system_value, std::move(value)});
    }
  }
  return records;
}

__attribute__((noinline)) long MapLoop(const avni::mapping::ObservationMapper& mapper,
                                       const std::vector<std::vector<Observation>>& records,
                                       long count) {
  long mapped = 0;
  for (long i = 0; i < count; ++i) {
    auto result =
        mapper.Map(records[static_cast<std::size_t>(i) % records.size()], Direction::kToAvni);
    if (!result) {
      std::fprintf(stderr, "refused: %s\n", avni::mapping::Combine(result.error()).message.c_str());
      return -1;
    }
    mapped += static_cast<long>(result->observations.size());
  }
  return mapped;
}

// Writes the rows through the store (bulk insert) and times MappingCache::Get on a cold cache.
int StoreBuild(const std::string& dsn, std::vector<Mapping> rows) {
  auto store = avni::store::Store::Open(dsn);
  if (!store) {
    std::fprintf(stderr, "cannot open %s: %s\n", dsn.c_str(), store.error().message.c_str());
    return 1;
  }
  auto tenant = (*store)->Transact([&](avni::store::Tx& tx) -> avni::Result<avni::TenantId> {
    auto t = tx.tenants().Create(fmt::format("mapping-bench-{}", getpid()), "bahmni");
    if (!t) return avni::Fail(t.error());
    auto repo = tx.tenant(t->id).mappings();
    auto g1 = repo.CreateGroup("Observation");
    auto g2 = repo.CreateGroup("Encounter");
    auto t1 = repo.CreateType("Concept");
    auto t2 = repo.CreateType("EncounterType");
    if (!g1 || !g2 || !t1 || !t2) return avni::Fail(avni::Error::Internal("setup failed"));
    for (auto& m : rows) {
      m.group_id = m.group_id == kObservation ? g1->id : g2->id;
      m.type_id = m.type_id == kConcept ? t1->id : t2->id;
    }
    auto inserted = tx.tenant(t->id).mapping_bulk().InsertMany(rows);
    if (!inserted) return avni::Fail(inserted.error());
    return t->id;
  });
  if (!tenant) {
    std::fprintf(stderr, "setup: %s\n", tenant.error().message.c_str());
    return 1;
  }
  avni::mapping::MappingCache cache(**store);
  const auto start = Clock::now();
  auto snapshot = cache.Get(*tenant);
  const double seconds = Seconds(start);
  if (!snapshot) {
    std::fprintf(stderr, "build: %s\n", snapshot.error().message.c_str());
    return 1;
  }
  const auto refresh_start = Clock::now();
  auto refreshed = cache.Refresh(*tenant);
  const double refresh_seconds = Seconds(refresh_start);
  std::printf("snapshot build from %s: %zu mappings in %.0f ms; Refresh (unchanged) %.2f ms%s\n",
              (*store)->display_dsn().c_str(), (*snapshot)->size(), seconds * 1000,
              refresh_seconds * 1000, refreshed && !*refreshed ? "" : " (unexpected rebuild)");
  avni::bench::Record(
      {.name = "mapping_lookup/snapshot build from the store[" + avni::bench::BackendOf(dsn) + "]",
       .value = seconds * 1000,
       .unit = "ms",
       .better = "lower"});
  return 0;
}

// The snapshot built in memory, then lookups and observation mapping on it.
int InMemory(const std::vector<Mapping>& rows, long lookups, long records) {
  auto start = Clock::now();
  auto snapshot = Snapshot(rows);
  std::printf("snapshot build in memory: %zu mappings in %.0f ms (peak RSS %ld MB)\n",
              snapshot->size(), Seconds(start) * 1000, PeakRssMb());

  // Keys in a shuffled order (the snapshot's memory is touched at random, as real traffic
  // does), one in eight absent. Each key string is made in that order, so that reading the keys
  // themselves stays sequential: a caller's key is in its cache, having just been parsed.
  std::vector<const Mapping*> order;
  for (const Mapping& m : rows) {
    if (m.group_id == kObservation) order.push_back(&m);
  }
  std::mt19937 rng(7);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::string> int_keys, avni_keys;
  for (const Mapping* m : order) {
    const bool miss = int_keys.size() % 8 == 7;
    int_keys.push_back(miss ? m->int_system_value + "-absent" : m->int_system_value);
    avni_keys.push_back(miss ? m->avni_value + " (absent)" : m->avni_value);
  }
  // Random keys over all the rows: every lookup goes to memory (two cache misses a hit).
  start = Clock::now();
  std::size_t sink = LookupLoop(*snapshot, int_keys, avni_keys, lookups);
  double seconds = Seconds(start);
  std::printf(
      "cached lookups, one thread, random keys: %.2f million/s (%.0f ns each; %ld lookups)\n",
      lookups / seconds / 1e6, seconds / lookups * 1e9, lookups);
  avni::bench::Record({.name = "mapping_lookup/cached lookups, random keys over 100,000 rows",
                       .value = lookups / seconds / 1e6,
                       .unit = "million/s"});
  // The 64 keys a flow keeps asking for (its questions and answers): the rows stay in cache.
  const auto hot = static_cast<std::ptrdiff_t>(std::min<std::size_t>(64, int_keys.size()));
  const std::vector<std::string> hot_int(int_keys.begin(), int_keys.begin() + hot);
  const std::vector<std::string> hot_avni(avni_keys.begin(), avni_keys.begin() + hot);
  start = Clock::now();
  sink += LookupLoop(*snapshot, hot_int, hot_avni, lookups);
  seconds = Seconds(start);
  std::printf("cached lookups, one thread, 64 hot keys: %.2f million/s (%.0f ns each)%s\n",
              lookups / seconds / 1e6, seconds / lookups * 1e9, sink == 0 ? " (none found?)" : "");

  const auto sample = MakeRecords(rows, 1000);
  avni::mapping::ObservationMapper mapper(*snapshot, {});
  start = Clock::now();
  const long observations = MapLoop(mapper, sample, records);
  const double map_seconds = Seconds(start);
  if (observations < 0) return 1;
  std::printf(
      "observation mapping, one thread: %ld records of %d (%d coded) in %.2f s = %.0f records/s, "
      "%.2f million observations/s\n",
      records, kQuestions, kCoded, map_seconds, records / map_seconds,
      observations / map_seconds / 1e6);
  avni::bench::Record({.name = "mapping_lookup/observation mapping (20 obs, 5 coded)",
                       .value = records / map_seconds,
                       .unit = "records/s"});

  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  const int n = std::stoi(Arg(argc, argv, "--mappings", "100000"));
  const long lookups = std::stol(Arg(argc, argv, "--lookups", "20000000"));
  const long records = std::stol(Arg(argc, argv, "--records", "200000"));

  const std::vector<Mapping> rows = MakeRows(n);
  if (!Flag(argc, argv, "--store-only")) {
    if (const int status = InMemory(rows, lookups, records); status != 0) return status;
  }
  if (Flag(argc, argv, "--no-store")) return 0;
  std::string dsn = Arg(argc, argv, "--db", "");
  std::filesystem::path dir;
  if (dsn.empty()) {
    dir = std::filesystem::temp_directory_path() / fmt::format("mapping-bench-{}", getpid());
    dsn = "sqlite:" + (dir / "bench.db").string();
  }
  const int status = StoreBuild(dsn, rows);
  if (!dir.empty()) std::filesystem::remove_all(dir);
  return status;
}
