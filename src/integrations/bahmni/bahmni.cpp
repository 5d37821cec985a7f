#include "integrations/bahmni/bahmni.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "avni/source.hpp"
#include "integrations/bahmni/avni_to_bahmni.hpp"
#include "integrations/bahmni/bahmni_to_avni.hpp"
#include "integrations/bahmni/context.hpp"
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
        registration_sink(*context) {
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
};

// Keeps the flows `bahmni_flows` names (every flow when it is not set) and sets how many
// records each keeps in flight. A flow that depends on one left out no longer waits for it:
// its parent is then written some other way, and a missing one is still a data error naming it.
Status Select(const TenantConfig& config, std::vector<sync::Flow>& flows) {
  auto concurrency = config.Int("write_concurrency", 4, 1, sync::kMaxWriteConcurrency);
  if (!concurrency) return Fail(concurrency.error());
  for (auto& flow : flows) flow.write_concurrency = static_cast<int>(*concurrency);
  const auto wanted = config.List("bahmni_flows");
  if (wanted.empty()) return {};
  std::string known;
  for (const auto& flow : flows) known += (known.empty() ? "" : ", ") + flow.entity_type;
  for (const auto& name : wanted) {
    if (std::ranges::none_of(flows, [&](const sync::Flow& f) { return f.entity_type == name; })) {
      return Fail(Error::InvalidArgument(
          "bahmni_flows", fmt::format("config bahmni_flows names '{}', which is not a Bahmni "
                                      "flow; use a comma-separated list of: {}",
                                      name, known)));
    }
  }
  const auto chosen = [&](const std::string& name) {
    return std::ranges::find(wanted, name) != wanted.end();
  };
  std::erase_if(flows, [&](const sync::Flow& f) { return !chosen(f.entity_type); });
  for (auto& flow : flows) std::erase_if(flow.depends_on, [&](auto& d) { return !chosen(d); });
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
  if (auto selected = Select(run.config, flows->flows); !selected) return Fail(selected.error());
  return std::unique_ptr<sync::FlowSet>(std::move(flows));
}

}  // namespace avni::integrations::bahmni
