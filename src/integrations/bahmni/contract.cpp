#include "integrations/bahmni/contract.hpp"

#include <fmt/format.h>

namespace avni::integrations::bahmni {
namespace {

// Collects every problem, so that one run's failure lists all of them.
class Reader {
 public:
  Reader(const TenantConfig& config, const mapping::TenantMappings& mappings)
      : config_(config), mappings_(mappings) {}

  std::string Text(std::string_view key, std::string_view example) {
    auto value = config_.Text(key, example);
    if (!value) return Note(value.error()), "";
    return *value;
  }

  // The only live row of (group, type): its int_system_value (`avni_side` false) or avni_value.
  std::string Single(std::string_view group, std::string_view type, bool avni_side,
                     std::string_view what, bool required = true) {
    const auto found = mappings_.RowsOf(group, type);
    if (found.empty()) {
      if (required) {
        Note(Error::InvalidArgument(
            fmt::format("{} / {}", group, type),
            fmt::format("mapping {} / {} is missing: add one row of group {}, type {} whose {} is "
                        "{}",
                        group, type, group, type, avni_side ? "avni_value" : "int_system_value",
                        what)));
      }
      return "";
    }
    if (found.size() > 1) {
      Note(Error::InvalidArgument(
          fmt::format("{} / {}", group, type),
          fmt::format("mapping {} / {} has {} live rows where one is expected: void all but one",
                      group, type, found.size())));
      return "";
    }
    const auto& row = found.front();
    const std::string_view value = avni_side ? row.avni_value : row.int_value;
    if (value.empty() || value == "-") {
      Note(
          Error::InvalidArgument(fmt::format("{} / {}", group, type),
                                 fmt::format("mapping {} / {} has no {}: set it to {}", group, type,
                                             avni_side ? "avni_value" : "int_system_value", what)));
      return "";
    }
    return std::string(value);
  }

  Status Done() const {
    if (problems_.empty()) return {};
    if (problems_.size() == 1) return Fail(problems_.front());
    std::string message = fmt::format("the Bahmni settings have {} problems:", problems_.size());
    for (const auto& p : problems_) message += "\n" + p.message;
    return Fail(Error::InvalidArgument(problems_.front().field, std::move(message)));
  }

 private:
  void Note(Error e) { problems_.push_back(std::move(e)); }

  const TenantConfig& config_;
  const mapping::TenantMappings& mappings_;
  std::vector<Error> problems_;
};

constexpr std::string_view kUuid = "an OpenMRS uuid";

}  // namespace

Result<Contract> ReadContract(const TenantConfig& config, const mapping::TenantMappings& mappings) {
  Reader r(config, mappings);
  Contract c;
  Constants& k = c.constants;
  k.identifier_prefix = r.Text("BahmniIdentifierPrefix", "GAN");
  k.provider = r.Text("IntegrationBahmniProvider", "the uuid of an OpenMRS provider");
  k.encounter_role = r.Text("IntegrationBahmniEncounterRole", "the uuid of an encounter role");
  k.location = r.Text("IntegrationBahmniLocation", "the uuid of an OpenMRS location");
  k.identifier_type =
      r.Text("IntegrationBahmniIdentifierType", "the uuid of a patient identifier type");
  k.visit_type = r.Text("IntegrationBahmniVisitType", "the uuid of the registration visit type");
  k.outpatient_visit_types = config.List("OutpatientVisitTypes");
  k.avni_subject_type = r.Text("IntegrationAvniSubjectType", "Individual");
  k.avni_patient_encounter_type =
      config.TextOr("AvniPatientRegistrationEncounterType", "Bahmni Patient Registration");

  using namespace rows;
  CommonRows& w = c.rows;
  w.avni_uuid_concept = r.Single(kCommon, "AvniUUID_Concept", false,
                                 "the uuid of the Text concept 'Avni Entity UUID'");
  w.event_date_concept = r.Single(kCommon, "AvniEventDate_Concept", false,
                                  "the uuid of the Date concept 'Event Date'");
  w.program_data_concept = r.Single(kCommon, "AvniProgramData_Concept", false,
                                    "the uuid of the Text concept 'Program Data'", false);
  w.avni_uuid_visit_attribute =
      r.Single(kCommon, "AvniUUID_VisitAttributeType", false, "a visit attribute type uuid");
  w.event_date_visit_attribute =
      r.Single(kCommon, "AvniEventDate_VisitAttributeType", false, "a visit attribute type uuid");
  w.bahmni_uuid_concept = r.Single(kCommon, "BahmniUUID_Concept", true,
                                   "the name of the Avni Text concept that holds the OpenMRS uuid");
  w.identifier_concept =
      r.Single(kPatientSubject, "PatientIdentifier_Concept", true,
               "the name of the Avni concept that holds the patient identifier (without prefix)");
  w.registration_encounter_type =
      r.Single(kPatientSubject, "Subject_EncounterType", false, "an encounter type uuid");
  w.registration_form = r.Single(kPatientSubject, "CommunityRegistration_BahmniForm", false,
                                 "the uuid of the registration form's concept set");
  if (auto done = r.Done(); !done) return Fail(done.error());
  return c;
}

Result<std::string> RowFor(const mapping::TenantMappings& mappings, std::string_view group,
                           std::string_view type, std::string_view avni_value,
                           std::string_view what) {
  const auto found = mappings.FindByAvniValue(group, type, avni_value);
  if (!found || found.value.empty() || found.value == "-") {
    return Fail(Error::InvalidArgument(
        fmt::format("{} / {}", group, type),
        fmt::format("no mapping {} / {} for '{}': add a row of group {}, type {}, avni_value "
                    "'{}' whose int_system_value is {}",
                    group, type, avni_value, group, type, avni_value, what)));
  }
  return std::string(found.value);
}

}  // namespace avni::integrations::bahmni
