// Importing bundles in the Java service's format, on SQLite and PostgreSQL: a bundle written by
// hand as the Java exporter writes one, re-imports, updates by uuid, and every refusal (which
// names its file and field and writes nothing).
#include "mapping/bundle.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "mapping/bundle_fixture.hpp"

namespace avni::testing {
namespace {

using mapping::BundleReport;

TEST_P(BundleTest, ImportsAJavaBundleWithItsUuids) {
  BundleReport report = Import(a_, ZipFiles(JavaWrittenBundle()));
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(Counts(report, "mappingTypes.json"), "created=2 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "mappingGroups.json"), "created=2 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "mappingMetadata.json"), "created=4 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "errorTypes.json"), "created=2 updated=0 unchanged=0 skipped=0");
  // The blank secret has nothing to keep, and the voided config is not brought over.
  EXPECT_EQ(Counts(report, "integrationSystemConfigs.json"),
            "created=2 updated=0 unchanged=0 skipped=2");
  EXPECT_EQ(report.secrets_to_set, std::vector<std::string>{"avni_password"});

  const std::string w = Where(a_);
  EXPECT_EQ(One("SELECT name FROM mapping_types" + w + " AND uuid = '" + kConceptType + "'"),
            "Concept");
  EXPECT_EQ(One("SELECT name FROM mapping_groups" + w + " AND uuid = '" + kRegistrationGroup + "'"),
            "PatientSubject");
  EXPECT_EQ(StoredMapping(a_, kSystolic),
            std::string(kObservationGroup) + "|" + kConceptType +
                "|Blood pressure (systolic)|5085AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|Numeric||live");
  EXPECT_EQ(StoredMapping(a_, kRegistration), std::string(kRegistrationGroup) + "|" +
                                                  kEncounterType +
                                                  "|Registration|Avni Registration|NA||live");
  // Voided beside the live mapping of the same avni value: both kept.
  EXPECT_EQ(StoredMapping(a_, kOldWeight),
            std::string(kObservationGroup) + "|" + kConceptType +
                "|Blood pressure (systolic)|5085-old|Numeric||voided");
  EXPECT_EQ(One("SELECT name || ' ' || operator || ' ' || value || ' ' || follow_up_step FROM "
                "error_types" +
                w + " AND uuid = '" + kNotFoundError + "'"),
            "EntityNotFound CONTAINS Entity not found Terminal");
  EXPECT_EQ(
      One("SELECT follow_up_step FROM error_types" + w + " AND uuid = '" + kNoMappingError + "'"),
      "Process");
  EXPECT_EQ(db_->QueryColumn("SELECT key FROM tenant_config" + w + " ORDER BY key"),
            (std::vector<std::string>{"avni_api_url", "openmrs_user"}));
  EXPECT_EQ(ConfigValue(a_, "avni_api_url"), "https://app.avniproject.org");
}

TEST_P(BundleTest, ReimportingTheSameBundleChangesNothing) {
  const std::string zip = ZipFiles(JavaWrittenBundle());
  ASSERT_TRUE(Import(a_, zip).ok());
  const auto before = Snapshot(a_);
  const std::string times = One("SELECT SUM(updated_at) FROM mappings" + Where(a_));
  clock_.Advance(std::chrono::minutes(5));

  BundleReport again = Import(a_, zip);
  ASSERT_TRUE(again.ok()) << Errors(again);
  EXPECT_EQ(Counts(again, "mappingTypes.json"), "created=0 updated=0 unchanged=2 skipped=0");
  EXPECT_EQ(Counts(again, "mappingGroups.json"), "created=0 updated=0 unchanged=2 skipped=0");
  EXPECT_EQ(Counts(again, "mappingMetadata.json"), "created=0 updated=0 unchanged=4 skipped=0");
  EXPECT_EQ(Counts(again, "errorTypes.json"), "created=0 updated=0 unchanged=2 skipped=0");
  EXPECT_EQ(Counts(again, "integrationSystemConfigs.json"),
            "created=0 updated=0 unchanged=2 skipped=2");
  EXPECT_EQ(Snapshot(a_), before);
  EXPECT_EQ(One("SELECT SUM(updated_at) FROM mappings" + Where(a_)), times) << "rows rewritten";
}

TEST_P(BundleTest, ASecondBundleUpdatesRowsFoundByUuid) {
  ASSERT_TRUE(Import(a_, ZipFiles(JavaWrittenBundle())).ok());
  const std::string systolic_id =
      One("SELECT id FROM mappings" + Where(a_) + " AND uuid = '" + kSystolic + "'");

  JavaBundle next;
  next.Type(kConceptType, "Concept")
      .Group(kObservationGroup, "Observations")  // renamed
      .Mapping(kSystolic, kObservationGroup, kConceptType, "Blood pressure (systolic)", "5085-new",
               "Numeric", false, "from OpenMRS CIEL")
      .ErrorType(kNotFoundError, "EntityNotFound", "CONTAINS", "Entity not found", "Process")
      .Config("any-uuid", "openmrs_user", "integration");
  BundleReport report = Import(a_, next.Zip());
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(Counts(report, "mappingTypes.json"), "created=0 updated=0 unchanged=1 skipped=0");
  EXPECT_EQ(Counts(report, "mappingGroups.json"), "created=0 updated=1 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "mappingMetadata.json"), "created=0 updated=1 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "errorTypes.json"), "created=0 updated=1 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "integrationSystemConfigs.json"),
            "created=0 updated=1 unchanged=0 skipped=0");

