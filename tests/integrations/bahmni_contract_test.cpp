// The Bahmni integration's reading of a tenant's settings and of Avni records, without a server:
// the constants and single-row mappings the Java service read, and subjects and observations as
// OpenMRS takes them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "integrations/bahmni/contract.hpp"
#include "integrations/bahmni/to_openmrs.hpp"
#include "openmrs/model.hpp"

namespace avni::integrations::bahmni {
namespace {

using nlohmann::json;

struct RowSpec {
  std::string group, type, avni, int_value;
  DataTypeHint hint = DataTypeHint::kNA;
};

std::shared_ptr<const mapping::TenantMappings> Build(const std::vector<RowSpec>& specs) {
  std::vector<MappingGroup> groups;
  std::vector<MappingType> types;
  std::vector<Mapping> rows;
  const auto id_of = [](auto& list, const std::string& name) {
    for (const auto& item : list) {
      if (item.name == name) return item.id;
    }
    const RowId id = static_cast<RowId>(list.size() + 1);
    list.push_back({id, TenantId{1}, "", name});
    return id;
  };
  for (const auto& s : specs) {
    Mapping m;
    m.group_id = id_of(groups, s.group);
    m.type_id = id_of(types, s.type);
    m.avni_value = s.avni;
    m.int_system_value = s.int_value;
    m.data_type_hint = s.hint;
    rows.push_back(m);
  }
  return mapping::TenantMappings::Build(TenantId{1}, groups, types, rows);
}

std::vector<RowSpec> CommonSpecs() {
  return {
      {"Common", "AvniUUID_Concept", "Avni Entity UUID", "c-avni-uuid", DataTypeHint::kText},
      {"Common", "AvniEventDate_Concept", "Event Date", "c-event-date", DataTypeHint::kDate},
      {"Common", "AvniUUID_VisitAttributeType", "Avni UUID", "va-uuid"},
      {"Common", "AvniEventDate_VisitAttributeType", "Avni Event Date", "va-date"},
      {"Common", "BahmniUUID_Concept", "Bahmni Entity UUID", "-", DataTypeHint::kText},
      {"PatientSubject", "PatientIdentifier_Concept", "Registration Number", "-"},
      {"PatientSubject", "Subject_EncounterType", "Individual", "et-registration"},
      {"PatientSubject", "CommunityRegistration_BahmniForm", "Individual", "form-registration"},
      {"Observation", "Concept", "Weight", "c-weight", DataTypeHint::kNumeric},
      {"Observation", "Concept", "Visit date", "c-visit-date", DataTypeHint::kDate},
      {"Observation", "Concept", "Seen at", "c-seen-at", DataTypeHint::kDateTime},
      {"Observation", "Concept", "Note", "c-note", DataTypeHint::kText},
      {"Observation", "Concept", "Symptoms", "c-symptoms", DataTypeHint::kCoded},
      {"Observation", "Concept", "Fever", "c-fever"},
      {"Observation", "Concept", "Cough", "c-cough"},
  };
}

TenantConfig Config(std::map<std::string, std::string> overrides = {}) {
  std::map<std::string, std::string> values = {
      {"BahmniIdentifierPrefix", "GAN"},
      {"IntegrationBahmniProvider", "provider-1"},
      {"IntegrationBahmniEncounterRole", "role-1"},
      {"IntegrationBahmniLocation", "location-1"},
      {"IntegrationBahmniIdentifierType", "idtype-1"},
      {"IntegrationBahmniVisitType", "visittype-1"},
      {"OutpatientVisitTypes", "opd-1, opd-2"},
      {"IntegrationAvniSubjectType", "Individual"},
  };
  for (auto& [k, v] : overrides) values[k] = v;
  TenantConfig::Values out;
  for (auto& [k, v] : values) out[k] = {v, false};
  return TenantConfig(std::move(out));
}

TEST(BahmniContractTest, ReadsTheConstantsAndTheSingleRows) {
  auto mappings = Build(CommonSpecs());
  auto contract = ReadContract(Config(), *mappings);
  ASSERT_TRUE(contract.has_value()) << contract.error().message;
  EXPECT_EQ(contract->constants.identifier_prefix, "GAN");
  EXPECT_EQ(contract->constants.outpatient_visit_types,
            (std::vector<std::string>{"opd-1", "opd-2"}));
  EXPECT_EQ(contract->constants.avni_subject_type, "Individual");
  EXPECT_EQ(contract->rows.avni_uuid_concept, "c-avni-uuid");
  EXPECT_EQ(contract->rows.bahmni_uuid_concept, "Bahmni Entity UUID");
  EXPECT_EQ(contract->rows.identifier_concept, "Registration Number");
  EXPECT_EQ(contract->rows.registration_form, "form-registration");
  EXPECT_EQ(contract->rows.program_data_concept, "");  // optional
}

TEST(BahmniContractTest, NamesEveryMissingKeyAndRowAtOnce) {
  auto specs = CommonSpecs();
  std::erase_if(specs, [](const RowSpec& s) {
    return s.type == "AvniUUID_Concept" || s.type == "Subject_EncounterType";
  });
  specs.push_back({"PatientSubject", "CommunityRegistration_BahmniForm", "Other", "form-2"});
  auto mappings = Build(specs);
  auto contract = ReadContract(Config({{"IntegrationBahmniLocation", ""}}), *mappings);
  ASSERT_FALSE(contract.has_value());
  const std::string& m = contract.error().message;
  EXPECT_EQ(contract.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(m.find("4 problems"), std::string::npos) << m;
  EXPECT_NE(m.find("config IntegrationBahmniLocation is not set"), std::string::npos) << m;
  EXPECT_NE(m.find("mapping Common / AvniUUID_Concept is missing"), std::string::npos) << m;
  EXPECT_NE(m.find("mapping PatientSubject / Subject_EncounterType is missing"), std::string::npos)
      << m;
  EXPECT_NE(m.find("CommunityRegistration_BahmniForm has 2 live rows"), std::string::npos) << m;
}

TEST(BahmniContractTest, ARowWithoutItsValueIsNamed) {
  auto specs = CommonSpecs();
  for (auto& s : specs) {
    if (s.type == "AvniEventDate_Concept") s.int_value = "-";
  }
  auto contract = ReadContract(Config(), *Build(specs));
  ASSERT_FALSE(contract.has_value());
  EXPECT_EQ(contract.error().field, "Common / AvniEventDate_Concept");
  EXPECT_NE(contract.error().message.find("has no int_system_value"), std::string::npos)
      << contract.error().message;
}

TEST(BahmniContractTest, APerTypeRowIsFoundOrNamedWithTheRowToAdd) {
  auto mappings = Build(
      {{"GeneralEncounter", "CommunityEncounter_EncounterType", "General Visit", "et-general"}});
  auto found = RowFor(*mappings, "GeneralEncounter", "CommunityEncounter_EncounterType",
                      "General Visit", "an encounter type uuid");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, "et-general");
  auto missing = RowFor(*mappings, "GeneralEncounter", "CommunityEncounter_EncounterType",
                        "Home Visit", "an encounter type uuid");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("avni_value 'Home Visit'"), std::string::npos)
      << missing.error().message;
}

class SubjectReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    mappings_ = Build(CommonSpecs());
    auto c = ReadContract(Config(), *mappings_);
    ASSERT_TRUE(c.has_value()) << c.error().message;
    contract_ = *c;
  }
  json Subject() const {
    return {{"ID", "s-1"},
            {"Voided", false},
            {"Subject type", "Individual"},
            {"Registration date", "2024-01-31"},
            {"observations",
             {{"First name", "Asha"},
              {"Last name", "Devi"},
              {"Date of birth", "1990-02-03"},
              {"Gender", "Female"},
              {"Registration Number", "100001"},
              {"Weight", 52.5},
              {"Note", "  "},
              {"Symptoms", {"Fever", "Cough"}}}}};
  }
  std::shared_ptr<const mapping::TenantMappings> mappings_;
  Contract contract_;
};

