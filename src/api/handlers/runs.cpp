// A tenant's runs: each execution of one of its jobs, with its outcome, message, timing and
// counts (in all and per entity type). Runs are written by the scheduler and the sync engine;
// the API only reads them.
#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/sync_common.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxJobName = 100;  // the store's limit

json CountsJson(const RunCounts& c) {
  return {{"read", c.read}, {"written", c.written}, {"skipped", c.skipped}, {"failed", c.failed}};
}

json RunJson(const Run& run, const std::string& job_name) {
  json duration;
  if (run.finished_at) {
    duration =
        std::chrono::duration_cast<std::chrono::milliseconds>(*run.finished_at - run.started_at)
            .count();
  }
  return {{"id", run.id},
          {"job", job_name},
          {"status", ToString(run.status)},
          {"started_at", TimeJson(run.started_at)},
          {"finished_at", TimeJson(run.finished_at)},
          {"duration_ms", duration},
          {"counts", CountsJson(run.counts)},
          {"message", run.message},
          {"instance", run.instance}};
}

Result<std::optional<Timestamp>> QueryTime(const Request& request, const std::string& name) {
  auto text = request.QueryValue(name);
  if (!text) return std::optional<Timestamp>();
  auto t = ParseIsoTime(*text, name);
  if (!t) return Fail(t.error());
  return std::optional<Timestamp>(*t);
}

// The list's filters as the query names them; the job is looked up by name later.
struct RunQuery {
  std::optional<std::string> job;
  store::RunFilter filter;
};

Result<RunQuery> ReadQuery(const Request& request) {
  RunQuery q;
  auto job = QueryString(request, "job", kMaxJobName);
  if (!job) return Fail(job.error());
  q.job = std::move(*job);
  if (auto status = request.QueryValue("status")) {
    q.filter.status = ParseRunStatus(*status);
    if (!q.filter.status) {
      return Fail(Error::InvalidArgument("status",
                                         "status must be running, succeeded, failed or cancelled"));
    }
  }
  auto from = QueryTime(request, "from");
  if (!from) return Fail(from.error());
  auto to = QueryTime(request, "to");
  if (!to) return Fail(to.error());
  if (*from && *to && **to <= **from) {
    return Fail(Error::InvalidArgument(
        "to", "to must be after from: the range is from inclusive, to exclusive"));
  }
  q.filter.started_from = *from;
  q.filter.started_to = *to;
  return q;
}

struct RunPage {
  std::vector<json> items;
  std::int64_t total = 0;
};

// The names of the tenant's jobs by id, to show each run's job.
Result<std::map<RowId, std::string>> JobNames(store::JobRepo& repo) {
  auto jobs = repo.List();
  if (!jobs) return Fail(jobs.error());
  std::map<RowId, std::string> names;
  for (const auto& job : *jobs) names.emplace(job.id, job.name);
  return names;
}

// Newest first only (started_at, then id): the store pages runs in that order, and a job that
// fires every minute makes half a million runs a year, too many to sort in memory.
Result<Response> ListRuns(Services& services, Request& request) {
  auto page = ParsePage(request, {"started_at"}, "-started_at");
  if (!page) return Fail(page.error());
  if (!page->descending) {
    return Fail(Error::InvalidArgument(
        "sort", "runs are listed newest first only: sort=-started_at (the default)"));
  }
  auto query = ReadQuery(request);
  if (!query) return Fail(query.error());
  auto read = services.store.Read([&](store::Tx& tx) -> Result<RunPage> {
    auto repo = tx.tenant(*request.tenant).jobs();
    auto names = JobNames(repo);
    if (!names) return Fail(names.error());
    store::RunFilter filter = query->filter;
    if (query->job) {
      for (const auto& [id, name] : *names) {
        if (name == *query->job) filter.job_id = id;
      }
      if (!filter.job_id) {
        std::vector<std::string> known;
        for (const auto& [id, name] : *names) known.push_back(name);
        std::sort(known.begin(), known.end());
        return Fail(Error::InvalidArgument(
            "job", fmt::format("no job named '{}'; the tenant's jobs are: {}", *query->job,
                               fmt::join(known, ", "))));
      }
    }
    filter.limit = page->size;
    filter.offset = page->offset();
    auto total = repo.CountRuns(filter);
    if (!total) return Fail(total.error());
    auto runs = repo.ListRunsWhere(filter);
    if (!runs) return Fail(runs.error());
    RunPage out;
    out.total = *total;
    for (const auto& run : *runs) out.items.push_back(RunJson(run, (*names)[run.job_id]));
    return out;
  });
  if (!read) return Fail(read.error());
  return JsonResponse(200, PageEnvelope(json(std::move(read->items)), *page, read->total));
}

Result<Response> GetRun(Services& services, Request& request) {
  auto id = IdParam(request, "run");
  if (!id) return Fail(id.error());
  auto body = services.store.Read([&](store::Tx& tx) -> Result<json> {
    auto repo = tx.tenant(*request.tenant).jobs();
    auto run = repo.GetRun(*id);
    if (!run) return Fail(run.error());
    auto job = repo.GetById(run->job_id);
    if (!job) return Fail(job.error());
    auto counts = repo.ListRunCounts(run->id);
    if (!counts) return Fail(counts.error());
    json out = RunJson(*run, job->name);
    json entity_types = json::array();
    for (const auto& c : *counts) {
      json item = CountsJson(c.counts);
      item["entity_type"] = c.entity_type;
      entity_types.push_back(std::move(item));
    }
    out["entity_types"] = std::move(entity_types);
    return out;
  });
  if (!body) return Fail(body.error());
  return JsonResponse(200, *body);
}

// The run's kept lines (warnings and up, retries, why it stopped), oldest first; truncated when
// the run logged more than it keeps (the earliest were dropped).
Result<Response> GetRunLog(Services& services, Request& request) {
  auto id = IdParam(request, "run");
  if (!id) return Fail(id.error());
  auto lines = services.store.Read([&](store::Tx& tx) -> Result<std::vector<RunLogLine>> {
    return tx.tenant(*request.tenant).run_log().List(*id);
  });
  if (!lines) return Fail(lines.error());
  json items = json::array();
  for (const auto& line : *lines) {
    items.push_back({{"at", TimeJson(line.at)}, {"level", line.level}, {"message", line.message}});
  }
  const bool truncated = !lines->empty() && lines->front().seq > 0;
  return JsonResponse(200,
                      json{{"run_id", *id}, {"lines", std::move(items)}, {"truncated", truncated}});
}

}  // namespace

void AddRunRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/runs", Access::kTenantViewer, bind(ListRuns),
                    "The tenant's runs, newest first, filtered"});
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/runs/{run}", Access::kTenantViewer,
                    bind(GetRun), "One run with its counts per entity type"});
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/runs/{run}/log", Access::kTenantViewer,
                    bind(GetRunLog), "The lines a run kept: warnings, retries, why it stopped"});
}

}  // namespace avni::api
