#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace avni::http {

// A token bucket per host: `burst` requests may go at once, then `rate` per second. Thread-safe;
// all threads share each host's bucket. Acquire blocks until the caller's token is due and
// never fails. Tokens are reserved in arrival order, so waiting callers are served first come,
// first served and no request starves.
class HostRateLimiter {
 public:
  // rate <= 0 disables limiting; burst below 1 counts as 1.
  HostRateLimiter(double rate, int burst);

  void Acquire(const std::string& host);

 private:
  using Clock = std::chrono::steady_clock;
  struct Bucket {
    double tokens;  // negative: tokens already promised to callers that are waiting
    Clock::time_point updated;
  };

  const double rate_;
  const double burst_;
  std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;  // guarded by mutex_
};

}  // namespace avni::http
