#include "integrations/bahmni/forms.hpp"

#include <optional>

#include <fmt/format.h>

#include "integrations/bahmni/to_openmrs.hpp"

namespace avni::integrations::bahmni {
namespace {

using nlohmann::json;

// The existing encounter's Event Date of `form`, so that an update keeps it (it is written on
// create only).
std::optional<std::string> ExistingEventDate(const openmrs::Encounter& existing,
                                             const std::string& form, const CommonRows& rows) {
  for (const auto& group : existing.obs) {
    if (group.concept_uuid != form) continue;
    for (const auto& m : group.group_members) {
      if (m.concept_uuid == rows.event_date_concept && m.value.is_string()) {
        return m.value.get<std::string>().substr(0, 10);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<openmrs::NewObs> FormNewObs(const json& form) {
  openmrs::NewObs group;
  group.concept_uuid = form.at("concept").get<std::string>();
  for (const json& m : form.at("groupMembers")) {
    group.group_members.push_back({m.at("concept").get<std::string>(), m.at("value"), {}});
  }
  return {std::move(group)};
}

Status UpdateForm(Context& c, std::string_view encounter_uuid, const std::string& form,
                  const json& members, const std::string& avni_uuid) {
  auto existing = c.openmrs->GetEncounter(encounter_uuid);
  if (!existing) return Fail(existing.error());
  if (!*existing || (*existing)->voided) {
    return Fail(Error::NotFound(fmt::format(
        "the OpenMRS encounter {} written for Avni {} is gone or voided in OpenMRS; void the "
        "entity link or restore it in Bahmni",
        encounter_uuid, avni_uuid)));
  }
  const json form_obs = FormObs(form, members, c.contract.rows, avni_uuid,
                                ExistingEventDate(**existing, form, c.contract.rows));
  auto sent = c.openmrs->UpdateEncounterObs(**existing, FormNewObs(form_obs));
  if (!sent) return Fail(sent.error());
  return {};
}

}  // namespace avni::integrations::bahmni
