#include "openmrssim/rest_time.hpp"

#include <cctype>
#include <chrono>

#include <fmt/format.h>

namespace avni::openmrssim {
namespace {

using namespace std::chrono;

bool Digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::string FormatRestDate(Timestamp t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}+0000",
                     static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count(), hms.subseconds().count());
}

std::string FormatDisplayDate(Timestamp t) {
  const year_month_day ymd{floor<days>(t)};
  return fmt::format("{:02d}/{:02d}/{:04d}", static_cast<unsigned>(ymd.day()),
                     static_cast<unsigned>(ymd.month()), static_cast<int>(ymd.year()));
}

std::optional<Timestamp> ParseRestDate(std::string_view text) {
  int y = 0, mo = 0, d = 0;
  if (!Digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !Digits(text, 5, 2, mo) ||
      text[7] != '-' || !Digits(text, 8, 2, d)) {
    return std::nullopt;
  }
  const year_month_day ymd{year(y), month(static_cast<unsigned>(mo)),
                           day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return std::nullopt;
  Timestamp result = time_point_cast<milliseconds>(sys_days(ymd));
  if (text.size() == 10) return result;
  if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
  int h = 0, mi = 0, s = 0;
  if (!Digits(text, 11, 2, h) || text.size() < 19 || text[13] != ':' || !Digits(text, 14, 2, mi) ||
      text[16] != ':' || !Digits(text, 17, 2, s) || h > 23 || mi > 59 || s > 59) {
    return std::nullopt;
  }
  result += hours(h) + minutes(mi) + seconds(s);
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    int ms = 0;
    if (!Digits(text, pos + 1, 3, ms)) return std::nullopt;
    result += milliseconds(ms);
    pos += 4;
  }
  if (pos == text.size()) return result;
  if (text[10] == ' ') return std::nullopt;  // "yyyy-MM-dd HH:mm:ss" takes no zone
  if (text[pos] == 'Z' && pos + 1 == text.size()) return result;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos] == '+' ? 1 : -1;
  int oh = 0, om = 0;
  if (!Digits(text, pos + 1, 2, oh)) return std::nullopt;
  std::size_t minutes_at = pos + 3;
  if (minutes_at < text.size() && text[minutes_at] == ':') ++minutes_at;
  if (!Digits(text, minutes_at, 2, om) || minutes_at + 2 != text.size()) return std::nullopt;
  return result - sign * (hours(oh) + minutes(om));
}

}  // namespace avni::openmrssim
