// The committed Bahmni example (examples/bahmni: mappings.csv, config.json,
// avni-metadata.json) is what the simulator's metadata gives, so the two cannot drift; and the
// CSV is in `mappings import`'s format with every OpenMRS value one the simulator serves.

#include <fstream>
#include <sstream>

#include "mapping/csv.hpp"
#include "openmrssim/examples.hpp"
#include "sim_fixture.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(AVNI_EXAMPLES_DIR) + "/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class OpenmrsSimExamplesTest : public OpenmrsSimFixture {};

TEST_F(OpenmrsSimExamplesTest, CommittedFilesAreWhatTheMetadataGives) {
  // Regenerate with: openmrs-sim --write-examples examples/bahmni
  EXPECT_EQ(ReadFile("mappings.csv"), MappingCsv(sim_->GetMetadata()));
  EXPECT_EQ(ReadFile("config.json"), ConfigJson(sim_->GetMetadata(), SimOptions{}));
  EXPECT_EQ(ReadFile("avni-metadata.json"), AvniMetadataJson());
}

TEST_F(OpenmrsSimExamplesTest, EveryOpenmrsValueInTheCsvIsServedByTheSimulator) {
  const mapping::CsvDocument csv = mapping::ReadCsv(ReadFile("mappings.csv"));
  ASSERT_TRUE(csv.errors.empty());
  ASSERT_GT(csv.records.size(), 40u);
  EXPECT_EQ(csv.records[0].fields,
            (std::vector<std::string>{"group", "type", "avni_value", "int_system_value",
                                      "data_type_hint", "about"}));
  std::set<std::string> known;
  const json metadata = SimJson("/_sim/metadata");
  for (const auto& [resource, rows] : metadata.items()) {
    for (const auto& row : rows) known.insert(row.at("uuid").get<std::string>());
  }
  std::map<std::string, int> per_type;
  for (std::size_t i = 1; i < csv.records.size(); ++i) {
    const auto& f = csv.records[i].fields;
    ++per_type[f[0] + "/" + f[1]];
    if (f[3] == "-") continue;  // a row whose OpenMRS side is unused
    EXPECT_TRUE(known.contains(f[3])) << f[0] << "/" << f[1] << " " << f[2] << " -> " << f[3];
  }
  for (const char* type :
       {"Common/AvniUUID_Concept", "Common/AvniEventDate_Concept", "Common/AvniProgramData_Concept",
        "Common/AvniUUID_VisitAttributeType", "Common/AvniEventDate_VisitAttributeType",
        "Common/BahmniUUID_Concept", "PatientSubject/PatientIdentifier_Concept",
        "PatientSubject/Subject_EncounterType", "PatientSubject/CommunityRegistration_BahmniForm",
        "GeneralEncounter/LabEncounterType", "ProgramEnrolment/CommunityEnrolment_VisitType"}) {
    EXPECT_EQ(per_type[type], 1) << type;
  }
  // Every Avni simulator concept and answer has its Observation/Concept row.
  for (const char* name : {"Concept 1", "Concept 20", "Weight", "Visit date", "Blood group", "A+",
                           "Symptoms", "Headache", "Phone number"}) {
    bool found = false;
    for (const auto& record : csv.records) {
      found = found || (record.fields[1] == "Concept" && record.fields[2] == name &&
                        record.fields[3] == sim_->GetMetadata().ConceptUuid(name));
    }
    EXPECT_TRUE(found) << name;
  }
  // The config constants name metadata the simulator serves.
  const json config = json::parse(ReadFile("config.json"));
  for (const auto& item : config.at("items")) {
    const std::string key = item.at("key");
    if (key == "BahmniIdentifierPrefix" || key == "IntegrationAvniSubjectType") continue;
    std::stringstream values(item.at("value").get<std::string>());
    for (std::string uuid; std::getline(values, uuid, ',');) {
      EXPECT_TRUE(known.contains(uuid)) << key;
    }
  }
}

}  // namespace
}  // namespace avni::openmrssim
