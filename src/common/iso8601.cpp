#include "common/time.hpp"

#include <cctype>

namespace avni {
namespace {

// Reads exactly `digits` decimal digits at `pos`, advancing it.
std::optional<int> Digits(std::string_view s, std::size_t& pos, std::size_t digits) {
  if (pos + digits > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool Expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<Timestamp> ParseIso8601(std::string_view s) {
  using namespace std::chrono;
  std::size_t pos = 0;
  const auto year = Digits(s, pos, 4);
  if (!year || !Expect(s, pos, '-')) return std::nullopt;
  const auto month = Digits(s, pos, 2);
  if (!month || !Expect(s, pos, '-')) return std::nullopt;
  const auto day = Digits(s, pos, 2);
  if (!day || !Expect(s, pos, 'T')) return std::nullopt;
  const auto hour = Digits(s, pos, 2);
  if (!hour || !Expect(s, pos, ':')) return std::nullopt;
  const auto minute = Digits(s, pos, 2);
  if (!minute || !Expect(s, pos, ':')) return std::nullopt;
  const auto second = Digits(s, pos, 2);
  if (!second) return std::nullopt;
  if (*hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  const year_month_day date{std::chrono::year{*year},
                            std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;

  int millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t fraction_digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (fraction_digits < 3) millis = millis * 10 + (s[pos] - '0');
      ++fraction_digits;
      ++pos;
    }
    if (fraction_digits == 0) return std::nullopt;
    for (std::size_t i = fraction_digits; i < 3; ++i) millis *= 10;
  }

  minutes offset{0};
  if (pos < s.size()) {
    if (s[pos] == 'Z') {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      const int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      const auto off_hours = Digits(s, pos, 2);
      if (!off_hours || !Expect(s, pos, ':')) return std::nullopt;
      const auto off_minutes = Digits(s, pos, 2);
      if (!off_minutes || *off_hours > 18 || *off_minutes > 59) return std::nullopt;
      offset = minutes{sign * (*off_hours * 60 + *off_minutes)};
    }
  }
  if (pos != s.size()) return std::nullopt;

  const auto local =
      sys_days{date} + hours{*hour} + minutes{*minute} + seconds{*second} + milliseconds{millis};
  return time_point_cast<milliseconds>(local - offset);
}

}  // namespace avni
