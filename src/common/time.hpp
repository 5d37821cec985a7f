#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace avni {

// Every stored time is UTC with millisecond precision (Avni's own precision); columns hold it
// as epoch milliseconds so that both backends compare and order it the same way.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t ToEpochMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromEpochMillis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

// The source of "now" for everything that stores or compares times; tests pass a fake.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// ISO-8601 UTC with milliseconds: 2024-01-31T10:00:00.000Z
std::string FormatIso8601(Timestamp t);

// Parses the ISO-8601 date-times Avni writes and accepts: `yyyy-MM-ddTHH:mm:ss[.fraction]
// [Z|±HH:mm]`. A fraction finer than milliseconds is truncated (Avni keeps milliseconds); no
// zone means UTC. Anything else: nullopt.
std::optional<Timestamp> ParseIso8601(std::string_view text);

}  // namespace avni
