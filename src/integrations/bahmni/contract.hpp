#pragma once
// What a tenant's Bahmni integration reads from its config and mapping rows before a run: the
// same constants and rows the Java service read (reference: bahmni-mappings.md), so that a
// tenant moved from it keeps its settings. Read once per run from the run's mapping snapshot.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/tenant_config.hpp"
#include "mapping/tenant_mappings.hpp"

namespace avni::integrations::bahmni {

// Mapping groups and types, as the Java service named them.
namespace rows {
inline constexpr std::string_view kCommon = "Common";
inline constexpr std::string_view kPatientSubject = "PatientSubject";
inline constexpr std::string_view kGeneralEncounter = "GeneralEncounter";
inline constexpr std::string_view kProgramEnrolment = "ProgramEnrolment";
inline constexpr std::string_view kProgramEncounter = "ProgramEncounter";
inline constexpr std::string_view kObservation = "Observation";
inline constexpr std::string_view kConcept = "Concept";
}  // namespace rows

// The tenant's constants (config keys named as the Java service's constants).
struct Constants {
  std::string identifier_prefix;  // BahmniIdentifierPrefix: patient id = prefix + Avni id
  std::string provider;           // IntegrationBahmniProvider
  std::string encounter_role;     // IntegrationBahmniEncounterRole
  std::string location;           // IntegrationBahmniLocation
  std::string identifier_type;    // IntegrationBahmniIdentifierType
  std::string visit_type;         // IntegrationBahmniVisitType: the registration visit
  std::vector<std::string> outpatient_visit_types;  // OutpatientVisitTypes
  std::string avni_subject_type;                    // IntegrationAvniSubjectType
  // AvniPatientRegistrationEncounterType (ours; the Java service's fixed name by default): the
  // Avni encounter type a Bahmni patient's attributes are written to.
  std::string avni_patient_encounter_type;
};

// The single-row settings kept as mapping rows.
struct CommonRows {
  std::string avni_uuid_concept;            // Common / AvniUUID_Concept: OpenMRS Text concept
  std::string event_date_concept;           // Common / AvniEventDate_Concept: OpenMRS Date concept
  std::string program_data_concept;         // Common / AvniProgramData_Concept (optional)
  std::string avni_uuid_visit_attribute;    // Common / AvniUUID_VisitAttributeType
  std::string event_date_visit_attribute;   // Common / AvniEventDate_VisitAttributeType
  std::string bahmni_uuid_concept;          // Common / BahmniUUID_Concept: the Avni concept name
  std::string identifier_concept;           // PatientSubject / PatientIdentifier_Concept: Avni name
  std::string registration_encounter_type;  // PatientSubject / Subject_EncounterType
  std::string registration_form;            // PatientSubject / CommunityRegistration_BahmniForm
};

struct Contract {
  Constants constants;
  CommonRows rows;
};

// Reads both, naming every missing or malformed key and row at once (one error, one line each)
// so that an administrator fixes them in one pass. kInvalidArgument.
Result<Contract> ReadContract(const TenantConfig& config, const mapping::TenantMappings& mappings);

// The int_system_value of the only live row of (group, type) whose avni_value is `avni_value`,
// or an error that says which row to add: for per-type rows read per record (an encounter
// type's OpenMRS encounter type and form).
Result<std::string> RowFor(const mapping::TenantMappings& mappings, std::string_view group,
                           std::string_view type, std::string_view avni_value,
                           std::string_view what);

}  // namespace avni::integrations::bahmni
