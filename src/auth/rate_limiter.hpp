#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/time.hpp"

namespace avni::auth {

// Counts failures per key (an email, an address) in a sliding window and says when a key has
// had too many. In memory, per instance: with N instances an attacker gets N times the budget,
// which still turns millions of guesses into hundreds. Thread-safe.
class RateLimiter {
 public:
  RateLimiter(const Clock& clock, std::size_t max_failures, std::chrono::milliseconds window,
              std::size_t max_keys = 100'000);

  // How long the key must wait, or nullopt when it may try now.
  std::optional<std::chrono::seconds> RetryAfter(const std::string& key);
  void RecordFailure(const std::string& key);
  void Reset(const std::string& key);

 private:
  void Prune(std::deque<Timestamp>& times, Timestamp now) const;

  const Clock& clock_;
  const std::size_t max_failures_;
  const std::chrono::milliseconds window_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Timestamp>> failures_;  // GUARDED_BY(mu_)
};

}  // namespace avni::auth
