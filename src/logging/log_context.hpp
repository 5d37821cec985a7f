#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "domain/run_log.hpp"

namespace avni::logging {

// How many lines a run keeps for its per-run log: the latest ones.
inline constexpr std::size_t kRunLogLines = 200;

// The lines one run keeps: warnings and errors, and the info lines that explain it (retries,
// the stop reason), the latest `capacity` of them. Thread-safe: the run's worker threads add
// to it at once.
class RunLog {
 public:
  explicit RunLog(std::size_t capacity = kRunLogLines) : capacity_(capacity) {}

  void Add(Timestamp at, std::string level, std::string message);
  // Oldest first. A line's seq tells where it stood; lines before the first were dropped.
  std::vector<avni::RunLogLine> Lines() const;
  bool truncated() const;

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<avni::RunLogLine> lines_;  // guarded by mutex_
  std::int64_t next_seq_ = 0;           // guarded by mutex_
};

// What every line logged on a thread carries while it works for a job's run.
struct LogContext {
  std::optional<std::int64_t> tenant;  // the tenant's id
  std::string job;                     // empty: not a job's
  std::optional<std::int64_t> run;     // set once the run is recorded
  std::shared_ptr<RunLog> log;         // where the run's lines are kept; null: nowhere
};

// The calling thread's context; null when it works for no run.
const LogContext* CurrentContext();

// Sets the calling thread's context for the guard's lifetime, and puts the one before back
// after. A thread that hands a run's work to other threads gives each a guard with a copy of
// its context (CurrentContext()), so that their lines carry the run too.
class ScopedLogContext {
 public:
  explicit ScopedLogContext(LogContext context);
  // A copy of the current context (or a new one) with `run` set.
  static LogContext WithRun(std::int64_t tenant, std::int64_t run);
  ~ScopedLogContext();
  ScopedLogContext(const ScopedLogContext&) = delete;
  ScopedLogContext& operator=(const ScopedLogContext&) = delete;

 private:
  std::optional<LogContext> previous_;
};

// While a guard lives, the info lines its thread logs are kept in the run's log like
// warnings: those that explain a run (a retry, why it stopped).
class KeepInfoLines {
 public:
  KeepInfoLines();
  ~KeepInfoLines();
  KeepInfoLines(const KeepInfoLines&) = delete;
  KeepInfoLines& operator=(const KeepInfoLines&) = delete;

 private:
  bool previous_;
};
bool KeepingInfoLines();

}  // namespace avni::logging
