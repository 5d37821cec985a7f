// A tenant's mapping groups and mapping types: the names that organise its mappings. Both have
// one shape and one set of rules, so one set of handlers serves both, told apart by the Ops
// class it is instantiated with. Renaming keeps the mappings (they refer to the id); deleting
// is refused while any mapping, voided ones included, still uses the group or type.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/mapping_common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr std::size_t kMaxUuid = 100;

struct GroupOps {
  static constexpr const char* kPath = "/api/v1/tenants/{tenant}/mapping-groups";
  static constexpr const char* kParam = "group";
  static constexpr const char* kEntity = "mapping_group";  // audit entity and action prefix
  static constexpr const char* kPlural = "mapping groups";
  static auto Create(store::MappingRepo& r, std::string_view name, std::string_view uuid) {
    return r.CreateGroup(name, uuid);
  }
  static auto Get(store::MappingRepo& r, RowId id) { return r.GetGroup(id); }
  static auto List(store::MappingRepo& r) { return r.ListGroups(); }
  static auto Rename(store::MappingRepo& r, RowId id, std::string_view name) {
    return r.RenameGroup(id, name);
  }
  static Status Delete(store::MappingRepo& r, RowId id) { return r.DeleteGroup(id); }
};

struct TypeOps {
  static constexpr const char* kPath = "/api/v1/tenants/{tenant}/mapping-types";
  static constexpr const char* kParam = "type";
  static constexpr const char* kEntity = "mapping_type";
  static constexpr const char* kPlural = "mapping types";
  static auto Create(store::MappingRepo& r, std::string_view name, std::string_view uuid) {
    return r.CreateType(name, uuid);
  }
  static auto Get(store::MappingRepo& r, RowId id) { return r.GetType(id); }
  static auto List(store::MappingRepo& r) { return r.ListTypes(); }
  static auto Rename(store::MappingRepo& r, RowId id, std::string_view name) {
    return r.RenameType(id, name);
  }
  static Status Delete(store::MappingRepo& r, RowId id) { return r.DeleteType(id); }
};

// MappingGroup and MappingType alike; also what the audit log keeps of one.
template <typename T>
nlohmann::json NamedJson(const T& named) {
  return {{"id", named.id}, {"uuid", named.uuid}, {"name", named.name}};
}

Status Audit(store::TenantScope& scope, const Request& request, const std::string& action,
             const char* entity, RowId id, const std::string& before, const std::string& after) {
  auto audited = scope.audit().Append(Actor(request), std::string(entity) + "." + action, entity,
                                      std::to_string(id), before, after);
  if (!audited) return Fail(audited.error());
  return {};
}

// Few per tenant: sorted and paged in memory.
template <typename Ops>
Result<Response> ListNamed(Services& services, Request& request) {
  auto page = ParsePage(request, {"name", "id"}, "name");
  if (!page) return Fail(page.error());
  auto items = services.store.Read([&](store::Tx& tx) -> Result<std::vector<nlohmann::json>> {
    auto repo = tx.tenant(*request.tenant).mappings();
    auto all = Ops::List(repo);
    if (!all) return Fail(all.error());
    std::vector<nlohmann::json> out;
    out.reserve(all->size());
    for (const auto& named : *all) out.push_back(NamedJson(named));
    return out;
  });
  if (!items) return Fail(items.error());
  return JsonResponse(200, PageOf(std::move(*items), *page));
}

template <typename Ops>
Result<Response> GetNamed(Services& services, Request& request) {
  auto id = IdParam(request, Ops::kParam);
  if (!id) return Fail(id.error());
  auto named = services.store.Read([&](store::Tx& tx) {
    auto repo = tx.tenant(*request.tenant).mappings();
    return Ops::Get(repo, *id);
  });
  if (!named) return Fail(named.error());
  return JsonResponse(200, NamedJson(*named));
}

