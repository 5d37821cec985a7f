// A tenant's error records: the list (filtered, paged), one record with its log, and bulk
// actions (reprocess, disable, enable, delete) over ids or a filter.
//
// The body of a failure (the payload that was refused) may hold personal data: it goes to
// editors and admins only, never to viewers.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/error_record_filter.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"
#include "sync/error_classifier.hpp"

namespace avni::api {
namespace {

using error_filter::FilterSpec;
using nlohmann::json;

constexpr std::size_t kMaxIds = 1000;  // the store's limit for a filter by ids

bool ShowsBodies(const Request& request) {
  return request.tenant_role && *request.tenant_role != Role::kViewer;
}

json TypeJson(std::optional<RowId> id, const std::string& name, FollowUpStep step) {
  return {{"id", id ? json(*id) : json()},
          {"name", id ? name : std::string(sync::kDefaultErrorTypeName)},
          {"follow_up_step", ToString(step)}};
}

json RecordJson(const store::ErrorRecordDetail& d, bool with_body) {
  const ErrorRecord& r = d.record;
  json out{{"id", r.id},
           {"entity_type", r.entity_type},
           {"entity_id", r.entity_id},
           {"error_type", TypeJson(r.error_type_id, d.error_type_name, d.follow_up_step)},
           {"processing_disabled", r.processing_disabled},
           {"attempts", r.attempts},
           {"occurrences", d.occurrences},
           {"first_seen_at", TimeJson(r.first_seen_at)},
           {"last_seen_at", TimeJson(r.last_seen_at)},
           {"next_attempt_at", TimeJson(r.next_attempt_at)},
           {"message", d.message}};
  if (with_body) out["body"] = d.body;
  return out;
}

struct RecordPage {
  std::vector<store::ErrorRecordDetail> details;
  std::int64_t total = 0;
};

// The store lists records in the order first seen (then id) only; a descending page is the
// matching ascending window, reversed.
Result<Response> ListErrorRecords(Services& services, Request& request) {
  auto page = ParsePage(request, {"first_seen_at"}, "first_seen_at");
  if (!page) return Fail(page.error());
  auto spec = error_filter::FilterFromQuery(request);
  if (!spec) return Fail(spec.error());
  auto read = services.store.Read([&](store::Tx& tx) -> Result<RecordPage> {
    auto repo = tx.tenant(*request.tenant).errors();
    auto filter = error_filter::Resolve(repo, *spec);
    if (!filter) return Fail(filter.error());
    auto total = repo.Count(*filter);
    if (!total) return Fail(total.error());
    std::int64_t from = page->offset();
    std::int64_t until = from + page->size;
    if (page->descending) {
      from = std::max<std::int64_t>(0, *total - until);
      until = *total - page->offset();
    }
    RecordPage out{{}, *total};
    if (until <= from || from >= *total) return out;
    filter->offset = static_cast<int>(from);
    filter->limit = static_cast<int>(until - from);
    auto details = repo.ListDetailed(*filter);
    if (!details) return Fail(details.error());
    out.details = std::move(*details);
    if (page->descending) std::reverse(out.details.begin(), out.details.end());
    return out;
  });
  if (!read) return Fail(read.error());
  const bool bodies = ShowsBodies(request);
  json items = json::array();
  for (const auto& d : read->details) items.push_back(RecordJson(d, bodies));
  return JsonResponse(200, PageEnvelope(std::move(items), *page, read->total));
}

struct RecordWithLog {
  store::ErrorRecordDetail detail;
  std::vector<ErrorLogEntry> log;
  std::map<RowId, std::string> type_names;
};

Result<Response> GetErrorRecord(Services& services, Request& request) {
  auto id = IdParam(request, "record");
  if (!id) return Fail(id.error());
  auto read = services.store.Read([&](store::Tx& tx) -> Result<RecordWithLog> {
    auto repo = tx.tenant(*request.tenant).errors();
    if (auto record = repo.Get(*id); !record) return Fail(record.error());
    store::ErrorRecordFilter only;
    only.ids = {*id};
    only.limit = 1;
    auto details = repo.ListDetailed(only);
    if (!details) return Fail(details.error());
    if (details->empty()) return Fail(Error::NotFound(fmt::format("no error record {}", *id)));
    auto log = repo.Log(*id);
    if (!log) return Fail(log.error());
    auto types = repo.ListTypes();
    if (!types) return Fail(types.error());
    RecordWithLog out{std::move(details->front()), std::move(*log), {}};
    for (const auto& t : *types) out.type_names.emplace(t.id, t.name);
    return out;
  });
  if (!read) return Fail(read.error());
  const bool bodies = ShowsBodies(request);
  json out = RecordJson(read->detail, bodies);
  json log = json::array();
  for (const auto& entry : read->log) {
    std::string type_name(sync::kDefaultErrorTypeName);
    if (entry.error_type_id) {
      auto it = read->type_names.find(*entry.error_type_id);
      if (it != read->type_names.end()) type_name = it->second;
    }
    json item{{"message", entry.message},
              {"count", entry.count},
              {"first_logged_at", TimeJson(entry.first_logged_at)},
              {"logged_at", TimeJson(entry.logged_at)},
              {"error_type", type_name}};
    if (bodies) item["body"] = entry.body;
    log.push_back(std::move(item));
  }
  out["log"] = std::move(log);
  return JsonResponse(200, out);
}

// A bulk action as asked: over ids, or over a filter. A filter that matches every error record
// of the tenant (the empty one, and any other that happens to) needs all: true.
struct Action {
  std::string name;
  std::vector<RowId> ids;
  std::optional<FilterSpec> filter;
  bool all = false;  // the caller knows the filter may match every record
  json audit;        // what the audit entry says was asked
};

Result<std::vector<RowId>> ReadIds(const json& ids) {
  if (ids.empty()) {
    return Fail(Error::InvalidArgument("ids", "ids must list at least one error record id"));
  }
  if (ids.size() > kMaxIds) {
    return Fail(Error::InvalidArgument(
        "ids", fmt::format("ids may hold at most {} ids; for more, use a filter", kMaxIds)));
  }
  std::set<RowId> unique;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto id = Int64Of(ids[i]);
    if (!id || *id <= 0) {
      return Fail(Error::InvalidArgument(
          fmt::format("ids[{}]", i),
          fmt::format("ids[{}] must be a numeric error record id, not {}", i, ids[i].dump())));
    }
    unique.insert(*id);
  }
  return std::vector<RowId>(unique.begin(), unique.end());
}

Result<Action> ReadAction(const Request& request) {
  if (auto checked = JsonBody::Parse(request.body); !checked) return Fail(checked.error());
  // Parse has vouched for the text; the filter object is read apart from the rest.
  json object = json::parse(request.body);
  std::optional<json> filter;
  if (object.contains("filter") && !object["filter"].is_null()) filter = object["filter"];
  object.erase("filter");
  JsonBody body(std::move(object));
  Action a;
  auto name = body.String("action", 20);
  if (!name) return Fail(name.error());
  static const std::set<std::string, std::less<>> kActions{"reprocess", "disable", "enable",
                                                           "delete"};
  if (!kActions.contains(*name)) {
    return Fail(Error::InvalidArgument(
        "action",
        fmt::format("action must be reprocess, disable, enable or delete, not '{}'", *name)));
  }
  a.name = std::move(*name);
  const bool has_ids = body.Has("ids");
  std::optional<json> ids;
  if (has_ids) {
    auto array = body.Array("ids");
    if (!array) return Fail(array.error());
    ids = std::move(*array);
  }
  auto all = body.OptionalBool("all");
  if (!all) return Fail(all.error());
  if (auto done = body.Finish(); !done) return Fail(done.error());
  if (ids && filter) {
    return Fail(Error::InvalidArgument("filter", "send either ids or filter, not both"));
  }
  if (!ids && !filter) {
    return Fail(Error::InvalidArgument(
        "ids", "send ids (a list of error record ids) or filter (which records to act on)"));
  }
  a.audit = {{"action", a.name}};
  if (ids) {
    if (all->value_or(false)) {
      return Fail(Error::InvalidArgument("all", "all goes with an empty filter only, not ids"));
    }
    auto read = ReadIds(*ids);
    if (!read) return Fail(read.error());
    a.ids = std::move(*read);
    a.audit["ids"] = a.ids;
    return a;
  }
  auto spec = error_filter::FilterFromBody(*filter);
  if (!spec) return Fail(spec.error());
  a.all = all->value_or(false);
  if (spec->empty() && !a.all) {
    return Fail(Error::InvalidArgument(
        "filter",
        "an empty filter means every error record of the tenant; to mean that, send "
        "\"all\": true with it"));
  }
  a.filter = std::move(*spec);
  a.audit["filter"] = *filter;
  if (a.all) a.audit["all"] = true;
  return a;
}

// A filter is judged by what it matches, not by how it is written: {"text": ""} or a date
// range from 1970 narrows nothing. Errors: invalid_argument naming filter when it matches every
// record of the tenant and the caller did not say all: true.
Status CheckNarrows(store::ErrorRepo& repo, const Action& action,
                    const store::ErrorRecordFilter& filter) {
  if (action.all || !action.filter) return {};
  auto matching = repo.Count(filter);
  if (!matching) return Fail(matching.error());
  auto total = repo.Count(store::ErrorRecordFilter{});
  if (!total) return Fail(total.error());
  if (*total == 0 || *matching < *total) return {};
  return Fail(Error::InvalidArgument(
      "filter", fmt::format("this filter matches every error record of the tenant ({}); to {} "
                            "all of them, send \"all\": true with it",
                            *total, action.name)));
}

// Ids of another tenant are part of no filter of this one: they affect nothing.
Result<Response> ActOnErrorRecords(Services& services, Request& request) {
  auto action = ReadAction(request);
  if (!action) return Fail(action.error());
  auto affected = services.store.Transact([&](store::Tx& tx) -> Result<std::int64_t> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.errors();
    store::ErrorRecordFilter filter;
    if (action->filter) {
      auto resolved = error_filter::Resolve(repo, *action->filter);
      if (!resolved) return Fail(resolved.error());
      filter = std::move(*resolved);
      if (auto ok = CheckNarrows(repo, *action, filter); !ok) return Fail(ok.error());
    } else {
      filter.ids = action->ids;
    }
    Result<std::int64_t> n = 0;
    if (action->name == "reprocess") {
      n = repo.ScheduleNowWhere(filter);
    } else if (action->name == "disable") {
      n = repo.SetProcessingDisabledWhere(filter, true);
    } else if (action->name == "enable") {
      n = repo.SetProcessingDisabledWhere(filter, false);
    } else {
      n = repo.DeleteWhere(filter);
    }
    if (!n) return Fail(n.error());
    json after = action->audit;
    after["affected"] = *n;
    auto audited = scope.audit().Append(Actor(request), "error_records." + action->name,
                                        "error_record", "", "", Dump(after));
    if (!audited) return Fail(audited.error());
    return *n;
  });
  if (!affected) return Fail(affected.error());
  return JsonResponse(200, {{"action", action->name}, {"affected", *affected}});
}

