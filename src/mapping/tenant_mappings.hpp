#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/mapping.hpp"

namespace avni::mapping {

// The answer of a typed lookup: `found` tells a missing mapping from a present one, and
// `data_type_hint` is the hint of the mapping row that was found. `value` points into the
// snapshot that answered and is valid as long as that snapshot is.
struct Lookup {
  bool found = false;
  std::string_view value;
  DataTypeHint data_type_hint = DataTypeHint::kNA;

  explicit operator bool() const { return found; }
};

// An immutable snapshot of one tenant's non-voided mappings, indexed by names: (group name,
// type name, value) in either direction. Built once by MappingCache; shared read-only by any
// number of threads (every member is const after construction).
//
// Lookups do not allocate: the keys are string_views hashed as they are given, and the
// answers point into the snapshot.
class TenantMappings {
 public:
  // A (group, type) pair resolved once, for callers that look up many values in it.
  class Scope {
   public:
    Scope() = default;
    bool valid() const { return id_ != kNone; }

   private:
    friend class TenantMappings;
    static constexpr std::uint32_t kNone = UINT32_MAX;
    explicit Scope(std::uint32_t id) : id_(id) {}
    std::uint32_t id_ = kNone;
  };

  // Voided rows are left out. Rows whose group or type is not among `groups` / `types` (which
  // the schema's foreign keys rule out) are left out too.
  static std::shared_ptr<const TenantMappings> Build(TenantId tenant,
                                                     const std::vector<MappingGroup>& groups,
                                                     const std::vector<MappingType>& types,
                                                     std::vector<Mapping> mappings,
                                                     std::int64_t revision = 0);

  TenantMappings(const TenantMappings&) = delete;
  TenantMappings& operator=(const TenantMappings&) = delete;

  // The other system's value for an Avni value and back; nullopt when no mapping has it.
  std::optional<std::string_view> AvniValueFor(std::string_view group, std::string_view type,
                                               std::string_view int_value) const;
  std::optional<std::string_view> IntValueFor(std::string_view group, std::string_view type,
                                              std::string_view avni_value) const;

  // Typed variants: the mapping found by its int_system_value (answering its avni_value) or by
  // its avni_value (answering its int_system_value), with the row's data type hint.
  Lookup FindByIntValue(std::string_view group, std::string_view type,
                        std::string_view int_value) const;
  Lookup FindByAvniValue(std::string_view group, std::string_view type,
                         std::string_view avni_value) const;

  // An invalid scope when the tenant has no mapping of that group and type.
  Scope ScopeOf(std::string_view group, std::string_view type) const;
  Lookup FindByIntValue(Scope scope, std::string_view int_value) const;
  Lookup FindByAvniValue(Scope scope, std::string_view avni_value) const;

  // One row of a scope, its values pointing into the snapshot.
  struct Row {
    std::string_view avni_value;
    std::string_view int_value;
    DataTypeHint data_type_hint = DataTypeHint::kNA;
  };
  // Every row of the (group, type), in no particular order: for settings kept as mapping rows,
  // where a type is expected to hold exactly one. Walks the whole index: not for per-record use.
  std::vector<Row> RowsOf(std::string_view group, std::string_view type) const;

  TenantId tenant() const { return tenant_; }
  // How many (non-voided) mappings the snapshot holds.
  std::size_t size() const { return size_; }
  // The tenant's mapping revision (MappingBulkRepo::Revision) the snapshot was built at, read
  // before its rows.
  std::int64_t revision() const { return revision_; }

 private:
  static constexpr std::uint32_t kFree = UINT32_MAX;
  // A mapping row as an index holds it: where its text is in text_ (the hint as one byte, the
  // int value, the Avni value, side by side), its scope, and the high bits of its key's hash,
  // to skip most comparisons. A lookup thus touches two places: a slot and that row's text.
  struct Slot {
    std::uint64_t offset = 0;
    std::uint32_t tag = 0;
    std::uint32_t scope = kFree;  // kFree: an empty slot
    std::uint32_t int_size = 0;
    std::uint32_t avni_size = 0;
  };

  TenantMappings() = default;
  std::string_view IntOf(const Slot& s) const;
  std::string_view AvniOf(const Slot& s) const;
  void Insert(std::vector<Slot>& index, const Slot& row, bool by_int);
  Lookup Find(const std::vector<Slot>& index, Scope scope, std::string_view value,
              bool by_int) const;

  TenantId tenant_;
  std::int64_t revision_ = 0;
  std::size_t size_ = 0;
  // The (group, type) names of each scope, found by a scan: a tenant uses a handful of pairs,
  // where comparing names (most differ in length) costs less than hashing them.
  std::vector<std::pair<std::string, std::string>> scope_names_;
  std::string text_;
  // Open addressing with linear probing, never more than half full; both have mask_ + 1 slots.
  std::size_t mask_ = 0;
  std::vector<Slot> by_int_;
  std::vector<Slot> by_avni_;
};

}  // namespace avni::mapping
