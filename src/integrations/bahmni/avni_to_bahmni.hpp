#pragma once
// Avni -> Bahmni: subjects become patients with a registration visit and encounter; general
// encounters become encounters in that visit. Each flow is a transform (Avni record -> what
// OpenMRS needs, mapping every observation) and a sink (finds, creates, updates and voids in
// OpenMRS, idempotently: a write retried after a crash finds what the first attempt made).

#include <string>

#include "integrations/bahmni/context.hpp"
#include "sync/flow.hpp"

namespace avni::integrations::bahmni {

// The store's names of the flows (sync status, entity links, error records).
inline constexpr std::string_view kSubjectFlow = "Subject";
inline constexpr std::string_view kEncounterFlow = "Encounter";
inline constexpr std::string_view kEnrolmentFlow = "ProgramEnrolment";
inline constexpr std::string_view kProgramEncounterFlow = "ProgramEncounter";

// Subject -> {"subject", "identifier", "person", "date", "members"}; key: the subject uuid.
// A voided subject is kVoid (its registration encounter is voided; the patient is kept).
class SubjectTransform final : public sync::Transform {
 public:
  explicit SubjectTransform(Context& context) : context_(context) {}
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;

 private:
  Context& context_;
};

// The destination id is the registration encounter's uuid.
class PatientSink final : public sync::Sink {
 public:
  explicit PatientSink(Context& context) : context_(context) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  Context& context_;
};

// General encounter -> {"encounter", "subject", "type", "form", "when", "members"}; key: the
// encounter uuid. Skipped: types that come from Bahmni (the tenant's EncounterType,
// LabEncounterType and DrugOrderEncounterType rows) and encounters without a date (scheduled or
// cancelled). Voided: kVoid.
// With `program`, program encounters: their type and form from the ProgramEncounter /
// CommunityProgramEncounter_* rows, and "enrolment" in the body.
class EncounterTransform final : public sync::Transform {
 public:
  EncounterTransform(Context& context, bool program) : context_(context), program_(program) {}
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;

 private:
  Context& context_;
  bool program_;
};

// The destination id is the OpenMRS encounter's uuid. A general encounter goes in the subject's
// registration visit (made when missing); a program encounter in its enrolment's visit, which
// the enrolment flow makes ("NoEnrolmentVisit" until then).
class EncounterSink final : public sync::Sink {
 public:
  EncounterSink(Context& context, bool program) : context_(context), program_(program) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  Context& context_;
  bool program_;
};

// Program enrolment -> {"enrolment", "subject", "program", "visit_type", "enrol", "exit"}, where
// "enrol" and "exit" (null until the enrolment is exited) are {"type", "form", "when", "day",
// "members"}; key: the enrolment uuid. Rows: ProgramEnrolment / CommunityEnrolment_VisitType,
// _EncounterType and _BahmniForm, and CommunityEnrolmentExit_* once exited, by program name.
class EnrolmentTransform final : public sync::Transform {
 public:
  explicit EnrolmentTransform(Context& context) : context_(context) {}
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;

 private:
  Context& context_;
};

// One visit per enrolment (its Avni UUID attribute the enrolment's uuid), holding the enrolment
// encounter and, once exited, the exit encounter (stopping the visit). The destination id is the
// enrolment encounter's uuid. A void voids both encounters and the visit.
class EnrolmentSink final : public sync::Sink {
 public:
  explicit EnrolmentSink(Context& context) : context_(context) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  Context& context_;
};

}  // namespace avni::integrations::bahmni
