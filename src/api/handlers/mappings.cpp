// A tenant's mappings, one at a time: avni_value <-> int_system_value in a mapping group and
// type. Deleting voids (a soft delete that restore undoes). Among the non-voided mappings of one
// group and type each value appears once: a write that would break that is a conflict naming
// the mapping in the way. Every change is audited with the mapping before and after.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/mapping_common.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr std::size_t kMaxAbout = 10'000;

// The fields a create or an update may give; absent ones are nullopt.
struct Fields {
  MappingRef group, type;
  std::optional<std::string> avni_value, int_system_value, about;
  std::optional<DataTypeHint> hint;
};

Result<Fields> ReadFields(const Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  Fields f;
  Reads reads;
  reads.Into(f.group.id, body->OptionalInt("group_id"));
  reads.Into(f.group.name, body->OptionalString("group", kMaxMappingName));
  reads.Into(f.type.id, body->OptionalInt("type_id"));
  reads.Into(f.type.name, body->OptionalString("type", kMaxMappingName));
  reads.Into(f.avni_value, body->OptionalString("avni_value", kMaxMappingValue));
  reads.Into(f.int_system_value, body->OptionalString("int_system_value", kMaxMappingValue));
  std::optional<std::string> hint;
  reads.Into(hint, body->OptionalString("data_type_hint", 50));
  reads.Into(f.about, body->OptionalString("about", kMaxAbout));
  if (reads.error) return Fail(*reads.error);
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (hint) {
    auto parsed = DataTypeHintOf(*hint);
    if (!parsed) return Fail(parsed.error());
    f.hint = *parsed;
  }
  return f;
}

Status Audit(store::TenantScope& scope, const Request& request, const std::string& action, RowId id,
             const std::string& before, const std::string& after) {
  auto audited = scope.audit().Append(Actor(request), "mapping." + action, "mapping",
                                      std::to_string(id), before, after);
  if (!audited) return Fail(audited.error());
  return {};
}

Result<Response> CreateMapping(Services& services, Request& request) {
  auto fields = ReadFields(request);
  if (!fields) return Fail(fields.error());
  if (!fields->group.id && !fields->group.name) {
    return Fail(Error::InvalidArgument("group_id", "group_id (or group, its name) is required"));
  }
  if (!fields->type.id && !fields->type.name) {
    return Fail(Error::InvalidArgument("type_id", "type_id (or type, its name) is required"));
  }
  if (!fields->avni_value) {
    return Fail(Error::InvalidArgument("avni_value", "avni_value is required"));
  }
  if (!fields->int_system_value) {
    return Fail(Error::InvalidArgument("int_system_value", "int_system_value is required"));
  }
  if (!fields->hint) {
    return Fail(Error::InvalidArgument(
        "data_type_hint", fmt::format("data_type_hint is required: one of {}", kDataTypeHints)));
  }

  auto created = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.mappings();
    Mapping m;
    auto group = ResolveRef(repo, RefKind::kGroup, fields->group, ErrorCode::kNotFound);
    if (!group) return Fail(group.error());
    auto type = ResolveRef(repo, RefKind::kType, fields->type, ErrorCode::kNotFound);
    if (!type) return Fail(type.error());
    m.group_id = **group;
    m.type_id = **type;
    m.avni_value = *fields->avni_value;
    m.int_system_value = *fields->int_system_value;
    m.data_type_hint = *fields->hint;
    m.about = fields->about.value_or("");
    auto stored = repo.Create(m);
    if (!stored) return Fail(stored.error());
    auto names = LoadMappingNames(repo);
    if (!names) return Fail(names.error());
    if (auto ok = Audit(scope, request, "create", stored->id, "",
                        Dump(MappingJson(*stored, *names, false)));
        !ok) {
      return Fail(ok.error());
    }
    return MappingJson(*stored, *names);
  });
  if (!created) return Fail(created.error());
  MappingsChanged(services, *request.tenant);
  return JsonResponse(201, *created);
}

Result<Response> GetMapping(Services& services, Request& request) {
  auto id = IdParam(request, "mapping");
  if (!id) return Fail(id.error());
  auto got = services.store.Read([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto repo = tx.tenant(*request.tenant).mappings();
    auto m = repo.Get(*id);
    if (!m) return Fail(m.error());
    auto names = LoadMappingNames(repo);
    if (!names) return Fail(names.error());
    return MappingJson(*m, *names);
  });
  if (!got) return Fail(got.error());
  return JsonResponse(200, *got);
}

