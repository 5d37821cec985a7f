#include "scheduler/cron.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "scheduler/cron_zone.hpp"

namespace avni::scheduler {
namespace {

using std::chrono::sys_days;

// A UTC instant from its calendar fields.
Timestamp At(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  const sys_days day{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}};
  return Timestamp(day) + std::chrono::hours(h) + std::chrono::minutes(mi) +
         std::chrono::seconds(s) + std::chrono::milliseconds(ms);
}

std::string Show(std::optional<Timestamp> t) { return t ? FormatIso8601(*t) : "never"; }

CronSchedule Must(std::string_view expression, std::string_view zone = "UTC") {
  Result<CronSchedule> schedule = CronSchedule::Parse(expression, zone);
  EXPECT_TRUE(schedule.has_value())
      << expression << " in " << zone << ": " << (schedule ? "" : schedule.error().message);
  if (!schedule) std::abort();
  return *std::move(schedule);
}

// The next `count` fire times after `from`, each found from the one before.
std::vector<std::string> Fires(const CronSchedule& schedule, Timestamp from, int count) {
  std::vector<std::string> out;
  std::optional<Timestamp> t = from;
  for (int i = 0; i < count && t; ++i) {
    t = schedule.Next(*t);
    out.push_back(Show(t));
  }
  return out;
}

int CountFires(const CronSchedule& schedule, Timestamp from, Timestamp until) {
  int fires = 0;
  for (std::optional<Timestamp> t = schedule.Next(from); t && *t < until; t = schedule.Next(*t)) {
    ++fires;
  }
  return fires;
}

Error ParseError(std::string_view expression, std::string_view zone = "UTC") {
  Result<CronSchedule> schedule = CronSchedule::Parse(expression, zone);
  EXPECT_FALSE(schedule.has_value()) << expression << " should be refused";
  return schedule ? Error{} : schedule.error();
}

TEST(CronParseTest, FiveFieldsFireOnWholeMinutes) {
  EXPECT_EQ(Show(Must("* * * * *").Next(At(2026, 1, 5, 10, 0, 30, 500))),
            "2026-01-05T10:01:00.000Z");
}

TEST(CronParseTest, SixFieldsPutSecondsFirst) {
  EXPECT_EQ(Show(Must("*/10 * * * * *").Next(At(2026, 1, 5, 10, 0, 5))),
            "2026-01-05T10:00:10.000Z");
  EXPECT_EQ(Show(Must("15 30 * * * *").Next(At(2026, 1, 5, 10, 0, 0))), "2026-01-05T10:30:15.000Z");
}

TEST(CronParseTest, NextIsStrictlyAfter) {
  const CronSchedule every_five = Must("0 */5 * * * ?");
  EXPECT_EQ(Show(every_five.Next(At(2026, 1, 5, 10, 5))), "2026-01-05T10:10:00.000Z");
  EXPECT_EQ(Show(every_five.Next(At(2026, 1, 5, 10, 4, 59, 999))), "2026-01-05T10:05:00.000Z");
  EXPECT_EQ(Show(every_five.Next(At(2026, 1, 5, 10, 5, 0, 1))), "2026-01-05T10:10:00.000Z");
}

TEST(CronParseTest, ListsRangesAndSteps) {
  EXPECT_EQ(Fires(Must("0 9-17/4,20 * * *"), At(2026, 1, 5), 5),
            (std::vector<std::string>{"2026-01-05T09:00:00.000Z", "2026-01-05T13:00:00.000Z",
                                      "2026-01-05T17:00:00.000Z", "2026-01-05T20:00:00.000Z",
                                      "2026-01-06T09:00:00.000Z"}));
  // "a/n" runs from a to the end of the field.
  EXPECT_EQ(Fires(Must("5/20 * * * *"), At(2026, 1, 5, 10), 4),
            (std::vector<std::string>{"2026-01-05T10:05:00.000Z", "2026-01-05T10:25:00.000Z",
                                      "2026-01-05T10:45:00.000Z", "2026-01-05T11:05:00.000Z"}));
  EXPECT_EQ(Fires(Must("10-30/10 0 * * *"), At(2026, 1, 5), 4),
            (std::vector<std::string>{"2026-01-05T00:10:00.000Z", "2026-01-05T00:20:00.000Z",
                                      "2026-01-05T00:30:00.000Z", "2026-01-06T00:10:00.000Z"}));
  EXPECT_EQ(Fires(Must("0 0 1,15 * *"), At(2026, 1, 5), 3),
            (std::vector<std::string>{"2026-01-15T00:00:00.000Z", "2026-02-01T00:00:00.000Z",
                                      "2026-02-15T00:00:00.000Z"}));
}

TEST(CronParseTest, MonthAndDayNamesInAnyCase) {
  EXPECT_EQ(Fires(Must("0 0 1 JAN,jul *"), At(2026, 1, 5), 2),
            (std::vector<std::string>{"2026-07-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"}));
  EXPECT_EQ(Fires(Must("0 0 1 Mar-MAY *"), At(2026, 1, 5), 4),
            (std::vector<std::string>{"2026-03-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z",
                                      "2026-05-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z"}));
  // 2026-01-09 is a Friday: the weekend is skipped.
  EXPECT_EQ(Fires(Must("0 12 * * mon-FRI"), At(2026, 1, 9, 13), 2),
            (std::vector<std::string>{"2026-01-12T12:00:00.000Z", "2026-01-13T12:00:00.000Z"}));
}

TEST(CronParseTest, QuestionMarkIsAnyDay) {
  // Spring's form: day-of-month "?" leaves only the weekday; 2026-01-05 is a Monday.
  EXPECT_EQ(Fires(Must("0 0 12 ? * MON"), At(2026, 1, 5, 13), 2),
            (std::vector<std::string>{"2026-01-12T12:00:00.000Z", "2026-01-19T12:00:00.000Z"}));
  EXPECT_EQ(Show(Must("0 0 12 ? * ?").Next(At(2026, 1, 5, 13))), "2026-01-06T12:00:00.000Z");
}

TEST(CronParseTest, DayOfWeekZeroAndSevenAreSunday) {
  const Timestamp monday = At(2026, 1, 5);
  for (const char* expression : {"0 0 * * 0", "0 0 * * 7", "0 0 * * SUN"}) {
    EXPECT_EQ(Show(Must(expression).Next(monday)), "2026-01-11T00:00:00.000Z") << expression;
  }
  EXPECT_EQ(Fires(Must("0 0 * * 5-7"), monday, 4),
            (std::vector<std::string>{"2026-01-09T00:00:00.000Z", "2026-01-10T00:00:00.000Z",
                                      "2026-01-11T00:00:00.000Z", "2026-01-16T00:00:00.000Z"}));
}

TEST(CronParseTest, RestrictedDayOfMonthAndWeekFireOnEither) {
  // The 13th or any Friday; 2026-02-13 is a Friday itself.
  EXPECT_EQ(Fires(Must("0 0 13 * FRI"), At(2026, 1, 31), 4),
            (std::vector<std::string>{"2026-02-06T00:00:00.000Z", "2026-02-13T00:00:00.000Z",
                                      "2026-02-20T00:00:00.000Z", "2026-02-27T00:00:00.000Z"}));
  // In April 2026 the 13th is a Monday.
  EXPECT_EQ(Fires(Must("0 0 13 * FRI"), At(2026, 4, 1), 4),
            (std::vector<std::string>{"2026-04-03T00:00:00.000Z", "2026-04-10T00:00:00.000Z",
                                      "2026-04-13T00:00:00.000Z", "2026-04-17T00:00:00.000Z"}));
  // Only one restricted: that one alone decides.
  EXPECT_EQ(Show(Must("0 0 13 * *").Next(At(2026, 1, 31))), "2026-02-13T00:00:00.000Z");
  EXPECT_EQ(Show(Must("0 0 * * FRI").Next(At(2026, 1, 31))), "2026-02-06T00:00:00.000Z");
}

TEST(CronParseTest, DashMeansNever) {
  const CronSchedule off = Must(" - ", "Asia/Kolkata");
  EXPECT_TRUE(off.never());
  EXPECT_EQ(off.expression(), "-");
  EXPECT_EQ(off.timezone(), "Asia/Kolkata");
  EXPECT_EQ(off.Next(At(2026, 1, 5)), std::nullopt);
  EXPECT_FALSE(Must("* * * * *").never());
}

TEST(CronParseTest, CopiesAndMovesKeepTheSchedule) {
  const CronSchedule original = Must("0 30 9 * * *", "Asia/Kolkata");
  CronSchedule copy = original;
  CronSchedule moved = std::move(copy);
  CronSchedule assigned = Must("-");
  assigned = moved;
  EXPECT_EQ(assigned.expression(), "0 30 9 * * *");
  EXPECT_EQ(assigned.timezone(), "Asia/Kolkata");
  EXPECT_EQ(Show(assigned.Next(At(2026, 1, 5))), "2026-01-05T04:00:00.000Z");
  EXPECT_EQ(Show(moved.Next(At(2026, 1, 5))), Show(original.Next(At(2026, 1, 5))));
}

TEST(CronErrorTest, OutOfRangeNamesTheFieldAndValue) {
  // Six fields: the 61 is the minute (in five fields "0 61 * * *" it is the hour).
  const Error minute = ParseError("0 61 * * * *");
  EXPECT_EQ(minute.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(minute.field, "cron");
  EXPECT_EQ(minute.message, "minute 61 is out of range 0-59");
  EXPECT_EQ(ParseError("61 * * * *").message, "minute 61 is out of range 0-59");
  EXPECT_EQ(ParseError("0 61 * * *").message, "hour 61 is out of range 0-23");
  EXPECT_EQ(ParseError("0 0 25 * * *").message, "hour 25 is out of range 0-23");
  EXPECT_EQ(ParseError("60 * * * * *").message, "second 60 is out of range 0-59");
  EXPECT_EQ(ParseError("0 0 0 * *").message, "day-of-month 0 is out of range 1-31");
  EXPECT_EQ(ParseError("0 0 1 13 *").message, "month 13 is out of range 1-12");
  EXPECT_EQ(ParseError("0 0 * * 8").message, "day-of-week 8 is out of range 0-7");
}

TEST(CronErrorTest, LastAndWeekdayAndNthAreRefusedAsUnsupported) {
  for (const char* expression :
       {"0 0 L * *", "0 0 15W * *", "0 0 LW * *", "0 0 * * 5L", "0 0 * * MON#2", "0 0 0 L * ?"}) {
    const Error error = ParseError(expression);
    EXPECT_EQ(error.field, "cron") << expression;
    EXPECT_NE(error.message.find("not supported"), std::string::npos) << error.message;
  }
  EXPECT_NE(ParseError("0 0 L * *").message.find("day-of-month \"L\""), std::string::npos);
}

TEST(CronErrorTest, WrongFieldCountSaysWhatIsExpected) {
  for (const char* expression : {"* * * *", "0 0 * * * * *", "", "   "}) {
    const Error error = ParseError(expression);
    EXPECT_EQ(error.field, "cron");
    EXPECT_NE(error.message.find("5 fields"), std::string::npos) << error.message;
  }
  EXPECT_NE(ParseError("* * * *").message.find("has 4"), std::string::npos);
  EXPECT_NE(ParseError("0 0 * * * * *").message.find("has 7"), std::string::npos);
}

TEST(CronErrorTest, MalformedItemsNameTheField) {
  EXPECT_EQ(ParseError("*/0 * * * *").message,
            "minute step 0 is not allowed: use a step of 1 or more");
  EXPECT_EQ(ParseError("* */x * * *").message, "hour step \"x\" is not a number");
  EXPECT_EQ(ParseError("30-10 * * * *").message,
            "minute range 30-10 goes backwards: write the smaller value first");
  EXPECT_EQ(ParseError("1,,2 * * * *").message,
            "minute \"1,,2\" has an empty list item: remove the extra comma");
  EXPECT_EQ(ParseError("0 0 * FOO *").message, "month \"FOO\" is not a number or a name (JAN-DEC)");
  EXPECT_EQ(ParseError("0 0 * * MONDAY").message,
            "day-of-week \"MONDAY\" is not a number or a name (SUN-SAT)");
  EXPECT_EQ(ParseError("0 x * * *").message, "hour \"x\" is not a number");
  EXPECT_EQ(ParseError("0 0 JAN * *").message, "day-of-month \"JAN\" is not a number");
  EXPECT_EQ(ParseError("0 0 1- * *").message,
            "day-of-month has an empty value: write a number, e.g. 1");
}

TEST(CronErrorTest, UnknownTimeZoneIsRefusedByName) {
  for (const char* zone : {"Mars/Olympus", "", "../../etc/passwd", "/etc/localtime",
                           "America/../Asia/Kolkata", "zone.tab", "America", "right/UTC"}) {
    const Error error = ParseError("* * * * *", zone);
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument) << zone;
    EXPECT_EQ(error.field, "timezone") << zone;
  }
  EXPECT_NE(ParseError("* * * * *", "Mars/Olympus").message.find("Mars/Olympus"),
            std::string::npos);
  // "-" still needs a real zone: the job keeps it for when it is switched on.
  EXPECT_EQ(ParseError("-", "Mars/Olympus").field, "timezone");
}

TEST(CronDateTest, February29WaitsForALeapYear) {
  EXPECT_EQ(Show(Must("0 0 29 2 *").Next(At(2025, 3, 1))), "2028-02-29T00:00:00.000Z");
  EXPECT_EQ(Show(Must("0 0 29 2 *").Next(At(2028, 2, 29))), "2032-02-29T00:00:00.000Z");
}

TEST(CronDateTest, ImpossibleDatesNeverFire) {
  EXPECT_EQ(Must("0 0 30 2 *").Next(At(2025, 3, 1)), std::nullopt);
  EXPECT_EQ(Must("0 0 31 4,6,9,11 *").Next(At(2025, 3, 1)), std::nullopt);
  // 2100 is not a leap year: from 2097 the next Feb 29 (2104) is past the five-year horizon.
  EXPECT_EQ(Must("0 0 29 2 *").Next(At(2097, 3, 1)), std::nullopt);
}

TEST(CronDateTest, ShortMonthsAndYearEndCarry) {
  EXPECT_EQ(Fires(Must("0 0 31 * *"), At(2026, 1, 31), 2),
            (std::vector<std::string>{"2026-03-31T00:00:00.000Z", "2026-05-31T00:00:00.000Z"}));
  EXPECT_EQ(Show(Must("0 0 1 1 *").Next(At(2025, 12, 31, 23, 59, 59))), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(Show(Must("* * * * * *").Next(At(2025, 12, 31, 23, 59, 59, 500))),
            "2026-01-01T00:00:00.000Z");
}

TEST(CronZoneTest, NewYorkSpringForwardGapFiresAtTheEndOfTheGap) {
  // 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00Z): 02:30 does not exist that day.
  EXPECT_EQ(Fires(Must("30 2 * * *", "America/New_York"), At(2026, 3, 7), 3),
            (std::vector<std::string>{"2026-03-07T07:30:00.000Z", "2026-03-08T07:00:00.000Z",
                                      "2026-03-09T06:30:00.000Z"}));
  // Every quarter hour: 02:00-02:45 all fall into the gap and fire once, at 03:00 EDT.
  EXPECT_EQ(Fires(Must("*/15 * * * *", "America/New_York"), At(2026, 3, 8, 6, 30), 4),
            (std::vector<std::string>{"2026-03-08T06:45:00.000Z", "2026-03-08T07:00:00.000Z",
                                      "2026-03-08T07:15:00.000Z", "2026-03-08T07:30:00.000Z"}));
}

TEST(CronZoneTest, NewYorkFallBackRepeatedHourFiresOnce) {
  // 2026-11-01 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST): only the first fires.
  EXPECT_EQ(Fires(Must("30 1 * * *", "America/New_York"), At(2026, 10, 31, 12), 3),
            (std::vector<std::string>{"2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z",
                                      "2026-11-03T06:30:00.000Z"}));
  // Asked from inside the second 01:00-02:00, the repeat is not fired either.
  EXPECT_EQ(Show(Must("30 1 * * *", "America/New_York").Next(At(2026, 11, 1, 6, 10))),
            "2026-11-02T06:30:00.000Z");
  EXPECT_EQ(Fires(Must("0 * * * *", "America/New_York"), At(2026, 11, 1, 4, 30), 3),
            (std::vector<std::string>{"2026-11-01T05:00:00.000Z", "2026-11-01T07:00:00.000Z",
                                      "2026-11-01T08:00:00.000Z"}));
}

TEST(CronZoneTest, RulesPastTheTransitionTableStillFollowDst) {
  // Beyond the last listed transition the zone's POSIX rule decides: second Sunday of March
  // 2040 is the 11th, first Sunday of November 2040 is the 4th.
  const CronSchedule noon = Must("0 12 * * *", "America/New_York");
  EXPECT_EQ(Fires(noon, At(2040, 3, 10), 2),
            (std::vector<std::string>{"2040-03-10T17:00:00.000Z", "2040-03-11T16:00:00.000Z"}));
  EXPECT_EQ(Fires(noon, At(2040, 11, 3), 2),
            (std::vector<std::string>{"2040-11-03T16:00:00.000Z", "2040-11-04T17:00:00.000Z"}));
  EXPECT_EQ(Show(Must("30 2 * * *", "America/New_York").Next(At(2040, 3, 11))),
            "2040-03-11T07:00:00.000Z");
  // Southern hemisphere: Sydney's summer time spans the new year.
  const CronSchedule sydney = Must("0 9 * * *", "Australia/Sydney");
  EXPECT_EQ(Show(sydney.Next(At(2045, 1, 14))), "2045-01-14T22:00:00.000Z");
  EXPECT_EQ(Show(sydney.Next(At(2045, 7, 14))), "2045-07-14T23:00:00.000Z");
  EXPECT_EQ(Show(sydney.Next(At(2026, 1, 14))), "2026-01-14T22:00:00.000Z");
  // Dublin's winter time is a negative daylight saving in the tz database.
  const CronSchedule dublin = Must("0 9 * * *", "Europe/Dublin");
  EXPECT_EQ(Show(dublin.Next(At(2045, 1, 14))), "2045-01-14T09:00:00.000Z");
  EXPECT_EQ(Show(dublin.Next(At(2045, 7, 14))), "2045-07-14T08:00:00.000Z");
}

TEST(CronZoneTest, LondonMovesWithSummerTime) {
  const CronSchedule nine = Must("0 9 * * *", "Europe/London");
  EXPECT_EQ(Show(nine.Next(At(2026, 1, 15))), "2026-01-15T09:00:00.000Z");
  EXPECT_EQ(Show(nine.Next(At(2026, 7, 15))), "2026-07-15T08:00:00.000Z");
  // 2026-03-29 01:00 GMT jumps to 02:00 BST: 01:30 fires at the jump.
  EXPECT_EQ(Show(Must("30 1 * * *", "Europe/London").Next(At(2026, 3, 29))),
            "2026-03-29T01:00:00.000Z");
}

TEST(CronZoneTest, KolkataIsFiveThirtyAheadAllYear) {
  const CronSchedule nine = Must("0 9 * * *", "Asia/Kolkata");
  EXPECT_EQ(Show(nine.Next(At(2026, 1, 15))), "2026-01-15T03:30:00.000Z");
  EXPECT_EQ(Show(nine.Next(At(2026, 7, 15))), "2026-07-15T03:30:00.000Z");
  EXPECT_EQ(Show(Must("0 0 1 1 *", "Asia/Kolkata").Next(At(2026, 6, 1))),
            "2026-12-31T18:30:00.000Z");
}

TEST(CronZoneTest, EveryQuarterHourForAWeekFires672Times) {
  constexpr std::chrono::milliseconds kJustBefore{1};
  EXPECT_EQ(CountFires(Must("0 */15 * * * ?"), At(2026, 6, 1) - kJustBefore, At(2026, 6, 8)), 672);
  EXPECT_EQ(CountFires(Must("*/15 * * * *", "Asia/Kolkata"), At(2026, 6, 1) - kJustBefore,
                       At(2026, 6, 8)),
            672);
  const CronSchedule new_york = Must("*/15 * * * *", "America/New_York");
  // The local week holding the spring-forward day lasts 167 hours: 668 quarter hours.
  EXPECT_EQ(CountFires(new_york, At(2026, 3, 5, 5) - kJustBefore, At(2026, 3, 12, 4)), 668);
  // The fall-back week lasts 169 hours, but the repeated hour fires once: still 672.
  EXPECT_EQ(CountFires(new_york, At(2026, 10, 29, 4) - kJustBefore, At(2026, 11, 5, 5)), 672);
}

TEST(CronZoneTest, UtcZoneNamesAgree) {
  for (const char* zone : {"UTC", "Etc/UTC"}) {
    EXPECT_EQ(Show(Must("0 9 * * *", zone).Next(At(2026, 7, 15))), "2026-07-15T09:00:00.000Z")
        << zone;
  }
}

// The footer rules of TZif files, for the forms no zone in the tests above uses.
using detail::PosixTzRule;

std::int64_t Seconds(Timestamp t) { return ToEpochMillis(t) / 1000; }

TEST(CronTzRuleTest, ParsesOffsetsWestOfUtcAndQuotedNames) {
  const std::optional<PosixTzRule> india = PosixTzRule::Parse("IST-5:30");
  ASSERT_TRUE(india.has_value());
  EXPECT_EQ(india->OffsetAt(Seconds(At(2050, 7, 1))), 19800);
  const std::optional<PosixTzRule> iran = PosixTzRule::Parse("<+0330>-3:30");
  ASSERT_TRUE(iran.has_value());
  EXPECT_EQ(iran->OffsetAt(Seconds(At(2050, 7, 1))), 12600);
  const std::optional<PosixTzRule> us = PosixTzRule::Parse("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(us.has_value());
  EXPECT_EQ(us->OffsetAt(Seconds(At(2040, 3, 11, 6, 59, 59))), -18000);
  EXPECT_EQ(us->OffsetAt(Seconds(At(2040, 3, 11, 7))), -14400);
}

TEST(CronTzRuleTest, JulianAndZeroBasedDaysAndLateHours) {
  // Jn never counts Feb 29: J60 is March 1 even in 2028.
  const std::optional<PosixTzRule> julian = PosixTzRule::Parse("AAA0BBB,J60/0,J300/0");
  ASSERT_TRUE(julian.has_value());
  EXPECT_EQ(julian->OffsetAt(Seconds(At(2028, 2, 29, 23, 59, 59))), 0);
  EXPECT_EQ(julian->OffsetAt(Seconds(At(2028, 3, 1))), 3600);
  // n counts from 0 and does count Feb 29: 59 is Feb 29 in 2028.
  const std::optional<PosixTzRule> zero_based = PosixTzRule::Parse("AAA0BBB,59/0,300/0");
  ASSERT_TRUE(zero_based.has_value());
  EXPECT_EQ(zero_based->OffsetAt(Seconds(At(2028, 2, 28, 23, 59, 59))), 0);
  EXPECT_EQ(zero_based->OffsetAt(Seconds(At(2028, 2, 29))), 3600);
  // Israel: the Thursday before the last Friday of March at "26:00", i.e. Friday 02:00.
  const std::optional<PosixTzRule> israel = PosixTzRule::Parse("IST-2IDT,M3.4.4/26,M10.5.0");
  ASSERT_TRUE(israel.has_value());
  EXPECT_EQ(israel->OffsetAt(Seconds(At(2040, 3, 22, 23, 59, 59))), 7200);
  EXPECT_EQ(israel->OffsetAt(Seconds(At(2040, 3, 23))), 10800);
}

TEST(CronTzRuleTest, RefusesMalformedRulesAndFiles) {
  for (const char* text : {"", "EST", "EST5EDT,M13.1.0,M11.1.0", "EST5EDT,M3.2.0",
                           "EST5EDT,M3.6.0,M11.1.0", "<+03", "EST5EDT,J0,J365"}) {
    EXPECT_FALSE(PosixTzRule::Parse(text).has_value()) << text;
  }
  EXPECT_FALSE(detail::TimeZone::FromTzif("not a zone").has_value());
  EXPECT_FALSE(detail::TimeZone::FromTzif(std::string_view("TZif2\0\0\0", 8)).has_value());
}

}  // namespace
}  // namespace avni::scheduler
