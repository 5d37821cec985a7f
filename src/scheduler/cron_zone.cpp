#include "scheduler/cron_zone.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

namespace avni::scheduler::detail {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

constexpr std::int64_t kDay = 86400;
constexpr std::size_t kMaxTzifBytes = 1 << 20;  // real files are a few kilobytes
constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo/";

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

// Days since 1970-01-01 of the day a TZ rule's change falls on in `year`.
std::int64_t ChangeDay(int year, const PosixTzRule::Change& change) {
  using Kind = PosixTzRule::Change::Kind;
  const std::chrono::year y{year};
  const std::int64_t jan1 = sys_days{y / std::chrono::January / 1}.time_since_epoch().count();
  switch (change.kind) {
    case Kind::kZeroBased:
      return jan1 + change.day;
    case Kind::kJulianNoLeap:
      return jan1 + change.day - 1 + ((y.is_leap() && change.day >= 60) ? 1 : 0);
    case Kind::kMonthWeekDay:
      break;
  }
  const auto month = std::chrono::month(static_cast<unsigned>(change.month));
  const sys_days first{y / month / 1};
  const unsigned first_weekday = std::chrono::weekday(first).c_encoding();
  std::int64_t day = first.time_since_epoch().count() +
                     (change.weekday - static_cast<int>(first_weekday) + 7) % 7 +
                     7 * (change.week - 1);
  // Week 5 means "the last such weekday", which may be the fourth.
  const std::int64_t last = sys_days{y / month / std::chrono::last}.time_since_epoch().count();
  while (day > last) day -= 7;
  return day;
}

// A cursor over TZ rule text; every Parse* returns false on malformed input.
class TzText {
 public:
  explicit TzText(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Take(char c) {
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }
  bool PeekDigit() const { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; }

  // "EST" or "<+0530>".
  bool ParseName() {
    if (Take('<')) {
      const std::size_t end = text_.find('>', pos_);
      if (end == std::string_view::npos || end == pos_) return false;
      pos_ = end + 1;
      return true;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    return pos_ - start >= 3;
  }

  bool ParseNumber(int max, int& out) {
    if (!PeekDigit()) return false;
    out = 0;
    while (PeekDigit()) {
      out = out * 10 + (text_[pos_++] - '0');
      if (out > max) return false;
    }
    return true;
  }

  // [+-]hh[:mm[:ss]] in seconds; hours up to 167 as RFC 8536 allows.
  bool ParseDuration(std::int64_t& out) {
    int sign = 1;
    if (Take('-')) {
      sign = -1;
    } else {
      Take('+');
    }
    int hours = 0, minutes = 0, seconds = 0;
    if (!ParseNumber(167, hours)) return false;
    if (Take(':') && (!ParseNumber(59, minutes) || (Take(':') && !ParseNumber(59, seconds)))) {
      return false;
    }
    out = sign * (hours * 3600LL + minutes * 60LL + seconds);
    return true;
  }

  bool ParseChange(PosixTzRule::Change& out) {
    using Kind = PosixTzRule::Change::Kind;
    if (Take('M')) {
      out.kind = Kind::kMonthWeekDay;
      if (!ParseNumber(12, out.month) || out.month < 1 || !Take('.') || !ParseNumber(5, out.week) ||
          out.week < 1 || !Take('.') || !ParseNumber(6, out.weekday)) {
        return false;
      }
    } else if (Take('J')) {
      out.kind = Kind::kJulianNoLeap;
      if (!ParseNumber(365, out.day) || out.day < 1) return false;
    } else {
      out.kind = Kind::kZeroBased;
      if (!ParseNumber(365, out.day)) return false;
    }
    out.time = 7200;
    return !Take('/') || ParseDuration(out.time);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Big-endian reads over a TZif image; `ok` turns false on reading past the end.
struct TzifReader {
  std::string_view bytes;
  std::size_t pos = 0;
  bool ok = true;

  std::uint64_t Read(std::size_t width) {
    if (!ok || bytes.size() - pos < width) {
      ok = false;
      return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      value = (value << 8) | static_cast<unsigned char>(bytes[pos++]);
    }
    return value;
  }
  void Skip(std::uint64_t count) {
    if (!ok || bytes.size() - pos < count) {
      ok = false;
      return;
    }
    pos += count;
  }
};

struct TzifHeader {
  char version = 0;
  std::uint64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool ReadHeader(TzifReader& in, TzifHeader& header) {
  if (in.bytes.size() - in.pos < 20 || in.bytes.substr(in.pos, 4) != "TZif") return false;
  header.version = in.bytes[in.pos + 4];
  in.Skip(20);
  for (std::uint64_t* count : {&header.isutcnt, &header.isstdcnt, &header.leapcnt, &header.timecnt,
                               &header.typecnt, &header.charcnt}) {
    *count = in.Read(4);
  }
  return in.ok;
}

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  std::size_t component_start = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      if (i == component_start || name[component_start] == '.') return false;
      component_start = i + 1;
      continue;
    }
    const char c = name[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+' &&
        c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<PosixTzRule> PosixTzRule::Parse(std::string_view text) {
  TzText in(text);
  PosixTzRule rule;
  if (!in.ParseName() || !in.ParseDuration(rule.std_offset)) return std::nullopt;
  rule.std_offset = -rule.std_offset;  // POSIX counts west of UTC
  if (in.AtEnd()) return rule;
  if (!in.ParseName()) return std::nullopt;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!in.Peek(',') && !in.AtEnd()) {
    if (!in.ParseDuration(rule.dst_offset)) return std::nullopt;
    rule.dst_offset = -rule.dst_offset;
  }
  if (in.AtEnd()) {
    // No rule given: POSIX leaves it to the implementation; glibc uses the US rule.
    rule.dst_start = {Change::Kind::kMonthWeekDay, 3, 2, 0, 0, 7200};
    rule.dst_end = {Change::Kind::kMonthWeekDay, 11, 1, 0, 0, 7200};
    return rule;
  }
  if (!in.Take(',') || !in.ParseChange(rule.dst_start) || !in.Take(',') ||
      !in.ParseChange(rule.dst_end) || !in.AtEnd()) {
    return std::nullopt;
  }
  return rule;
}

std::int64_t PosixTzRule::OffsetAt(std::int64_t utc_seconds) const {
  if (!has_dst) return std_offset;
  const std::int64_t local_day = FloorDiv(utc_seconds + std_offset, kDay);
  const int year = static_cast<int>(std::chrono::year_month_day{sys_days{days{local_day}}}.year());
  // The start is written in standard time, the end in daylight time.
  const std::int64_t start = ChangeDay(year, dst_start) * kDay + dst_start.time - std_offset;
  const std::int64_t end = ChangeDay(year, dst_end) * kDay + dst_end.time - dst_offset;
  const bool in_dst = start < end ? (utc_seconds >= start && utc_seconds < end)
                                  : !(utc_seconds >= end && utc_seconds < start);
  return in_dst ? dst_offset : std_offset;
}

std::shared_ptr<const TimeZone> TimeZone::Utc() {
  return std::shared_ptr<const TimeZone>(new TimeZone());
}

Result<std::shared_ptr<const TimeZone>> TimeZone::Load(std::string_view name) {
  if (name == "UTC") return Utc();
  auto unknown = [&] {
    return Fail(Error::InvalidArgument(
        "timezone", fmt::format("unknown time zone \"{}\": use an IANA name such as "
                                "\"Asia/Kolkata\", \"Europe/London\" or \"UTC\"",
                                name)));
  };
  if (!ValidZoneName(name)) return unknown();
  std::ifstream file(std::string(kZoneInfoDir) + std::string(name), std::ios::binary);
  if (!file) return unknown();
  // A directory opens but has no size, so it is refused here too.
  const std::streamoff size = file.seekg(0, std::ios::end).tellg();
  if (size <= 0 || static_cast<std::size_t>(size) > kMaxTzifBytes) return unknown();
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!file.seekg(0).read(bytes.data(), size)) return unknown();
  std::optional<TimeZone> zone = FromTzif(bytes);
  if (!zone) return unknown();
  return std::make_shared<const TimeZone>(std::move(*zone));
}

std::optional<TimeZone> TimeZone::FromTzif(std::string_view bytes) {
  TzifReader in{bytes};
  TzifHeader header;
  if (!ReadHeader(in, header)) return std::nullopt;
  std::size_t time_width = 4;
  if (header.version >= '2') {
    // Skip the 32-bit block: the 64-bit one after it covers every year.
    in.Skip(header.timecnt * 5 + header.typecnt * 6 + header.charcnt + header.leapcnt * 8 +
            header.isstdcnt + header.isutcnt);
    if (!in.ok || !ReadHeader(in, header)) return std::nullopt;
    time_width = 8;
  }
  // Zones with leap seconds ("right/...") count TAI-like seconds: not for wall-clock schedules.
  if (header.typecnt == 0 || header.leapcnt != 0 || header.timecnt > 100000 ||
      header.typecnt > 256) {
    return std::nullopt;
  }
  TimeZone zone;
  zone.transitions_.reserve(header.timecnt);
  for (std::uint64_t i = 0; i < header.timecnt; ++i) {
    const std::uint64_t raw = in.Read(time_width);
    const std::int64_t t =
        time_width == 4 ? static_cast<std::int32_t>(raw) : static_cast<std::int64_t>(raw);
    if (!zone.transitions_.empty() && t <= zone.transitions_.back()) return std::nullopt;
    zone.transitions_.push_back(t);
  }
  std::vector<std::uint64_t> type_indexes;
  for (std::uint64_t i = 0; i < header.timecnt; ++i) type_indexes.push_back(in.Read(1));
  std::vector<std::int64_t> type_offsets;
  for (std::uint64_t i = 0; i < header.typecnt; ++i) {
    type_offsets.push_back(static_cast<std::int32_t>(in.Read(4)));
    in.Skip(2);  // is-DST flag and abbreviation index: the offset is all a schedule needs
  }
  in.Skip(header.charcnt + header.leapcnt * (time_width + 4) + header.isstdcnt + header.isutcnt);
  if (!in.ok) return std::nullopt;
  for (const std::uint64_t index : type_indexes) {
    if (index >= type_offsets.size()) return std::nullopt;
    zone.offsets_.push_back(type_offsets[index]);
  }
  zone.initial_offset_ = type_offsets.front();
  if (time_width == 8 && in.pos < bytes.size()) {
    const std::string_view rest = bytes.substr(in.pos);
    const std::size_t end = rest.find('\n', 1);
    if (rest.front() != '\n' || end == std::string_view::npos) return std::nullopt;
    const std::string_view footer = rest.substr(1, end - 1);
    if (!footer.empty()) {
      zone.rule_ = PosixTzRule::Parse(footer);
      if (!zone.rule_) return std::nullopt;
    }
  }
  zone.min_offset_ = zone.max_offset_ = zone.initial_offset_;
  std::vector<std::int64_t> all = zone.offsets_;
  if (zone.rule_) {
    all.push_back(zone.rule_->std_offset);
    if (zone.rule_->has_dst) all.push_back(zone.rule_->dst_offset);
  }
  for (const std::int64_t offset : all) {
    zone.min_offset_ = std::min(zone.min_offset_, offset);
    zone.max_offset_ = std::max(zone.max_offset_, offset);
  }
  return zone;
}

std::int64_t TimeZone::OffsetAt(std::int64_t utc_seconds) const {
  if (transitions_.empty() || utc_seconds < transitions_.front()) {
    return transitions_.empty() && rule_ ? rule_->OffsetAt(utc_seconds) : initial_offset_;
  }
  if (rule_ && utc_seconds >= transitions_.back()) return rule_->OffsetAt(utc_seconds);
  const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utc_seconds);
  return offsets_[static_cast<std::size_t>(std::distance(transitions_.begin(), after)) - 1];
}

std::int64_t TimeZone::LocalToUtc(std::int64_t local_seconds) const {
  // The instant lies between these two; the offsets in force at its ends are the candidates
  // (zones change offset at most once within a day).
  const std::int64_t earliest_offset = OffsetAt(local_seconds - max_offset_);
  const std::int64_t latest_offset = OffsetAt(local_seconds - min_offset_);
  std::optional<std::int64_t> found;
  for (const std::int64_t offset : {earliest_offset, latest_offset}) {
    const std::int64_t utc = local_seconds - offset;
    if (OffsetAt(utc) == offset && (!found || utc < *found)) found = utc;
  }
  if (found) return *found;
  // A gap: the answer is the transition that opened it, between the two readings.
  std::int64_t lo = std::min(local_seconds - earliest_offset, local_seconds - latest_offset);
  std::int64_t hi = std::max(local_seconds - earliest_offset, local_seconds - latest_offset);
  const std::int64_t before = OffsetAt(lo);
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (OffsetAt(mid) == before ? lo : hi) = mid;
  }
  return hi;
}

}  // namespace avni::scheduler::detail
