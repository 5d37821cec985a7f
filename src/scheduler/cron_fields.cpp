#include "scheduler/cron_fields.hpp"

#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace avni::scheduler::detail {
namespace {

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED",
                                                       "THU", "FRI", "SAT"};

// One field of the expression: its name in messages, its range and its value names (the name
// at index i stands for min + i).
struct FieldSpec {
  std::string_view name;
  int min;
  int max;
  const std::string_view* names = nullptr;
  std::size_t name_count = 0;
};

constexpr FieldSpec kSecond{"second", 0, 59};
constexpr FieldSpec kMinute{"minute", 0, 59};
constexpr FieldSpec kHour{"hour", 0, 23};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31};
constexpr FieldSpec kMonth{"month", 1, 12, kMonthNames.data(), kMonthNames.size()};
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, kDayNames.data(), kDayNames.size()};

std::unexpected<Error> Invalid(std::string message) {
  return Fail(Error::InvalidArgument("cron", std::move(message)));
}

std::unexpected<Error> Unsupported(const FieldSpec& field, std::string_view token) {
  return Invalid(fmt::format(
      "{} \"{}\" is not supported: L, W and # are not; use numbers, names, ranges (a-b), "
      "steps (*/n) and lists (a,b)",
      field.name, token));
}

bool IsUnsupportedToken(std::string_view token) {
  return token.find_first_of("LWlw#") != std::string_view::npos;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// A single value: a number or, where the field has them, a name.
Result<int> ParseValue(const FieldSpec& field, std::string_view token) {
  if (token.empty()) {
    return Invalid(
        fmt::format("{} has an empty value: write a number, e.g. {}", field.name, field.min));
  }
  if (std::isdigit(static_cast<unsigned char>(token.front()))) {
    int value = 0;
    for (const char c : token) {
      if (!std::isdigit(static_cast<unsigned char>(c))) {
        if (IsUnsupportedToken(token)) return Unsupported(field, token);
        return Invalid(fmt::format("{} \"{}\" is not a number", field.name, token));
      }
      value = std::min(value * 10 + (c - '0'), 1000000);
    }
    if (value < field.min || value > field.max) {
      return Invalid(
          fmt::format("{} {} is out of range {}-{}", field.name, value, field.min, field.max));
    }
    return value;
  }
  const std::string upper = Upper(token);
  for (std::size_t i = 0; i < field.name_count; ++i) {
    if (upper == field.names[i]) return field.min + static_cast<int>(i);
  }
  if (IsUnsupportedToken(token) && token.size() <= 2) return Unsupported(field, token);
  if (field.name_count == 0) {
    return Invalid(fmt::format("{} \"{}\" is not a number", field.name, token));
  }
  return Invalid(fmt::format("{} \"{}\" is not a number or a name ({}-{})", field.name, token,
                             field.names[0], field.names[field.name_count - 1]));
}

// One list item: `*`, `?`, `a`, `a-b`, each optionally followed by `/step`.
Result<std::uint64_t> ParseItem(const FieldSpec& field, std::string_view item) {
  if (item.find('#') != std::string_view::npos) return Unsupported(field, item);
  std::string_view range = item;
  std::optional<int> step;
  if (const std::size_t slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    const std::string_view step_text = item.substr(slash + 1);
    int value = 0;
    for (const char c : step_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) value = -1;
      if (value >= 0) value = std::min(value * 10 + (c - '0'), 1000000);
    }
    if (step_text.empty() || value < 0) {
      return Invalid(fmt::format("{} step \"{}\" is not a number", field.name, step_text));
    }
    if (value == 0) {
      return Invalid(fmt::format("{} step 0 is not allowed: use a step of 1 or more", field.name));
    }
    step = value;
  }
  int lo = 0;
  int hi = 0;
  if (range == "*" || range == "?") {
    lo = field.min;
    hi = field.name == kDayOfWeek.name ? 6 : field.max;  // 7 would repeat Sunday
  } else {
    const std::size_t dash = range.find('-', 1);
    Result<int> first = ParseValue(field, range.substr(0, dash));
    if (!first) return std::unexpected(first.error());
    lo = *first;
    hi = step ? field.max : lo;  // "a/n" runs from a to the end of the range
    if (dash != std::string_view::npos) {
      Result<int> last = ParseValue(field, range.substr(dash + 1));
      if (!last) return std::unexpected(last.error());
      hi = *last;
      if (hi < lo) {
        return Invalid(fmt::format("{} range {} goes backwards: write the smaller value first",
                                   field.name, range));
      }
    }
  }
  std::uint64_t bits = 0;
  for (int value = lo; value <= hi; value += step.value_or(1)) bits |= std::uint64_t{1} << value;
  return bits;
}

Result<std::uint64_t> ParseField(const FieldSpec& field, std::string_view text) {
  std::uint64_t bits = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma - start);
    if (item.empty()) {
      return Invalid(fmt::format("{} \"{}\" has an empty list item: remove the extra comma",
                                 field.name, text));
    }
    Result<std::uint64_t> item_bits = ParseItem(field, item);
    if (!item_bits) return item_bits;
    bits |= *item_bits;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return bits;
}

std::vector<std::string_view> SplitFields(std::string_view expression) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < expression.size()) {
    while (i < expression.size() && std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
    const std::size_t start = i;
    while (i < expression.size() && !std::isspace(static_cast<unsigned char>(expression[i]))) ++i;
    if (i > start) fields.push_back(expression.substr(start, i - start));
  }
  return fields;
}

bool IsStar(std::string_view field) { return field == "*" || field == "?"; }

}  // namespace

Result<CronFields> ParseCronFields(std::string_view expression) {
  std::vector<std::string_view> parts = SplitFields(expression);
  if (parts.size() != 5 && parts.size() != 6) {
    return Invalid(fmt::format(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 "
        "(second first, e.g. \"0 */5 * * * ?\"); \"{}\" has {}, or \"-\" for never",
        expression, parts.size()));
  }
  CronFields fields;
  std::size_t next = 0;
  auto parse = [&](const FieldSpec& spec, auto& out) -> Status {
    Result<std::uint64_t> bits = ParseField(spec, parts[next++]);
    if (!bits) return std::unexpected(bits.error());
    out = static_cast<std::remove_reference_t<decltype(out)>>(bits.value());
    return {};
  };
  Status status;
  if (parts.size() == 6) {
    status = parse(kSecond, fields.seconds);
  } else {
    fields.seconds = 1;
  }
  fields.days_of_month_restricted = !IsStar(parts[parts.size() - 3]);
  fields.days_of_week_restricted = !IsStar(parts[parts.size() - 1]);
  if (status) status = parse(kMinute, fields.minutes);
  if (status) status = parse(kHour, fields.hours);
  if (status) status = parse(kDayOfMonth, fields.days_of_month);
  if (status) status = parse(kMonth, fields.months);
  if (status) status = parse(kDayOfWeek, fields.days_of_week);
  if (!status) return std::unexpected(status.error());
  if (fields.days_of_week & (1u << 7)) fields.days_of_week = (fields.days_of_week | 1u) & 0x7f;
  return fields;
}

}  // namespace avni::scheduler::detail
