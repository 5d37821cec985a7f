#include "sync/retry.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "logging/log_context.hpp"

namespace avni::sync {

Sleeper StoppableSleeper(const std::atomic<bool>* stop) {
  return [stop](std::chrono::milliseconds delay) {
    constexpr std::chrono::milliseconds kSlice{50};
    const auto until = std::chrono::steady_clock::now() + delay;
    while (std::chrono::steady_clock::now() < until) {
      if (stop != nullptr && stop->load()) return false;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
          kSlice, until - std::chrono::steady_clock::now()));
    }
    return stop == nullptr || !stop->load();
  };
}

Retrier::Retrier(RetryPolicy policy, Sleeper sleeper, std::uint64_t seed)
    : policy_(policy), sleeper_(std::move(sleeper)), random_(seed) {}

std::chrono::milliseconds Retrier::NextDelay(int attempt) {
  const int doublings = std::min(attempt - 1, 30);
  const auto full =
      std::min<std::int64_t>(policy_.max_delay.count(), policy_.initial_delay.count() << doublings);
  std::uniform_int_distribution<std::int64_t> pick(full / 2, std::max<std::int64_t>(full, 0));
  std::lock_guard lock(random_mutex_);
  return std::chrono::milliseconds(pick(random_));
}

Error Retrier::GaveUp(const Error& last, int attempts, std::chrono::milliseconds waited) const {
  Error out = last;
  out.message =
      fmt::format("{} (tried {} times over {} ms)", last.message, attempts, waited.count());
  return out;
}

void Retrier::NoteRetry(const Error& error, int attempt, std::chrono::milliseconds delay) const {
  const logging::KeepInfoLines keep;
  // The clients' messages name hosts, paths and statuses, never a record's values.
  spdlog::info("retrying in {} ms (attempt {} of {} failed for availability): {}", delay.count(),
               attempt, policy_.max_attempts, error.message);
}

}  // namespace avni::sync
