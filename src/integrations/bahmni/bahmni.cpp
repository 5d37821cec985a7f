#include "integrations/bahmni/bahmni.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "avni/source.hpp"
#include "integrations/bahmni/avni_to_bahmni.hpp"
#include "integrations/bahmni/bahmni_to_avni.hpp"
#include "integrations/bahmni/context.hpp"
#include "integrations/bahmni/encounter_feed.hpp"
#include "openmrs/config.hpp"
#include "openmrs/feed_source.hpp"

namespace avni::integrations::bahmni {
namespace {

// One run's flows and everything they point into.
struct BahmniFlows final : sync::FlowSet {
  BahmniFlows(std::unique_ptr<Context> c, const Clock& clock)
      : context(std::move(c)),
        subjects(*context->avni, avniapi::Resource::kSubject,
                 {{"subjectType", context->contract.constants.avni_subject_type}}, clock),
        subject_transform(*context),
        patient_sink(*context),
        encounters(*context->avni, avniapi::Resource::kEncounter, {}, clock),
        encounter_transform(*context, /*program=*/false),
        encounter_sink(*context, /*program=*/false),
        enrolments(*context->avni, avniapi::Resource::kProgramEnrolment, {}, clock),
        enrolment_transform(*context),
        enrolment_sink(*context),
        program_encounters(*context->avni, avniapi::Resource::kProgramEncounter, {}, clock),
        program_encounter_transform(*context, /*program=*/true),
        program_encounter_sink(*context, /*program=*/true),
        patients(*context->openmrs, openmrs::FeedKind::kPatient),
        patient_transform(*context),
        registration_sink(*context),
        bahmni_encounters(*context->openmrs, openmrs::FeedKind::kEncounter, "Encounter"),
        bahmni_encounter_transform(*context),
        avni_encounter_sink(*context) {
    flows.push_back(
        sync::Flow{std::string(kSubjectFlow), &subjects, &subject_transform, &patient_sink, {}});
    flows.push_back(sync::Flow{std::string(kEncounterFlow),
                               &encounters,
                               &encounter_transform,
                               &encounter_sink,
                               {std::string(kSubjectFlow)}});
    flows.push_back(sync::Flow{std::string(kEnrolmentFlow),
                               &enrolments,
                               &enrolment_transform,
                               &enrolment_sink,
                               {std::string(kSubjectFlow)}});
    flows.push_back(sync::Flow{std::string(kProgramEncounterFlow),
                               &program_encounters,
                               &program_encounter_transform,
                               &program_encounter_sink,
                               {std::string(kEnrolmentFlow)}});
    flows.push_back(sync::Flow{
        std::string(kPatientFlow), &patients, &patient_transform, &registration_sink, {}});
    flows.push_back(sync::Flow{std::string(kBahmniEncounterFlow),
                               &bahmni_encounters,
                               &bahmni_encounter_transform,
                               &avni_encounter_sink,
                               {std::string(kPatientFlow)}});
  }

  std::unique_ptr<Context> context;
  avniapi::WatermarkSource subjects;
  SubjectTransform subject_transform;
  PatientSink patient_sink;
  avniapi::WatermarkSource encounters;
  EncounterTransform encounter_transform;
  EncounterSink encounter_sink;
  avniapi::WatermarkSource enrolments;
  EnrolmentTransform enrolment_transform;
  EnrolmentSink enrolment_sink;
  avniapi::WatermarkSource program_encounters;
  EncounterTransform program_encounter_transform;
  EncounterSink program_encounter_sink;
  openmrs::FeedSource patients;
  PatientTransform patient_transform;
  AvniRegistrationSink registration_sink;
  openmrs::FeedSource bahmni_encounters;
  EncounterFeedTransform bahmni_encounter_transform;
  AvniEncounterSink avni_encounter_sink;
};

// The flows `bahmni_flows` names (all when it is not set), in their order, each keeping up to
// `write_concurrency` records in flight. A flow whose dependency is not run keeps only the
// dependencies that are (its records wait, parked, for a parent another deployment writes).
// kInvalidArgument naming an unknown flow or a concurrency out of range.
Status SelectFlows(const TenantConfig& config, std::vector<sync::Flow>& flows) {
  auto concurrency = config.Int("write_concurrency", 4, 1, sync::kMaxWriteConcurrency);
  if (!concurrency) return Fail(concurrency.error());
  for (auto& flow : flows) flow.write_concurrency = static_cast<int>(*concurrency);
  const std::vector<std::string> wanted = config.List("bahmni_flows");
  if (wanted.empty()) return {};
  std::vector<std::string> known;
  for (const auto& f : flows) known.push_back(f.entity_type);
  for (const auto& name : wanted) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return Fail(Error::InvalidArgument(
          "bahmni_flows", fmt::format("bahmni_flows names '{}', which is not a flow: give a comma-"
                                      "separated list of {}",
                                      name, fmt::join(known, ", "))));
    }
  }
  const auto chosen = [&wanted](const std::string& name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  };
  std::erase_if(flows, [&](const sync::Flow& f) { return !chosen(f.entity_type); });
  for (auto& f : flows) {
    std::erase_if(f.depends_on, [&](const std::string& d) { return !chosen(d); });
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<sync::FlowSet>> MakeFlows(const Services& services, const RunInputs& run) {
  auto contract = ReadContract(run.config, *run.mappings);
  if (!contract) return Fail(contract.error());
  auto avni_config = avniapi::ReadAvniConfig(run.config);
  if (!avni_config) return Fail(avni_config.error());
  auto openmrs_config = openmrs::ReadOpenmrsConfig(run.config);
  if (!openmrs_config) return Fail(openmrs_config.error());
  auto context = std::make_unique<Context>(
      std::move(*contract), run.mappings,
      std::make_unique<avniapi::Client>(std::move(*avni_config), services.clock, services.http),
      std::make_unique<openmrs::Client>(std::move(*openmrs_config), services.http), services.clock);
  auto flows = std::make_unique<BahmniFlows>(std::move(context), services.clock);
  if (auto selected = SelectFlows(run.config, flows->flows); !selected) {
    return Fail(selected.error());
  }
  return std::unique_ptr<sync::FlowSet>(std::move(flows));
}

}  // namespace avni::integrations::bahmni
