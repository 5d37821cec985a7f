#pragma once
// What every benchmark program shares: its command line and the process's own figures.

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace avni::bench {

// The value after `name` on the command line, or `fallback`.
inline std::string Arg(int argc, char** argv, const std::string& name,
                       const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

// The process's peak resident memory so far, in MiB.
inline double PeakRssMiB() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // kilobytes on Linux
}

// The process's CPU time (user + system) so far, in seconds.
inline double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One headline figure for `make bench`'s table. It is appended as a JSON line to the file that
// AVNI_BENCH_FIGURES names (nothing when unset); bench/bench_table reads them back. `baseline`
// is what the ratio is against, measured in the same run (0: none); `better` says which way is
// good ("higher" or "lower"), so the table can read a ratio either way.
struct Figure {
  std::string name;  // program/what[backend], e.g. "sync_engine/first run[sqlite]"
  double value = 0;
  std::string unit;
  double baseline = 0;
  std::string baseline_name;  // what the baseline is, e.g. "bare HTTP, not parsed"
  std::string better = "higher";
};

namespace detail {
inline void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
}
inline std::string Number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}
}  // namespace detail

inline void Record(const Figure& f) {
  const char* path = std::getenv("AVNI_BENCH_FIGURES");
  if (path == nullptr || *path == '\0') return;
  std::string line = "{\"name\":";
  detail::AppendJsonString(line, f.name);
  line += ",\"value\":" + detail::Number(f.value) + ",\"unit\":";
  detail::AppendJsonString(line, f.unit);
  line += ",\"baseline\":" + detail::Number(f.baseline) + ",\"baseline_name\":";
  detail::AppendJsonString(line, f.baseline_name);
  line += ",\"better\":";
  detail::AppendJsonString(line, f.better);
  line += "}\n";
  if (std::FILE* out = std::fopen(path, "a")) {
    std::fputs(line.c_str(), out);
    std::fclose(out);
  }
}

// "sqlite" or "postgresql" from a --db value.
inline std::string BackendOf(std::string_view dsn) {
  return dsn.starts_with("postgresql:") || dsn.starts_with("postgres:") ? "postgresql" : "sqlite";
}

}  // namespace avni::bench
