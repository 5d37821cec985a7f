#include "avnisim/http_util.hpp"

#include <charconv>
#include <climits>

#include <fmt/format.h>
#include <httplib.h>

namespace avni::sim {

// Spring Data's pageable defaults, which avni-server does not override.
constexpr std::int64_t kDefaultPageSize = 20;
constexpr std::int64_t kMaxPageSize = 2000;

void SendTrace(httplib::Response& res, int status, const std::string& exception_class,
               const std::string& message) {
  res.status = status;
  res.set_content(fmt::format("{}: {}\n\tat org.avni.server.web.api (simulated stack trace)\n",
                              exception_class, message),
                  kText);
}

void SendProblem(httplib::Response& res, const std::string& detail, const std::string& path) {
  res.status = 400;
  const nlohmann::ordered_json body = {{"type", "about:blank"},
                                       {"title", "Bad Request"},
                                       {"status", 400},
                                       {"detail", detail},
                                       {"instance", path}};
  res.set_content(body.dump(), "application/problem+json");
}

std::int64_t ParsePageParam(const httplib::Request& req, const char* name, std::int64_t fallback,
                            std::int64_t upper) {
  if (!req.has_param(name)) return fallback;
  const std::string text = req.get_param_value(name);
  std::int32_t value = 0;
  const char* begin = text.data();
  if (!text.empty() && *begin == '+') ++begin;
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return fallback;
  if (value < 0) return 0;
  return std::min<std::int64_t>(value, upper);
}

std::expected<std::optional<Timestamp>, std::string> ParseTimeParam(const httplib::Request& req,
                                                                    const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string text = req.get_param_value(name);
  if (text.empty()) return std::nullopt;
  const auto parsed = ParseIso8601(text);
  if (!parsed) {
    return std::unexpected(fmt::format(
        "Failed to convert '{}' with value '{}' to an ISO-8601 date-time; send for example "
        "2024-01-31T10:11:12.123Z (URL-encode a '+' offset as %2B)",
        name, text));
  }
  return parsed;
}

std::optional<std::string> TextParam(const httplib::Request& req, const char* name) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) return std::nullopt;
  return req.get_param_value(name);
}

PageRequest ParsePaging(const httplib::Request& req) {
  PageRequest paging;
  paging.page = ParsePageParam(req, "page", 0, INT_MAX);
  paging.size = ParsePageParam(req, "size", kDefaultPageSize, kMaxPageSize);
  if (paging.size < 1) paging.size = kDefaultPageSize;
  return paging;
}

std::string Envelope(EntityPage page, const PageRequest& paging) {
  nlohmann::ordered_json envelope;
  envelope["totalElements"] = page.content.size();
  envelope["totalPages"] = (page.total_matching + paging.size - 1) / paging.size;
  envelope["pageSize"] = paging.size;
  envelope["content"] = std::move(page.content);
  return envelope.dump();
}

std::string& CurrentUser() {
  thread_local std::string user;
  return user;
}

}  // namespace avni::sim
