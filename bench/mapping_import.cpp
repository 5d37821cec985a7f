// CSV import of a tenant's mappings: 100,000 generated lines (10 groups x 10 types) imported
// into an empty tenant, checked again (all unchanged), changed (all updated) and exported.
// Prints seconds, lines/s and the process's peak RSS after each step (getrusage: the peak
// so far, so each figure includes the steps before it). Passes or fails nothing.
//
//   mapping_import [--db DSN] [--rows N]
// The default database is a fresh SQLite file; give --db postgresql://... for PostgreSQL.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "bench_util.hpp"
#include "crypto/secret_box.hpp"
#include "mapping/mapping_import.hpp"
#include "store/store.hpp"

namespace {

using avni::bench::Arg;
using avni::bench::PeakRssMiB;

using Clock = std::chrono::steady_clock;

// Lines spread over 10 groups x 10 types; `variant` changes every int_system_value.
std::string Generate(int rows, const std::string& variant) {
  std::string csv = "group,type,avni_value,int_system_value,data_type_hint,about\n";
  csv.reserve(static_cast<std::size_t>(rows) * 100);
  for (int i = 0; i < rows; ++i) {
    csv += fmt::format("Group {},Type {},Avni concept {},{}{:08d},{},\"about {}, generated\"\n",
                       i % 10, (i / 10) % 10, i, variant, i, i % 3 ? "Coded" : "Numeric", i);
  }
  return csv;
}

// Runs one step and prints its figures; false when it failed.
template <typename Step>
bool Measure(const std::string& backend, const std::string& name, int rows, Step step) {
  const auto started = Clock::now();
  std::string detail;
  if (!step(detail)) return false;
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::printf("  %-34s %7.2f s %10.0f lines/s   peak RSS %6.1f MiB   %s\n", name.c_str(), seconds,
              rows / seconds, PeakRssMiB(), detail.c_str());
  avni::bench::Record({.name = "mapping_import/" + name + "[" + backend + "]",
                       .value = rows / seconds,
                       .unit = "lines/s"});
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace avni;
  spdlog::set_level(spdlog::level::warn);
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("avni-bench-import-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string dsn = Arg(argc, argv, "--db", "sqlite:" + (dir / "bench.db").string());
  const int rows = std::stoi(Arg(argc, argv, "--rows", "100000"));

  SecretBox::Key key{};
  key.fill(7);
  SecretBox secrets(key);
  store::StoreOptions options;
  options.secrets = &secrets;
  auto opened = store::Store::Open(dsn, options);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  auto& s = **opened;
  auto tenant = s.Transact([&](store::Tx& tx) {
    return tx.tenants().Create(fmt::format("bench-import-{}", ::getpid()), "bahmni");
  });
  if (!tenant) {
    std::fprintf(stderr, "%s\n", tenant.error().message.c_str());
    return 1;
  }
  const std::string backend = avni::bench::BackendOf(dsn);
  std::printf("mapping CSV import, %d lines (10 groups x 10 types), %s\n", rows,
              s.display_dsn().c_str());
  const std::string csv = Generate(rows, "INT-");
  const std::string changed = Generate(rows, "NEW-");
  std::printf("  generated %.1f MiB of CSV twice; peak RSS %.1f MiB\n", csv.size() / 1048576.0,
              PeakRssMiB());

  auto import = [&](const std::string& text, bool dry_run) {
    return [&, dry_run](std::string& detail) {
      auto r = mapping::ImportMappingsCsv(s, tenant->id, text, {dry_run, "bench"});
      if (!r || !r->ok()) {
        std::fprintf(stderr, "import failed: %s\n",
                     r ? r->errors.front().message.c_str() : r.error().message.c_str());
        return false;
      }
      detail =
          fmt::format("created {}, updated {}, unchanged {}", r->created, r->updated, r->unchanged);
      return true;
    };
  };
  bool ok = Measure(backend, "dry run, empty tenant", rows, import(csv, true)) &&
            Measure(backend, "import, empty tenant", rows, import(csv, false)) &&
            Measure(backend, "dry run, all unchanged", rows, import(csv, true)) &&
            Measure(backend, "import, all unchanged", rows, import(csv, false)) &&
            Measure(backend, "dry run, all changed", rows, import(changed, true)) &&
            Measure(backend, "import, all changed", rows, import(changed, false)) &&
            Measure(backend, "export", rows, [&](std::string& detail) {
              auto out = mapping::ExportMappingsCsv(s, tenant->id);
              if (!out) return false;
              detail = fmt::format("{:.1f} MiB", out->size() / 1048576.0);
              return true;
            });
  opened->reset();
  std::filesystem::remove_all(dir);
  return ok ? 0 : 1;
}
