#include "integrations/bahmni/bahmni_to_avni.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace avni::integrations::bahmni {

using nlohmann::json;

Result<sync::Outgoing> PatientTransform::Apply(const sync::SourceRecord& record) {
  sync::Outgoing out;
  out.key = record.id;
  if (record.body.empty()) {  // purged from OpenMRS after the feed entry was written
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  const json doc = json::parse(record.body, nullptr, /*allow_exceptions=*/false);
  auto patient = openmrs::ReadPatient(doc);
  if (!patient) return Fail(patient.error());
  const Contract& k = context_.contract;
  const std::string& prefix = k.constants.identifier_prefix;
  std::string identifier;
  for (const auto& id : patient->identifiers) {
    if (id.identifier.starts_with(prefix) && id.identifier.size() > prefix.size() &&
        (id.identifier_type == k.constants.identifier_type || identifier.empty())) {
      identifier = id.identifier.substr(prefix.size());
    }
  }
  if (identifier.empty()) {  // not one of the integration's patients (no prefix)
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  json body = {{"identifier", identifier}, {"patient", patient->uuid}};
  if (patient->voided) {
    out.action = sync::Outgoing::Action::kVoid;
    out.body = body.dump();
    return out;
  }
  // Mapped person attributes; attribute types without a row are not synced (rows opt in).
  const auto& m = *context_.mappings;
  json observations = json::object();
  std::vector<Error> errors;
  for (const auto& a : patient->person.attributes) {
    if (a.voided) continue;
    const auto concept_name =
        m.FindByIntValue(rows::kPatientSubject, "PersonAttributeConcept", a.attribute_type);
    if (!concept_name) continue;
    if (a.value.is_object()) {  // a concept: its answer's Avni name
      const std::string answer = a.value.value("uuid", "");
      const auto name = m.FindByIntValue(rows::kObservation, rows::kConcept, answer);
      if (!name) {
        errors.push_back(Error::InvalidArgument(
            std::string(concept_name.value),
            fmt::format("no mapping for answer {} of person attribute '{}': add a row of group "
                        "Observation, type Concept whose int_system_value is {}",
                        answer, concept_name.value, answer)));
        continue;
      }
      observations[std::string(concept_name.value)] = std::string(name.value);
    } else if (!a.value.is_null()) {
      observations[std::string(concept_name.value)] = a.value;
    }
  }
  if (!errors.empty()) return Fail(mapping::Combine(errors));
  observations[k.rows.bahmni_uuid_concept] = patient->uuid;
  body["observations"] = std::move(observations);
  const std::string created = doc.value(json::json_pointer("/auditInfo/dateCreated"), "");
  const auto when = openmrs::ParseOpenmrsTime(created);
  body["when"] = FormatIso8601(when ? *when : context_.clock.Now());
  out.body = body.dump();
  return out;
}

Result<std::optional<std::string>> AvniRegistrationSink::Find(const sync::Outgoing& out) {
  // By External ID: also what the Java service wrote for this patient.
  auto found = context_.avni->Get(avniapi::Resource::kEncounter, out.key);
  if (!found) return Fail(found.error());
  if (!*found) return std::nullopt;
  return std::optional<std::string>((*found)->id);
}

Result<std::string> AvniRegistrationSink::Upsert(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  const Contract& k = context_.contract;
  const std::string identifier = body->at("identifier");
  auto found = context_.SubjectsWithId(identifier);
  if (!found) return Fail(found.error());
  const std::vector<std::string>& live = *found;
  if (live.empty()) {
    return Fail(Error::InvalidArgument(
        k.rows.identifier_concept,
        fmt::format("NoSubjectWithId: Avni has no {} subject whose '{}' is {} (patient {})",
                    k.constants.avni_subject_type, k.rows.identifier_concept, identifier,
                    out.key)));
  }
  if (live.size() > 1) {
    return Fail(Error::InvalidArgument(
        k.rows.identifier_concept,
        fmt::format("MultipleSubjectsWithId: subjects {} and {} both hold {} '{}' (patient {})",
                    live[0], live[1], k.rows.identifier_concept, identifier, out.key)));
  }
  const json encounter = {{"External ID", out.key},
                          {"Encounter type", k.constants.avni_patient_encounter_type},
                          {"Subject ID", live.front()},
                          {"Encounter date time", body->at("when")},
                          {"observations", body->at("observations")}};
  auto written = context_.avni->Create(avniapi::Resource::kEncounter, encounter.dump());
  if (!written) return Fail(written.error());
  return written->id;
}

Result<std::string> AvniRegistrationSink::Create(const sync::Outgoing& out) { return Upsert(out); }

Status AvniRegistrationSink::Update(std::string_view, const sync::Outgoing& out) {
  auto written = Upsert(out);
  if (!written) return Fail(written.error());
  return {};
}

Status AvniRegistrationSink::Void(std::string_view destination_id, const sync::Outgoing&) {
  auto voided = context_.avni->Void(avniapi::Resource::kEncounter, destination_id);
  if (!voided) return Fail(voided.error());
  return {};
}

}  // namespace avni::integrations::bahmni
