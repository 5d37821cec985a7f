// Exporting bundles, on SQLite and PostgreSQL: the Java service's files and properties, secrets
// blanked, and export -> import into a fresh tenant giving back every row.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "mapping/bundle.hpp"
#include "mapping/bundle_fixture.hpp"

namespace avni::testing {
namespace {

using mapping::BundleReport;
using nlohmann::json;

constexpr const char* kSecret = "s3cret-Pa55word";  // must never leave the store in a bundle

class BundleExportTest : public BundleTest {
 protected:
  // A tenant filled through the repositories (not by an import): one of each kind of row,
  // including what the Java exporter would lose (about, a voided mapping, a priority).
  void Fill(TenantId t) {
    auto done = store_->Transact([&](store::Tx& tx) -> Status {
      auto scope = tx.tenant(t);
      auto repo = scope.mappings();
      auto group = repo.CreateGroup("Observation", kObservationGroup);
      auto type = repo.CreateType("Concept", kConceptType);
      if (!group || !type) return Fail(group ? type.error() : group.error());
      Mapping m;
      m.uuid = kSystolic;
      m.group_id = group->id;
      m.type_id = type->id;
      m.avni_value = "Systolic";
      m.int_system_value = "5085";
      m.data_type_hint = DataTypeHint::kNumeric;
      m.about = "mmHg, from CIEL";
      if (auto made = repo.Create(m); !made) return Fail(made.error());
      // A voided twin of the live mapping (same avni value): made under another value, voided,
      // then given the value, since only a voided mapping may share it.
      m.uuid = kOldWeight;
      m.avni_value = "Systolic (retired)";
      m.int_system_value = "5085-old";
      m.about = "";
      auto old = repo.Create(m);
      if (!old) return Fail(old.error());
      if (auto v = repo.SetVoided(old->id, true); !v) return Fail(v.error());
      m.id = old->id;
      m.avni_value = "Systolic";
      if (auto u = repo.Update(m); !u) return Fail(u.error());
      ErrorType e;
      e.uuid = kNotFoundError;
      e.name = "EntityNotFound";
      e.op = ErrorOperator::kMatches;
      e.value = "not found: .*";
      e.follow_up_step = FollowUpStep::kExternal;
      e.priority = 3;
      if (auto made = scope.errors().CreateType(e); !made) return Fail(made.error());
      if (auto c = scope.config().Set("avni_api_url", "https://app.avniproject.org", false); !c) {
        return Fail(c.error());
      }
      if (auto c = scope.config().Set("avni_password", kSecret, true); !c) return Fail(c.error());
      return {};
    });
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }

  std::string Export(TenantId t) {
    auto zip = mapping::ExportBundle(*store_, t);
    EXPECT_TRUE(zip.has_value()) << zip.error().message;
    return zip ? *zip : "";
  }
};

std::set<std::string> Keys(const json& row) {
  std::set<std::string> keys;
  for (const auto& [k, v] : row.items()) keys.insert(k);
  return keys;
}

TEST_P(BundleExportTest, WritesTheFiveFilesOfTheJavaService) {
  ASSERT_NO_FATAL_FAILURE(Fill(a_));
  const auto files = UnzipFiles(Export(a_));
  std::set<std::string> names;
  for (const auto& [name, content] : files) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"errorTypes.json", "integrationSystemConfigs.json",
                                          "mappingGroups.json", "mappingMetadata.json",
                                          "mappingTypes.json"}));

  const json groups = json::parse(files.at("mappingGroups.json"));
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(Keys(groups[0]), (std::set<std::string>{"id", "uuid", "voided", "name"}));
  EXPECT_EQ(groups[0]["uuid"], kObservationGroup);
  EXPECT_EQ(groups[0]["name"], "Observation");

  const json mappings = json::parse(files.at("mappingMetadata.json"));
  ASSERT_EQ(mappings.size(), 2u);
  EXPECT_EQ(Keys(mappings[0]),
            (std::set<std::string>{"id", "uuid", "voided", "integrationSystemId", "mappingGroup",
                                   "mappingType", "avniValue", "intSystemValue", "dataTypeHint",
                                   "about", "mappingGroupUuid", "mappingTypeUuid"}));
  EXPECT_EQ(mappings[0]["uuid"], kSystolic);
  EXPECT_EQ(mappings[0]["mappingGroupUuid"], kObservationGroup);
  EXPECT_EQ(mappings[0]["mappingTypeUuid"], kConceptType);
  EXPECT_EQ(mappings[0]["avniValue"], "Systolic");
  EXPECT_EQ(mappings[0]["intSystemValue"], "5085");
  EXPECT_EQ(mappings[0]["dataTypeHint"], "Numeric");
  EXPECT_EQ(mappings[0]["about"], "mmHg, from CIEL");
  EXPECT_EQ(mappings[0]["voided"], false);
  EXPECT_EQ(mappings[1]["voided"], true);

  const json errors = json::parse(files.at("errorTypes.json"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["comparisonOperator"], "MATCHES");
  EXPECT_EQ(errors[0]["comparisonValue"], "not found: .*");
  EXPECT_EQ(errors[0]["followUpStep"], "External");

  const json configs = json::parse(files.at("integrationSystemConfigs.json"));
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(Keys(configs[0]),
            (std::set<std::string>{"id", "uuid", "voided", "key", "value", "secret"}));
  EXPECT_EQ(configs[0]["key"], "avni_api_url");
  EXPECT_EQ(configs[0]["value"], "https://app.avniproject.org");
  EXPECT_EQ(configs[0]["secret"], false);
  EXPECT_EQ(configs[1]["key"], "avni_password");
  EXPECT_EQ(configs[1]["value"], "") << "secrets are blanked";
  EXPECT_EQ(configs[1]["secret"], true);
  // The Java importer needs a uuid per config; ours stay the same from export to export.
  EXPECT_EQ(configs[0]["uuid"].get<std::string>().size(), 36u);
  EXPECT_NE(configs[0]["uuid"], configs[1]["uuid"]);
  EXPECT_EQ(json::parse(UnzipFiles(Export(a_)).at("integrationSystemConfigs.json")), configs);
  for (const auto& [name, content] : files) {
    EXPECT_EQ(content.find(kSecret), std::string::npos) << name;
  }
}

