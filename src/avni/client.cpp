#include "avni/client.hpp"

#include <algorithm>
#include <atomic>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "avni/session.hpp"
#include "common/taxonomy.hpp"
#include "http/redact.hpp"
#include "http/url.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;

struct ResourceInfo {
  std::string_view name;
  std::string_view list_path;
  std::string_view item_path;  // empty: no single reads or writes
  bool windowed = true;        // takes lastModifiedDateTime and now
  std::vector<std::string_view> filters;
  bool writable = false;   // PUT and DELETE besides POST
  bool patchable = false;  // PATCH (avni-server has none for enrolments and visits: 405)
  std::vector<std::string_view> required = {};  // filters avni-server insists on
};

const ResourceInfo& Info(Resource resource) {
  static const std::array<ResourceInfo, 7> kInfo = {{
      {.name = "subject",
       .list_path = "/api/subjects",
       .item_path = "/api/subject",
       .filters = {"subjectType", "concepts", "locationIds", "includeCatchments"},
       .writable = true,
       .patchable = true},
      {.name = "encounter",
       .list_path = "/api/encounters",
       .item_path = "/api/encounter",
       .filters = {"encounterType", "subjectId", "concepts"},
       .writable = true,
       .patchable = true},
      {.name = "programEnrolment",
       .list_path = "/api/programEnrolments",
       .item_path = "/api/programEnrolment",
       .filters = {"program", "subject"},
       .writable = true},
      {.name = "programEncounter",
       .list_path = "/api/programEncounters",
       .item_path = "/api/programEncounter",
       .filters = {"encounterType", "concepts", "programEnrolmentId"},
       .writable = true},
      {.name = "groupSubject",
       .list_path = "/api/groupSubjects",
       .filters = {"groupSubjectId", "memberSubjectId"}},
      {.name = "location", .list_path = "/api/locations"},
      {.name = "task",
       .list_path = "/api/tasks",
       .item_path = "/api/task",
       .windowed = false,
       .filters = {"type", "isTerminalStatus", "metadata"},
       .required = {"type", "isTerminalStatus", "metadata"}},
  }};
  return kInfo.at(static_cast<std::size_t>(resource));
}

std::string PathOnly(std::string_view url_path) {
  return std::string(url_path.substr(0, url_path.find('?')));
}

// The parts of an entity the client reads itself; the rest stays in `body`.
Result<Record> ToRecord(const json& entity, std::string_view where) {
  if (!entity.is_object() || !entity.contains("ID") || !entity["ID"].is_string()) {
    return Fail(Error::Unavailable(
        fmt::format("Avni {}: an entity without a string \"ID\"; the answer is not "
                    "avni-server's",
                    where)));
  }
  Record record;
  record.id = entity["ID"].get<std::string>();
  if (const auto it = entity.find("External ID"); it != entity.end() && it->is_string()) {
    record.external_id = it->get<std::string>();
  }
  if (const auto it = entity.find("Voided"); it != entity.end() && it->is_boolean()) {
    record.voided = it->get<bool>();
  }
  if (const auto audit = entity.find("audit"); audit != entity.end() && audit->is_object()) {
    const auto at = audit->find("Last modified at");
    if (at != audit->end() && at->is_string()) {
      record.last_modified = ParseIso8601(at->get<std::string>());
    }
  }
  record.body = entity.dump();
  return record;
}

Status CheckFilters(Resource resource, const ListQuery& query) {
  const ResourceInfo& info = Info(resource);
  std::set<std::string_view> given;
  for (const auto& [name, value] : query.filters) {
    if (std::find(info.filters.begin(), info.filters.end(), name) == info.filters.end()) {
      return Fail(Error::InvalidArgument(
          "filters." + name, fmt::format("/api/{}s takes no filter '{}'; it takes: {}", info.name,
                                         name, fmt::join(info.filters, ", "))));
    }
    given.insert(name);
  }
  for (const auto name : info.required) {
    if (!given.contains(name)) {
      return Fail(Error::InvalidArgument(
          "filters." + std::string(name),
          fmt::format("/api/{}s needs the filters {}", info.name, fmt::join(info.required, ", "))));
    }
  }
  if (!info.windowed && (query.since || query.now)) {
    return Fail(Error::InvalidArgument(
        "since", fmt::format("/api/{}s is not read by last-modified time", info.name)));
  }
  if (resource == Resource::kProgramEnrolment) {
    // avni-server answers 400 for any other combination.
    const bool program = given.contains("program"), subject = given.contains("subject");
    if (!(program && subject) && !(query.since && !subject)) {
      return Fail(
          Error::InvalidArgument("filters",
                                 "program enrolments are read by lastModifiedDateTime, by "
                                 "lastModifiedDateTime and program, or by program and subject"));
    }
  }
  return {};
}

}  // namespace

