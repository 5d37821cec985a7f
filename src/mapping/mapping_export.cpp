// The export half of mapping_import.hpp: a tenant's mappings as CSV.
#include <algorithm>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "domain/mapping.hpp"
#include "mapping/csv.hpp"
#include "mapping/mapping_import.hpp"
#include "store/store.hpp"

namespace avni::mapping {
namespace {
constexpr int kExportPage = 10000;  // the most MappingRepo::List gives at once
}  // namespace

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
    if (!filter) {
      auto all = scope.mapping_bulk().LoadAll();
      if (!all) return Fail(all.error());
      return Tenant{std::move(*groups), std::move(*types), std::move(*all)};
    }
    // What the filter matches, in pages of the most the store lists at once (by id, within
    // this one read, so that no row is seen twice or missed).
    store::MappingFilter page = *filter;
    page.include_voided = false;
    page.sort = store::MappingSort::kId;
    page.descending = false;
    page.limit = kExportPage;
    std::vector<Mapping> mappings;
    for (page.offset = 0;; page.offset += kExportPage) {
      auto rows = scope.mappings().List(page);
      if (!rows) return Fail(rows.error());
      const bool last = rows->size() < static_cast<std::size_t>(kExportPage);
      for (auto& m : *rows) mappings.push_back(std::move(m));
      if (last) break;
    }
    return Tenant{std::move(*groups), std::move(*types), std::move(mappings)};
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
