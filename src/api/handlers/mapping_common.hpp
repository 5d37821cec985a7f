#pragma once
// Private to the handlers of mapping groups, mapping types and mappings.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/route.hpp"
#include "api/services.hpp"
#include "common/error.hpp"
#include "domain/mapping.hpp"
#include "store/mapping_repo.hpp"

namespace avni::api {

inline constexpr std::size_t kMaxMappingValue = 1000;  // the schema's limits
inline constexpr std::size_t kMaxMappingName = 200;
inline constexpr const char* kDataTypeHints = "Coded, Date, DateTime, Numeric, Text, Boolean, NA";

// Called after every committed write to a tenant's mappings, mapping groups or mapping types
// (group and type names are part of every lookup), so that lookups see the change at once.
void MappingsChanged(Services& services, TenantId tenant);

// /mapping-groups and /mapping-types (mapping_names.cpp); AddMappingRoutes adds them.
void AddMappingNameRoutes(std::vector<Route>& routes, Services& services);
// GET /mappings (mapping_list.cpp).
Result<Response> ListMappings(Services& services, Request& request);
// The filter GET /mappings's query gives (group or group_id, type or type_id, avni_value,
// int_system_value, data_type_hint, q, include_voided), its group and type resolved; nullopt
// when the query has none of them. Errors: invalid_argument naming the parameter.
Result<std::optional<store::MappingFilter>> MappingFilterOf(Services& services,
                                                            const Request& request);

// Reads fields in turn and keeps the first error, so that a list of fields reads as a list.
struct Reads {
  std::optional<Error> error;

  template <typename T, typename R>
  void Into(T& target, R read) {
    if (error) return;
    if (read) {
      target = std::move(*read);
    } else {
      error = read.error();
    }
  }
};

// Group and type names by id, for the JSON of mappings. A tenant has few of each.
struct MappingNames {
  std::map<RowId, std::string> groups, types;
};
Result<MappingNames> LoadMappingNames(store::MappingRepo& repo);

// A mapping as the API shows it, with its group's and type's names. Without the times, it is
// what the audit log keeps.
nlohmann::json MappingJson(const Mapping& m, const MappingNames& names, bool with_times = true);

// Errors: invalid_argument naming data_type_hint, listing the hints.
Result<DataTypeHint> DataTypeHintOf(const std::string& text);

// A group or a type as a request names it: by id, by name, or both (which must agree).
struct MappingRef {
  std::optional<RowId> id;
  std::optional<std::string> name;
};
enum class RefKind { kGroup, kType };

// The id `ref` names; nullopt when it names nothing. A group (or type) that is not there, or is
// another tenant's, is reported with the code `missing` (not_found for a body, invalid_argument
// for a query parameter) naming the field that held it ("group_id" or "group").
Result<std::optional<RowId>> ResolveRef(store::MappingRepo& repo, RefKind kind,
                                        const MappingRef& ref, ErrorCode missing);

}  // namespace avni::api