// Applies `change` to the mapping of the path and audits it as "mapping.<action>", in one
// transaction. `change(repo, current)` writes and answers the mapping as stored, or nullopt when
// there is nothing to change (then nothing is written or audited).
template <typename Change>
Result<Response> ChangeMapping(Services& services, Request& request, const std::string& action,
                               Change change) {
  auto id = IdParam(request, "mapping");
  if (!id) return Fail(id.error());
  bool changed = false;
  auto result = services.store.Transact([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.mappings();
    auto current = repo.Get(*id);
    if (!current) return Fail(current.error());
    Result<std::optional<Mapping>> stored = change(repo, *current);
    if (!stored) return Fail(stored.error());
    auto names = LoadMappingNames(repo);
    if (!names) return Fail(names.error());
    if (!*stored) return MappingJson(*current, *names);
    if (auto ok = Audit(scope, request, action, *id, Dump(MappingJson(*current, *names, false)),
                        Dump(MappingJson(**stored, *names, false)));
        !ok) {
      return Fail(ok.error());
    }
    changed = true;
    return MappingJson(**stored, *names);
  });
  if (!result) return Fail(result.error());
  if (changed) MappingsChanged(services, *request.tenant);
  return JsonResponse(200, *result);
}

Result<Response> UpdateMapping(Services& services, Request& request) {
  auto fields = ReadFields(request);
  if (!fields) return Fail(fields.error());
  return ChangeMapping(
      services, request, "update",
      [&](store::MappingRepo& repo, const Mapping& current) -> Result<std::optional<Mapping>> {
        auto group = ResolveRef(repo, RefKind::kGroup, fields->group, ErrorCode::kNotFound);
        if (!group) return Fail(group.error());
        auto type = ResolveRef(repo, RefKind::kType, fields->type, ErrorCode::kNotFound);
        if (!type) return Fail(type.error());
        Mapping next = current;
        next.group_id = group->value_or(current.group_id);
        next.type_id = type->value_or(current.type_id);
        next.avni_value = fields->avni_value.value_or(current.avni_value);
        next.int_system_value = fields->int_system_value.value_or(current.int_system_value);
        next.data_type_hint = fields->hint.value_or(current.data_type_hint);
        next.about = fields->about.value_or(current.about);
        if (next.group_id == current.group_id && next.type_id == current.type_id &&
            next.avni_value == current.avni_value &&
            next.int_system_value == current.int_system_value &&
            next.data_type_hint == current.data_type_hint && next.about == current.about) {
          return std::optional<Mapping>();
        }
        auto stored = repo.Update(next);
        if (!stored) return Fail(stored.error());
        return std::optional<Mapping>(std::move(*stored));
      });
}

// Voiding an already voided mapping, or restoring a live one, changes nothing. Restoring is a
// conflict, naming the mapping in the way, when a live mapping now holds one of its values.
Result<Response> SetVoided(Services& services, Request& request, bool voided) {
  return ChangeMapping(
      services, request, voided ? "void" : "restore",
      [voided](store::MappingRepo& repo, const Mapping& current) -> Result<std::optional<Mapping>> {
        if (current.voided == voided) return std::optional<Mapping>();
        auto stored = repo.SetVoided(current.id, voided);
        if (!stored) return Fail(stored.error());
        return std::optional<Mapping>(std::move(*stored));
      });
}

Result<Response> VoidMapping(Services& services, Request& request) {
  return SetVoided(services, request, true);
}

Result<Response> RestoreMapping(Services& services, Request& request) {
  return SetVoided(services, request, false);
}

}  // namespace

void AddMappingRoutes(std::vector<Route>& routes, Services& services) {
  AddMappingNameRoutes(routes, services);
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  const std::string path = "/api/v1/tenants/{tenant}/mappings";
  routes.push_back({"GET", path, Access::kTenantViewer, bind(ListMappings),
                    "The tenant's mappings, filtered, sorted and paged"});
  routes.push_back({"POST", path, Access::kTenantEditor, bind(CreateMapping), "Create a mapping"});
  routes.push_back(
      {"GET", path + "/{mapping}", Access::kTenantViewer, bind(GetMapping), "One mapping"});
  routes.push_back({"PATCH", path + "/{mapping}", Access::kTenantEditor, bind(UpdateMapping),
                    "Change a mapping's values, hint, about, group or type"});
  routes.push_back({"DELETE", path + "/{mapping}", Access::kTenantEditor, bind(VoidMapping),
                    "Void a mapping (a soft delete)"});
  routes.push_back({"POST", path + "/{mapping}/restore", Access::kTenantEditor,
                    bind(RestoreMapping), "Restore a voided mapping"});
}

}  // namespace avni::api
