#include "logging/log_sink.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <fmt/format.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "logging/log_context.hpp"

namespace avni::logging {
namespace {

using nlohmann::json;

// UTC with milliseconds: "2024-01-31T10:00:00.123Z" (iso) or "2024-01-31 10:00:00.123".
std::string TimeText(spdlog::log_clock::time_point at, bool iso) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}.{:03}{}", utc.tm_year + 1900,
                     utc.tm_mon + 1, utc.tm_mday, iso ? 'T' : ' ', utc.tm_hour, utc.tm_min,
                     utc.tm_sec, ms % 1000, iso ? "Z" : "");
}

std::string JsonLine(const spdlog::details::log_msg& msg, const LogContext* context) {
  json line = {{"ts", TimeText(msg.time, true)},
               {"level", LevelName(msg.level)},
               {"msg", std::string_view(msg.payload.data(), msg.payload.size())}};
  if (context != nullptr) {
    if (context->tenant) line["tenant"] = *context->tenant;
    if (!context->job.empty()) line["job"] = context->job;
    if (context->run) line["run"] = *context->run;
  }
  // Bytes that are not UTF-8 become U+FFFD rather than failing the line.
  return line.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string TextLine(const spdlog::details::log_msg& msg, const LogContext* context) {
  std::string line = fmt::format("[{}] [{}] {}", TimeText(msg.time, false), LevelName(msg.level),
                                 std::string_view(msg.payload.data(), msg.payload.size()));
  if (context != nullptr) {
    if (context->tenant) line += fmt::format(" tenant={}", *context->tenant);
    if (!context->job.empty()) line += fmt::format(" job={}", context->job);
    if (context->run) line += fmt::format(" run={}", *context->run);
  }
  return line;
}

// Writes lines from its level up, and keeps a run's lines in its run log at any level.
class ServiceSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ServiceSink(LogFormat format, spdlog::level::level_enum level, LineWriter write)
      : format_(format), write_level_(level), write_(std::move(write)) {}

  void set_write_level(spdlog::level::level_enum level) { write_level_.store(level); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const LogContext* context = CurrentContext();
    if (context != nullptr && context->log &&
        (msg.level >= spdlog::level::warn ||
         (msg.level == spdlog::level::info && KeepingInfoLines()))) {
      context->log->Add(std::chrono::time_point_cast<Timestamp::duration>(msg.time),
                        LevelName(msg.level), std::string(msg.payload.data(), msg.payload.size()));
    }
    if (msg.level < write_level_.load()) return;
    std::string line =
        format_ == LogFormat::kJson ? JsonLine(msg, context) : TextLine(msg, context);
    line += '\n';
    if (write_) {
      write_(line);
    } else {
      std::fwrite(line.data(), 1, line.size(), stderr);
      std::fflush(stderr);
    }
  }
  void flush_() override {
    if (!write_) std::fflush(stderr);
  }

 private:
  const LogFormat format_;
  std::atomic<spdlog::level::level_enum> write_level_;
  const LineWriter write_;
};

// The logger lets info lines through whatever the level written: a run keeps its retries.
spdlog::level::level_enum LoggerLevel(spdlog::level::level_enum level) {
  return std::min(level, spdlog::level::info);
}

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view text, std::string_view flag) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return Fail(Error::InvalidArgument(
      std::string(flag),
      fmt::format("{} must be text (human-readable lines) or json (one JSON object a line), "
                  "not '{}'",
                  flag, text)));
}

std::string LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

void Install(LogFormat format, spdlog::level::level_enum level, LineWriter write) {
  auto sink = std::make_shared<ServiceSink>(format, level, std::move(write));
  auto logger = std::make_shared<spdlog::logger>("avni", std::move(sink));
  logger->set_level(LoggerLevel(level));
  spdlog::set_default_logger(std::move(logger));
}

void SetLevel(spdlog::level::level_enum level) {
  auto logger = spdlog::default_logger();
  for (const auto& sink : logger->sinks()) {
    if (auto ours = std::dynamic_pointer_cast<ServiceSink>(sink)) {
      ours->set_write_level(level);
      logger->set_level(LoggerLevel(level));
      return;
    }
  }
  logger->set_level(level);  // not Install's logger (a test's): as spdlog::set_level
}

}  // namespace avni::logging
