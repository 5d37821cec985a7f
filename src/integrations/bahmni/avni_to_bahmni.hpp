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
class EncounterTransform final : public sync::Transform {
 public:
  explicit EncounterTransform(Context& context) : context_(context) {}
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;

 private:
  Context& context_;
};

// The destination id is the OpenMRS encounter's uuid.
class EncounterSink final : public sync::Sink {
 public:
  explicit EncounterSink(Context& context) : context_(context) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  Context& context_;
};

}  // namespace avni::integrations::bahmni
