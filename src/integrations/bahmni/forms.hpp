#pragma once
// A Bahmni form as the Avni -> Bahmni flows write it: one group obs of the form's concept set
// holding the mapped observations, the Avni Entity UUID obs and (on create) the Event Date obs.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "integrations/bahmni/context.hpp"

namespace avni::integrations::bahmni {

// The obs to send for a form built by FormObs (to_openmrs.hpp).
std::vector<openmrs::NewObs> FormNewObs(const nlohmann::json& form);

// Brings the form of encounter `encounter_uuid` to `members` (plus the Avni Entity UUID obs, and
// the Event Date it was created with), sending only what changed. A data error (not found) when
// the encounter is gone or voided in OpenMRS.
Status UpdateForm(Context& c, std::string_view encounter_uuid, const std::string& form,
                  const nlohmann::json& members, const std::string& avni_uuid);

}  // namespace avni::integrations::bahmni
