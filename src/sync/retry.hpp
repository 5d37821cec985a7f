#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>

#include "common/error.hpp"
#include "common/taxonomy.hpp"

namespace avni::sync {

// How long the engine keeps trying one call that fails for availability, inside one run.
struct RetryPolicy {
  int max_attempts = 6;  // including the first
  std::chrono::milliseconds initial_delay{500};
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};
  // Give up on the call once this much time was spent waiting for it.
  std::chrono::milliseconds max_wait{std::chrono::minutes(2)};
};

// Waits for `delay`; false when the wait was cut short (a stop was requested) and the caller
// should give up. Tests pass one that records the delays and returns at once.
using Sleeper = std::function<bool(std::chrono::milliseconds delay)>;

// A sleeper that really sleeps, in slices, and returns false as soon as `stop` is set.
Sleeper StoppableSleeper(const std::atomic<bool>* stop);

// Exponential backoff with full jitter: each delay is drawn from [d/2, d], d doubling from
// initial_delay up to max_delay. Thread-safe (the records of a page in flight at once share
// one), as long as the sleeper is.
class Retrier {
 public:
  Retrier(RetryPolicy policy, Sleeper sleeper, std::uint64_t seed);

  // Calls fn until it succeeds, fails with a data error, or availability failures exhaust the
  // policy (then the last error is returned, its message saying how often it was tried).
  template <typename Fn>
  auto Run(Fn&& fn) -> decltype(fn()) {
    int attempt = 1;
    std::chrono::milliseconds waited{0};
    for (;;) {
      auto result = fn();
      if (result || !IsAvailability(result.error())) return result;
      ++retries_;
      const auto delay = NextDelay(attempt);
      if (attempt >= policy_.max_attempts || waited + delay > policy_.max_wait) {
        return Fail(GaveUp(result.error(), attempt, waited));
      }
      NoteRetry(result.error(), attempt, delay);
      if (!sleeper_(delay)) return Fail(GaveUp(result.error(), attempt, waited));
      waited += delay;
      ++attempt;
    }
  }

  // Availability failures seen (each retry or give-up), for the run's figures.
  std::int64_t retries() const { return retries_.load(); }

 private:
  std::chrono::milliseconds NextDelay(int attempt);
  Error GaveUp(const Error& last, int attempts, std::chrono::milliseconds waited) const;
  // Logs the retry (info, kept in the run's log): what failed, and when it is tried again.
  void NoteRetry(const Error& error, int attempt, std::chrono::milliseconds delay) const;

  RetryPolicy policy_;
  Sleeper sleeper_;
  std::mutex random_mutex_;
  std::mt19937_64 random_;  // guarded by random_mutex_
  std::atomic<std::int64_t> retries_{0};
};

}  // namespace avni::sync