TEST_P(BundleExportTest, ExportThenImportIntoAFreshTenantGivesBackEveryRow) {
  ASSERT_TRUE(Import(a_, ZipFiles(JavaWrittenBundle())).ok());
  ASSERT_NO_FATAL_FAILURE(Fill(MakeTenant("Filled")));  // same uuids, another tenant: no clash
  auto more = store_->Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(a_);
    if (auto c = scope.config().Set("avni_password", kSecret, true); !c) return Fail(c.error());
    auto types = scope.errors().ListTypes();
    if (!types) return Fail(types.error());
    ErrorType e = types->front();
    e.priority = 7;
    if (auto u = scope.errors().UpdateType(e); !u) return Fail(u.error());
    return {};
  });
  ASSERT_TRUE(more.has_value()) << more.error().message;

  const TenantId b = MakeTenant("Moved");
  BundleReport report = Import(b, Export(a_));
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(Counts(report, "mappingMetadata.json"), "created=4 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "errorTypes.json"), "created=2 updated=0 unchanged=0 skipped=0");
  EXPECT_EQ(Counts(report, "integrationSystemConfigs.json"),
            "created=2 updated=0 unchanged=0 skipped=1");
  EXPECT_EQ(report.secrets_to_set, std::vector<std::string>{"avni_password"});

  // Every row, but the secret: its value never travels.
  auto expected = Snapshot(a_);
  std::erase(expected, "config avni_password secret");
  EXPECT_EQ(Snapshot(b), expected);

  // Once an admin sets it, importing again keeps it.
  auto set = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(b).config().Set("avni_password", "set-by-admin", true);
  });
  ASSERT_TRUE(set.has_value());
  BundleReport again = Import(b, Export(a_));
  ASSERT_TRUE(again.ok()) << Errors(again);
  EXPECT_EQ(Counts(again, "integrationSystemConfigs.json"),
            "created=0 updated=0 unchanged=3 skipped=0");
  EXPECT_EQ(ConfigValue(b, "avni_password"), "set-by-admin");
  EXPECT_EQ(Snapshot(b), Snapshot(a_));
}

TEST_P(BundleExportTest, ABlankSecretNeverOverwritesTheStoredOne) {
  ASSERT_NO_FATAL_FAILURE(Fill(a_));
  // As the Java service exports it, and with the flag lost on the way: both keep the secret.
  for (bool flagged : {true, false}) {
    JavaBundle blank;
    blank.Config("c1", "avni_password", "", flagged);
    BundleReport report = Import(a_, blank.Zip());
    ASSERT_TRUE(report.ok()) << Errors(report);
    EXPECT_EQ(Counts(report, "integrationSystemConfigs.json"),
              "created=0 updated=0 unchanged=1 skipped=0");
    EXPECT_TRUE(report.secrets_to_set.empty());
    EXPECT_EQ(ConfigValue(a_, "avni_password"), kSecret);
  }

  // A value given is stored, sealed; a key named like a credential is sealed whatever its flag.
  JavaBundle given;
  given.Config("c1", "avni_password", "rotated-value", true)
      .Config("c2", "openmrs_password", "plain-in-java", false);
  BundleReport report = Import(a_, given.Zip());
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(Counts(report, "integrationSystemConfigs.json"),
            "created=1 updated=1 unchanged=0 skipped=0");
  EXPECT_EQ(ConfigValue(a_, "avni_password"), "rotated-value");
  EXPECT_EQ(ConfigValue(a_, "openmrs_password"), "plain-in-java");
  const std::string raw = "SELECT value FROM tenant_config" + Where(a_) + " AND key = ";
  EXPECT_NE(One(raw + "'avni_password'"), "rotated-value");
  EXPECT_NE(One(raw + "'openmrs_password'"), "plain-in-java");
  EXPECT_EQ(One("SELECT CASE WHEN is_secret THEN 'secret' ELSE 'plain' END FROM tenant_config" +
                Where(a_) + " AND key = 'openmrs_password'"),
            "secret");

  const json configs = json::parse(UnzipFiles(Export(a_)).at("integrationSystemConfigs.json"));
  for (const auto& c : configs) {
    if (c["key"] != "avni_api_url") {
      EXPECT_EQ(c["value"], "") << c.dump();
    }
  }
}

TEST_P(BundleExportTest, ExportOfNoTenantIsNotFound) {
  auto zip = mapping::ExportBundle(*store_, TenantId{9999});
  ASSERT_FALSE(zip.has_value());
  EXPECT_EQ(zip.error().code, ErrorCode::kNotFound);
}

AVNI_ON_EVERY_BACKEND(BundleExportTest);

}  // namespace
}  // namespace avni::testing
