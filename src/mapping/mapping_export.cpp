// The export half of mapping_import.hpp: a tenant's mappings as CSV.
#include <algorithm>
#include <limits>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "domain/mapping.hpp"
#include "mapping/csv.hpp"
#include "mapping/mapping_import.hpp"
#include "store/store.hpp"

namespace avni::mapping {

Result<std::string> ExportMappingsCsv(store::Store& store, TenantId tenant,
                                      const std::optional<store::MappingFilter>& filter) {
  struct Tenant {
    std::vector<MappingGroup> groups;
    std::vector<MappingType> types;
    std::vector<Mapping> mappings;
  };
  auto read = store.Read([&](store::Tx& tx) -> Result<Tenant> {
    auto scope = tx.tenant(tenant);
    auto groups = scope.mappings().ListGroups();
    if (!groups) return Fail(groups.error());
    auto types = scope.mappings().ListTypes();
    if (!types) return Fail(types.error());
    std::optional<store::MappingFilter> every = filter;
    if (every) {
      every->include_voided = false;
      every->offset = 0;
      every->limit = std::numeric_limits<int>::max();
    }
    auto mappings = every ? scope.mappings().List(*every) : scope.mapping_bulk().LoadAll();
    if (!mappings) return Fail(mappings.error());
    return Tenant{std::move(*groups), std::move(*types), std::move(*mappings)};
  });
  if (!read) return Fail(read.error());
  std::unordered_map<RowId, const std::string*> group_names, type_names;
  for (const auto& g : read->groups) group_names.emplace(g.id, &g.name);
  for (const auto& t : read->types) type_names.emplace(t.id, &t.name);
  struct Row {
    const std::string* group;
    const std::string* type;
    const Mapping* mapping;
  };
  std::vector<Row> rows;
  rows.reserve(read->mappings.size());
  for (const auto& m : read->mappings) {
    if (!m.voided) rows.push_back({group_names.at(m.group_id), type_names.at(m.type_id), &m});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(*a.group, *a.type, a.mapping->avni_value) <
           std::tie(*b.group, *b.type, b.mapping->avni_value);
  });
  std::string out;
  AppendCsvRecord(out, MappingCsvColumns());
  for (const Row& r : rows) {
    // In the order of MappingCsvColumns().
    AppendCsvRecord(
        out, {SpreadsheetSafe(*r.group), SpreadsheetSafe(*r.type),
              SpreadsheetSafe(r.mapping->avni_value), SpreadsheetSafe(r.mapping->int_system_value),
              std::string(ToString(r.mapping->data_type_hint)), SpreadsheetSafe(r.mapping->about)});
  }
  return out;
}

}  // namespace avni::mapping
