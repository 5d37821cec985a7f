// A tenant's audit log: who changed what, with the state before and after. Read-only here; the
// handlers that change things append to it in their own transactions.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

// Handlers store before/after as JSON text; it goes back out as JSON. Anything else (older or
// hand-made entries) goes out as the text it is, and "" as null.
nlohmann::json StateJson(const std::string& text) {
  if (text.empty()) return nullptr;
  auto parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return text;
  return parsed;
}

nlohmann::json EntryJson(const AuditEntry& entry) {
  return {{"id", entry.id},
          {"actor", entry.actor},
          {"action", entry.action},
          {"entity", entry.entity},
          {"entity_id", entry.entity_id},
          {"before", StateJson(entry.before_json)},
          {"after", StateJson(entry.after_json)},
          {"at", TimeJson(entry.at)}};
}

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::int64_t total = 0;
};

Result<Response> ListAudit(Services& services, Request& request) {
  auto page = ParsePage(request, {"at"}, "-at");
  if (!page) return Fail(page.error());
  // The log is read newest first, page by page in the database; no other order is offered.
  if (!page->descending) {
    return Fail(Error::InvalidArgument(
        "sort", "the audit log is listed newest first only: use sort=-at or leave sort out"));
  }
  auto read = services.store.Read([&](store::Tx& tx) -> Result<AuditPage> {
    auto audit = tx.tenant(*request.tenant).audit();
    auto entries = audit.List(page->size, page->offset());
    if (!entries) return Fail(entries.error());
    auto total = audit.Count();
    if (!total) return Fail(total.error());
    return AuditPage{std::move(*entries), *total};
  });
  if (!read) return Fail(read.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& entry : read->entries) items.push_back(EntryJson(entry));
  return JsonResponse(200, PageEnvelope(std::move(items), *page, read->total));
}

}  // namespace

void AddAuditRoutes(std::vector<Route>& routes, Services& services) {
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/audit", Access::kTenantAdmin,
                    [&services](Request& r) { return ListAudit(services, r); },
                    "Who changed what in the tenant, newest first (paged)"});
}

}  // namespace avni::api
