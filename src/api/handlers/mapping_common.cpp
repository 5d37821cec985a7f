#include "api/handlers/mapping_common.hpp"

#include "mapping/mapping_cache.hpp"

#include <fmt/format.h>

#include "api/handlers/common.hpp"

namespace avni::api {

void MappingsChanged(Services& services, TenantId tenant) {
  // Lookups of this instance see the write at once; other instances' caches catch up through
  // MappingCache::Refresh before their runs.
  if (services.mappings_cache != nullptr) services.mappings_cache->Invalidate(tenant);
}

Result<MappingNames> LoadMappingNames(store::MappingRepo& repo) {
  MappingNames names;
  auto groups = repo.ListGroups();
  if (!groups) return Fail(groups.error());
  for (const auto& g : *groups) names.groups.emplace(g.id, g.name);
  auto types = repo.ListTypes();
  if (!types) return Fail(types.error());
  for (const auto& t : *types) names.types.emplace(t.id, t.name);
  return names;
}

nlohmann::json MappingJson(const Mapping& m, const MappingNames& names, bool with_times) {
  const auto name = [](const std::map<RowId, std::string>& of, RowId id) {
    auto it = of.find(id);
    return it == of.end() ? std::string() : it->second;
  };
  nlohmann::json out{{"id", m.id},
                     {"uuid", m.uuid},
                     {"group_id", m.group_id},
                     {"group", name(names.groups, m.group_id)},
                     {"type_id", m.type_id},
                     {"type", name(names.types, m.type_id)},
                     {"avni_value", m.avni_value},
                     {"int_system_value", m.int_system_value},
                     {"data_type_hint", ToString(m.data_type_hint)},
                     {"about", m.about},
                     {"voided", m.voided}};
  if (with_times) {
    out["created_at"] = TimeJson(m.created_at);
    out["updated_at"] = TimeJson(m.updated_at);
  }
  return out;
}

Result<DataTypeHint> DataTypeHintOf(const std::string& text) {
  auto hint = ParseDataTypeHint(text);
  if (!hint) {
    return Fail(Error::InvalidArgument(
        "data_type_hint",
        fmt::format("data_type_hint must be one of {}, not '{}'", kDataTypeHints, text)));
  }
  return *hint;
}

Result<std::optional<RowId>> ResolveRef(store::MappingRepo& repo, RefKind kind,
                                        const MappingRef& ref, ErrorCode missing) {
  const bool group = kind == RefKind::kGroup;
  const std::string name_field = group ? "group" : "type";
  const std::string id_field = name_field + "_id";
  const auto checked = [&](const auto& found, const std::string& field) -> Result<RowId> {
    if (found) return found->id;
    Error error = found.error();
    if (error.code == ErrorCode::kNotFound) {
      error.code = missing;
      error.field = field;
    }
    return Fail(std::move(error));
  };
  std::optional<RowId> by_id, by_name;
  if (ref.id) {
    auto id = group ? checked(repo.GetGroup(*ref.id), id_field)
                    : checked(repo.GetType(*ref.id), id_field);
    if (!id) return Fail(id.error());
    by_id = *id;
  }
  if (ref.name) {
    auto id = group ? checked(repo.FindGroup(*ref.name), name_field)
                    : checked(repo.FindType(*ref.name), name_field);
    if (!id) return Fail(id.error());
    by_name = *id;
  }
  if (by_id && by_name && *by_id != *by_name) {
    return Fail(Error::InvalidArgument(
        name_field,
        fmt::format("{} '{}' is the mapping {} with id {}, but {} is {}; give one of them",
                    name_field, *ref.name, name_field, *by_name, id_field, *by_id)));
  }
  return by_id ? by_id : by_name;
}

}  // namespace avni::api
