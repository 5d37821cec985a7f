// A tenant's mappings as CSV: export, and an all-or-nothing import (or a dry run of it) that
// answers every problem of the file with its line.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/mapping_common.hpp"
#include "api/http_error.hpp"
#include "api/routes.hpp"
#include "mapping/mapping_import.hpp"

namespace avni::api {
namespace {

nlohmann::json ReportJson(const mapping::ImportReport& report) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& e : report.errors) {
    errors.push_back({{"line", e.line}, {"field", e.field}, {"message", e.message}});
  }
  return {{"dry_run", report.dry_run},
          {"created", report.created},
          {"updated", report.updated},
          {"unchanged", report.unchanged},
          {"groups_created", report.groups_created},
          {"types_created", report.types_created},
          {"errors", std::move(errors)}};
}

Result<bool> DryRun(const Request& request) {
  const auto value = request.QueryValue("dry_run");
  if (!value || *value == "false") return false;
  if (*value == "true") return true;
  return Fail(Error::InvalidArgument("dry_run", "dry_run must be true or false"));
}

Result<Response> ExportMappings(Services& services, Request& request) {
  if (auto format = request.QueryValue("format"); format && *format != "csv") {
    return Fail(Error::InvalidArgument("format", "format must be csv, the one export format"));
  }
  auto filter = MappingFilterOf(services, request);
  if (!filter) return Fail(filter.error());
  auto csv = mapping::ExportMappingsCsv(services.store, *request.tenant, *filter);
  if (!csv) return Fail(csv.error());
  Response res{200, std::move(*csv), "text/csv; charset=utf-8"};
  res.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"mappings-tenant-{}.csv\"", request.tenant->value));
  return res;
}

Result<Response> ImportMappings(Services& services, Request& request) {
  auto dry_run = DryRun(request);
  if (!dry_run) return Fail(dry_run.error());
  auto report = mapping::ImportMappingsCsv(services.store, *request.tenant, request.body,
                                           {*dry_run, Actor(request)});
  if (!report) return Fail(report.error());
  nlohmann::json body = ReportJson(*report);
  if (!report->ok()) {
    // The report, and the one error shape beside it, so that a client that reads only that
    // shape still learns what went wrong.
    const auto& first = report->errors.front();
    const std::size_t n = report->errors.size();
    Response error = ErrorResponse(Error::InvalidArgument(
        "body", fmt::format("the CSV has {} error{} (the first: line {}: {}); nothing was written",
                            n, n == 1 ? "" : "s", first.line, first.message)));
    body["error"] = nlohmann::json::parse(error.body)["error"];
    return JsonResponse(400, body);
  }
  if (!*dry_run) MappingsChanged(services, *request.tenant);
  return JsonResponse(200, body);
}

}  // namespace

void AddMappingTransferRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/mappings/export", Access::kTenantViewer,
                    [&services](Request& r) { return ExportMappings(services, r); },
                    "The tenant's mappings as CSV"});
  routes.push_back({"POST", "/api/v1/tenants/{tenant}/mappings/import", Access::kTenantEditor,
                    [&services](Request& r) { return ImportMappings(services, r); },
                    "Import mappings from CSV, all or nothing (or a dry run)",
                    services.options.max_upload_body_bytes});
}

}  // namespace avni::api
