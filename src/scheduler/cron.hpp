#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::scheduler {

// A cron schedule in a time zone: when a job fires.
//
// Expressions: 5 fields "minute hour day-of-month month day-of-week", or 6 fields with seconds
// first as Spring's @Scheduled (the Java service's `main.scheduled.job.cron` values, e.g.
// "0 */5 * * * ?"). Each field: `*`, `?` (same as `*`), numbers, ranges `a-b`, steps `*/n` and
// `a-b/n` and `a/n`, lists `a,b-c`; months JAN-DEC and days SUN-SAT by name (any case);
// day-of-week 0 or 7 is Sunday. As in cron, when both day-of-month and day-of-week are
// restricted, a day matching either fires. "-" means never (the job is off). `L` and `W` are
// not supported (refused with a clear message).
//
// Time zones are IANA names ("Asia/Kolkata", "UTC") from the system tz database. A local time
// that does not exist (a spring-forward gap) fires at the first instant after the gap; a local
// time that happens twice (fall-back) fires once, at its first occurrence.
class CronSchedule {
 public:
  // Errors: invalid_argument with field "cron" (naming the bad field of the expression, e.g.
  // "hour 25 is out of range 0-23") or "timezone" (unknown zone).
  static Result<CronSchedule> Parse(std::string_view expression, std::string_view timezone = "UTC");

  CronSchedule(const CronSchedule&);
  CronSchedule& operator=(const CronSchedule&);
  CronSchedule(CronSchedule&&) noexcept;
  CronSchedule& operator=(CronSchedule&&) noexcept;
  ~CronSchedule();

  // The first fire time strictly after `after`; nullopt for "-" or when no time within the
  // next 5 years matches (e.g. "0 0 30 2 *").
  std::optional<Timestamp> Next(Timestamp after) const;
  bool never() const;
  const std::string& expression() const;
  const std::string& timezone() const;

 private:
  struct Impl;
  explicit CronSchedule(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace avni::scheduler
