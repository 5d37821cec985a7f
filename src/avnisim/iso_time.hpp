#pragma once

#include <optional>
#include <string_view>

#include "common/time.hpp"

namespace avni::sim {

// Parses the ISO-8601 date-times avni-server accepts for `lastModifiedDateTime` and `now`:
// `yyyy-MM-ddTHH:mm:ss[.fraction][Z|±HH:mm]`. A fraction finer than milliseconds is truncated
// (Avni keeps milliseconds); no zone means UTC (the server's zone). Anything else: nullopt.
std::optional<Timestamp> ParseIsoDateTime(std::string_view text);

}  // namespace avni::sim
