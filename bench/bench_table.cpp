// `make bench`'s summary: reads the figures the benchmark programs recorded (one JSON object
// per line, see bench_util.hpp's Record) and prints one table: name, value, unit, baseline and
// the ratio to it, oriented so that above 1 is better. Writes the same rows as a JSON array to
// the output file (var/bench.json), with the machine it ran on, for comparing runs later.
//
//   bench_table FIGURES.jsonl OUT.json

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;

std::string Value(double v) {
  if (v == 0) return "0";
  if (v >= 1000) return fmt::format("{:.0f}", v);
  if (v >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bench_table FIGURES.jsonl OUT.json\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "bench_table: cannot read %s: no benchmark recorded a figure\n", argv[1]);
    return 1;
  }
  json rows = json::array();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    json row = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (row.is_discarded() || !row.contains("name") || !row.contains("value")) {
      std::fprintf(stderr, "bench_table: %s line %d is not a figure; skipped\n", argv[1], number);
      continue;
    }
    const double value = row.value("value", 0.0), baseline = row.value("baseline", 0.0);
    if (baseline > 0 && value > 0) {
      row["ratio"] = row.value("better", "higher") == "lower" ? baseline / value : value / baseline;
    } else {
      row["ratio"] = nullptr;
    }
    rows.push_back(std::move(row));
  }

  std::size_t width = 4;
  for (const auto& row : rows) width = std::max(width, row["name"].get<std::string>().size());
  fmt::print("\n{:<{}}  {:>10}  {:<12}  {:>10}  {:>6}\n", "name", width, "value", "unit",
             "baseline", "ratio");
  fmt::print("{}\n", std::string(width + 46, '-'));
  for (const auto& row : rows) {
    const double baseline = row.value("baseline", 0.0);
    fmt::print("{:<{}}  {:>10}  {:<12}  {:>10}  {:>6}\n", row["name"].get<std::string>(), width,
               Value(row["value"].get<double>()), row.value("unit", ""),
               baseline > 0 ? Value(baseline) : "-",
               row["ratio"].is_null() ? "-" : fmt::format("{:.2f}x", row["ratio"].get<double>()));
  }
  fmt::print("(ratio: against the baseline measured in the same run; above 1 is better)\n");

  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const json out = {{"host", host},
                    {"cores", static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN))},
                    {"figures", rows}};
  std::ofstream file(argv[2]);
  file << out.dump(2) << '\n';
  if (!file) {
    std::fprintf(stderr, "bench_table: cannot write %s\n", argv[2]);
    return 1;
  }
  fmt::print("written to {}\n", argv[2]);
  return 0;
}
