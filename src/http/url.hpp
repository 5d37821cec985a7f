#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace avni::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding: everything but unreserved characters (A-Z a-z 0-9 - . _ ~) is
// escaped, so a '+' in a time offset or a JSON filter value reaches the server intact.
std::string PercentEncode(std::string_view text);

// "a=1&b=x%20y": a query string or an application/x-www-form-urlencoded body.
std::string EncodeParams(const Params& params);

}  // namespace avni::http
