// `bahmni check`: does this tenant's Bahmni configuration work? Reads the OpenMRS keys, the
// constants and the mapping rows, signs in to OpenMRS and asks it for every uuid they name.
#include <iostream>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "integrations/bahmni/contract.hpp"
#include "mapping/mapping_cache.hpp"
#include "openmrs/client.hpp"

namespace avni::app {
namespace {

namespace bahmni = integrations::bahmni;

void Print(std::string_view name, bool ok, std::string_view text) {
  std::cout << fmt::format("  {:<8} {:<4} {}\n", name, ok ? "ok" : "FAIL", text);
}

struct Named {
  openmrs::MetadataType type;
  std::string uuid;
  std::string where;  // the key or mapping row that names it
};

// Every uuid the contract and the tenant's per-type rows name, once each.
std::vector<Named> UuidsToCheck(const bahmni::Contract& c, const mapping::TenantMappings& m) {
  using T = openmrs::MetadataType;
  std::vector<Named> out = {
      {T::kProvider, c.constants.provider, "IntegrationBahmniProvider"},
      {T::kEncounterRole, c.constants.encounter_role, "IntegrationBahmniEncounterRole"},
      {T::kLocation, c.constants.location, "IntegrationBahmniLocation"},
      {T::kPatientIdentifierType, c.constants.identifier_type, "IntegrationBahmniIdentifierType"},
      {T::kVisitType, c.constants.visit_type, "IntegrationBahmniVisitType"},
      {T::kConcept, c.rows.avni_uuid_concept, "Common / AvniUUID_Concept"},
      {T::kConcept, c.rows.event_date_concept, "Common / AvniEventDate_Concept"},
      {T::kVisitAttributeType, c.rows.avni_uuid_visit_attribute,
       "Common / AvniUUID_VisitAttributeType"},
      {T::kVisitAttributeType, c.rows.event_date_visit_attribute,
       "Common / AvniEventDate_VisitAttributeType"},
      {T::kEncounterType, c.rows.registration_encounter_type,
       "PatientSubject / Subject_EncounterType"},
      {T::kConcept, c.rows.registration_form, "PatientSubject / CommunityRegistration_BahmniForm"},
  };
  if (!c.rows.program_data_concept.empty()) {
    out.push_back({T::kConcept, c.rows.program_data_concept, "Common / AvniProgramData_Concept"});
  }
  for (const auto& type : c.constants.outpatient_visit_types) {
    out.push_back({T::kVisitType, type, "OutpatientVisitTypes"});
  }
  const std::vector<std::tuple<std::string_view, std::string_view, T>> per_type = {
      {bahmni::rows::kGeneralEncounter, "CommunityEncounter_EncounterType", T::kEncounterType},
      {bahmni::rows::kGeneralEncounter, "CommunityEncounter_BahmniForm", T::kConcept},
      {bahmni::rows::kGeneralEncounter, "EncounterType", T::kConcept},
      {bahmni::rows::kGeneralEncounter, "LabEncounterType", T::kEncounterType},
      // What the encounter feed reads: program forms, the program a form belongs to, and lab
      // encounter types kept under the program group.
      {bahmni::rows::kProgramEncounter, "EncounterType", T::kConcept},
      {bahmni::rows::kProgramEnrolment, "BahmniForm_CommunityProgram", T::kConcept},
      {bahmni::rows::kProgramEncounter, "LabEncounterType", T::kEncounterType},
      {bahmni::rows::kPatientSubject, "PersonAttributeConcept", T::kPersonAttributeType},
      {bahmni::rows::kObservation, bahmni::rows::kConcept, T::kConcept},
  };
  for (const auto& [group, type, kind] : per_type) {
    for (const auto& row : m.RowsOf(group, type)) {
      if (row.int_value.empty() || row.int_value == "-") continue;
      out.push_back({kind, std::string(row.int_value),
                     fmt::format("{} / {} '{}'", group, type, row.avni_value)});
    }
  }
  return out;
}

}  // namespace

int BahmniCheck(const GlobalOptions& global, const BahmniCheckOptions& options) {
  auto targets = TargetPolicyOf(options.targets);
  if (!targets) return Report(targets.error());
  auto ctx = OpenContext(global, /*migrate=*/false, 1);
  if (!ctx) return Report(ctx.error());
  auto tenant =
      ctx->store->Read([&](store::Tx& tx) { return tx.tenants().FindByName(options.tenant); });
  if (!tenant) return Report(tenant.error());
  auto values =
      ctx->store->Read([&](store::Tx& tx) { return tx.tenant(tenant->id).config().Read(); });
  if (!values) return Report(values.error());
  mapping::MappingCache cache(*ctx->store);
  auto mappings = cache.Get(tenant->id);
  if (!mappings) return Report(mappings.error());
  std::cout << fmt::format("Bahmni check for tenant \"{}\"\n", options.tenant);

  auto config = openmrs::ReadOpenmrsConfig(*values);
  if (!config) {
    Print("config", false, config.error().message);
    return 2;
  }
  Print("config", true, fmt::format("{} as {}", config->base_url, config->user));
  auto contract = bahmni::ReadContract(*values, **mappings);
  if (!contract) {
    Print("mappings", false, contract.error().message);
    return 2;
  }
  Print("mappings", true,
        fmt::format("constants and single-row mappings present ({} mappings in all)",
                    (*mappings)->size()));

  http::ClientOptions http_options;
  http_options.connect_timeout = std::chrono::seconds(options.timeout_seconds);
  http_options.read_timeout = std::chrono::seconds(options.timeout_seconds);
  http_options.total_timeout = std::chrono::seconds(options.timeout_seconds * 2);
  http_options.targets = *targets;
  openmrs::Client client(*config, http_options);
  if (auto login = client.Login(); !login) {
    Print("login", false, login.error().message);
    return http::IsRefusedTarget(login.error()) ? 2 : 1;
  }
  Print("login", true, fmt::format("signed in as {}", config->user));

  // Every uuid once; every one OpenMRS does not have is named with what names it.
  std::set<std::pair<openmrs::MetadataType, std::string>> asked;
  std::vector<std::string> missing;
  int checked = 0;
  for (const Named& n : UuidsToCheck(*contract, **mappings)) {
    if (!asked.insert({n.type, n.uuid}).second) continue;
    auto found = client.Exists(n.type, n.uuid);
    if (!found) {
      Print("metadata", false, found.error().message);
      return 1;
    }
    ++checked;
    if (!*found) {
      missing.push_back(
          fmt::format("{}: OpenMRS has no {} {}", n.where, openmrs::ResourceName(n.type), n.uuid));
    }
  }
  if (!missing.empty()) {
    Print("metadata", false,
          fmt::format("{} of {} uuids are not in OpenMRS:", missing.size(), checked));
    for (const auto& line : missing) std::cout << "           " << line << "\n";
    return 2;
  }
  Print("metadata", true, fmt::format("all {} uuids the settings name are in OpenMRS", checked));
  return 0;
}

}  // namespace avni::app
