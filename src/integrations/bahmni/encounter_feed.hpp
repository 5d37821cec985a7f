#pragma once
// Bahmni -> Avni: the encounter feed. Each OpenMRS encounter of a patient whose Avni
// registration encounter exists (the Patient flow writes it) becomes Avni encounters, as the
// tenant's rows say:
//   - each top-level form obs (a group obs) whose concept has a GeneralEncounter / EncounterType
//     row: an Avni encounter of that row's type; with a ProgramEncounter / EncounterType row, a
//     program encounter in the subject's enrolment of the program its
//     ProgramEnrolment / BahmniForm_CommunityProgram row names, open at the encounter's time;
//   - a lab encounter (its type the LabEncounterType row's, in a visit of one of the
//     OutpatientVisitTypes): one Avni encounter of all its leaf obs;
//   - its drug orders (in an outpatient visit): one DrugOrderEncounterType encounter holding
//     them as text in the DrugOrderConcept.
// Each is written with the Bahmni Entity UUID obs (the OpenMRS encounter's uuid) and an External
// ID, found first by that obs (what the Java service wrote is updated, never duplicated). Every
// leaf obs maps through Observation / Concept rows: an unmapped question or answer is an error
// naming it. Encounters this service wrote (they carry the Avni Entity UUID obs) are skipped, so
// the two directions never echo.

#include <string>

#include "integrations/bahmni/context.hpp"
#include "sync/flow.hpp"

namespace avni::integrations::bahmni {

inline constexpr std::string_view kBahmniEncounterFlow = "BahmniEncounter";

// Encounter (v=full JSON; empty when purged) -> {"encounter", "patient", "when", "writes"},
// each write {"type", "program" (empty for a general encounter), "external_id",
// "observations"}; key: the encounter uuid. Skipped: a purged encounter, one this service wrote,
// one with nothing mapped to write. Voided: kVoid (its Avni encounters are voided).
class EncounterFeedTransform final : public sync::Transform {
 public:
  explicit EncounterFeedTransform(Context& context) : context_(context) {}
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;

 private:
  Context& context_;
};

// Writes each Avni encounter of a record by POST with its External ID (an upsert), or by PUT on
// the one found by the Bahmni Entity UUID obs without it. The destination id is the Avni IDs
// written first, comma-separated; a void finds every Avni encounter of the record again by the
// obs, of every type the rows map.
class AvniEncounterSink final : public sync::Sink {
 public:
  explicit AvniEncounterSink(Context& context) : context_(context) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  Result<std::string> Upsert(const sync::Outgoing& out);
  Context& context_;
};

}  // namespace avni::integrations::bahmni
