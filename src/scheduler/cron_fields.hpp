#pragma once

#include <cstdint>
#include <string_view>

#include "common/error.hpp"

namespace avni::scheduler::detail {

// The parsed fields of a cron expression as bit sets: bit n set means value n fires.
struct CronFields {
  std::uint64_t seconds = 0;        // 0-59; {0} for 5-field expressions
  std::uint64_t minutes = 0;        // 0-59
  std::uint32_t hours = 0;          // 0-23
  std::uint32_t days_of_month = 0;  // 1-31
  std::uint32_t months = 0;         // 1-12
  std::uint32_t days_of_week = 0;   // 0-6, Sunday 0 (7 is folded into 0)
  // A day field written as `*` or `?` does not restrict days; when both are restricted a day
  // matching either fires (cron's rule).
  bool days_of_month_restricted = false;
  bool days_of_week_restricted = false;
};

// Parses a 5- or 6-field expression (not "-", which the caller handles). Errors: invalid_argument
// with field "cron" whose message names the bad field of the expression and its value.
Result<CronFields> ParseCronFields(std::string_view expression);

}  // namespace avni::scheduler::detail
