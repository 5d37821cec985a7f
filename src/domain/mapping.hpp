#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni {

// Mapping groups and types are names that organise a tenant's mappings (e.g. group
// "Observation", type "Concept"). Names are unique per tenant.
struct MappingGroup {
  RowId id = 0;
  TenantId tenant_id;
  std::string uuid;
  std::string name;
};

struct MappingType {
  RowId id = 0;
  TenantId tenant_id;
  std::string uuid;
  std::string name;
};

enum class DataTypeHint { kCoded, kDate, kDateTime, kNumeric, kText, kBoolean, kNA };

std::string_view ToString(DataTypeHint hint);
std::optional<DataTypeHint> ParseDataTypeHint(std::string_view text);

// avni_value <-> int_system_value. Among a tenant's non-voided mappings of one (group, type),
// each avni_value and each int_system_value appears once.
struct Mapping {
  RowId id = 0;
  TenantId tenant_id;
  std::string uuid;
  RowId group_id = 0;
  RowId type_id = 0;
  std::string avni_value;
  std::string int_system_value;
  DataTypeHint data_type_hint = DataTypeHint::kNA;
  std::string about;
  bool voided = false;
  Timestamp created_at;
  Timestamp updated_at;
};

}  // namespace avni
