#pragma once

#include <map>
#include <string>
#include <string_view>

namespace avni::api {

// A request target split the way handlers see it.
struct RequestTarget {
  std::string path;                               // percent-decoded
  std::multimap<std::string, std::string> query;  // keys and values decoded, '+' as a space
};

// "/a%20b?x=1&y=2+3" -> path "/a b", query {x: "1", y: "2 3"}. A parameter without '=' has an
// empty value; parameters without a name ("a=1&&=2") are skipped. Malformed escapes stay as
// written.
RequestTarget ParseTarget(std::string_view target);

// Decodes %XX escapes (and '+' as a space when asked); a '%' not followed by two hex digits
// stays as it is.
std::string PercentDecode(std::string_view text, bool plus_as_space);

}  // namespace avni::api
