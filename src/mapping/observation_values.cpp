#include "mapping/observation_values.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace avni::mapping {
namespace {

using nlohmann::json;

constexpr std::string_view kDateTimeForm =
    "expected ISO-8601 with a time zone, e.g. 2023-01-05T10:00:00.000Z or "
    "2023-01-05T15:30:00+05:30";

std::unexpected<std::string> Wrong(std::string message) {
  return std::unexpected<std::string>(std::move(message));
}

std::string Quoted(const json& value) { return value.dump(); }

// A small cursor over text for the fixed-width ISO forms.
struct Cursor {
  std::string_view text;
  std::size_t at = 0;

  bool Done() const { return at == text.size(); }
  bool Peek(char c) const { return at < text.size() && text[at] == c; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++at;
    return true;
  }
  // Exactly `n` digits.
  std::optional<int> Digits(int n) {
    if (text.size() - at < static_cast<std::size_t>(n)) return std::nullopt;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = text[at + i];
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    at += n;
    return v;
  }
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

struct Day {
  int y = 0, m = 0, d = 0;
};

std::optional<Day> ParseDay(Cursor& c) {
  auto y = c.Digits(4);
  if (!y || !c.Take('-')) return std::nullopt;
  auto m = c.Digits(2);
  if (!m || !c.Take('-') || *m < 1 || *m > 12) return std::nullopt;
  auto d = c.Digits(2);
  if (!d || *d < 1 || *d > DaysIn(*y, *m)) return std::nullopt;
  return Day{*y, *m, *d};
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Day CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400) + (m <= 2);
  return Day{y, m, d};
}

// Milliseconds of the time of day and the zone offset, or a message.
std::expected<std::int64_t, std::string> ParseTimeAndZone(Cursor& c, const json& value) {
  auto bad = [&] {
    return Wrong(fmt::format("{} is not a date-time: {}", Quoted(value), kDateTimeForm));
  };
  auto hh = c.Digits(2);
  if (!hh || !c.Take(':') || *hh > 23) return bad();
  auto mm = c.Digits(2);
  if (!mm || *mm > 59) return bad();
  int ss = 0, millis = 0;
  if (c.Take(':')) {
    auto s = c.Digits(2);
    if (!s || *s > 59) return bad();
    ss = *s;
    if (c.Take('.')) {
      int digits = 0;
      while (c.at < c.text.size() && c.text[c.at] >= '0' && c.text[c.at] <= '9') {
        if (digits < 3) millis = millis * 10 + (c.text[c.at] - '0');
        ++digits;
        ++c.at;
      }
      if (digits == 0 || digits > 9) return bad();
      for (int i = digits; i < 3; ++i) millis *= 10;
    }
  }
  std::int64_t offset_minutes = 0;
  if (c.Take('Z')) {
  } else if (c.Peek('+') || c.Peek('-')) {
    const int sign = c.Peek('-') ? -1 : 1;
    ++c.at;
    auto oh = c.Digits(2);
    if (!oh || *oh > 18) return bad();
    int om = 0;
    if (!c.Done()) {
      c.Take(':');
      auto m = c.Digits(2);
      if (!m || *m > 59) return bad();
      om = *m;
    }
    offset_minutes = sign * (*oh * 60 + om);
  } else if (c.Done()) {
    return Wrong(
        fmt::format("{} has no time zone: add Z or an offset such as +05:30", Quoted(value)));
  } else {
    return bad();
  }
  if (!c.Done()) return bad();
  return ((*hh * 60 + *mm - offset_minutes) * 60 + ss) * 1000 + millis;
}

}  // namespace

ValueResult ConvertDate(const json& value) {
  if (!value.is_string())
    return Wrong(fmt::format("expected a date as text (YYYY-MM-DD), got {}", value.type_name()));
  Cursor c{value.get_ref<const std::string&>()};
  if (!ParseDay(c) || !c.Done())
    return Wrong(fmt::format("{} is not a date: expected YYYY-MM-DD", Quoted(value)));
  return value;
}

ValueResult ConvertDateTime(const json& value) {
  if (!value.is_string())
    return Wrong(fmt::format("expected a date-time as text, got {}", value.type_name()));
  Cursor c{value.get_ref<const std::string&>()};
  auto day = ParseDay(c);
  if (!day || !c.Take('T'))
    return Wrong(fmt::format("{} is not a date-time: {}", Quoted(value), kDateTimeForm));
  auto time = ParseTimeAndZone(c, value);
  if (!time) return Wrong(time.error());
  constexpr std::int64_t kDayMillis = 86'400'000;
  const std::int64_t ms = DaysFromCivil(day->y, day->m, day->d) * kDayMillis + *time;
  const std::int64_t days = ms >= 0 ? ms / kDayMillis : (ms - kDayMillis + 1) / kDayMillis;
  const std::int64_t in_day = ms - days * kDayMillis;
  const Day utc = CivilFromDays(days);
  if (utc.y < 0 || utc.y > 9999)
    return Wrong(fmt::format("{} is outside the years 0000-9999 in UTC", Quoted(value)));
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", written by hand: on the hot path of every record, where
  // fmt's runtime format parsing cost a quarter of the mapping time.
  char out[] = "0000-00-00T00:00:00.000Z";
  const auto put = [&](std::size_t at, std::int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[at + i] = static_cast<char>('0' + v % 10);
  };
  put(0, utc.y, 4);
  put(5, utc.m, 2);
  put(8, utc.d, 2);
  put(11, in_day / 3'600'000, 2);
  put(14, in_day / 60'000 % 60, 2);
  put(17, in_day / 1000 % 60, 2);
  put(20, in_day % 1000, 3);
  return json(std::string(out, sizeof(out) - 1));
}

ValueResult ConvertNumeric(const json& value) {
  if (value.is_number()) return value;
  if (!value.is_string()) return Wrong(fmt::format("expected a number, got {}", value.type_name()));
  std::string_view text = value.get_ref<const std::string&>();
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  // from_chars takes no '+'; a leading one is common enough in exports to accept.
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  if (text.find_first_of(".eE") == std::string_view::npos) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), end, n);
    if (ec == std::errc() && p == end && !text.empty()) return json(n);
  }
  double d = 0;
  auto [p, ec] = std::from_chars(text.data(), end, d);
  if (ec != std::errc() || p != end || text.empty() || !std::isfinite(d))
    return Wrong(fmt::format("{} is not a number", Quoted(value)));
  return json(d);
}

ValueResult ConvertBoolean(const json& value) {
  if (value.is_boolean()) return value;
  if (value.is_string()) {
    std::string lower = value.get<std::string>();
    for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    if (lower == "true" || lower == "yes") return json(true);
    if (lower == "false" || lower == "no") return json(false);
    return Wrong(fmt::format("{} is not a boolean: expected true/false or yes/no", Quoted(value)));
  }
  return Wrong(fmt::format("expected a boolean, got {}", value.type_name()));
}

}  // namespace avni::mapping