std::string_view ResourceName(Resource resource) { return Info(resource).name; }

struct Client::Impl {
  Impl(AvniConfig c, const Clock& clock, http::ClientOptions options)
      : clock(clock),
        config(std::move(c)),
        http([&] {
          options.per_host_rate = config.requests_per_second;
          return options;
        }()),
        session(http, config, clock) {}

  // One call: authenticated, retried once with a new login when Avni says the token is no
  // longer good, and classified. 404 comes back as a Response for the caller to read.
  Result<http::Response> Call(std::string method, std::string path_and_query, std::string body) {
    const std::string where = fmt::format("{} {}", method, PathOnly(path_and_query));
    for (int attempt = 0;; ++attempt) {
      auto credentials = session.Get();
      if (!credentials) return Fail(credentials.error());
      http::Request request;
      request.method = method;
      request.url = config.api_url + path_and_query;
      request.headers = std::move(credentials->headers);
      request.headers.emplace_back("Accept", "application/json");
      if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
      request.body = body;
      ++requests;
      auto response = http.Send(request);
      if (!response) return Fail(CallFailed(where, response.error()));
      // 401, or a 500 naming the token's exception (expired, signature): a new login may help.
      const bool token_refused =
          !credentials->token.empty() && response->status >= 400 &&
          ClassifyHttp(response->status, response->body).code == ErrorCode::kUnauthenticated;
      if (token_refused && attempt == 0) {
        session.Invalidate(credentials->token);
        ++retried;
        continue;
      }
      if (response->status >= 400 && response->status != 404) {
        // Classified by the whole answer; the message quotes it redacted, as the OpenMRS client
        // does: Avni's refusals repeat the values they refused (a name, an answer), and the
        // message goes to the logs and the error records.
        Error error = ClassifyHttp(response->status, response->body);
        error.message =
            fmt::format("Avni {}: {}", where,
                        ClassifyHttp(response->status, http::Redact(response->body, body)).message);
        return Fail(std::move(error));
      }
      return response;
    }
  }

  Result<Record> Write(Resource resource, std::string method, std::string_view id,
                       std::string_view body, std::string query = {}) {
    const ResourceInfo& info = Info(resource);
    const bool allowed = method == "POST"    ? !info.item_path.empty()
                         : method == "PATCH" ? info.patchable
                                             : info.writable;
    if (!allowed) {
      return Fail(Error::InvalidArgument(
          "resource", fmt::format("Avni's API has no {} for {}", method, info.name)));
    }
    if ((method == "POST") != id.empty()) {
      return Fail(Error::InvalidArgument(
          "id", fmt::format("{} {} needs {}", method, info.name, id.empty() ? "an id" : "no id")));
    }
    std::string path(info.item_path);
    if (!id.empty()) path += "/" + http::PercentEncode(id);
    auto response = Call(method, path + query, std::string(body));
    if (!response) return Fail(response.error());
    const std::string where = fmt::format("{} {}", method, path);
    if (response->status == 404) {
      return Fail(Error::NotFound(fmt::format("Avni {}: no {} '{}'", where, info.name, id)));
    }
    const json entity = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (entity.is_discarded()) {
      return Fail(Error::Unavailable(fmt::format("Avni {}: the answer is not JSON", where)));
    }
    return ToRecord(entity, where);
  }

  const Clock& clock;
  AvniConfig config;
  http::Client http;
  Session session;
  std::atomic<std::int64_t> requests{0};
  std::atomic<std::int64_t> retried{0};
};

Client::Client(AvniConfig config, const Clock& clock, http::ClientOptions http_options)
    : impl_(std::make_unique<Impl>(std::move(config), clock, std::move(http_options))) {}

Client::~Client() = default;

const AvniConfig& Client::config() const { return impl_->config; }

Result<std::string> Client::Login() {
  auto credentials = impl_->session.Get();
  if (!credentials) return Fail(credentials.error());
  return impl_->session.Mode();
}