  // The same rows, changed in place; rows the bundle leaves out are kept.
  EXPECT_EQ(One("SELECT id FROM mappings" + Where(a_) + " AND uuid = '" + kSystolic + "'"),
            systolic_id);
  EXPECT_EQ(StoredMapping(a_, kSystolic),
            std::string(kObservationGroup) + "|" + kConceptType +
                "|Blood pressure (systolic)|5085-new|Numeric|from OpenMRS CIEL|live");
  EXPECT_EQ(One("SELECT name FROM mapping_groups" + Where(a_) + " AND uuid = '" +
                kObservationGroup + "'"),
            "Observations");
  EXPECT_EQ(One("SELECT follow_up_step FROM error_types" + Where(a_) + " AND uuid = '" +
                kNotFoundError + "'"),
            "Process");
  EXPECT_EQ(ConfigValue(a_, "openmrs_user"), "integration");
  EXPECT_EQ(RowCounts(a_), "2,2,4,2,2");

  // "about" left out (as the Java exporter does) keeps the stored text.
  JavaBundle without_about;
  without_about.Mapping(kSystolic, kObservationGroup, kConceptType, "Blood pressure (systolic)",
                        "5085-new", "Numeric");
  BundleReport kept = Import(a_, without_about.Zip());
  ASSERT_TRUE(kept.ok()) << Errors(kept);
  EXPECT_EQ(Counts(kept, "mappingMetadata.json"), "created=0 updated=0 unchanged=1 skipped=0");
  EXPECT_NE(StoredMapping(a_, kSystolic).find("|from OpenMRS CIEL|"), std::string::npos);
}

// Values may move between mappings within one bundle, and a voided mapping may carry the value
// of a live one: no write may meet a value that is only on its way out.
TEST_P(BundleTest, ValuesSwappedBetweenMappingsAndVoidedTwinsImport) {
  ASSERT_TRUE(Import(a_, ZipFiles(JavaWrittenBundle())).ok());
  JavaBundle swap;
  swap.Mapping(kSystolic, kObservationGroup, kConceptType, "Pregnant",
               "c1e1b0f4-3f10-11e4-adec-0800271c1b75", "Coded")
      .Mapping(kPregnant, kObservationGroup, kConceptType, "Blood pressure (systolic)",
               "5085AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Numeric")
      .Mapping("9f4c2b7a-1111-4c3d-8e9f-000000000009", kObservationGroup, kConceptType, "Pregnant",
               "retired-pregnant-concept", "Coded", /*voided=*/true);
  BundleReport report = Import(a_, swap.Zip());
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(Counts(report, "mappingMetadata.json"), "created=1 updated=2 unchanged=0 skipped=0");
  EXPECT_EQ(StoredMapping(a_, kSystolic),
            std::string(kObservationGroup) + "|" + kConceptType +
                "|Pregnant|c1e1b0f4-3f10-11e4-adec-0800271c1b75|Coded||live");
  EXPECT_EQ(StoredMapping(a_, kPregnant),
            std::string(kObservationGroup) + "|" + kConceptType +
                "|Blood pressure (systolic)|5085AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA|Numeric||live");
  EXPECT_NE(StoredMapping(a_, "9f4c2b7a-1111-4c3d-8e9f-000000000009").find("|voided"),
            std::string::npos);
}

TEST_P(BundleTest, UuidsBelongToTheirTenant) {
  const TenantId b = MakeTenant("Other");
  ASSERT_TRUE(Import(a_, ZipFiles(JavaWrittenBundle())).ok());
  const auto a_rows = Snapshot(a_);
  BundleReport report = Import(b, ZipFiles(JavaWrittenBundle()));
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(Counts(report, "mappingMetadata.json"), "created=4 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(Snapshot(b), a_rows);

  auto missing = mapping::ImportBundle(*store_, TenantId{9999}, ZipFiles(JavaWrittenBundle()));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

// ---- refusals: each names the file and field, and nothing is written ----

TEST_P(BundleTest, ABundleThatIsNoZipIsRefused) {
  const std::string zip = ZipFiles(JavaWrittenBundle());
  std::string damaged = zip;
  damaged[60] = static_cast<char>(damaged[60] ^ 0x5A);  // inside the first entry's data
  for (const std::string& bytes :
       {std::string("PK\x03\x04") + " not really a zip", std::string("{\"mappingTypes\": []}"),
        std::string(), zip.substr(0, zip.size() / 2), damaged}) {
    BundleReport report = Import(a_, bytes);
    ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
    EXPECT_EQ(report.errors[0].file, "");
    EXPECT_NE(report.errors[0].message.find("zip"), std::string::npos) << report.errors[0].message;
  }
  EXPECT_EQ(RowCounts(a_), "0,0,0,0,0");
}

TEST_P(BundleTest, AMissingFileIsNamedAndNothingIsWritten) {
  ZipEntries files = JavaWrittenBundle();
  std::erase_if(files, [](const auto& f) { return f.first == "errorTypes.json"; });
  BundleReport report = Import(a_, ZipFiles(files));
  ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
  EXPECT_EQ(report.errors[0].file, "errorTypes.json");
  EXPECT_NE(report.errors[0].message.find("errorTypes.json is missing"), std::string::npos)
      << report.errors[0].message;

  // Files zipped inside their folder: said so.
  for (auto& [name, content] : files) name = "bundle/" + name;
  report = Import(a_, ZipFiles(files));
  ASSERT_FALSE(report.errors.empty());
  EXPECT_NE(report.errors[0].message.find("found 'bundle/mappingTypes.json'"), std::string::npos)
      << report.errors[0].message;
  EXPECT_EQ(RowCounts(a_), "0,0,0,0,0");
}

TEST_P(BundleTest, BadJsonAndBadPropertiesNameTheFileAndField) {
  JavaBundle good;
  good.Type(kConceptType, "Concept").Group(kObservationGroup, "Observation");

  BundleReport report = Import(a_, good.Zip("", {{"mappingMetadata.json", "[ { \"uuid\" : "}}));
  ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
  EXPECT_EQ(report.errors[0].file, "mappingMetadata.json");
  EXPECT_NE(report.errors[0].message.find("mappingMetadata.json is not valid JSON"),
            std::string::npos)
      << report.errors[0].message;

  report = Import(a_, good.Zip("", {{"errorTypes.json", "{\"name\": \"x\"}"}}));
  ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
  EXPECT_EQ(report.errors[0].file, "errorTypes.json");
  EXPECT_NE(report.errors[0].message.find("JSON array"), std::string::npos);

  JavaBundle bad = good;
  bad.Mapping(kSystolic, kObservationGroup, kConceptType, "Systolic", "5085", "Datetime")
      .Mapping(kPregnant, kObservationGroup, kConceptType, "", "1234", "Coded")
      .ErrorType(kNotFoundError, "NotFound", "LIKE", "x")
      .Config("u", "avni_user", "ana")
      .Config("u2", "avni_user", "bob");
  bad.mappings[1]["voided"] = "no";
  bad.ErrorType("5d0f6c52-4b8e-4b9a-9d36-9e2f1f0b7a11", "Huge", "EQUALS", "y");
  // 2^64 - 1 was read as -1 and stored.
  bad.error_types[1]["priority"] = std::numeric_limits<std::uint64_t>::max();
  report = Import(a_, bad.Zip());
  std::vector<std::string> fields;
  for (const auto& e : report.errors) fields.push_back(e.file + e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{
                        "mappingMetadata.json[0].dataTypeHint", "mappingMetadata.json[1].avniValue",
                        "mappingMetadata.json[1].voided", "errorTypes.json[0].comparisonOperator",
                        "errorTypes.json[1].priority", "integrationSystemConfigs.json[1].key"}))
      << Errors(report);
  ASSERT_FALSE(report.errors.empty());
  EXPECT_NE(report.errors[0].message.find("\"Datetime\"; it must be one of Coded, Date, "),
            std::string::npos)
      << report.errors[0].message;
  EXPECT_EQ(RowCounts(a_), "0,0,0,0,0");
}

// Issue 15: a bundle's errorTypes.json goes through the same check as the error-types API.
TEST_P(BundleTest, ErrorTypePatternsAreCheckedAsTheApiChecksThem) {
  JavaBundle bundle;
  bundle.Type(kConceptType, "Concept")
      .Group(kObservationGroup, "Observation")
      .ErrorType(kNotFoundError, "Fine", "MATCHES", "^No mapping for .*")
      .ErrorType(kNoMappingError, "Backreference", "MATCHES", R"((a)\1)")
      .ErrorType("c0ffee00-aaaa-4bbb-8ccc-000000000003", "Long", "MATCHES", std::string(1001, 'a'))
      .ErrorType("c0ffee00-aaaa-4bbb-8ccc-000000000004", "Voided", "MATCHES", "(?=x)");
  bundle.error_types[3]["voided"] = true;  // skipped on import: not judged
  BundleReport report = Import(a_, bundle.Zip());
  std::vector<std::string> fields;
  for (const auto& e : report.errors) fields.push_back(e.file + e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"errorTypes.json[1].comparisonValue",
                                              "errorTypes.json[2].comparisonValue"}))
      << Errors(report);
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_TRUE(report.errors[0].message.starts_with(
      "errorTypes.json[1].comparisonValue is not a pattern MATCHES accepts: invalid escape "
      "sequence: \\1"))
      << report.errors[0].message;
  EXPECT_TRUE(report.errors[1].message.starts_with(
      "errorTypes.json[2].comparisonValue has 1001 characters; a MATCHES pattern may have at "
      "most 1000"))
      << report.errors[1].message;
  EXPECT_EQ(RowCounts(a_), "0,0,0,0,0");
}

