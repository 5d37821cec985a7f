#include "auth/rate_limiter.hpp"

namespace avni::auth {

RateLimiter::RateLimiter(const Clock& clock, std::size_t max_failures,
                         std::chrono::milliseconds window, std::size_t max_keys)
    : clock_(clock), max_failures_(max_failures), window_(window), max_keys_(max_keys) {}

void RateLimiter::Prune(std::deque<Timestamp>& times, Timestamp now) const {
  while (!times.empty() && times.front() + window_ <= now) times.pop_front();
}

std::optional<std::chrono::seconds> RateLimiter::RetryAfter(const std::string& key) {
  const Timestamp now = clock_.Now();
  std::lock_guard lock(mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return std::nullopt;
  Prune(it->second, now);
  if (it->second.size() < max_failures_) return std::nullopt;
  // Free again when the oldest failure that keeps it over the limit leaves the window.
  const Timestamp free_at = it->second[it->second.size() - max_failures_] + window_;
  return std::chrono::ceil<std::chrono::seconds>(free_at - now);
}

void RateLimiter::RecordFailure(const std::string& key) {
  const Timestamp now = clock_.Now();
  std::lock_guard lock(mu_);
  if (failures_.size() >= max_keys_ && !failures_.contains(key)) {
    // Under a flood of distinct keys, forget the ones whose window has passed.
    for (auto it = failures_.begin(); it != failures_.end();) {
      Prune(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= max_keys_) failures_.erase(failures_.begin());
  }
  auto& times = failures_[key];
  Prune(times, now);
  times.push_back(now);
  // Keep no more history than the limit needs.
  while (times.size() > max_failures_) times.pop_front();
}

void RateLimiter::Reset(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace avni::auth
