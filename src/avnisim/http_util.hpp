#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "avnisim/entity_store.hpp"
#include "common/time.hpp"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace avni::sim {

inline constexpr const char* kJson = "application/json";
inline constexpr const char* kText = "text/plain; charset=utf-8";

// What avni-server's ErrorInterceptors answer for an exception it does not map: the status and
// the stack trace as text (avni.exception.in.response is true by default), e.g.
// "java.lang.IllegalArgumentException: Subject type not found with name 'X'\n\tat ...".
void SendTrace(httplib::Response& res, int status, const std::string& exception_class,
               const std::string& message);
// Spring's ProblemDetail for a request it could not bind (missing or mistyped parameter,
// unreadable body): {"type":"about:blank","title":"Bad Request","status":400,"detail",..}.
void SendProblem(httplib::Response& res, const std::string& detail, const std::string& path);

// Spring's pageable parsing is lenient: a value that is not an int falls back to the default,
// a negative one becomes 0, and one over `upper` becomes `upper` (never a 400).
std::int64_t ParsePageParam(const httplib::Request& req, const char* name, std::int64_t fallback,
                            std::int64_t upper);
// An absent or empty time parameter is "not sent" (Spring binds it to null); a malformed one
// is the 400 message.
std::expected<std::optional<Timestamp>, std::string> ParseTimeParam(const httplib::Request& req,
                                                                    const char* name);
std::optional<std::string> TextParam(const httplib::Request& req, const char* name);

struct PageRequest {
  std::int64_t page = 0;
  std::int64_t size = 20;
};
PageRequest ParsePaging(const httplib::Request& req);

// avni-server's ResponsePage. The quirk: totalElements is the count on this page.
std::string Envelope(EntityPage page, const PageRequest& paging);

// The user the current request was authenticated as (set before its handler runs on the same
// thread); writes stamp it as "Last modified by".
std::string& CurrentUser();

}  // namespace avni::sim
