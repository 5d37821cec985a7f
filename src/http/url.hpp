#pragma once

#include <optional>
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

// Where an absolute URL points, as libcurl reads it, so that a check sees the host curl will
// connect to ("http://2130706433/" is 127.0.0.1). Never the path or query, which may carry
// secrets.
struct UrlTarget {
  std::string scheme;   // lower case
  std::string host;     // lower case, without IPv6 brackets or a trailing dot
  std::string display;  // "host" or "host:port" as the URL says (IPv6 in brackets): for messages
};
// nullopt when libcurl cannot read `url` as an absolute URL with a host.
std::optional<UrlTarget> ParseUrlTarget(std::string_view url);

}  // namespace avni::http
