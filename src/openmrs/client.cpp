#include "openmrs/client.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "common/taxonomy.hpp"
#include "http/url.hpp"
#include "openmrs/errors.hpp"
#include "openmrs/session.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

constexpr std::string_view kRestRoot = "/openmrs/ws/rest/v1/";
// A search that pages further than this is looping (a server repeating its next link).
constexpr int kMaxPages = 100000;

std::string PathOnly(std::string_view path) { return std::string(path.substr(0, path.find('?'))); }

// The path and query of an absolute link OpenMRS wrote. Its host is ignored: behind a proxy,
// OpenMRS writes links with the address it was reached at inside, and the client only ever
// talks to openmrs_base_url (never a host a server names).
std::optional<std::string> LocalPart(std::string_view uri) {
  std::string_view rest = uri;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest = rest.substr(scheme + 3);
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    rest = rest.substr(slash);
  }
  if (!rest.starts_with("/openmrs/")) return std::nullopt;
  return std::string(rest);
}

}  // namespace

std::string_view ResourceName(MetadataType type) {
  switch (type) {
    case MetadataType::kConcept:
      return "concept";
    case MetadataType::kEncounterType:
      return "encountertype";
    case MetadataType::kVisitType:
      return "visittype";
    case MetadataType::kVisitAttributeType:
      return "visitattributetype";
    case MetadataType::kLocation:
      return "location";
    case MetadataType::kPatientIdentifierType:
      return "patientidentifiertype";
    case MetadataType::kPersonAttributeType:
      return "personattributetype";
    case MetadataType::kProvider:
      return "provider";
    case MetadataType::kEncounterRole:
      return "encounterrole";
  }
  return "";
}

struct Client::Impl {
  Impl(OpenmrsConfig c, http::ClientOptions options)
      : config(std::move(c)),
        http([&] {
          options.per_host_rate = config.requests_per_second;
          return options;
        }()),
        session(http, config) {}

  // One call to an absolute path under /openmrs: with the session cookie, retried once with a
  // new session when OpenMRS refuses it, classified. A 404 comes back as a Response.
  Result<http::Response> Call(const std::string& method, const std::string& path,
                              const std::string& body, std::string_view accept) {
    const std::string where = fmt::format("{} {}", method, PathOnly(path));
    for (int attempt = 0;; ++attempt) {
      auto cookie = session.Cookie();
      if (!cookie) return Fail(cookie.error());
      http::Request request;
      request.method = method;
      request.url = config.base_url + path;
      request.headers = {{"Cookie", *cookie}, {"Accept", std::string(accept)}};
      if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
      request.body = body;
      ++requests;
      auto response = http.Send(request);
      if (!response) return Fail(CallFailed(where, response.error()));
      if (response->status == 401 || response->status == 403) {
        if (attempt == 0) {
          // Expired (Tomcat's idle timeout) or signed out: sign in again once.
          session.Invalidate(*cookie);
          ++relogins;
          continue;
        }
        return Fail(Error{ErrorCode::kUnauthenticated,
                          fmt::format("OpenMRS {}: HTTP {} again after signing in anew as '{}'; "
                                      "check that openmrs_user has the privileges this needs",
                                      where, response->status, config.user),
                          ""});
      }
      if (response->status >= 400 && response->status != 404) {
        Error error = ClassifyOpenmrs(response->status, response->body, body);
        error.message = fmt::format("OpenMRS {}: {}", where, error.message);
        return Fail(std::move(error));
      }
      return response;
    }
  }

  Result<std::optional<json>> CallJson(const std::string& method, const std::string& path,
                                       const std::string& body) {
    auto response = Call(method, path, body, "application/json");
    if (!response) return Fail(response.error());
    if (response->status == 404) return std::optional<json>();
    if (response->status == 204 || response->body.empty()) return std::optional<json>(json());
    json parsed = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
      // A cut or foreign answer: nothing was learned about the data, so ask again later.
      return Fail(Error::Unavailable(
          fmt::format("OpenMRS {} {}: the answer is not JSON", method, PathOnly(path))));
    }
    return std::optional<json>(std::move(parsed));
  }

  OpenmrsConfig config;
  http::Client http;
  Session session;
  std::atomic<std::int64_t> requests{0};
  std::atomic<std::int64_t> relogins{0};

  std::mutex cache_mutex;
  std::map<std::string, Concept, std::less<>> concepts;  // guarded by cache_mutex
  std::set<std::string, std::less<>> found;              // "<resource>/<uuid>", cache_mutex
};

Client::Client(OpenmrsConfig config, http::ClientOptions http_options)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(http_options))) {}

Client::~Client() = default;

