#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace avni::scheduler::detail {

// A POSIX TZ rule such as "EST5EDT,M3.2.0,M11.1.0": the footer of a TZif file, which gives the
// offsets for every time after the file's last transition. Offsets are seconds east of UTC.
struct PosixTzRule {
  // Where in a year a change happens: kMonthWeekDay "Mm.w.d", kJulianNoLeap "Jn" (1-365, Feb 29
  // never counted), kZeroBased "n" (0-365); `time` is seconds after local midnight (may be
  // negative or past 24h, as RFC 8536 allows).
  struct Change {
    enum class Kind { kMonthWeekDay, kJulianNoLeap, kZeroBased };
    Kind kind = Kind::kMonthWeekDay;
    int month = 0;
    int week = 0;
    int weekday = 0;
    int day = 0;
    std::int64_t time = 7200;
  };

  std::int64_t std_offset = 0;
  bool has_dst = false;
  std::int64_t dst_offset = 0;
  Change dst_start;
  Change dst_end;

  // Nullopt when the text is not a valid TZ rule.
  static std::optional<PosixTzRule> Parse(std::string_view text);
  std::int64_t OffsetAt(std::int64_t utc_seconds) const;
};

// A time zone read from the system tz database (TZif files under /usr/share/zoneinfo): the
// transitions and their offsets, then the footer rule. Immutable once loaded, so one instance
// may be shared by any number of threads.
class TimeZone {
 public:
  // Errors: invalid_argument with field "timezone" when the name is not a zone of the database
  // (names are checked before any file is opened: no absolute paths, no "..").
  static Result<std::shared_ptr<const TimeZone>> Load(std::string_view name);
  // "UTC" without touching the file system, so the default zone works without tzdata.
  static std::shared_ptr<const TimeZone> Utc();
  // Reads a TZif image (exposed for tests of the format); nullopt when it is not valid TZif.
  static std::optional<TimeZone> FromTzif(std::string_view bytes);

  // Seconds east of UTC in force at a UTC instant.
  std::int64_t OffsetAt(std::int64_t utc_seconds) const;

  // The UTC instant of a local wall time: when the local time happens twice (fall-back), the
  // first occurrence; when it does not happen (a spring-forward gap), the first instant after
  // the gap.
  std::int64_t LocalToUtc(std::int64_t local_seconds) const;

 private:
  TimeZone() = default;

  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<std::int64_t> offsets_;      // offsets_[i] applies from transitions_[i]
  std::int64_t initial_offset_ = 0;        // before the first transition
  std::optional<PosixTzRule> rule_;        // after the last transition, when the file has one
  std::int64_t min_offset_ = 0;
  std::int64_t max_offset_ = 0;
};

}  // namespace avni::scheduler::detail
