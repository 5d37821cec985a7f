#pragma once

#include <memory>

#include "integrations/integration.hpp"

namespace avni::integrations::bahmni {

// The "bahmni" integration: Avni and Bahmni (OpenMRS) in step, with the Java service's mapping
// rows and constants (README, "The Bahmni integration"). Tenant config: the Avni keys
// (avni_api_url, ...), the OpenMRS keys (openmrs_base_url, openmrs_user, openmrs_password) and
// the Bahmni constants (BahmniIdentifierPrefix, ...). Flows, in dependency order:
//   Subject    Avni subjects -> patients, registration visits and encounters
//   Encounter  Avni general encounters -> encounters in the registration visit (needs Subject)
//   ProgramEnrolment  Avni enrolments -> a visit per enrolment with its enrolment and exit
//              encounters (needs Subject)
//   ProgramEncounter  Avni program encounters -> encounters in their enrolment's visit
//              (needs ProgramEnrolment)
//   Patient    the OpenMRS patient feed -> the Avni subject's "Bahmni Patient Registration"
//              encounter
//   BahmniEncounter  the OpenMRS encounter feed -> Avni encounters and program encounters per
//              form, lab results and drug orders (needs Patient)
// `bahmni_flows` (comma-separated flow names; default all) chooses which of them run.
Result<std::unique_ptr<sync::FlowSet>> MakeFlows(const Services& services, const RunInputs& run);

}  // namespace avni::integrations::bahmni
