#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <spdlog/common.h>

#include "common/error.hpp"

namespace avni::logging {

enum class LogFormat { kText, kJson };

// "text" or "json". Errors: invalid_argument naming `flag`.
Result<LogFormat> ParseLogFormat(std::string_view text, std::string_view flag = "--log-format");

// Where formatted lines go, each with its newline: stderr by default.
using LineWriter = std::function<void(std::string_view line)>;

// Makes the service's logger the default one: every line goes to `write` in `format`, from
// level `level` up, with the calling thread's run context (tenant, job, run); and every line
// logged in a run's context at warning level and up (and the info lines that explain a run,
// see KeepInfoLines) is kept in the run's log whatever the level written. Lines are written
// whole, one call of `write` each, never interleaved. Format of a line:
//   json: {"ts":"2024-01-31T10:00:00.123Z","level":"warn","msg":"...","tenant":3,"job":"main",
//         "run":12} (the context fields only when set; any text stays one valid JSON line)
//   text: [2024-01-31 10:00:00.123] [warn] msg tenant=3 job=main run=12
// Times are UTC. Messages are written as given: call sites never log secrets or personal data.
void Install(LogFormat format, spdlog::level::level_enum level, LineWriter write = {});

// The level lines are written from; the run logs keep theirs whatever it is.
void SetLevel(spdlog::level::level_enum level);

// "trace", "debug", "info", "warn", "error", "critical".
std::string LevelName(spdlog::level::level_enum level);

}  // namespace avni::logging