Status Client::Login() {
  auto cookie = impl_->session.Cookie();
  if (!cookie) return Fail(cookie.error());
  return {};
}

Result<std::optional<json>> Client::Get(std::string_view path) {
  return impl_->CallJson("GET", std::string(kRestRoot) + std::string(path), "");
}

Result<std::vector<json>> Client::List(std::string_view path) {
  std::vector<json> all;
  std::string next = std::string(kRestRoot) + std::string(path);
  std::set<std::string> seen;
  for (int page = 0; page < kMaxPages; ++page) {
    seen.insert(next);
    auto answer = impl_->CallJson("GET", next, "");
    if (!answer) return Fail(answer.error());
    const json body = answer->has_value() ? std::move(**answer) : json();
    if (!body.is_object() || !body.contains("results") || !body["results"].is_array()) {
      return Fail(Error::Unavailable(fmt::format(
          "OpenMRS GET {}: the answer is not a search result (no \"results\")", PathOnly(next))));
    }
    for (const json& item : body["results"]) all.push_back(item);
    std::optional<std::string> following;
    if (const auto links = body.find("links"); links != body.end() && links->is_array()) {
      for (const json& link : *links) {
        if (link.is_object() && link.value("rel", "") == "next" && link.contains("uri") &&
            link["uri"].is_string()) {
          following = LocalPart(link["uri"].get<std::string>());
          if (!following) {
            return Fail(Error::Unavailable(fmt::format(
                "OpenMRS GET {}: its next link is not under /openmrs", PathOnly(next))));
          }
        }
      }
    }
    if (!following) return all;
    if (seen.contains(*following)) {
      return Fail(Error::Unavailable(fmt::format(
          "OpenMRS GET {}: the next link repeats a page already read", PathOnly(next))));
    }
    next = std::move(*following);
  }
  return Fail(Error::Unavailable(
      fmt::format("OpenMRS GET {}: more than {} pages", PathOnly(std::string(path)), kMaxPages)));
}

Result<json> Client::Post(std::string_view path, const json& body) {
  const std::string full = std::string(kRestRoot) + std::string(path);
  auto answer = impl_->CallJson("POST", full, body.dump());
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) {
    return Fail(Error::NotFound(fmt::format(
        "OpenMRS POST {}: HTTP 404: Object with given uuid doesn't exist", PathOnly(full))));
  }
  return std::move(**answer);
}

Status Client::Delete(std::string_view path) {
  auto answer = impl_->CallJson("DELETE", std::string(kRestRoot) + std::string(path), "");
  if (!answer) return Fail(answer.error());
  return {};
}

Result<std::optional<std::string>> Client::GetDocument(std::string_view path,
                                                       std::string_view accept) {
  auto local = LocalPart(path);
  if (!local) {
    return Fail(Error::InvalidArgument(
        "path", fmt::format("{} is not a path under /openmrs", PathOnly(std::string(path)))));
  }
  auto response = impl_->Call("GET", *local, "", accept);
  if (!response) return Fail(response.error());
  if (response->status == 404) return std::optional<std::string>();
  return std::optional<std::string>(std::move(response->body));
}

Result<std::optional<Concept>> Client::GetConcept(std::string_view uuid) {
  {
    std::lock_guard lock(impl_->cache_mutex);
    if (const auto it = impl_->concepts.find(uuid); it != impl_->concepts.end()) {
      return std::optional<Concept>(it->second);
    }
  }
  auto answer = Get(fmt::format("concept/{}?v=full", http::PercentEncode(uuid)));
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return std::optional<Concept>();
  auto concept_read = ReadConcept(**answer);
  if (!concept_read) return Fail(concept_read.error());
  std::lock_guard lock(impl_->cache_mutex);
  impl_->concepts.emplace(std::string(uuid), *concept_read);
  return std::optional<Concept>(std::move(*concept_read));
}

Result<bool> Client::Exists(MetadataType type, std::string_view uuid) {
  const std::string key = fmt::format("{}/{}", ResourceName(type), http::PercentEncode(uuid));
  {
    std::lock_guard lock(impl_->cache_mutex);
    if (impl_->found.contains(key)) return true;
  }
  auto answer = Get(key + "?v=ref");
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return false;
  std::lock_guard lock(impl_->cache_mutex);
  impl_->found.insert(key);
  return true;
}

ClientStats Client::Stats() const {
  return ClientStats{.requests = impl_->requests.load(),
                     .logins = impl_->session.Logins(),
                     .relogins = impl_->relogins.load()};
}

const OpenmrsConfig& Client::config() const { return impl_->config; }

}  // namespace avni::openmrs
