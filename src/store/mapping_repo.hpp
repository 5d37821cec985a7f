#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/mapping.hpp"

namespace avni::store {

struct SqlContext;

// What List orders by; id breaks ties (in the same direction), so that pages never overlap.
// Text columns are ordered ignoring the case of ASCII letters, then by code point: the same on
// both backends for ASCII text (PostgreSQL also folds the case of other letters, SQLite not).
enum class MappingSort { kId, kAvniValue, kIntSystemValue, kDataTypeHint, kUpdatedAt };

struct MappingFilter {
  std::optional<RowId> group_id;
  std::optional<RowId> type_id;
  std::optional<std::string> avni_value;        // exact
  std::optional<std::string> int_system_value;  // exact
  std::optional<DataTypeHint> data_type_hint;
  // Contained in avni_value, int_system_value or about, ignoring the case of ASCII letters;
  // every character is literal ('%' and '_' are no wildcards). "" matches every mapping.
  std::optional<std::string> q;
  bool include_voided = false;
  MappingSort sort = MappingSort::kId;
  bool descending = false;
  int limit = 1000;
  int offset = 0;
};

// A tenant's mapping groups, mapping types and mappings. Every query is scoped to the tenant;
// a group or type id of another tenant is "not found" (the schema's composite foreign keys
// make such a reference impossible to store as well).
class MappingRepo {
 public:
  MappingRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Groups. A uuid is generated when none is given. Errors: conflict (name or uuid taken).
  Result<MappingGroup> CreateGroup(std::string_view name, std::string_view uuid = {});
  Result<MappingGroup> GetGroup(RowId id);
  Result<MappingGroup> FindGroup(std::string_view name);
  Result<std::vector<MappingGroup>> ListGroups();
  Result<MappingGroup> RenameGroup(RowId id, std::string_view name);
  // Errors: conflict naming how many mappings still use the group.
  Status DeleteGroup(RowId id);

  // Types: as groups.
  Result<MappingType> CreateType(std::string_view name, std::string_view uuid = {});
  Result<MappingType> GetType(RowId id);
  Result<MappingType> FindType(std::string_view name);
  Result<std::vector<MappingType>> ListTypes();
  Result<MappingType> RenameType(RowId id, std::string_view name);
  Status DeleteType(RowId id);

  // Mappings. Create ignores id, tenant_id, created_at and updated_at; a uuid is generated
  // when empty. Errors: invalid_argument (empty values), not_found (group or type not of this
  // tenant), conflict naming the non-voided row that already has that avni or int value.
  Result<Mapping> Create(const Mapping& mapping);
  Result<Mapping> Get(RowId id);
  // Changes the values, hint, about, group and type of mapping.id (under Create's rules); the
  // uuid and voided state are kept.
  Result<Mapping> Update(const Mapping& mapping);
  // Voids or restores (voided = false). Restoring conflicts when a non-voided mapping now holds
  // one of its values; asking for the state it already has changes nothing.
  Result<Mapping> SetVoided(RowId id, bool voided);
  // Ordered by filter.sort, paged in the database. Errors: invalid_argument for a limit outside
  // 1..10000 or a negative offset.
  Result<std::vector<Mapping>> List(const MappingFilter& filter);
  // How many mappings List would give without limit and offset.
  Result<std::int64_t> Count(const MappingFilter& filter);
  // The non-voided mapping of (group, type) with that value; not_found when there is none.
  Result<Mapping> FindByIntValue(RowId group_id, RowId type_id, std::string_view int_system_value);
  Result<Mapping> FindByAvniValue(RowId group_id, RowId type_id, std::string_view avni_value);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
