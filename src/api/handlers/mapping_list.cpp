// GET /tenants/{t}/mappings: a tenant's mappings, filtered, sorted and paged in the database
// (a tenant may hold 100,000), with the exact total of the filtered list.
#include <charconv>
#include <map>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/mapping_common.hpp"
#include "api/handlers/sync_common.hpp"
#include "api/paging.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

Result<std::optional<RowId>> QueryId(const Request& request, const std::string& name) {
  auto text = request.QueryValue(name);
  if (!text) return std::optional<RowId>();
  RowId id = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
  if (ec != std::errc() || end != text->data() + text->size() || id <= 0) {
    return Fail(Error::InvalidArgument(
        name, fmt::format("{} must be a numeric id, not '{}'", name, *text)));
  }
  return std::optional<RowId>(id);
}

struct ListQuery {
  store::MappingFilter filter;
  MappingRef group, type;
};

// Every filter of GET /mappings except paging. Errors: invalid_argument naming the parameter.
Result<ListQuery> ReadListQuery(const Request& request, const PageRequest& page) {
  ListQuery q;
  auto& f = q.filter;
  Reads reads;
  reads.Into(q.group.id, QueryId(request, "group_id"));
  reads.Into(q.group.name, QueryString(request, "group", kMaxMappingName));
  reads.Into(q.type.id, QueryId(request, "type_id"));
  reads.Into(q.type.name, QueryString(request, "type", kMaxMappingName));
  reads.Into(f.avni_value, QueryString(request, "avni_value", kMaxMappingValue));
  reads.Into(f.int_system_value, QueryString(request, "int_system_value", kMaxMappingValue));
  reads.Into(f.q, QueryString(request, "q", kMaxMappingValue));
  if (reads.error) return Fail(*reads.error);
  if (auto hint = request.QueryValue("data_type_hint")) {
    auto parsed = DataTypeHintOf(*hint);
    if (!parsed) return Fail(parsed.error());
    f.data_type_hint = *parsed;
  }
  if (auto voided = request.QueryValue("include_voided")) {
    if (*voided != "true" && *voided != "false") {
      return Fail(Error::InvalidArgument("include_voided", "include_voided must be true or false"));
    }
    f.include_voided = *voided == "true";
  }
  static const std::map<std::string, store::MappingSort, std::less<>> kSorts{
      {"id", store::MappingSort::kId},
      {"avni_value", store::MappingSort::kAvniValue},
      {"int_system_value", store::MappingSort::kIntSystemValue},
      {"data_type_hint", store::MappingSort::kDataTypeHint},
      {"updated_at", store::MappingSort::kUpdatedAt}};
  f.sort = kSorts.at(page.sort);  // ParsePage admitted only these
  f.descending = page.descending;
  f.limit = page.size;
  f.offset = page.offset();
  return q;
}

}  // namespace

Result<std::optional<store::MappingFilter>> MappingFilterOf(Services& services,
                                                            const Request& request) {
  static constexpr const char* kFilters[] = {"group",          "group_id",   "type",
                                             "type_id",        "avni_value", "int_system_value",
                                             "data_type_hint", "q",          "include_voided"};
  bool any = false;
  for (const char* name : kFilters) any = any || request.QueryValue(name).has_value();
  if (!any) return std::optional<store::MappingFilter>();
  PageRequest every;
  every.sort = "id";
  auto query = ReadListQuery(request, every);
  if (!query) return Fail(query.error());
  auto resolved = services.store.Read([&](store::Tx& tx) -> Result<store::MappingFilter> {
    auto repo = tx.tenant(*request.tenant).mappings();
    store::MappingFilter f = query->filter;
    auto group = ResolveRef(repo, RefKind::kGroup, query->group, ErrorCode::kInvalidArgument);
    if (!group) return Fail(group.error());
    f.group_id = *group;
    auto type = ResolveRef(repo, RefKind::kType, query->type, ErrorCode::kInvalidArgument);
    if (!type) return Fail(type.error());
    f.type_id = *type;
    return f;
  });
  if (!resolved) return Fail(resolved.error());
  return std::optional<store::MappingFilter>(std::move(*resolved));
}

Result<Response> ListMappings(Services& services, Request& request) {
  auto page = ParsePage(
      request, {"id", "avni_value", "int_system_value", "data_type_hint", "updated_at"}, "id");
  if (!page) return Fail(page.error());
  auto query = ReadListQuery(request, *page);
  if (!query) return Fail(query.error());
  struct Listed {
    nlohmann::json items;
    std::int64_t total = 0;
  };
  auto listed = services.store.Read([&](store::Tx& tx) -> Result<Listed> {
    auto repo = tx.tenant(*request.tenant).mappings();
    store::MappingFilter& f = query->filter;
    auto group = ResolveRef(repo, RefKind::kGroup, query->group, ErrorCode::kInvalidArgument);
    if (!group) return Fail(group.error());
    f.group_id = *group;
    auto type = ResolveRef(repo, RefKind::kType, query->type, ErrorCode::kInvalidArgument);
    if (!type) return Fail(type.error());
    f.type_id = *type;
    auto names = LoadMappingNames(repo);
    if (!names) return Fail(names.error());
    auto rows = repo.List(f);
    if (!rows) return Fail(rows.error());
    auto total = repo.Count(f);
    if (!total) return Fail(total.error());
    Listed out{nlohmann::json::array(), *total};
    for (const auto& m : *rows) out.items.push_back(MappingJson(m, *names));
    return out;
  });
  if (!listed) return Fail(listed.error());
  return JsonResponse(200, PageEnvelope(std::move(listed->items), *page, listed->total));
}

}  // namespace avni::api