// Refusals found only while writing (against the tenant's rows) roll back what the bundle had
// already written: its types and groups too.
TEST_P(BundleTest, RefusalsFoundWhileWritingRollEverythingBack) {
  JavaBundle unknown_group;
  unknown_group.Type(kConceptType, "Concept")
      .Group(kObservationGroup, "Observation")
      .Mapping(kSystolic, "no-such-group", kConceptType, "Systolic", "5085");
  BundleReport report = Import(a_, unknown_group.Zip());
  ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
  EXPECT_EQ(report.errors[0].file + report.errors[0].field,
            "mappingMetadata.json[0].mappingGroupUuid");
  EXPECT_EQ(Counts(report, "mappingTypes.json"), "created=0 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(RowCounts(a_), "0,0,0,0,0");

  // A live value the tenant already maps, under another uuid the bundle does not touch.
  ASSERT_TRUE(Import(a_, ZipFiles(JavaWrittenBundle())).ok());
  const auto before = Snapshot(a_);
  JavaBundle clash;
  clash.Type("new-type", "Form")
      .Mapping("9f4c2b7a-1111-4c3d-8e9f-00000000000a", kObservationGroup, kConceptType,
               "Systolic (new)", "5085AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Numeric");
  report = Import(a_, clash.Zip());
  ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
  EXPECT_EQ(report.errors[0].field, "[0].intSystemValue");
  EXPECT_EQ(report.errors[0].code, ErrorCode::kConflict);
  EXPECT_NE(report.errors[0].message.find(std::string("uuid '") + kSystolic + "'"),
            std::string::npos)
      << report.errors[0].message;
  EXPECT_EQ(Snapshot(a_), before);

  // A group name the tenant already has under another uuid.
  JavaBundle taken;
  taken.Group("another-uuid", "Observation");
  report = Import(a_, taken.Zip());
  ASSERT_EQ(report.errors.size(), 1u) << Errors(report);
  EXPECT_EQ(report.errors[0].file + report.errors[0].field, "mappingGroups.json[0].name");
  EXPECT_NE(report.errors[0].message.find("'Observation'"), std::string::npos);
  EXPECT_EQ(Snapshot(a_), before);
}

TEST_P(BundleTest, AFailingHookRollsTheImportBack) {
  int calls = 0;
  auto result = mapping::ImportBundle(*store_, a_, ZipFiles(JavaWrittenBundle()),
                                      [&](store::Tx& tx, const BundleReport& report) -> Status {
                                        ++calls;
                                        // The rows are there for the hook to see, inside the
                                        // transaction.
                                        auto types = tx.tenant(a_).mappings().ListTypes();
                                        EXPECT_TRUE(types && types->size() == 2u);
                                        EXPECT_EQ(Counts(report, "mappingGroups.json"),
                                                  "created=2 updated=0 unchanged=0 skipped=0");
                                        return Fail(Error::Unavailable("audit log unreachable"));
                                      });
  EXPECT_EQ(calls, 1);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "audit log unreachable");
  EXPECT_EQ(RowCounts(a_), "0,0,0,0,0");
}

AVNI_ON_EVERY_BACKEND(BundleTest);

}  // namespace
}  // namespace avni::testing
