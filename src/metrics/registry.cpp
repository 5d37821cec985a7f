#include "metrics/registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace avni::metrics {

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// HELP text escapes backslash and newline only.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void TextWriter::Family(std::string_view name, std::string_view help, std::string_view type) {
  out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(help), name, type);
}

void TextWriter::Labels(const std::vector<std::string>& names, const LabelValues& values,
                        std::string_view extra_name, std::string_view extra_value) {
  if (names.empty() && extra_name.empty()) return;
  out_ += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (!first) out_ += ',';
    first = false;
    out_ += names[i];
    out_ += "=\"";
    out_ += EscapeLabelValue(values[i]);
    out_ += '"';
  }
  if (!extra_name.empty()) {
    if (!first) out_ += ',';
    out_ += extra_name;
    out_ += "=\"";
    out_ += EscapeLabelValue(extra_value);
    out_ += '"';
  }
  out_ += '}';
}

void TextWriter::Sample(std::string_view name, const std::vector<std::string>& label_names,
                        const LabelValues& values, double value, std::string_view extra_name,
                        std::string_view extra_value) {
  out_ += name;
  Labels(label_names, values, extra_name, extra_value);
  out_ += ' ';
  out_ += FormatValue(value);
  out_ += '\n';
}

void TextWriter::Sample(std::string_view name, const std::vector<std::string>& label_names,
                        const LabelValues& values, std::int64_t value, std::string_view extra_name,
                        std::string_view extra_value) {
  out_ += name;
  Labels(label_names, values, extra_name, extra_value);
  fmt::format_to(std::back_inserter(out_), " {}\n", value);
}

CounterFamily::CounterFamily(std::string name, std::string help,
                             std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}

void CounterFamily::Add(const LabelValues& values, std::int64_t n) {
  std::atomic<std::int64_t>* cell = nullptr;
  {
    std::lock_guard lock(mu_);
    auto& slot = cells_[values];
    if (!slot) slot = std::make_unique<std::atomic<std::int64_t>>(0);
    cell = slot.get();
  }
  // Cells are never removed: the pointer outlives the lock.
  cell->fetch_add(n, std::memory_order_relaxed);
}

std::int64_t CounterFamily::Value(const LabelValues& values) const {
  std::lock_guard lock(mu_);
  auto it = cells_.find(values);
  return it == cells_.end() ? 0 : it->second->load(std::memory_order_relaxed);
}

void CounterFamily::Write(TextWriter& out) const {
  out.Family(name_, help_, "counter");
  std::lock_guard lock(mu_);
  for (const auto& [values, cell] : cells_) {
    out.Sample(name_, label_names_, values, cell->load(std::memory_order_relaxed));
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> label_names, std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bounds_(std::move(bounds)) {
  for (const double bound : bounds_) bound_labels_.push_back(FormatValue(bound));
}

void HistogramFamily::Observe(const LabelValues& values, double value) {
  Cell* cell = nullptr;
  {
    std::lock_guard lock(mu_);
    auto& slot = cells_[values];
    if (!slot) slot = std::make_unique<Cell>(bounds_.size());
    cell = slot.get();
  }
  std::size_t bucket = 0;
  while (bucket < bounds_.size() && value > bounds_[bucket]) ++bucket;
  cell->counts[bucket].fetch_add(1, std::memory_order_relaxed);
  cell->sum.fetch_add(value, std::memory_order_relaxed);
}

void HistogramFamily::Write(TextWriter& out) const {
  out.Family(name_, help_, "histogram");
  const std::string bucket_name = name_ + "_bucket";
  const std::string sum_name = name_ + "_sum";
  const std::string count_name = name_ + "_count";
  std::lock_guard lock(mu_);
  for (const auto& [values, cell] : cells_) {
    // Read each bucket once, so that the cumulative series and _count agree even while
    // observations go on.
    std::int64_t cumulative = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
      cumulative += static_cast<std::int64_t>(cell->counts[i].load(std::memory_order_relaxed));
      out.Sample(bucket_name, label_names_, values, cumulative, "le", bound_labels_[i]);
    }
    cumulative +=
        static_cast<std::int64_t>(cell->counts[bounds_.size()].load(std::memory_order_relaxed));
    out.Sample(bucket_name, label_names_, values, cumulative, "le", "+Inf");
    out.Sample(sum_name, label_names_, values, cell->sum.load(std::memory_order_relaxed));
    out.Sample(count_name, label_names_, values, cumulative);
  }
}

}  // namespace avni::metrics
