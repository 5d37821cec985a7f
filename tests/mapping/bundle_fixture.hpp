#pragma once
// Shared by the bundle tests: a store per backend, a tenant, a bundle written out by hand the
// way the Java service's exporter writes one, and raw reads of what a tenant holds.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mapping/bundle.hpp"
#include "support/java_bundle.hpp"
#include "support/store_test.hpp"

namespace avni::testing {

// The uuids of the hand-made bundle.
inline constexpr const char* kConceptType = "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d01";
inline constexpr const char* kEncounterType = "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d02";
inline constexpr const char* kObservationGroup = "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c01";
inline constexpr const char* kRegistrationGroup = "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c02";
inline constexpr const char* kSystolic = "9f4c2b7a-1111-4c3d-8e9f-000000000001";
inline constexpr const char* kPregnant = "9f4c2b7a-1111-4c3d-8e9f-000000000002";
inline constexpr const char* kRegistration = "9f4c2b7a-1111-4c3d-8e9f-000000000003";
inline constexpr const char* kOldWeight = "9f4c2b7a-1111-4c3d-8e9f-000000000004";
inline constexpr const char* kNotFoundError = "c0ffee00-aaaa-4bbb-8ccc-000000000001";
inline constexpr const char* kNoMappingError = "c0ffee00-aaaa-4bbb-8ccc-000000000002";

// A bundle as the Java service's exporter writes it (Jackson's DefaultPrettyPrinter, its
// properties and their order, "about" null, "voided" false), with a voided mapping, a mapping
// without a data type hint, an error type from before followUpStep existed, a blanked secret
// and a voided config.
inline ZipEntries JavaWrittenBundle() {
  return {
      {"mappingMetadata.json", R"json([ {
  "id" : 0,
  "uuid" : "9f4c2b7a-1111-4c3d-8e9f-000000000001",
  "voided" : false,
  "integrationSystemId" : 0,
  "mappingGroup" : 0,
  "mappingType" : 0,
  "avniValue" : "Blood pressure (systolic)",
  "intSystemValue" : "5085AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  "dataTypeHint" : "Numeric",
  "about" : null,
  "mappingGroupUuid" : "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c01",
  "mappingTypeUuid" : "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d01"
}, {
  "id" : 0,
  "uuid" : "9f4c2b7a-1111-4c3d-8e9f-000000000002",
  "voided" : false,
  "integrationSystemId" : 0,
  "mappingGroup" : 0,
  "mappingType" : 0,
  "avniValue" : "Pregnant",
  "intSystemValue" : "c1e1b0f4-3f10-11e4-adec-0800271c1b75",
  "dataTypeHint" : "Coded",
  "about" : null,
  "mappingGroupUuid" : "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c01",
  "mappingTypeUuid" : "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d01"
}, {
  "id" : 0,
  "uuid" : "9f4c2b7a-1111-4c3d-8e9f-000000000003",
  "voided" : false,
  "integrationSystemId" : 0,
  "mappingGroup" : 0,
  "mappingType" : 0,
  "avniValue" : "Registration",
  "intSystemValue" : "Avni Registration",
  "dataTypeHint" : null,
  "about" : null,
  "mappingGroupUuid" : "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c02",
  "mappingTypeUuid" : "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d02"
}, {
  "id" : 0,
  "uuid" : "9f4c2b7a-1111-4c3d-8e9f-000000000004",
  "voided" : true,
  "integrationSystemId" : 0,
  "mappingGroup" : 0,
  "mappingType" : 0,
  "avniValue" : "Blood pressure (systolic)",
  "intSystemValue" : "5085-old",
  "dataTypeHint" : "Numeric",
  "about" : null,
  "mappingGroupUuid" : "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c01",
  "mappingTypeUuid" : "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d01"
} ])json"},
      {"mappingGroups.json", R"json([ {
  "id" : 0,
  "uuid" : "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c01",
  "voided" : false,
  "name" : "Observation"
}, {
  "id" : 0,
  "uuid" : "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c02",
  "voided" : false,
  "name" : "PatientSubject"
} ])json"},
      {"mappingTypes.json", R"json([ {
  "id" : 0,
  "uuid" : "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d01",
  "voided" : false,
  "name" : "Concept"
}, {
  "id" : 0,
  "uuid" : "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d02",
  "voided" : false,
  "name" : "EncounterType"
} ])json"},
      {"errorTypes.json", R"json([ {
  "id" : 0,
  "uuid" : "c0ffee00-aaaa-4bbb-8ccc-000000000001",
  "voided" : false,
  "name" : "EntityNotFound",
  "comparisonOperator" : "CONTAINS",
  "comparisonValue" : "Entity not found",
  "followUpStep" : "Terminal"
}, {
  "id" : 0,
  "uuid" : "c0ffee00-aaaa-4bbb-8ccc-000000000002",
  "voided" : false,
  "name" : "NoMapping",
  "comparisonOperator" : "MATCHES",
  "comparisonValue" : "^No mapping for .*"
} ])json"},
      {"integrationSystemConfigs.json", R"json([ {
  "id" : 0,
  "uuid" : "aa11bb22-0000-4000-8000-000000000001",
  "voided" : false,
  "key" : "avni_api_url",
  "value" : "https://app.avniproject.org",
  "secret" : false
}, {
  "id" : 0,
  "uuid" : "aa11bb22-0000-4000-8000-000000000002",
  "voided" : false,
  "key" : "avni_password",
  "value" : "",
  "secret" : true
}, {
  "id" : 0,
  "uuid" : "aa11bb22-0000-4000-8000-000000000003",
  "voided" : false,
  "key" : "openmrs_user",
  "value" : "admin",
  "secret" : false
}, {
  "id" : 0,
  "uuid" : "aa11bb22-0000-4000-8000-000000000004",
  "voided" : true,
  "key" : "retired_setting",
  "value" : "x",
  "secret" : false
} ])json"},
  };
}

class BundleTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("JSS Bahmni");
  }

  mapping::BundleReport Import(TenantId tenant, const std::string& zip) {
    auto report = mapping::ImportBundle(*store_, tenant, zip);
    EXPECT_TRUE(report.has_value()) << report.error().message;
    return report ? *report : mapping::BundleReport{};
  }

  // "created=2 updated=0 unchanged=0 skipped=0" for one file of a report.
  static std::string Counts(const mapping::BundleReport& report, std::string_view file) {
    for (const auto& c : report.files) {
      if (c.file == file) {
        return "created=" + std::to_string(c.created) + " updated=" + std::to_string(c.updated) +
               " unchanged=" + std::to_string(c.unchanged) +
               " skipped=" + std::to_string(c.skipped);
      }
    }
    return "no counts for " + std::string(file);
  }
  static std::string Errors(const mapping::BundleReport& report) {
    std::string out;
    for (const auto& e : report.errors) out += e.file + " | " + e.field + " | " + e.message + "\n";
    return out;
  }

  static std::string Where(TenantId t) { return " WHERE tenant_id = " + std::to_string(t.value); }
  // The one value `sql` selects from the raw database; "<n rows>" when not exactly one.
  std::string One(const std::string& sql) {
    auto rows = db_->QueryColumn(sql);
    return rows.size() == 1 ? rows[0] : "<" + std::to_string(rows.size()) + " rows>";
  }
  // How many rows the bundle's tables hold for a tenant: "types,groups,mappings,errors,config".
  std::string RowCounts(TenantId t) {
    std::string out;
    for (const char* table :
         {"mapping_types", "mapping_groups", "mappings", "error_types", "tenant_config"}) {
      if (!out.empty()) out += ",";
      out += One(std::string("SELECT COUNT(*) FROM ") + table + Where(t));
    }
    return out;
  }
  // A mapping as stored: "group uuid|type uuid|avni|int|hint|about|live or voided".
  std::string StoredMapping(TenantId t, const std::string& uuid) {
    return One(
        "SELECT g.uuid || '|' || ty.uuid || '|' || m.avni_value || '|' || m.int_system_value || "
        "'|' || m.data_type_hint || '|' || m.about || '|' || CASE WHEN m.voided THEN 'voided' "
        "ELSE 'live' END FROM mappings m JOIN mapping_groups g ON g.id = m.group_id JOIN "
        "mapping_types ty ON ty.id = m.type_id WHERE m.tenant_id = " +
        std::to_string(t.value) + " AND m.uuid = '" + uuid + "'");
  }
  // Every row a bundle carries, as text without database ids or times, for comparing tenants.
  std::vector<std::string> Snapshot(TenantId t) {
    const std::string w = Where(t);
    std::vector<std::string> out;
    for (const std::string& sql :
         {"SELECT 'type ' || uuid || ' ' || name FROM mapping_types" + w + " ORDER BY uuid",
          "SELECT 'group ' || uuid || ' ' || name FROM mapping_groups" + w + " ORDER BY uuid",
          "SELECT 'mapping ' || uuid FROM mappings" + w + " ORDER BY uuid",
          "SELECT 'error ' || uuid || ' ' || name || ' ' || operator || ' ' || value || ' ' || "
          "follow_up_step || ' ' || priority FROM error_types" +
              w + " ORDER BY uuid",
          "SELECT 'config ' || key || ' ' || CASE WHEN is_secret THEN 'secret' ELSE value END "
          "FROM tenant_config" +
              w + " ORDER BY key"}) {
      for (auto& row : db_->QueryColumn(sql)) {
        if (row.starts_with("mapping ")) row += " " + StoredMapping(t, row.substr(8));
        out.push_back(std::move(row));
      }
    }
    return out;
  }
  std::string ConfigValue(TenantId t, const std::string& key) {
    auto got = store_->Read([&](store::Tx& tx) { return tx.tenant(t).config().Get(key); });
    return got ? got->value : "<" + got.error().message + ">";
  }

  TenantId a_;
};

}  // namespace avni::testing
