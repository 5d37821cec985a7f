#include "integrations/bahmni/context.hpp"

#include <fmt/format.h>

#include "integrations/bahmni/to_openmrs.hpp"

namespace avni::integrations::bahmni {

Result<nlohmann::json> OutgoingBody(const sync::Outgoing& out) {
  nlohmann::json body = nlohmann::json::parse(out.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return Fail(Error::Internal("a Bahmni outgoing record is not JSON"));
  return body;
}

Result<std::optional<openmrs::Patient>> Context::FindPatient(const std::string& identifier) {
  auto found = openmrs->FindPatientsByIdentifier(identifier);
  if (!found) return Fail(found.error());
  std::erase_if(*found, [](const openmrs::Patient& p) { return p.voided; });
  if (found->empty()) return std::nullopt;
  if (found->size() > 1) {
    return Fail(Error::InvalidArgument(
        "identifier", fmt::format("MultiplePatientsWithId: {} OpenMRS patients hold identifier "
                                  "{} ({} and {}); merge them in Bahmni",
                                  found->size(), identifier, (*found)[0].uuid, (*found)[1].uuid)));
  }
  return std::move(found->front());
}

Result<Context::SubjectPatient> Context::PatientOfSubject(const std::string& subject_uuid) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = patients_.find(subject_uuid); it != patients_.end()) return it->second;
  }
  auto record = avni->Get(avniapi::Resource::kSubject, subject_uuid);
  if (!record) return Fail(record.error());
  if (!*record) {
    return Fail(Error::InvalidArgument(
        "Subject ID", fmt::format("NoSubjectWithId: Avni has no subject {}", subject_uuid)));
  }
  auto subject = ReadSubject((*record)->body, contract);
  if (!subject) return Fail(subject.error());
  if (subject->voided) {
    return Fail(Error::InvalidArgument(
        "Subject ID", fmt::format("the subject {} is voided in Avni: its encounters are not "
                                  "written to OpenMRS",
                                  subject_uuid)));
  }
  const std::string identifier = PatientIdentifier(subject->identifier);
  auto patient = FindPatient(identifier);
  if (!patient) return Fail(patient.error());
  if (!*patient) {
    return Fail(Error::InvalidArgument(
        "Subject ID",
        fmt::format("NoPatientWithId: OpenMRS has no patient with identifier {} (subject {}); it "
                    "is made when the subject syncs, and this record is delivered after that",
                    identifier, subject_uuid)));
  }
  SubjectPatient found{subject_uuid, (*patient)->uuid, subject->registration_date};
  std::lock_guard lock(mutex_);
  if (patients_.size() >= kMaxCached) patients_.clear();
  patients_[subject_uuid] = found;
  return found;
}

Result<std::optional<openmrs::Visit>> Context::VisitOf(const std::string& patient_uuid,
                                                       const std::string& avni_uuid) {
  auto visits =
      openmrs->FindVisits(patient_uuid, contract.constants.location, /*include_inactive=*/true);
  if (!visits) return Fail(visits.error());
  for (openmrs::Visit& v : *visits) {
    if (v.voided) continue;
    for (const auto& a : v.attributes) {
      if (a.attribute_type == contract.rows.avni_uuid_visit_attribute && a.value == avni_uuid) {
        return std::optional<openmrs::Visit>(std::move(v));
      }
    }
  }
  return std::nullopt;
}

Result<std::optional<Context::SubjectPatient>> Context::PatientToFind(
    const sync::Outgoing& out, const std::string& subject_uuid) {
  auto patient = PatientOfSubject(subject_uuid);
  if (patient) return std::optional<SubjectPatient>(std::move(*patient));
  if (out.action == sync::Outgoing::Action::kVoid &&
      patient.error().code == ErrorCode::kInvalidArgument) {
    return std::nullopt;
  }
  return Fail(patient.error());
}

avniapi::ListQuery Context::LookupQuery() const {
  avniapi::ListQuery query;
  query.now = clock.Now() + std::chrono::hours(24);
  return query;
}

