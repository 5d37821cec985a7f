// Upserting a bundle's groups, types, error types and config; mappings are in
// bundle_mappings.cpp.
#include "mapping/bundle_apply.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "mapping/bundle_mappings.hpp"
#include "store/tx.hpp"

namespace avni::mapping {
namespace {

// The counts of one file; ApplyBundle makes every file's entry before handing any out, so that
// no reference is invalidated by a later one.
BundleFileCounts& CountsOf(BundleReport& report, std::string_view file) {
  for (auto& counts : report.files) {
    if (counts.file == file) return counts;
  }
  report.files.push_back({std::string(file)});
  return report.files.back();
}

// Writes refused by the tenant's rules become problems at `field` of row `index`; anything else
// (the database unreachable, ...) is the caller's error.
Status Refused(const Error& error, std::string_view file, std::size_t index,
               std::string_view property, std::vector<BundleProblem>& problems) {
  if (error.code != ErrorCode::kConflict && error.code != ErrorCode::kInvalidArgument &&
      error.code != ErrorCode::kNotFound) {
    return Fail(error);
  }
  std::string field = fmt::format("[{}].{}", index, property);
  AddProblem(problems, {std::string(file), field,
                        fmt::format("{}{}: {}", file, field, error.message), error.code});
  return {};
}

// Groups and types: found by uuid; a changed name is a rename (which keeps their mappings).
// Renames go before creations, so that a bundle may give a new row a name an old one gives up.
// Answers uuid -> id for every group (or type) of the tenant afterwards.
template <typename T, typename List, typename Create, typename Rename>
Result<UuidIds> ApplyNamed(const std::vector<BundleNamedRow>& rows, std::string_view file,
                           List list, Create create, Rename rename, BundleFileCounts& counts,
                           std::vector<BundleProblem>& problems) {
  Result<std::vector<T>> stored = list();
  if (!stored) return Fail(stored.error());
  UuidIds ids;
  std::map<std::string, const T*> by_uuid;
  for (const T& row : *stored) {
    ids.emplace(row.uuid, row.id);
    by_uuid.emplace(row.uuid, &row);
  }
  for (bool creating : {false, true}) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const BundleNamedRow& row = rows[i];
      auto it = by_uuid.find(row.uuid);
      if ((it == by_uuid.end()) != creating) continue;
      if (creating) {
        Result<T> made = create(row.name, row.uuid);
        if (!made) {
          if (auto ok = Refused(made.error(), file, i, "name", problems); !ok) {
            return Fail(ok.error());
          }
          continue;
        }
        ids.emplace(row.uuid, made->id);
        ++counts.created;
      } else if (it->second->name == row.name) {
        ++counts.unchanged;
      } else {
        Result<T> renamed = rename(it->second->id, row.name);
        if (!renamed) {
          if (auto ok = Refused(renamed.error(), file, i, "name", problems); !ok) {
            return Fail(ok.error());
          }
          continue;
        }
        ++counts.updated;
      }
    }
  }
  return ids;
}

bool SameType(const ErrorType& a, const ErrorType& b) {
  return a.name == b.name && a.op == b.op && a.value == b.value &&
         a.follow_up_step == b.follow_up_step && a.priority == b.priority;
}

// Error types by uuid; updates before creations, as for groups. Voided ones are skipped: this
// schema cannot hold them voided.
Status ApplyErrorTypes(store::ErrorRepo repo, const std::vector<BundleErrorTypeRow>& rows,
                       BundleFileCounts& counts, std::vector<BundleProblem>& problems) {
  // A reclassification under way sees the change and stops (sync/reclassify.hpp).
  if (auto locked = repo.LockTypes(); !locked) return Fail(locked.error());
  auto stored = repo.ListTypes();
  if (!stored) return Fail(stored.error());
  std::map<std::string, const ErrorType*> by_uuid;
  for (const ErrorType& type : *stored) by_uuid.emplace(type.uuid, &type);
  for (bool creating : {false, true}) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const BundleErrorTypeRow& row = rows[i];
      auto it = by_uuid.find(row.uuid);
      if ((it == by_uuid.end()) != creating) continue;
      if (row.voided) {
        ++counts.skipped;
        continue;
      }
      ErrorType next = creating ? ErrorType{} : *it->second;
      next.uuid = row.uuid;
      next.name = row.name;
      next.op = row.op;
      next.value = row.value;
      next.follow_up_step = row.step;
      next.priority = row.priority.value_or(creating ? 0 : next.priority);
      if (!creating && SameType(next, *it->second)) {
        ++counts.unchanged;
        continue;
      }
      Result<ErrorType> written = creating ? repo.CreateType(next) : repo.UpdateType(next);
      if (!written) {
        if (auto ok = Refused(written.error(), kErrorTypesFile, i, "name", problems); !ok) {
          return ok;
        }
        continue;
      }
      ++(creating ? counts.created : counts.updated);
    }
  }
  return {};
}

