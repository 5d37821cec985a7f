#include "logging/log_context.hpp"

#include <utility>

namespace avni::logging {
namespace {

thread_local std::optional<LogContext> current;
thread_local bool keep_info = false;

}  // namespace

void RunLog::Add(Timestamp at, std::string level, std::string message) {
  std::lock_guard lock(mutex_);
  lines_.push_back(RunLogLine{next_seq_++, at, std::move(level), std::move(message)});
  while (lines_.size() > capacity_) lines_.pop_front();
}

std::vector<RunLogLine> RunLog::Lines() const {
  std::lock_guard lock(mutex_);
  return {lines_.begin(), lines_.end()};
}

bool RunLog::truncated() const {
  std::lock_guard lock(mutex_);
  return !lines_.empty() && lines_.front().seq > 0;
}

const LogContext* CurrentContext() { return current ? &*current : nullptr; }

ScopedLogContext::ScopedLogContext(LogContext context) : previous_(std::move(current)) {
  current = std::move(context);
}

LogContext ScopedLogContext::WithRun(std::int64_t tenant, std::int64_t run) {
  LogContext context = current ? *current : LogContext{};
  if (!context.tenant) context.tenant = tenant;
  context.run = run;
  return context;
}

ScopedLogContext::~ScopedLogContext() { current = std::move(previous_); }

KeepInfoLines::KeepInfoLines() : previous_(keep_info) { keep_info = true; }
KeepInfoLines::~KeepInfoLines() { keep_info = previous_; }
bool KeepingInfoLines() { return keep_info; }

}  // namespace avni::logging
