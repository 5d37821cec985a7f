// A tenant's bundle: its mapping groups, mapping types, mappings, error types and config in one
// zip, in the Java Avni integration service's layout (src/mapping/bundle.hpp), to move a
// tenant between services. Admins only, since a bundle carries the config.
//
// Import answers the counts per file; a refused bundle answers every problem (details.errors),
// each naming its file and field, and writes nothing. One audit entry per import, with the
// counts (never a config value).
#include <cctype>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/mapping_common.hpp"
#include "api/http_error.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "mapping/bundle.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

nlohmann::json ReportJson(const mapping::BundleReport& report) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& c : report.files) {
    files.push_back({{"file", c.file},
                     {"created", c.created},
                     {"updated", c.updated},
                     {"unchanged", c.unchanged},
                     {"skipped", c.skipped}});
  }
  return {{"files", std::move(files)}, {"secrets_to_set", report.secrets_to_set}};
}

// The one error shape, with every problem in details.errors. 409 when each problem is a clash
// with the tenant's rows, 400 otherwise.
Response RefusedResponse(const std::vector<mapping::BundleProblem>& problems) {
  bool all_conflicts = true;
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& p : problems) {
    all_conflicts = all_conflicts && p.code == ErrorCode::kConflict;
    errors.push_back({{"file", p.file}, {"field", p.field}, {"message", p.message}});
  }
  const mapping::BundleProblem& first = problems.front();
  Error error{all_conflicts ? ErrorCode::kConflict : ErrorCode::kInvalidArgument,
              problems.size() == 1
                  ? fmt::format("the bundle was not imported: {}", first.message)
                  : fmt::format("the bundle was not imported: {} (and {} more; see "
                                "details.errors)",
                                first.message, problems.size() - 1),
              first.file + first.field};
  Response response = ErrorResponse(error);
  nlohmann::json body = nlohmann::json::parse(response.body);
  if (error.field.empty()) body["error"]["details"]["field"] = "body";
  body["error"]["details"]["errors"] = std::move(errors);
  response.body = Dump(body);
  return response;
}

// The tenant's name as a file name: what a browser and a shell take without quoting.
std::string FileName(const std::string& name, TenantId tenant) {
  std::string out;
  for (unsigned char c : name) {
    const bool plain = std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.';
    if (plain) {
      out += static_cast<char>(c);
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && (out.back() == '_' || out.back() == '.')) out.pop_back();
  return out.empty() ? fmt::format("tenant-{}", tenant.value) : out;
}

Result<Response> ExportBundle(Services& services, Request& request) {
  const TenantId tenant_id = *request.tenant;
  auto tenant = services.store.Read([&](store::Tx& tx) { return tx.tenants().Get(tenant_id); });
  if (!tenant) return Fail(tenant.error());
  auto zip = mapping::ExportBundle(services.store, tenant_id);
  if (!zip) return Fail(zip.error());
  Response response{200, std::move(*zip), "application/zip", {}};
  response.headers.emplace_back(
      "Content-Disposition",
      fmt::format("attachment; filename=\"{}.zip\"", FileName(tenant->name, tenant_id)));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Result<Response> ImportBundle(Services& services, Request& request) {
  const TenantId tenant = *request.tenant;
  auto type = request.headers.find("content-type");
  if (type != request.headers.end() && type->second.starts_with("multipart/")) {
    return Fail(Error::InvalidArgument(
        "body",
        "send the bundle's zip itself as the body (Content-Type: application/zip), not "
        "a multipart form"));
  }
  auto report = mapping::ImportBundle(
      services.store, tenant, request.body,
      [&](store::Tx& tx, const mapping::BundleReport& counts) -> Status {
        auto audited = tx.tenant(tenant).audit().Append(Actor(request), "bundle.import", "bundle",
                                                        "", "", Dump(ReportJson(counts)));
        if (!audited) return Fail(audited.error());
        return {};
      });
  if (!report) return Fail(report.error());
  if (!report->ok()) return RefusedResponse(report->errors);
  MappingsChanged(services, tenant);
  return JsonResponse(200, ReportJson(*report));
}

}  // namespace

void AddBundleRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/bundle", Access::kTenantAdmin,
                    bind(ExportBundle),
                    "The tenant's bundle (zip in the Java service's layout), secrets blanked"});
  routes.push_back({"POST", "/api/v1/tenants/{tenant}/bundle", Access::kTenantAdmin,
                    bind(ImportBundle),
                    "Import a bundle (zip body): upsert by uuid in one transaction",
                    services.options.max_upload_body_bytes});
}

}  // namespace avni::api