TEST_F(SubjectReadTest, TheSubjectMakesThePersonAndTheRestIsTheForm) {
  auto s = ReadSubject(Subject().dump(), contract_);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->uuid, "s-1");
  EXPECT_EQ(s->identifier, "100001");
  EXPECT_EQ(s->given_name, "Asha");
  EXPECT_EQ(s->family_name, "Devi");
  EXPECT_EQ(s->gender, "F");
  EXPECT_EQ(s->birthdate, "1990-02-03");
  EXPECT_EQ(s->registration_date, "2024-01-31");
  // The person's keys and the identifier are not form obs; a blank answer is no answer.
  ASSERT_EQ(s->observations.size(), 2u);
  EXPECT_EQ(s->observations[0].question, "Symptoms");
  EXPECT_EQ(s->observations[1].question, "Weight");
}

TEST_F(SubjectReadTest, GenderOtherIsUnknownToOpenmrs) {
  json subject = Subject();
  subject["observations"]["Gender"] = "Other";
  EXPECT_EQ(ReadSubject(subject.dump(), contract_)->gender, "U");
}

TEST_F(SubjectReadTest, ASubjectWithoutAnIdentifierIsSubjectIdNull) {
  json subject = Subject();
  subject["observations"].erase("Registration Number");
  auto s = ReadSubject(subject.dump(), contract_);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(
      s.error().message.starts_with("SubjectIdNull: subject s-1 has no 'Registration "
                                    "Number'"))
      << s.error().message;
  // Not even its name is in the message: identifiers and uuids only.
  EXPECT_EQ(s.error().message.find("Asha"), std::string::npos);
}

