#include "mapping/bundle_mappings.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>
#include <tuple>

namespace avni::mapping {
namespace {

// One row of the file and what it makes of the tenant's mapping with its uuid.
struct Target {
  std::size_t index = 0;            // the row in mappingMetadata.json
  const Mapping* stored = nullptr;  // null: a new mapping
  Mapping next;                     // the mapping after the import; id set when stored
};

// A value of a group and type: (group, type, avni or int value).
using Key = std::tuple<RowId, RowId, std::string>;
Key AvniKey(const Mapping& m) { return {m.group_id, m.type_id, m.avni_value}; }
Key IntKey(const Mapping& m) { return {m.group_id, m.type_id, m.int_system_value}; }

bool SameKeys(const Mapping& a, const Mapping& b) {
  return AvniKey(a) == AvniKey(b) && IntKey(a) == IntKey(b);
}
bool SameFields(const Mapping& a, const Mapping& b) {
  return SameKeys(a, b) && a.data_type_hint == b.data_type_hint && a.about == b.about;
}

void Problem(std::vector<BundleProblem>& problems, std::size_t index, std::string_view property,
             std::string what, ErrorCode code = ErrorCode::kInvalidArgument) {
  std::string field = fmt::format("[{}].{}", index, property);
  AddProblem(problems, {std::string(kMappingMetadataFile), field,
                        fmt::format("{}{} {}", kMappingMetadataFile, field, what), code});
}

// Who holds a value after the import: a row of the bundle, or a stored mapping it leaves alone.
struct Holder {
  std::optional<std::size_t> index;
  const Mapping* stored = nullptr;
};

// Builds a target per row; a group or type uuid that names nothing is a problem.
std::vector<Target> Resolve(const std::vector<BundleMappingRow>& rows,
                            const std::map<std::string, const Mapping*>& by_uuid,
                            const UuidIds& groups, const UuidIds& types,
                            std::vector<BundleProblem>& problems) {
  std::vector<Target> targets;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BundleMappingRow& row = rows[i];
    auto group = groups.find(row.group_uuid);
    auto type = types.find(row.type_uuid);
    if (group == groups.end()) {
      Problem(problems, i, "mappingGroupUuid",
              fmt::format("'{}' is no mapping group of mappingGroups.json or of this tenant",
                          row.group_uuid));
    }
    if (type == types.end()) {
      Problem(problems, i, "mappingTypeUuid",
              fmt::format("'{}' is no mapping type of mappingTypes.json or of this tenant",
                          row.type_uuid));
    }
    if (group == groups.end() || type == types.end()) continue;
    Target t;
    t.index = i;
    auto found = by_uuid.find(row.uuid);
    if (found != by_uuid.end()) t.stored = found->second;
    t.next = t.stored ? *t.stored : Mapping{};
    t.next.uuid = row.uuid;
    t.next.group_id = group->second;
    t.next.type_id = type->second;
    t.next.avni_value = row.avni_value;
    t.next.int_system_value = row.int_system_value;
    t.next.data_type_hint = row.hint;
    t.next.about = row.about.value_or(t.stored ? t.stored->about : "");
    t.next.voided = row.voided;
    targets.push_back(std::move(t));
  }
  return targets;
}

// The rule of the schema's partial unique indexes, on the state after the import: among live
// mappings of a group and type, each avni value and each int value appears once.
void CheckFinalState(const std::vector<Mapping>& stored, const std::vector<Target>& targets,
                     std::vector<BundleProblem>& problems) {
  std::set<RowId> in_bundle;
  for (const Target& t : targets) {
    if (t.stored) in_bundle.insert(t.stored->id);
  }
  std::map<Key, Holder> avni, int_values;
  for (const Mapping& m : stored) {
    if (m.voided || in_bundle.contains(m.id)) continue;
    avni.emplace(AvniKey(m), Holder{std::nullopt, &m});
    int_values.emplace(IntKey(m), Holder{std::nullopt, &m});
  }
  for (const Target& t : targets) {
    if (t.next.voided) continue;
    for (bool is_avni : {true, false}) {
      auto& holders = is_avni ? avni : int_values;
      auto [it, fresh] =
          holders.emplace(is_avni ? AvniKey(t.next) : IntKey(t.next), Holder{t.index, nullptr});
      if (fresh) continue;
      const Holder& h = it->second;
      const std::string by =
          h.index ? fmt::format("row [{}]", *h.index)
                  : fmt::format(
                        "the tenant's mapping {} (uuid '{}'), which the bundle does not "
                        "change; void or change it first, or add it to the bundle",
                        h.stored->id, h.stored->uuid);
      Problem(problems, t.index, is_avni ? "avniValue" : "intSystemValue",
              fmt::format("'{}' is already mapped in this mapping group and type by {}; a value "
                          "may be in one live mapping of a group and type",
                          is_avni ? t.next.avni_value : t.next.int_system_value, by),
              ErrorCode::kConflict);
    }
  }
}

}  // namespace

