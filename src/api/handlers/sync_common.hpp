#pragma once
// Private to the handlers of error records, error types and sync status: reading times and
// text from query parameters and bodies. Header-only (inline) so that it needs no build change.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/json_body.hpp"
#include "api/route.hpp"
#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::api {

inline constexpr std::size_t kMaxEntityType = 200;  // the store's limit

// An ISO 8601 time with its zone, "2024-01-31T10:00:00Z", "2024-01-31T15:30:00.250+05:30", or a
// date, "2024-01-31" (midnight UTC). Fractions beyond milliseconds are cut, since times are
// stored to the millisecond. Errors: invalid_argument naming `field`.
inline Result<Timestamp> ParseIsoTime(std::string_view text, const std::string& field) {
  auto bad = [&](std::string_view why) {
    return Fail(Error::InvalidArgument(
        field, fmt::format("{} must be an ISO 8601 time such as 2024-01-31T10:00:00Z or a date "
                           "such as 2024-01-31, not '{}' ({})",
                           field, text, why)));
  };
  std::size_t pos = 0;
  auto digits = [&](int n, int& out) {
    out = 0;
    for (int i = 0; i < n; ++i, ++pos) {
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return false;
      out = out * 10 + (text[pos] - '0');
    }
    return true;
  };
  auto literal = [&](char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
  };
  int y = 0, mo = 0, d = 0;
  if (!digits(4, y) || !literal('-') || !digits(2, mo) || !literal('-') || !digits(2, d)) {
    return bad("the date must be YYYY-MM-DD");
  }
  const std::chrono::year_month_day date{std::chrono::year(y),
                                         std::chrono::month(static_cast<unsigned>(mo)),
                                         std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return bad("no such date");
  const Timestamp midnight = std::chrono::sys_days(date);
  if (pos == text.size()) return midnight;
  int h = 0, mi = 0, s = 0;
  if (!literal('T') || !digits(2, h) || !literal(':') || !digits(2, mi) || !literal(':') ||
      !digits(2, s) || h > 23 || mi > 59 || s > 59) {
    return bad("the time of day must be THH:MM:SS");
  }
  int ms = 0, fraction_digits = 0;
  if (literal('.')) {
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++fraction_digits) {
      if (fraction_digits < 3) ms = ms * 10 + (text[pos] - '0');
    }
    if (fraction_digits == 0 || fraction_digits > 9) return bad("a fraction has 1 to 9 digits");
    for (int i = fraction_digits; i < 3; ++i) ms *= 10;
  }
  int offset_minutes = 0;
  if (!literal('Z')) {
    const bool plus = literal('+');
    if (!plus && !literal('-')) return bad("the zone is missing: end with Z for UTC");
    int oh = 0, om = 0;
    if (!digits(2, oh)) return bad("the zone must be Z, +HH:MM or -HH:MM");
    (void)literal(':');
    if (!digits(2, om) || oh > 23 || om > 59) return bad("the zone must be Z, +HH:MM or -HH:MM");
    offset_minutes = (plus ? 1 : -1) * (oh * 60 + om);
  }
  if (pos != text.size()) return bad("unexpected text after the time");
  return midnight + std::chrono::hours(h) + std::chrono::minutes(mi - offset_minutes) +
         std::chrono::seconds(s) + std::chrono::milliseconds(ms);
}

// A text query parameter: valid UTF-8 of at most max_chars characters and no control
// characters; nullopt when absent.
inline Result<std::optional<std::string>> QueryString(const Request& request,
                                                      const std::string& name,
                                                      std::size_t max_chars) {
  auto value = request.QueryValue(name);
  if (!value) return std::optional<std::string>();
  try {
    (void)nlohmann::json(*value).dump();
  } catch (const nlohmann::json::exception&) {
    return Fail(Error::InvalidArgument(name, name + " is not valid UTF-8 text"));
  }
  std::size_t chars = 0;
  for (unsigned char c : *value) chars += (c & 0xC0) != 0x80;
  if (chars > max_chars) {
    return Fail(Error::InvalidArgument(
        name, fmt::format("{} must have at most {} characters", name, max_chars)));
  }
  if (auto ok = CheckText(name, *value, false); !ok) return Fail(ok.error());
  return value;
}

}  // namespace avni::api
