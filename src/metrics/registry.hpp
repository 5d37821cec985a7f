#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace avni::metrics {

// A sample's label values, in the order of its family's label names.
using LabelValues = std::vector<std::string>;

// Writes the Prometheus text exposition format (version 0.0.4): a family's "# HELP" and
// "# TYPE" lines, then its samples, `name{label="value",...} value`. Label values are escaped
// (backslash, double quote, newline) so that any tenant or entity name is safe to export.
class TextWriter {
 public:
  // type: "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view help, std::string_view type);
  // `extra` is one more label (a histogram's "le") written after the family's, when not empty.
  void Sample(std::string_view name, const std::vector<std::string>& label_names,
              const LabelValues& values, double value, std::string_view extra_name = {},
              std::string_view extra_value = {});
  void Sample(std::string_view name, const std::vector<std::string>& label_names,
              const LabelValues& values, std::int64_t value, std::string_view extra_name = {},
              std::string_view extra_value = {});

  const std::string& text() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void Labels(const std::vector<std::string>& names, const LabelValues& values,
              std::string_view extra_name, std::string_view extra_value);
  std::string out_;
};

// `value` as a label value in the text format: \ -> \\, " -> \", newline -> \n.
std::string EscapeLabelValue(std::string_view value);
// A number as the text format writes it: shortest round-trip form, "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

// A counter per label set (e.g. per tenant and entity type), created on first use and kept for
// the life of the process. Thread-safe: the label set is found under a mutex (per family, held
// only for a map lookup); the count itself is an atomic add. Callers count per page or per run,
// not per record.
class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);

  void Add(const LabelValues& values, std::int64_t n = 1);
  // The current count of a label set; 0 when it was never counted.
  std::int64_t Value(const LabelValues& values) const;
  void Write(TextWriter& out) const;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<std::atomic<std::int64_t>>> cells_;  // guarded by mu_
};

// A histogram per label set, with fixed upper bounds (ascending; +Inf is implied). Writes the
// cumulative `_bucket{le=...}` series, `_sum` and `_count`. Thread-safe as CounterFamily.
class HistogramFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds);

  void Observe(const LabelValues& values, double value);
  void Write(TextWriter& out) const;

 private:
  struct Cell {
    explicit Cell(std::size_t buckets) : counts(buckets + 1) {}
    std::vector<std::atomic<std::uint64_t>> counts;  // per bucket, not cumulative; last: +Inf
    std::atomic<double> sum{0};
  };
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> bounds_;
  std::vector<std::string> bound_labels_;  // bounds_ as "le" values, written once
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<Cell>> cells_;  // guarded by mu_
};

}  // namespace avni::metrics
