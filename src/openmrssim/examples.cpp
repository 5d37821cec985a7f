#include "openmrssim/examples.hpp"

#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace avni::openmrssim {
namespace {

struct Row {
  std::string group;
  std::string type;
  std::string avni_value;
  std::string int_system_value;
  std::string hint;
  std::string about;
};

// RFC 4180: quoted when the field holds a comma, a quote or a line break.
std::string Field(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string HintOf(Datatype datatype) {
  switch (datatype) {
    case Datatype::kCoded:
      return "Coded";
    case Datatype::kNumeric:
      return "Numeric";
    case Datatype::kDate:
      return "Date";
    case Datatype::kDatetime:
      return "DateTime";
    case Datatype::kText:
      return "Text";
    case Datatype::kNA:
      return "NA";
  }
  return "NA";
}

// Names on the Avni side that the Avni simulator's defaults do not have
// (examples/bahmni/avni-metadata.json adds them).
constexpr const char* kAvniIdentifierConcept = "Registration Number";
constexpr const char* kAvniBahmniUuidConcept = "Bahmni Entity UUID";
constexpr const char* kAvniDrugOrderConcept = "Prescribed drugs";
constexpr const char* kAvniVitalsEncounterType = "Bahmni Vitals";
constexpr const char* kAvniLabEncounterType = "Lab Results";
constexpr const char* kAvniDrugOrderEncounterType = "Drug Orders";
constexpr const char* kAvniRegistrationEncounterType = "Bahmni Patient Registration";

}  // namespace

std::string MappingCsv(const Metadata& m) {
  std::vector<Row> rows;
  const auto concept_uuid = [&m](std::string_view name) { return m.ConceptUuid(name); };
  // Common: what every encounter and visit the integration writes carries.
  rows.push_back({"Common", "AvniUUID_Concept", std::string(kAvniUuidConcept),
                  concept_uuid(kAvniUuidConcept), "Text",
                  "Obs holding the Avni entity uuid on every encounter written"});
  rows.push_back({"Common", "AvniEventDate_Concept", std::string(kEventDateConcept),
                  concept_uuid(kEventDateConcept), "Date", "Event date obs"});
  rows.push_back({"Common", "AvniProgramData_Concept", std::string(kProgramDataConcept),
                  concept_uuid(kProgramDataConcept), "Text",
                  "Enrolment and exit encounters: <program> - Enrolment - dd-MM-yyyy"});
  rows.push_back({"Common", "AvniUUID_VisitAttributeType", std::string(kAvniUuidVisitAttribute),
                  m.UuidOf("visitattributetype", kAvniUuidVisitAttribute), "Text",
                  "Visit attribute holding the Avni entity uuid"});
  rows.push_back({"Common", "AvniEventDate_VisitAttributeType",
                  std::string(kEventDateVisitAttribute),
                  m.UuidOf("visitattributetype", kEventDateVisitAttribute), "Date",
                  "Visit attribute holding the event date"});
  rows.push_back({"Common", "BahmniUUID_Concept", kAvniBahmniUuidConcept, "-", "Text",
                  "Avni Text concept holding the OpenMRS uuid (Bahmni -> Avni)"});
  // PatientSubject.
  rows.push_back({"PatientSubject", "PatientIdentifier_Concept", kAvniIdentifierConcept, "-",
                  "Text", "Avni concept holding the patient identifier without the prefix"});
  rows.push_back({"PatientSubject", "Subject_EncounterType", "Individual",
                  m.UuidOf("encountertype", "Avni Registration"), "NA",
                  "Encounter type of the registration encounter"});
  rows.push_back({"PatientSubject", "CommunityRegistration_BahmniForm", "Individual",
                  concept_uuid("Avni Registration Form"), "NA",
                  "Form concept set of the registration encounter"});
  rows.push_back({"PatientSubject", "PersonAttributeConcept", "Phone number",
                  m.UuidOf("personattributetype", kPhoneAttributeType), "Text",
                  "Person attribute read into the Avni registration encounter"});
  // GeneralEncounter.
  rows.push_back({"GeneralEncounter", "CommunityEncounter_EncounterType", "General Visit",
                  m.UuidOf("encountertype", "Avni General Visit"), "NA", ""});
  rows.push_back({"GeneralEncounter", "CommunityEncounter_BahmniForm", "General Visit",
                  concept_uuid("Avni General Visit Form"), "NA", ""});
  rows.push_back({"GeneralEncounter", "EncounterType", kAvniVitalsEncounterType,
                  concept_uuid("Vitals"), "NA", "Bahmni form read into an Avni encounter"});
  rows.push_back({"GeneralEncounter", "LabEncounterType", kAvniLabEncounterType,
                  m.UuidOf("encountertype", kLabEncounterType), "NA",
                  "Lab results (in outpatient visits) read into one Avni encounter"});
  rows.push_back({"GeneralEncounter", "DrugOrderEncounterType", kAvniDrugOrderEncounterType,
                  m.UuidOf("encountertype", kConsultationEncounterType), "NA",
                  "Drug orders (in outpatient visits) read into one Avni encounter"});
  rows.push_back({"GeneralEncounter", "DrugOrderConcept", kAvniDrugOrderConcept, "-", "Text",
                  "Avni Text concept holding the drug orders"});
  // ProgramEnrolment and ProgramEncounter.
  rows.push_back({"ProgramEnrolment", "CommunityEnrolment_EncounterType", "Maternal Health",
                  m.UuidOf("encountertype", "Avni Maternal Health Enrolment"), "NA", ""});
  rows.push_back({"ProgramEnrolment", "CommunityEnrolment_BahmniForm", "Maternal Health",
                  concept_uuid("Avni Maternal Health Enrolment Form"), "NA", ""});
  rows.push_back({"ProgramEnrolment", "CommunityEnrolmentExit_EncounterType", "Maternal Health",
                  m.UuidOf("encountertype", "Avni Maternal Health Exit"), "NA", ""});
  rows.push_back({"ProgramEnrolment", "CommunityEnrolmentExit_BahmniForm", "Maternal Health",
                  concept_uuid("Avni Maternal Health Exit Form"), "NA", ""});
  rows.push_back({"ProgramEnrolment", "CommunityEnrolment_VisitType", "Maternal Health",
                  m.UuidOf("visittype", "Maternal Health Enrolment"), "NA", ""});
  rows.push_back({"ProgramEncounter", "CommunityProgramEncounter_EncounterType", "Monthly Visit",
                  m.UuidOf("encountertype", "Avni Monthly Visit"), "NA", ""});
  rows.push_back({"ProgramEncounter", "CommunityProgramEncounter_BahmniForm", "Monthly Visit",
                  concept_uuid("Avni Monthly Visit Form"), "NA", ""});
  // Observation/Concept: every question and answer both sides know, by name.
  for (const ConceptDef& c : m.Concepts()) {
    if (c.set || c.name == kAvniUuidConcept || c.name == kEventDateConcept ||
        c.name == kProgramDataConcept) {
      continue;
    }
    rows.push_back({"Observation", "Concept", c.name, c.uuid, HintOf(c.datatype),
                    c.datatype == Datatype::kNA ? "answer" : ""});
  }
  std::string csv = "group,type,avni_value,int_system_value,data_type_hint,about\r\n";
  for (const Row& r : rows) {
    csv += fmt::format("{},{},{},{},{},{}\r\n", Field(r.group), Field(r.type), Field(r.avni_value),
                       Field(r.int_system_value), Field(r.hint), Field(r.about));
  }
  return csv;
}

std::string ConfigJson(const Metadata& m, const SimOptions& options) {
  const auto item = [](const char* key, const std::string& value) {
    return nlohmann::ordered_json{{"key", key}, {"value", value}};
  };
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  items.push_back(item("BahmniIdentifierPrefix", options.identifier_prefix));
  items.push_back(item("IntegrationBahmniProvider", m.UuidOf("provider", kProvider)));
  items.push_back(
      item("IntegrationBahmniEncounterRole", m.UuidOf("encounterrole", kEncounterRole)));
  items.push_back(item("IntegrationBahmniLocation", m.UuidOf("location", kLocation)));
  items.push_back(
      item("IntegrationBahmniIdentifierType", m.UuidOf("patientidentifiertype", kIdentifierType)));
  items.push_back(item("IntegrationBahmniVisitType", m.UuidOf("visittype", kIntegrationVisitType)));
  items.push_back(item("OutpatientVisitTypes",
                       m.UuidOf("visittype", "OPD") + "," + m.UuidOf("visittype", "Emergency")));
  items.push_back(item("IntegrationAvniSubjectType", "Individual"));
  return nlohmann::ordered_json{{"items", std::move(items)}}.dump(2) + "\n";
}

std::string AvniMetadataJson() {
  const auto concept_def = [](const char* name, const char* type) {
    return nlohmann::ordered_json{{"name", name}, {"dataType", type}};
  };
  nlohmann::ordered_json body;
  body["encounterTypes"] = {"General Visit",
                            "Monthly Visit",
                            kAvniVitalsEncounterType,
                            kAvniLabEncounterType,
                            kAvniDrugOrderEncounterType,
                            kAvniRegistrationEncounterType};
  body["concepts"] = {
      concept_def(kAvniIdentifierConcept, "Text"), concept_def(kAvniBahmniUuidConcept, "Text"),
      concept_def(kAvniDrugOrderConcept, "Text"), concept_def("Haemoglobin", "Numeric")};
  return body.dump(2) + "\n";
}

}  // namespace avni::openmrssim