TEST_F(SubjectReadTest, AVoidedSubjectNeedsOnlyItsUuid) {
  json subject = {{"ID", "s-2"}, {"Voided", true}, {"observations", json::object()}};
  auto s = ReadSubject(subject.dump(), contract_);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->voided);
}

TEST_F(SubjectReadTest, MalformedDatesAreNamed) {
  json subject = Subject();
  subject["Registration date"] = "31/01/2024";
  auto s = ReadSubject(subject.dump(), contract_);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().field, "Registration date");
  subject = Subject();
  subject["observations"]["Date of birth"] = "yesterday";
  s = ReadSubject(subject.dump(), contract_);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().field, "Date of birth");
  EXPECT_FALSE(ReadSubject("[1,2]", contract_).has_value());
}

TEST_F(SubjectReadTest, MappedObsAreOpenmrsMembersWithExplicitZones) {
  mapping::ObservationMapper mapper(*mappings_, {});
  auto mapped = mapper.Map({{"Weight", 52.5},
                            {"Symptoms", json::array({"Fever", "Cough"})},
                            {"Visit date", "2024-02-01"},
                            {"Seen at", "2024-02-01T10:00:00.000+05:30"},
                            {"Note", "2024-02-01"}},
                           mapping::Direction::kFromAvni);
  ASSERT_TRUE(mapped.has_value());
  json members = ObsMembers(mapped->observations, *mappings_);
  EXPECT_EQ(members, json::parse(R"([
    {"concept": "c-weight", "value": 52.5},
    {"concept": "c-symptoms", "value": "c-fever"},
    {"concept": "c-symptoms", "value": "c-cough"},
    {"concept": "c-visit-date", "value": "2024-02-01T00:00:00.000+0000"},
    {"concept": "c-seen-at", "value": "2024-02-01T04:30:00.000+0000"},
    {"concept": "c-note", "value": "2024-02-01"}
  ])"))
      << members.dump(2);

  json form = FormObs("form-registration", members, contract_.rows, "s-1", "2024-01-31");
  EXPECT_EQ(form["concept"], "form-registration");
  const json& last = form["groupMembers"].back();
  EXPECT_EQ(last, json({{"concept", "c-event-date"}, {"value", "2024-01-31T00:00:00.000+0000"}}));
  EXPECT_EQ(form["groupMembers"][form["groupMembers"].size() - 2],
            json({{"concept", "c-avni-uuid"}, {"value", "s-1"}}));
  json update = FormObs("form-registration", json::array(), contract_.rows, "s-1", std::nullopt);
  EXPECT_EQ(update["groupMembers"].size(), 1u);  // no Event Date on update
}

// The flows write every OpenMRS time through the client's one format.
TEST(BahmniTimeTest, OpenmrsTimesAreUtcWithTheZoneWritten) {
  EXPECT_EQ(openmrs::FormatOpenmrsTime(*openmrs::ParseOpenmrsTime("2024-01-31")),
            "2024-01-31T00:00:00.000+0000");
  EXPECT_EQ(openmrs::FormatOpenmrsTime(*ParseIso8601("2024-01-31T23:59:58.123+05:30")),
            "2024-01-31T18:29:58.123+0000");
}

TEST(AvniEncounterReadTest, ReadsItsKeysAndTellsAScheduledOne) {
  json e = {{"ID", "e-1"},
            {"Voided", false},
            {"Subject ID", "s-1"},
            {"Encounter type", "General Visit"},
            {"Encounter date time", "2024-02-01T10:00:00.000Z"},
            {"observations", {{"Weight", 50}}}};
  auto read = ReadEncounter(e.dump());
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->subject_uuid, "s-1");
  EXPECT_EQ(read->encounter_type, "General Visit");
  ASSERT_TRUE(read->when.has_value());
  EXPECT_EQ(read->observations.size(), 1u);
  e["Encounter date time"] = nullptr;
  read = ReadEncounter(e.dump());
  ASSERT_TRUE(read.has_value());
  EXPECT_FALSE(read->when.has_value());
  e["Encounter date time"] = "tomorrow";
  EXPECT_EQ(ReadEncounter(e.dump()).error().field, "Encounter date time");
}

}  // namespace
}  // namespace avni::integrations::bahmni
