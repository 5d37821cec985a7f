#pragma once

#include <cstdint>
#include <string>

#include "common/time.hpp"

namespace avni {

// One line of a run's log (a warning, an error, or an info line that explains the run).
struct RunLogLine {
  std::int64_t seq = 0;  // its number among the lines the run kept, dropped ones included
  Timestamp at;
  std::string level;  // "warn", "error", "info", ...
  std::string message;
};

}  // namespace avni