// GET .../error-records/summary: how many records the tenant has, how many of them are
// disabled, and how many of each error type (types with none left out; Unclassified last).
// One count per type: a tenant has a handful of error types, and each count is an index scan.
Result<Response> SummarizeErrorRecords(Services& services, Request& request) {
  auto read = services.store.Read([&](store::Tx& tx) -> Result<json> {
    auto repo = tx.tenant(*request.tenant).errors();
    store::ErrorRecordFilter all;
    auto total = repo.Count(all);
    if (!total) return Fail(total.error());
    store::ErrorRecordFilter disabled;
    disabled.processing_disabled = true;
    auto disabled_count = repo.Count(disabled);
    if (!disabled_count) return Fail(disabled_count.error());
    auto types = repo.ListTypes();
    if (!types) return Fail(types.error());
    json by_type = json::array();
    for (const ErrorType& type : *types) {
      store::ErrorRecordFilter of_type;
      of_type.error_type_id = type.id;
      auto count = repo.Count(of_type);
      if (!count) return Fail(count.error());
      if (*count == 0) continue;
      by_type.push_back({{"error_type", type.name},
                         {"error_type_id", type.id},
                         {"follow_up_step", ToString(type.follow_up_step)},
                         {"count", *count}});
    }
    store::ErrorRecordFilter unclassified;
    unclassified.unclassified = true;
    auto unclassified_count = repo.Count(unclassified);
    if (!unclassified_count) return Fail(unclassified_count.error());
    if (*unclassified_count > 0) {
      by_type.push_back({{"error_type", std::string(sync::kDefaultErrorTypeName)},
                         {"error_type_id", nullptr},
                         {"follow_up_step", ToString(FollowUpStep::kProcess)},
                         {"count", *unclassified_count}});
    }
    return json{{"total", *total}, {"disabled", *disabled_count}, {"by_type", by_type}};
  });
  if (!read) return Fail(read.error());
  return JsonResponse(200, *read);
}

}  // namespace

void AddErrorRecordRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/error-records", Access::kTenantViewer,
                    bind(ListErrorRecords),
                    "The tenant's error records, filtered and paged, in the order first seen; "
                    "bodies to editors and admins only"});
  // Before "{record}", which would otherwise take the word.
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/error-records/summary", Access::kTenantViewer,
                    bind(SummarizeErrorRecords),
                    "How many error records the tenant has: in all, disabled, and by error type"});
  routes.push_back({"POST", "/api/v1/tenants/{tenant}/error-records/actions", Access::kTenantEditor,
                    bind(ActOnErrorRecords),
                    "Reprocess, disable, enable or delete error records by ids or by filter"});
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/error-records/{record}", Access::kTenantViewer,
                    bind(GetErrorRecord), "One error record with its log, newest first"});
}

}  // namespace avni::api
