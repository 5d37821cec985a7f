#pragma once
// Avni records read for OpenMRS: the parts of a subject that make a patient, and observations
// as OpenMRS obs. Pure: no I/O, so that every rule is tested without a server.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"
#include "integrations/bahmni/contract.hpp"
#include "mapping/observation_mapper.hpp"

namespace avni::integrations::bahmni {

// An Avni subject as the patient flow needs it.
struct Subject {
  std::string uuid;
  bool voided = false;
  std::string identifier;  // the identifier concept's value, without the prefix
  std::string given_name;
  std::string family_name;
  std::string gender;             // M, F or U (Avni's Male, Female, Other)
  std::string birthdate;          // yyyy-MM-dd; empty when Avni has none
  std::string registration_date;  // yyyy-MM-dd
  // The rest of its observations, by Avni concept name: the registration form's obs.
  std::vector<mapping::Observation> observations;
};

// Reads a subject as Avni's API answers it. Errors are data errors: a subject without an
// identifier ("SubjectIdNull: ..."), without a name or registration date, or not JSON.
Result<Subject> ReadSubject(std::string_view body, const Contract& contract);

// An Avni encounter (general or program) as an OpenMRS encounter needs it.
struct AvniEncounter {
  std::string uuid;
  bool voided = false;
  std::string subject_uuid;
  std::string encounter_type;
  std::string enrolment_uuid;     // program encounters only
  std::optional<Timestamp> when;  // "Encounter date time"; nullopt: scheduled or cancelled
  std::vector<mapping::Observation> observations;
};

Result<AvniEncounter> ReadEncounter(std::string_view body);

// Avni's observations object ({"concept name": value, ...}) as a list, blanks and nulls left
// out (an unanswered question), `except` names skipped (those a patient carries itself).
std::vector<mapping::Observation> ObservationsOf(const nlohmann::json& observations,
                                                 const std::vector<std::string_view>& except);

// The mapped observations (questions by OpenMRS uuid) as OpenMRS obs members ({"concept",
// "value"}): one obs per answer of a multi-select; by the question's data type hint, a Date as
// webservices.rest reads it with an explicit zone (2024-01-31T00:00:00.000+0000) and a
// DateTime converted to UTC in the same form.
nlohmann::json ObsMembers(const std::vector<mapping::Observation>& mapped,
                          const mapping::TenantMappings& mappings);

// The form's group obs holding `members` plus the Avni Entity UUID obs, and the Event Date obs
// when `event_date` is set (written on create only, as the Java service did).
nlohmann::json FormObs(const std::string& form_concept, nlohmann::json members,
                       const CommonRows& rows, const std::string& avni_uuid,
                       std::optional<std::string> event_date);

}  // namespace avni::integrations::bahmni