Result<std::string> Context::SubjectOfPatient(const std::string& patient_uuid) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = subjects_.find(patient_uuid); it != subjects_.end()) return it->second;
  }
  avniapi::ListQuery query = LookupQuery();
  query.size = 10;
  query.filters = {
      {"encounterType", contract.constants.avni_patient_encounter_type},
      {"concepts", nlohmann::json{{contract.rows.bahmni_uuid_concept, patient_uuid}}.dump()}};
  auto found = avni->List(avniapi::Resource::kEncounter, query);
  if (!found) return Fail(found.error());
  std::string subject;
  for (const auto& r : found->records) {
    if (r.voided) continue;
    const auto doc = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object() && doc.value("Subject ID", nlohmann::json()).is_string()) {
      subject = doc["Subject ID"].get<std::string>();
      break;
    }
  }
  if (subject.empty()) {
    return Fail(Error::InvalidArgument(
        "patient",
        fmt::format("NoPatientRegistration: Avni has no '{}' encounter whose '{}' is patient {}; "
                    "it is written when the patient syncs (flow Patient), and this record is "
                    "delivered after that",
                    contract.constants.avni_patient_encounter_type,
                    contract.rows.bahmni_uuid_concept, patient_uuid)));
  }
  std::lock_guard lock(mutex_);
  if (subjects_.size() >= kMaxCached) subjects_.clear();
  subjects_[patient_uuid] = subject;
  return subject;
}

Result<std::vector<std::string>> Context::SubjectsWithId(const std::string& avni_identifier) {
  avniapi::ListQuery query = LookupQuery();
  query.size = 2;
  query.filters = {
      {"subjectType", contract.constants.avni_subject_type},
      {"concepts", nlohmann::json{{contract.rows.identifier_concept, avni_identifier}}.dump()}};
  auto subjects = avni->List(avniapi::Resource::kSubject, query);
  if (!subjects) return Fail(subjects.error());
  std::vector<std::string> live;
  for (const auto& s : subjects->records) {
    if (!s.voided) live.push_back(s.id);
  }
  return live;
}

Result<std::string> Context::RegistrationVisit(const SubjectPatient& subject) {
  std::shared_ptr<VisitSlot> slot;
  {
    std::lock_guard lock(mutex_);
    if (visits_.size() >= kMaxCached) {
      // Only slots no thread holds: a subject whose visit is being found or made keeps its
      // slot, so two records of it never make two visits. A later record of an evicted subject
      // finds its visit in OpenMRS again.
      std::erase_if(visits_, [](const auto& entry) { return entry.second.use_count() == 1; });
    }
    auto& found = visits_[subject.subject_uuid];
    if (!found) found = std::make_shared<VisitSlot>();
    slot = found;
  }
  std::lock_guard lock(slot->mutex);
  if (!slot->uuid.empty()) return slot->uuid;
  auto made = FindOrCreateRegistrationVisit(subject);
  if (!made) return Fail(made.error());
  slot->uuid = *made;
  return slot->uuid;
}

Result<std::string> Context::FindOrCreateRegistrationVisit(const SubjectPatient& subject) {
  const Constants& k = contract.constants;
  auto existing = VisitOf(subject.patient_uuid, subject.subject_uuid);
  if (!existing) return Fail(existing.error());
  if (*existing) return (*existing)->uuid;
  openmrs::NewVisit visit;
  visit.patient = subject.patient_uuid;
  visit.visit_type = k.visit_type;
  visit.location = k.location;
  const auto start = ParseIso8601(subject.registration_date + "T00:00:00.000Z");
  if (!start) {
    return Fail(Error::InvalidArgument(
        "Registration date", fmt::format("subject {}: 'Registration date' is '{}', not a date",
                                         subject.subject_uuid, subject.registration_date)));
  }
  visit.start_datetime = *start;
  visit.attributes = {{contract.rows.avni_uuid_visit_attribute, subject.subject_uuid},
                      {contract.rows.event_date_visit_attribute, subject.registration_date}};
  return openmrs->CreateVisit(visit);
}

}  // namespace avni::integrations::bahmni