// A uuid may be given (to match another system's); otherwise one is made.
template <typename Ops>
Result<Response> CreateNamed(Services& services, Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto name = body->String("name", kMaxMappingName);
  if (!name) return Fail(name.error());
  auto uuid = body->OptionalString("uuid", kMaxUuid);
  if (!uuid) return Fail(uuid.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (*uuid && (*uuid)->empty()) {
    return Fail(Error::InvalidArgument("uuid", "uuid must not be empty; leave it out to get one"));
  }

  auto created = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.mappings();
    auto named = Ops::Create(repo, *name, uuid->value_or(""));
    if (!named) return Fail(named.error());
    const nlohmann::json after = NamedJson(*named);
    if (auto ok = Audit(scope, request, "create", Ops::kEntity, named->id, "", Dump(after)); !ok) {
      return Fail(ok.error());
    }
    return after;
  });
  if (!created) return Fail(created.error());
  MappingsChanged(services, *request.tenant);
  return JsonResponse(201, *created);
}

// Renames; the mappings keep referring to the same group or type.
template <typename Ops>
Result<Response> RenameNamed(Services& services, Request& request) {
  auto id = IdParam(request, Ops::kParam);
  if (!id) return Fail(id.error());
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto name = body->String("name", kMaxMappingName);
  if (!name) return Fail(name.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());

  bool changed = false;
  auto renamed = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.mappings();
    auto current = Ops::Get(repo, *id);
    if (!current) return Fail(current.error());
    const nlohmann::json before = NamedJson(*current);
    if (current->name == *name) return before;
    auto named = Ops::Rename(repo, *id, *name);
    if (!named) return Fail(named.error());
    const nlohmann::json after = NamedJson(*named);
    if (auto ok = Audit(scope, request, "update", Ops::kEntity, *id, Dump(before), Dump(after));
        !ok) {
      return Fail(ok.error());
    }
    changed = true;
    return after;
  });
  if (!renamed) return Fail(renamed.error());
  if (changed) MappingsChanged(services, *request.tenant);
  return JsonResponse(200, *renamed);
}

// Refused (conflict, with the count) while mappings use it.
template <typename Ops>
Result<Response> DeleteNamed(Services& services, Request& request) {
  auto id = IdParam(request, Ops::kParam);
  if (!id) return Fail(id.error());
  auto done = services.store.Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.mappings();
    auto current = Ops::Get(repo, *id);
    if (!current) return Fail(current.error());
    if (auto ok = Ops::Delete(repo, *id); !ok) return ok;
    return Audit(scope, request, "delete", Ops::kEntity, *id, Dump(NamedJson(*current)), "");
  });
  if (!done) return Fail(done.error());
  MappingsChanged(services, *request.tenant);
  return Response{204, ""};
}

template <typename Ops>
void AddNamedRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  const std::string path = Ops::kPath;
  const std::string one = path + "/{" + Ops::kParam + "}";
  const std::string plural = Ops::kPlural;
  routes.push_back({"GET", path, Access::kTenantViewer, bind(ListNamed<Ops>),
                    "The tenant's " + plural + " (paged)"});
  routes.push_back({"POST", path, Access::kTenantEditor, bind(CreateNamed<Ops>),
                    "Create one of the tenant's " + plural});
  routes.push_back(
      {"GET", one, Access::kTenantViewer, bind(GetNamed<Ops>), "One of the tenant's " + plural});
  routes.push_back({"PATCH", one, Access::kTenantEditor, bind(RenameNamed<Ops>),
                    "Rename one of the tenant's " + plural + "; its mappings stay with it"});
  routes.push_back({"DELETE", one, Access::kTenantEditor, bind(DeleteNamed<Ops>),
                    "Delete one of the tenant's " + plural + " that no mapping uses"});
}

}  // namespace

void AddMappingNameRoutes(std::vector<Route>& routes, Services& services) {
  AddNamedRoutes<GroupOps>(routes, services);
  AddNamedRoutes<TypeOps>(routes, services);
}

}  // namespace avni::api
