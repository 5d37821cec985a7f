#pragma once
// Bundles: a tenant's mapping metadata, error types and config in one zip, in the layout of the
// Java Avni integration service (integrator: BundleService, web/contract/*Contract), so that a
// team can move a tenant from that service to this one, and back.
//
// The format, as the Java service writes and reads it (Jackson, default settings: every getter
// is a property, nulls written, unknown properties ignored on reading; pretty-printed). The zip
// holds five entries at its top level, each a JSON array of objects:
//
//   mappingTypes.json, mappingGroups.json    (NamedEntityContract)
//     {"id": 0, "uuid": "…", "voided": false, "name": "Concept"}
//   mappingMetadata.json                     (MappingMetadataContract)
//     {"id": 0, "uuid": "…", "voided": false, "integrationSystemId": 0,
//      "mappingGroup": 0, "mappingType": 0,          <- ints, unused by bundles
//      "avniValue": "…", "intSystemValue": "…",
//      "dataTypeHint": "Coded"|"Date"|"DateTime"|"Numeric"|"Text"|"Boolean"|"NA"|null,
//      "about": null,                                <- Java's exporter never fills it
//      "mappingGroupUuid": "…", "mappingTypeUuid": "…"}   <- groups and types BY UUID
//   errorTypes.json                          (ErrorTypeContract)
//     {"id": 0, "uuid": "…", "voided": false, "name": "…",
//      "comparisonOperator": "EQUALS"|"CONTAINS"|"MATCHES", "comparisonValue": "…",
//      "followUpStep": "Process"|"Terminal"|"Internal"|"External"}  (absent: Process)
//   integrationSystemConfigs.json            (IntegrationSystemConfigContract)
//     {"id": 0, "uuid": "…", "voided": false, "key": "…", "value": "…", "secret": true}
//     A secret's value is exported as "" (blanked).
//
// The "voided" property comes from BaseEntityContract.isVoided() and "secret" from isSecret().
// Java's exporter writes "voided": false for groups, types, mappings and error types whatever
// they hold (only configs carry the real flag); its importer upserts every file by uuid in the
// order types, groups, mappings, error types, configs, skips files that are absent, and never
// touches a stored secret config.
//
// What this service writes: the same five files and properties, with the real "voided" of each
// mapping and its "about", "priority" on error types (ignored by the Java importer), config
// uuids derived from the tenant's uuid and the key (stable across exports; configs have no uuid
// here), and secret values blanked. A key named like a credential (password, secret, token) is
// treated as secret whatever its flag, as the config API does.
//
// What this service reads, and how it differs from the Java importer:
//   - one transaction: any problem in any file and nothing is written; every problem names its
//     file and field ("mappingMetadata.json", "[3].mappingGroupUuid");
//   - all five files are required; other entries are ignored, as are unknown properties;
//   - groups, types, mappings and error types upsert by uuid; configs by key (their uuid is
//     ignored). A mapping's group and type are found by uuid in the bundle or the tenant;
//   - an error type's comparisonValue is checked as the error-types API checks it
//     (domain/error_rule.hpp: MATCHES is RE2 syntax of at most 1,000 characters, EQUALS and
//     CONTAINS at most 4,096 bytes), so a Java pattern that RE2 refuses (lookaround,
//     backreferences) refuses the bundle, naming it ("errorTypes.json[3].comparisonValue");
//     a voided row is not judged. An import does not reclassify error records;
//   - "about" absent or null keeps the stored text; "dataTypeHint" absent or null means NA;
//     "priority" absent keeps the stored priority (0 for a new error type);
//   - this schema has no voided state for groups, types or error types: a voided group or type
//     is imported as a name like any other (mappings may still use it); a voided error type or
//     config is skipped;
//   - a blank value never overwrites a stored secret (whatever the row's flag); a blank secret
//     with none stored is skipped and listed in `secrets_to_set` (an admin must set it). A secret
//     with a value is stored (sealed), replacing the stored one (Java never replaces one).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/ids.hpp"

namespace avni::store {
class Store;
class Tx;
}  // namespace avni::store

namespace avni::mapping {

// The bundle's entries, in the order they are imported.
inline constexpr std::string_view kMappingTypesFile = "mappingTypes.json";
inline constexpr std::string_view kMappingGroupsFile = "mappingGroups.json";
inline constexpr std::string_view kMappingMetadataFile = "mappingMetadata.json";
inline constexpr std::string_view kErrorTypesFile = "errorTypes.json";
inline constexpr std::string_view kConfigsFile = "integrationSystemConfigs.json";
inline constexpr std::string_view kBundleFiles[] = {
    kMappingTypesFile, kMappingGroupsFile, kMappingMetadataFile, kErrorTypesFile, kConfigsFile};

// What an import did with the rows of one file. `skipped` rows were read but not applied on
// purpose (a voided error type or config, a blank secret with nothing stored).
struct BundleFileCounts {
  std::string file;
  std::int64_t created = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::int64_t skipped = 0;
};

// One reason a bundle was refused. `file` is an entry name, or "" for the zip as a whole;
// `field` points into the file ("[3].avniValue"), "" when the whole file is at fault.
struct BundleProblem {
  std::string file;
  std::string field;
  std::string message;  // for a person, already naming the file and field
  ErrorCode code = ErrorCode::kInvalidArgument;
};

struct BundleReport {
  std::vector<BundleFileCounts> files;  // one per entry, in kBundleFiles order
  // Secret config keys whose value the bundle left blank and this tenant does not have.
  std::vector<std::string> secrets_to_set;
  // Not empty: the bundle was refused and nothing was written.
  std::vector<BundleProblem> errors;

  bool ok() const { return errors.empty(); }
};

// The tenant's bundle as zip bytes. Reads in one transaction. Errors: those of the store
// (not_found for no such tenant, unavailable, ...), internal when the zip cannot be made.
Result<std::string> ExportBundle(store::Store& store, TenantId tenant);

// Called inside the import's transaction after every row is written, with the counts; an error
// rolls the import back. For the caller's own writes that must commit with it (the audit).
using BundleImportHook = std::function<Status(store::Tx&, const BundleReport&)>;

// Reads `zip` (a bundle in the format above) and upserts its rows into the tenant, in one
// transaction. A refused bundle is a report with errors (and nothing written), not an Error;
// Errors are the store's own failures, or the hook's.
Result<BundleReport> ImportBundle(store::Store& store, TenantId tenant, std::string_view zip,
                                  const BundleImportHook& before_commit = {});

}  // namespace avni::mapping