Status ApplyMappings(store::TenantScope& scope, const std::vector<BundleMappingRow>& rows,
                     const UuidIds& groups, const UuidIds& types, BundleFileCounts& counts,
                     std::vector<BundleProblem>& problems) {
  auto stored = scope.mapping_bulk().LoadAll();
  if (!stored) return Fail(stored.error());
  store::MappingRepo repo = scope.mappings();
  std::map<std::string, const Mapping*> by_uuid;
  for (const Mapping& m : *stored) by_uuid.emplace(m.uuid, &m);
  const std::size_t before = problems.size();
  std::vector<Target> targets = Resolve(rows, by_uuid, groups, types, problems);
  CheckFinalState(*stored, targets, problems);
  if (problems.size() != before) return {};

  // Mappings voided for the length of the import, so that no write meets a value that is only
  // on its way out: those whose values or group or type change (or that end voided), and live
  // ones that a new voided mapping shares a value with (Create makes every mapping live).
  std::map<Key, RowId> live_avni, live_int;
  for (const Mapping& m : *stored) {
    if (m.voided) continue;
    live_avni.emplace(AvniKey(m), m.id);
    live_int.emplace(IntKey(m), m.id);
  }
  std::map<RowId, const Target*> target_of;
  std::set<RowId> parked;
  for (const Target& t : targets) {
    if (!t.stored) {
      if (!t.next.voided) continue;
      for (auto* live : {&live_avni, &live_int}) {
        auto it = live->find(live == &live_avni ? AvniKey(t.next) : IntKey(t.next));
        if (it != live->end()) parked.insert(it->second);
      }
      continue;
    }
    target_of.emplace(t.stored->id, &t);
    if (!t.stored->voided && (t.next.voided || !SameKeys(*t.stored, t.next))) {
      parked.insert(t.stored->id);
    }
  }

  // A refusal now would be a race with another writer; it is reported against the row.
  auto refused = [&](const Error& error, std::size_t index) -> Status {
    if (error.code != ErrorCode::kConflict && error.code != ErrorCode::kInvalidArgument &&
        error.code != ErrorCode::kNotFound) {
      return Fail(error);
    }
    const std::string property = error.field == "avni_value"         ? "avniValue"
                                 : error.field == "int_system_value" ? "intSystemValue"
                                                                     : "uuid";
    Problem(problems, index, property, "cannot be written: " + error.message, error.code);
    return {};
  };
  auto index_of = [&](RowId id) {
    auto it = target_of.find(id);
    return it == target_of.end() ? std::size_t{0} : it->second->index;
  };

  for (RowId id : parked) {
    if (auto done = repo.SetVoided(id, true); !done) return refused(done.error(), index_of(id));
  }
  for (const Target& t : targets) {
    if (!t.stored || SameFields(*t.stored, t.next)) continue;
    if (auto done = repo.Update(t.next); !done) return refused(done.error(), t.index);
  }
  for (bool voided : {true, false}) {
    for (const Target& t : targets) {
      if (t.stored || t.next.voided != voided) continue;
      auto made = repo.Create(t.next);
      if (!made) return refused(made.error(), t.index);
      if (voided) {
        if (auto done = repo.SetVoided(made->id, true); !done) {
          return refused(done.error(), t.index);
        }
      }
    }
  }
  for (const Target& t : targets) {
    if (t.stored && t.stored->voided && !t.next.voided) parked.insert(t.stored->id);
  }
  for (RowId id : parked) {
    auto it = target_of.find(id);
    if (it != target_of.end() && it->second->next.voided) continue;
    if (auto done = repo.SetVoided(id, false); !done) return refused(done.error(), index_of(id));
  }

  for (const Target& t : targets) {
    if (!t.stored) {
      ++counts.created;
    } else if (SameFields(*t.stored, t.next) && t.stored->voided == t.next.voided) {
      ++counts.unchanged;
    } else {
      ++counts.updated;
    }
  }
  return {};
}

}  // namespace avni::mapping
