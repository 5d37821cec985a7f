#pragma once

#include <atomic>
#include <chrono>

#include "common/time.hpp"

namespace avni::testing {

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = FromEpochMillis(1'700'000'000'000)) : ms_(ToEpochMillis(start)) {}
  Timestamp Now() const override { return FromEpochMillis(ms_.load()); }
  void Advance(std::chrono::milliseconds d) { ms_ += d.count(); }
  void Set(Timestamp t) { ms_ = ToEpochMillis(t); }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace avni::testing
