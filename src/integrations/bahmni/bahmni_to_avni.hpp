#pragma once
// Bahmni -> Avni: the patient feed. Each patient with the tenant's identifier prefix becomes
// (or updates) an Avni encounter of the registration type ("Bahmni Patient Registration") on
// the subject that holds the identifier without the prefix: its mapped person attributes and
// the Bahmni Entity UUID obs, written with the patient's uuid as External ID (an upsert, as
// the Java service wrote it, so that what it wrote is updated, never duplicated).

#include <string>

#include "integrations/bahmni/context.hpp"
#include "sync/flow.hpp"

namespace avni::integrations::bahmni {

inline constexpr std::string_view kPatientFlow = "Patient";

// Patient (v=full JSON; empty when purged) -> {"identifier", "patient", "when",
// "observations"}; key: the patient uuid. Skipped: a purged patient, one without the prefix.
// Voided: kVoid (the Avni encounter is voided).
class PatientTransform final : public sync::Transform {
 public:
  explicit PatientTransform(Context& context) : context_(context) {}
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;

 private:
  Context& context_;
};

// The destination id is the Avni encounter's ID.
class AvniRegistrationSink final : public sync::Sink {
 public:
  explicit AvniRegistrationSink(Context& context) : context_(context) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  // POST with the External ID: creates or updates.
  Result<std::string> Upsert(const sync::Outgoing& out);
  Context& context_;
};

}  // namespace avni::integrations::bahmni
