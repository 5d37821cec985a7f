#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>
#include <utility>

namespace avni::testing {

// Runs `fn` on a thread of its own and returns what it returns, if it finishes within `limit`.
// Code that never returns (a regular expression that backtracks for ever) cannot be stopped
// from outside: then the whole test program fails at once (exit status 1, saying `what`)
// instead of hanging until ctest's timeout.
template <typename Fn>
auto FinishWithin(std::chrono::milliseconds limit, const std::string& what, Fn fn) {
  using R = decltype(fn());
  std::packaged_task<R()> task(std::move(fn));
  std::future<R> done = task.get_future();
  std::thread(std::move(task)).detach();
  if (done.wait_for(limit) == std::future_status::timeout) {
    std::fprintf(stderr,
                 "FAILED: %s did not finish within %lld ms; exiting, it cannot be stopped\n",
                 what.c_str(), static_cast<long long>(limit.count()));
    std::fflush(stderr);
    std::_Exit(1);
  }
  return done.get();
}

}  // namespace avni::testing