Result<RecordPage> Client::List(Resource resource, const ListQuery& query) {
  if (auto checked = CheckFilters(resource, query); !checked) return Fail(checked.error());
  if (query.page < 0 || query.size < 1) {
    return Fail(Error::InvalidArgument("size", "page must be >= 0 and size >= 1"));
  }
  const ResourceInfo& info = Info(resource);
  http::Params params;
  if (query.since) params.emplace_back("lastModifiedDateTime", FormatIso8601(*query.since));
  if (info.windowed) {
    // avni-server requires `now` on most lists; without one the window ends at the read lag.
    const Timestamp now = query.now.value_or(impl_->clock.Now() - impl_->config.read_lag);
    params.emplace_back("now", FormatIso8601(now));
  }
  for (const auto& filter : query.filters) params.push_back(filter);
  params.emplace_back("page", std::to_string(query.page));
  params.emplace_back("size", std::to_string(query.size));
  const std::string path = fmt::format("{}?{}", info.list_path, http::EncodeParams(params));
  auto response = impl_->Call("GET", path, "");
  if (!response) return Fail(response.error());
  const std::string where = fmt::format("GET {}", info.list_path);
  if (response->status == 404) {
    return Fail(Error::Unavailable(fmt::format("Avni {}: 404, the server has no such API", where)));
  }
  const json envelope = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!envelope.is_object() || !envelope.contains("content") || !envelope["content"].is_array()) {
    return Fail(Error::Unavailable(
        fmt::format("Avni {}: the answer is not a page (no \"content\" array)", where)));
  }
  RecordPage page;
  page.records.reserve(envelope["content"].size());
  for (const json& entity : envelope["content"]) {
    auto record = ToRecord(entity, where);
    if (!record) return Fail(record.error());
    page.records.push_back(std::move(*record));
  }
  // totalElements is the count on this page (avni-server's quirk): only totalPages tells
  // whether more follow.
  const json& total_pages = envelope.value("totalPages", json());
  page.total_pages = total_pages.is_number_integer() ? total_pages.get<std::int64_t>() : 0;
  page.last = static_cast<std::int64_t>(page.records.size()) < query.size ||
              query.page + 1 >= page.total_pages;
  return page;
}

Result<std::optional<Record>> Client::Get(Resource resource, std::string_view id) {
  const ResourceInfo& info = Info(resource);
  if (info.item_path.empty() || resource == Resource::kTask) {
    return Fail(Error::InvalidArgument(
        "resource", fmt::format("Avni's API has no single read for {}", info.name)));
  }
  const std::string path = fmt::format("{}/{}", info.item_path, http::PercentEncode(id));
  auto response = impl_->Call("GET", path, "");
  if (!response) return Fail(response.error());
  if (response->status == 404) return std::optional<Record>();
  const json entity = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (entity.is_discarded()) {
    return Fail(Error::Unavailable(fmt::format("Avni GET {}: the answer is not JSON", path)));
  }
  auto record = ToRecord(entity, "GET " + path);
  if (!record) return Fail(record.error());
  return std::optional<Record>(std::move(*record));
}

Result<Record> Client::Create(Resource resource, std::string_view body, WriteOptions options) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return Fail(Error::InvalidArgument("body", "an Avni write is a JSON object"));
  }
  const auto external = parsed.find("External ID");
  const bool keyed =
      external != parsed.end() && external->is_string() && !external->get<std::string>().empty();
  if (!keyed && !options.allow_without_external_id) {
    return Fail(Error::InvalidArgument(
        "External ID", fmt::format("a {} POST without an External ID creates a new entity on "
                                   "every retry; send the source's id as \"External ID\"",
                                   ResourceName(resource))));
  }
  std::string query;
  if (options.version) {
    if (resource != Resource::kSubject || *options.version < 1 || *options.version > 3) {
      return Fail(Error::InvalidArgument("version", "only a subject POST takes version 1..3"));
    }
    query = fmt::format("?version={}", *options.version);
  }
  return impl_->Write(resource, "POST", "", body, query);
}

Result<Record> Client::Replace(Resource resource, std::string_view id, std::string_view body) {
  return impl_->Write(resource, "PUT", id, body);
}

Result<Record> Client::Patch(Resource resource, std::string_view id, std::string_view body) {
  return impl_->Write(resource, "PATCH", id, body);
}

Result<Record> Client::Void(Resource resource, std::string_view id) {
  return impl_->Write(resource, "DELETE", id, "");
}

ClientStats Client::Stats() const {
  const SessionStats session = impl_->session.Stats();
  return ClientStats{impl_->requests.load(), session.logins, session.refreshes,
                     impl_->retried.load()};
}

}  // namespace avni::avniapi
