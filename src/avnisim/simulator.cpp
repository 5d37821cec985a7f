#include "avnisim/simulator.hpp"

#include <charconv>
#include <chrono>
#include <climits>

#include <fmt/format.h>
#include <httplib.h>

#include "avnisim/iso_time.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

// Spring Data's pageable defaults, which avni-server does not override.
constexpr std::int64_t kDefaultPageSize = 20;
constexpr std::int64_t kMaxPageSize = 2000;
// avni-server's default `now`: records changed in the last 10 s are left for the next read,
// so that transactions still committing are not skipped.
constexpr auto kNowLag = std::chrono::seconds(10);

constexpr const char* kJson = "application/json";
constexpr const char* kText = "text/plain; charset=utf-8";

// Spring's pageable parsing is lenient: a value that is not an int falls back to the
// default, a negative one becomes 0, and one over `upper` becomes `upper` (never a 400).
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

// An absent or empty time parameter is "not sent" (Spring binds it to null).
std::expected<std::optional<Timestamp>, std::string> ParseTimeParam(const httplib::Request& req,
                                                                    const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string text = req.get_param_value(name);
  if (text.empty()) return std::nullopt;
  const auto parsed = ParseIsoDateTime(text);
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

// Stats group paths by route, so each subject looked up does not get its own counter.
std::string RouteName(const std::string& path) {
  static constexpr std::string_view kSubjectPrefix = "/api/subject/";
  if (path.starts_with(kSubjectPrefix) && path.size() > kSubjectPrefix.size()) {
    return "/api/subject/{id}";
  }
  return path;
}

}  // namespace

Simulator::Simulator(SimOptions options)
    : options_(options), faults_(options.seed), server_(std::make_unique<httplib::Server>()) {
  subjects_.Generate(options_.subjects, options_.seed, options_.same_time, options_.observations);
  Route();
}

Simulator::~Simulator() { Stop(); }

int Simulator::Start(int port) {
  int bound = -1;
  if (port == 0) {
    bound = server_->bind_to_any_port("127.0.0.1");
  } else if (server_->bind_to_port("127.0.0.1", port)) {
    bound = port;
  }
  if (bound < 0) return -1;
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  return bound;
}

void Simulator::Stop() {
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void Simulator::Generate(std::int64_t count, std::uint64_t seed, std::int64_t same_time) {
  subjects_.Generate(count, seed, same_time, options_.observations);
}

std::expected<void, Error> Simulator::AddSubject(json subject) {
  return subjects_.Add(std::move(subject));
}

std::expected<void, Error> Simulator::Touch(const std::string& id, Timestamp when) {
  return subjects_.Touch(id, when);
}

void Simulator::SetNow(Timestamp now) {
  std::lock_guard lock(mutex_);
  fixed_now_ = now;
}

Timestamp Simulator::Now() const {
  {
    std::lock_guard lock(mutex_);
    if (fixed_now_) return *fixed_now_;
  }
  return SystemClock().Now();
}

std::string Simulator::MaybeMalformed(std::string body) {
  // Cut mid-document: what a client sees when a proxy or the server dies mid-answer.
  if (faults_.DrawMalformedJson()) body.resize(body.size() / 2);
  return body;
}

std::map<std::string, std::int64_t> Simulator::Stats() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void Simulator::Route() {
  // Faults and counting apply to the Avni API only, never to the /_sim control endpoints.
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (!req.path.starts_with("/api/")) return httplib::Server::HandlerResponse::Unhandled;
    {
      std::lock_guard lock(mutex_);
      ++requests_[RouteName(req.path)];
    }
    const FaultDecision fault = faults_.Draw();
    if (fault.latency_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(fault.latency_ms));
    }
    if (fault.status == 0) return httplib::Server::HandlerResponse::Unhandled;
    res.status = fault.status;
    res.set_content(fmt::format("simulated fault: HTTP {}", fault.status), kText);
    return httplib::Server::HandlerResponse::Handled;
  });

  server_->Get("/api/subjects", [this](const httplib::Request& req, httplib::Response& res) {
    const auto since = ParseTimeParam(req, "lastModifiedDateTime");
    const auto now = ParseTimeParam(req, "now");
    for (const auto* parsed : {&since, &now}) {
      if (!parsed->has_value()) {
        res.status = 400;
        res.set_content(parsed->error(), kText);
        return;
      }
    }
    SubjectQuery query;
    query.since = since->value_or(Timestamp{});
    query.now = now->value_or(Now() - kNowLag);
    // The reference names it `subjectType`; avni-server's controller binds `subjectTypeName`.
    query.subject_type = TextParam(req, "subjectType");
    if (!query.subject_type) query.subject_type = TextParam(req, "subjectTypeName");
    query.page = ParsePageParam(req, "page", 0, INT_MAX);
    query.size = ParsePageParam(req, "size", kDefaultPageSize, kMaxPageSize);
    if (query.size < 1) query.size = kDefaultPageSize;

    SubjectPage page = subjects_.Query(query);
    nlohmann::ordered_json envelope;
    // The avni-server quirk: totalElements is the count on this page, not in the window.
    envelope["totalElements"] = page.content.size();
    envelope["totalPages"] = (page.total_matching + query.size - 1) / query.size;
    envelope["pageSize"] = query.size;
    envelope["content"] = std::move(page.content);
    res.set_content(MaybeMalformed(envelope.dump()), kJson);
  });

  server_->Get(R"(/api/subject/([^/]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 const auto subject = subjects_.Find(req.matches[1].str());
                 if (!subject) {
                   res.status = 404;
                   return;
                 }
                 res.set_content(MaybeMalformed(subject->dump()), kJson);
               });

  server_->Get("/_sim/stats", [this](const httplib::Request&, httplib::Response& res) {
    const json body = {
        {"requests", Stats()}, {"subjects", subjects_.Size()}, {"faults", faults_.Describe()}};
    res.set_content(body.dump(), kJson);
  });
  server_->Post("/_sim/faults", [this](const httplib::Request& req, httplib::Response& res) {
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    const auto configured = faults_.Configure(body);
    if (!configured) {
      res.status = 400;
      res.set_content(fmt::format("{}: {}", configured.error().field, configured.error().message),
                      kText);
      return;
    }
    res.set_content(faults_.Describe().dump(), kJson);
  });
  server_->Delete("/_sim/faults", [this](const httplib::Request&, httplib::Response& res) {
    faults_.Clear();
    res.set_content(faults_.Describe().dump(), kJson);
  });
}

}  // namespace avni::sim
