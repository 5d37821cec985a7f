#include "scheduler/cron.hpp"

#include <algorithm>
#include <bit>
#include <tuple>

#include "scheduler/cron_fields.hpp"
#include "scheduler/cron_zone.hpp"

namespace avni::scheduler {
namespace {

using detail::CronFields;
using detail::TimeZone;
namespace chrono = std::chrono;

constexpr std::int64_t kDay = 86400;
constexpr int kSearchYears = 5;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

// A local wall-clock time. Fields may run one past their range while searching (hour 24, day 32,
// month 13): the search treats that as "none left here" and carries to the next larger field.
struct Civil {
  int year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;

  auto Key() const { return std::tie(year, month, day, hour, minute, second); }
};

Civil FromLocalSeconds(std::int64_t local) {
  const std::int64_t days = FloorDiv(local, kDay);
  const std::int64_t rest = local - days * kDay;
  const chrono::year_month_day ymd{chrono::sys_days{chrono::days{days}}};
  return {static_cast<int>(ymd.year()),          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),      static_cast<unsigned>(rest / 3600),
          static_cast<unsigned>(rest / 60 % 60), static_cast<unsigned>(rest % 60)};
}

std::int64_t ToLocalSeconds(const Civil& c) {
  const chrono::sys_days date{chrono::year{c.year} / chrono::month{c.month} / chrono::day{c.day}};
  return date.time_since_epoch().count() * kDay + c.hour * 3600 + c.minute * 60 + c.second;
}

// The smallest value >= from in the set, or -1.
int NextIn(std::uint64_t bits, unsigned from) {
  if (from >= 64) return -1;
  const std::uint64_t rest = bits >> from;
  return rest == 0 ? -1 : static_cast<int>(from) + std::countr_zero(rest);
}

// The first day >= c.day of c's month that fires, or -1.
int NextDay(const CronFields& f, const Civil& c) {
  const chrono::year_month ym{chrono::year{c.year}, chrono::month{c.month}};
  const unsigned last = static_cast<unsigned>(chrono::year_month_day_last{ym / chrono::last}.day());
  const unsigned first_weekday = chrono::weekday{chrono::sys_days{ym / 1}}.c_encoding();
  for (unsigned day = c.day; day <= last; ++day) {
    const bool dom = (f.days_of_month >> day) & 1u;
    const bool dow = (f.days_of_week >> ((first_weekday + day - 1) % 7)) & 1u;
    const bool fires =
        f.days_of_month_restricted && f.days_of_week_restricted
            ? dom || dow
            : (!f.days_of_month_restricted || dom) && (!f.days_of_week_restricted || dow);
    if (fires) return static_cast<int>(day);
  }
  return -1;
}

// The first local time >= c that the fields match, walking field by field from the month down;
// nullopt once the search passes `limit`.
std::optional<Civil> NextMatch(const CronFields& f, Civil c, const Civil& limit) {
  while (c.year <= limit.year) {
    const int month = NextIn(f.months, c.month);
    if (month < 0) {
      c = {c.year + 1, 1, 1, 0, 0, 0};
      continue;
    }
    if (static_cast<unsigned>(month) != c.month) c = {c.year, static_cast<unsigned>(month)};
    const int day = NextDay(f, c);
    if (day < 0) {
      c = {c.year, c.month + 1};
      continue;
    }
    if (static_cast<unsigned>(day) != c.day) c = {c.year, c.month, static_cast<unsigned>(day)};
    const int hour = NextIn(f.hours, c.hour);
    if (hour < 0) {
      c = {c.year, c.month, c.day + 1};
      continue;
    }
    if (static_cast<unsigned>(hour) != c.hour) {
      c = {c.year, c.month, c.day, static_cast<unsigned>(hour)};
    }
    const int minute = NextIn(f.minutes, c.minute);
    if (minute < 0) {
      c = {c.year, c.month, c.day, c.hour + 1};
      continue;
    }
    if (static_cast<unsigned>(minute) != c.minute) {
      c = {c.year, c.month, c.day, c.hour, static_cast<unsigned>(minute)};
    }
    const int second = NextIn(f.seconds, c.second);
    if (second < 0) {
      c = {c.year, c.month, c.day, c.hour, c.minute + 1};
      continue;
    }
    c.second = static_cast<unsigned>(second);
    if (c.Key() > limit.Key()) return std::nullopt;
    return c;
  }
  return std::nullopt;
}

}  // namespace

struct CronSchedule::Impl {
  std::string expression;
  std::string timezone;
  bool never = false;
  CronFields fields;
  std::shared_ptr<const TimeZone> zone;  // shared by copies: immutable
};

Result<CronSchedule> CronSchedule::Parse(std::string_view expression, std::string_view timezone) {
  const std::size_t begin = expression.find_first_not_of(" \t\r\n");
  const std::size_t end = expression.find_last_not_of(" \t\r\n");
  expression = begin == std::string_view::npos ? std::string_view{}
                                               : expression.substr(begin, end - begin + 1);
  auto impl = std::make_unique<Impl>();
  impl->expression = std::string(expression);
  impl->timezone = std::string(timezone);
  impl->never = expression == "-";
  if (!impl->never) {
    Result<CronFields> fields = detail::ParseCronFields(expression);
    if (!fields) return std::unexpected(fields.error());
    impl->fields = *fields;
  }
  Result<std::shared_ptr<const TimeZone>> zone = TimeZone::Load(timezone);
  if (!zone) return std::unexpected(zone.error());
  impl->zone = std::move(*zone);
  return CronSchedule(std::move(impl));
}

CronSchedule::CronSchedule(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CronSchedule::CronSchedule(const CronSchedule& other)
    : impl_(std::make_unique<Impl>(*other.impl_)) {}
CronSchedule& CronSchedule::operator=(const CronSchedule& other) {
  if (this != &other) impl_ = std::make_unique<Impl>(*other.impl_);
  return *this;
}
CronSchedule::CronSchedule(CronSchedule&&) noexcept = default;
CronSchedule& CronSchedule::operator=(CronSchedule&&) noexcept = default;
CronSchedule::~CronSchedule() = default;

std::optional<Timestamp> CronSchedule::Next(Timestamp after) const {
  if (impl_->never) return std::nullopt;
  const TimeZone& zone = *impl_->zone;
  // Fire times are whole seconds; the first candidate is the first whole second after `after`.
  const std::int64_t first = FloorDiv(ToEpochMillis(after), 1000) + 1;
  // Start from the earlier reading of the local clock: when `first` is the very instant a
  // spring-forward gap ends, the local times inside the gap fire there too.
  const std::int64_t offset = std::min(zone.OffsetAt(first - 1), zone.OffsetAt(first));
  Civil candidate = FromLocalSeconds(first + offset);
  Civil limit = candidate;
  limit.year += kSearchYears;
  while (true) {
    const std::optional<Civil> match = NextMatch(impl_->fields, candidate, limit);
    if (!match) return std::nullopt;
    const std::int64_t local = ToLocalSeconds(*match);
    const std::int64_t utc = zone.LocalToUtc(local);
    // Later local times never map to earlier instants, so the first match late enough is the
    // answer. Too early: a repeated local time whose first occurrence has passed (it fires
    // once), or a gap time whose instant (the gap's end) has already fired.
    if (utc >= first) return Timestamp(chrono::seconds(utc));
    candidate = FromLocalSeconds(local + 1);
  }
}

bool CronSchedule::never() const { return impl_->never; }
const std::string& CronSchedule::expression() const { return impl_->expression; }
const std::string& CronSchedule::timezone() const { return impl_->timezone; }

}  // namespace avni::scheduler
