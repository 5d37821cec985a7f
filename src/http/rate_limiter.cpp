#include "http/rate_limiter.hpp"

#include <algorithm>
#include <thread>

namespace avni::http {

HostRateLimiter::HostRateLimiter(double rate, int burst)
    : rate_(rate), burst_(static_cast<double>(std::max(burst, 1))) {}

void HostRateLimiter::Acquire(const std::string& host) {
  if (rate_ <= 0) return;
  Clock::duration wait{};
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    auto [it, inserted] = buckets_.try_emplace(host, Bucket{burst_, now});
    Bucket& bucket = it->second;
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * rate_);
    bucket.updated = now;
    // Take the token now even when it is not there yet: the debt is what later callers wait
    // behind, which keeps the order fair without a queue.
    bucket.tokens -= 1;
    if (bucket.tokens < 0) {
      wait = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(-bucket.tokens / rate_));
    }
  }
  if (wait > Clock::duration::zero()) std::this_thread::sleep_for(wait);
}

}  // namespace avni::http