// Config by key. A blank value never replaces a stored secret; a blank secret with nothing
// stored is left for an admin to set (secrets_to_set). Voided rows are skipped.
Status ApplyConfigs(store::ConfigRepo repo, const std::vector<BundleConfigRow>& rows,
                    BundleReport& report, std::vector<BundleProblem>& problems) {
  BundleFileCounts& counts = CountsOf(report, kConfigsFile);
  auto stored = repo.List();
  if (!stored) return Fail(stored.error());
  std::map<std::string, const ConfigEntry*> by_key;
  for (const ConfigEntry& entry : *stored) by_key.emplace(entry.key, &entry);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BundleConfigRow& row = rows[i];
    auto it = by_key.find(row.key);
    const ConfigEntry* current = it == by_key.end() ? nullptr : it->second;
    const bool secret = row.secret || KeyLooksSecret(row.key);
    if (row.voided) {
      ++counts.skipped;
      continue;
    }
    if (row.value.empty() && (secret || (current != nullptr && current->is_secret))) {
      if (current != nullptr) {
        ++counts.unchanged;
      } else {
        ++counts.skipped;
        report.secrets_to_set.push_back(row.key);
      }
      continue;
    }
    if (current != nullptr && current->value == row.value && current->is_secret == secret) {
      ++counts.unchanged;
      continue;
    }
    auto written = repo.Set(row.key, row.value, secret);
    if (!written) {
      if (auto ok = Refused(written.error(), kConfigsFile, i, "key", problems); !ok) return ok;
      continue;
    }
    ++(current == nullptr ? counts.created : counts.updated);
  }
  return {};
}

}  // namespace

bool KeyLooksSecret(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (std::string_view word : {"password", "secret", "token"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

Status ApplyBundle(store::Tx& tx, TenantId tenant, const BundleContent& content,
                   BundleReport& report, std::vector<BundleProblem>& problems) {
  if (auto found = tx.tenants().Get(tenant); !found) return Fail(found.error());
  for (std::string_view file : kBundleFiles) CountsOf(report, file);
  store::TenantScope scope = tx.tenant(tenant);
  store::MappingRepo repo = scope.mappings();

  auto types = ApplyNamed<MappingType>(
      content.types, kMappingTypesFile, [&] { return repo.ListTypes(); },
      [&](const std::string& name, const std::string& uuid) { return repo.CreateType(name, uuid); },
      [&](RowId id, const std::string& name) { return repo.RenameType(id, name); },
      CountsOf(report, kMappingTypesFile), problems);
  if (!types) return Fail(types.error());
  auto groups = ApplyNamed<MappingGroup>(
      content.groups, kMappingGroupsFile, [&] { return repo.ListGroups(); },
      [&](const std::string& name, const std::string& uuid) {
        return repo.CreateGroup(name, uuid);
      },
      [&](RowId id, const std::string& name) { return repo.RenameGroup(id, name); },
      CountsOf(report, kMappingGroupsFile), problems);
  if (!groups) return Fail(groups.error());
  // Mappings refer to groups and types that must be there: not worth trying past a refusal.
  if (!problems.empty()) return {};

  if (auto ok = ApplyMappings(scope, content.mappings, *groups, *types,
                              CountsOf(report, kMappingMetadataFile), problems);
      !ok) {
    return ok;
  }
  if (auto ok = ApplyErrorTypes(scope.errors(), content.error_types,
                                CountsOf(report, kErrorTypesFile), problems);
      !ok) {
    return ok;
  }
  return ApplyConfigs(scope.config(), content.configs, report, problems);
}

}  // namespace avni::mapping
