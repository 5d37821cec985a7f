#include "integrations/bahmni/avni_to_bahmni.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integrations/bahmni/forms.hpp"
#include "integrations/bahmni/to_openmrs.hpp"

namespace avni::integrations::bahmni {
namespace {

using nlohmann::json;

// The encounter (not voided, of `type`) among `found` that carries `avni_uuid`: the search by
// obs already matched the value, the type tells a registration from another form's encounter.
std::optional<std::string> OfType(const std::vector<openmrs::Encounter>& found,
                                  const std::string& type) {
  for (const auto& e : found) {
    if (!e.voided && e.encounter_type == type) return e.uuid;
  }
  return std::nullopt;
}

}  // namespace

// --- Subjects ----------------------------------------------------------------------------------

Result<sync::Outgoing> SubjectTransform::Apply(const sync::SourceRecord& record) {
  auto s = ReadSubject(record.body, context_.contract);
  if (!s) return Fail(s.error());
  sync::Outgoing out;
  out.key = s->uuid;
  json body = {
      {"subject", s->uuid},
      {"identifier", s->identifier.empty() ? "" : context_.PatientIdentifier(s->identifier)}};
  if (s->voided) {
    out.action = sync::Outgoing::Action::kVoid;
    out.body = body.dump();
    return out;
  }
  auto mapped = context_.mapper.Map(s->observations, mapping::Direction::kFromAvni);
  if (!mapped) return Fail(mapping::Combine(mapped.error()));
  body["person"] = {{"given", s->given_name},
                    {"family", s->family_name},
                    {"gender", s->gender},
                    {"birthdate", s->birthdate}};
  body["date"] = s->registration_date;
  body["members"] = ObsMembers(mapped->observations, *context_.mappings);
  out.body = body.dump();
  return out;
}

Result<std::optional<std::string>> PatientSink::Find(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  const std::string identifier = body->value("identifier", "");
  if (identifier.empty()) return std::nullopt;
  auto patient = context_.FindPatient(identifier);
  if (!patient) return Fail(patient.error());
  if (!*patient) return std::nullopt;
  auto found = context_.openmrs->FindEncountersByObs(
      (*patient)->uuid, context_.contract.rows.avni_uuid_concept, out.key);
  if (!found) return Fail(found.error());
  return OfType(*found, context_.contract.rows.registration_encounter_type);
}

Result<std::string> PatientSink::Create(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  const Contract& k = context_.contract;
  const std::string identifier = body->at("identifier");
  const std::string date = body->at("date");

  // Another live subject with this identifier: which one is the patient is for a person to say.
  const std::string avni_id = identifier.substr(k.constants.identifier_prefix.size());
  auto same = context_.SubjectsWithId(avni_id);
  if (!same) return Fail(same.error());
  for (const auto& other : *same) {
    if (other != out.key) {
      return Fail(Error::InvalidArgument(
          k.rows.identifier_concept,
          fmt::format("MultipleSubjectsWithId: subjects {} and {} both hold {} '{}'; correct one "
                      "of them in Avni",
                      out.key, other, k.rows.identifier_concept, avni_id)));
    }
  }

  auto patient = context_.FindPatient(identifier);
  if (!patient) return Fail(patient.error());
  std::string patient_uuid;
  if (*patient) {
    patient_uuid = (*patient)->uuid;
    // The patient is registered from another subject: the identifier moved in Avni.
    auto registrations =
        context_.openmrs->FindEncounters(patient_uuid, k.rows.registration_encounter_type);
    if (!registrations) return Fail(registrations.error());
    for (const auto& e : *registrations) {
      if (e.voided) continue;
      for (const auto& group : e.obs) {
        for (const auto& m : group.group_members) {
          if (m.concept_uuid == k.rows.avni_uuid_concept && m.value != out.key) {
            return Fail(Error::InvalidArgument(
                k.rows.identifier_concept,
                fmt::format("SubjectIdChanged: patient {} ({}) is registered from subject {}, not "
                            "{}; correct the identifier in Avni or the patient in Bahmni",
                            identifier, patient_uuid,
                            m.value.is_string() ? m.value.get<std::string>() : m.value.dump(),
                            out.key)));
          }
        }
      }
    }
  } else {
    const json& person = body->at("person");
    openmrs::NewPatient p;
    p.given_name = person.at("given");
    p.family_name = person.at("family");
    p.gender = person.at("gender");
    p.birthdate = person.at("birthdate");
    openmrs::PatientIdentifier id;
    id.identifier = identifier;
    id.identifier_type = k.constants.identifier_type;
    id.location = k.constants.location;
    id.preferred = true;
    p.identifiers.push_back(id);
    auto created = context_.openmrs->CreatePatient(p);
    if (!created) return Fail(created.error());
    patient_uuid = created->uuid;
  }

  auto visit = context_.RegistrationVisit({out.key, patient_uuid, date});
  if (!visit) return Fail(visit.error());
  openmrs::NewEncounter e;
  e.patient = patient_uuid;
  e.encounter_type = k.rows.registration_encounter_type;
  e.location = k.constants.location;
  e.visit = *visit;
  e.encounter_datetime = *ParseIso8601(date + "T00:00:00.000Z");
  e.providers = {{k.constants.provider, k.constants.encounter_role}};
  e.obs = FormNewObs(FormObs(k.rows.registration_form, body->at("members"), k.rows, out.key, date));
  return context_.openmrs->CreateEncounter(e);
}

Status PatientSink::Update(std::string_view destination_id, const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  return UpdateForm(context_, destination_id, context_.contract.rows.registration_form,
                    body->at("members"), out.key);
}

Status PatientSink::Void(std::string_view destination_id, const sync::Outgoing&) {
  return context_.openmrs->VoidEncounter(destination_id);
}

// --- General encounters ------------------------------------------------------------------------

Result<sync::Outgoing> EncounterTransform::Apply(const sync::SourceRecord& record) {
  auto e = ReadEncounter(record.body);
  if (!e) return Fail(e.error());
  sync::Outgoing out;
  out.key = e->uuid;
  json body = {{"encounter", e->uuid}, {"subject", e->subject_uuid}};
  const auto& m = *context_.mappings;
  using namespace rows;
  // Encounter types Bahmni's forms fill (read into Avni) are not written back.
  if (e->encounter_type == context_.contract.constants.avni_patient_encounter_type) {
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  for (std::string_view type : {"EncounterType", "LabEncounterType", "DrugOrderEncounterType"}) {
    if (m.FindByAvniValue(kGeneralEncounter, type, e->encounter_type) ||
        m.FindByAvniValue(kProgramEncounter, type, e->encounter_type)) {
      out.action = sync::Outgoing::Action::kSkip;
      return out;
    }
  }
  if (e->voided) {
    out.action = sync::Outgoing::Action::kVoid;
    out.body = body.dump();
    return out;
  }
  if (!e->when) {  // scheduled, or cancelled: nothing happened to write
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  const std::string_view group = program_ ? kProgramEncounter : kGeneralEncounter;
  auto type = RowFor(
      m, group,
      program_ ? "CommunityProgramEncounter_EncounterType" : "CommunityEncounter_EncounterType",
      e->encounter_type, "the OpenMRS encounter type's uuid");
  if (!type) return Fail(type.error());
  auto form = RowFor(
      m, group, program_ ? "CommunityProgramEncounter_BahmniForm" : "CommunityEncounter_BahmniForm",
      e->encounter_type, "the uuid of the Bahmni form's concept set");
  if (!form) return Fail(form.error());
  auto mapped = context_.mapper.Map(e->observations, mapping::Direction::kFromAvni);
  if (!mapped) return Fail(mapping::Combine(mapped.error()));
  body["type"] = *type;
  body["form"] = *form;
  if (program_) body["enrolment"] = e->enrolment_uuid;
  body["when"] = openmrs::FormatOpenmrsTime(*e->when);
  body["members"] = ObsMembers(mapped->observations, m);
  out.body = body.dump();
  return out;
}

Result<std::optional<std::string>> EncounterSink::Find(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  auto found_patient = context_.PatientToFind(out, body->at("subject"));
  if (!found_patient) return Fail(found_patient.error());
  if (!*found_patient) return std::nullopt;  // a void never written
  const auto& patient = *found_patient;
  auto found = context_.openmrs->FindEncountersByObs(
      patient->patient_uuid, context_.contract.rows.avni_uuid_concept, out.key);
  if (!found) return Fail(found.error());
  for (const auto& e : *found) {
    if (!e.voided) return std::optional<std::string>(e.uuid);
  }
  return std::nullopt;
}

Result<std::string> EncounterSink::Create(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  const Contract& k = context_.contract;
  auto patient = context_.PatientOfSubject(body->at("subject"));
  if (!patient) return Fail(patient.error());
  openmrs::NewEncounter e;
  Timestamp visit_start;
  if (program_) {
    const std::string enrolment = body->value("enrolment", "");
    auto visit = context_.VisitOf(patient->patient_uuid, enrolment);
    if (!visit) return Fail(visit.error());
    if (!*visit) {
      return Fail(Error::InvalidArgument(
          "Enrolment ID",
          fmt::format("NoEnrolmentVisit: enrolment {} has no visit in OpenMRS yet; it is made when "
                      "the enrolment syncs, and this record is delivered after that",
                      enrolment)));
    }
    e.visit = (*visit)->uuid;
    visit_start = (*visit)->start_datetime.value_or(Timestamp{});
  } else {
    auto visit = context_.RegistrationVisit(*patient);
    if (!visit) return Fail(visit.error());
    e.visit = *visit;
    visit_start = *ParseIso8601(patient->registration_date + "T00:00:00.000Z");
  }
  e.patient = patient->patient_uuid;
  e.encounter_type = body->at("type");
  e.location = k.constants.location;
  // Within its visit: an encounter dated before its visit starts is written at the start.
  const auto when = openmrs::ParseOpenmrsTime(body->at("when").get<std::string>());
  e.encounter_datetime = when && *when > visit_start ? *when : visit_start;
  e.providers = {{k.constants.provider, k.constants.encounter_role}};
  const std::string form = body->at("form");
  const std::string day = FormatIso8601(e.encounter_datetime).substr(0, 10);
  e.obs = FormNewObs(FormObs(form, body->at("members"), k.rows, out.key, day));
  return context_.openmrs->CreateEncounter(e);
}

Status EncounterSink::Update(std::string_view destination_id, const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  return UpdateForm(context_, destination_id, body->at("form"), body->at("members"), out.key);
}

Status EncounterSink::Void(std::string_view destination_id, const sync::Outgoing&) {
  return context_.openmrs->VoidEncounter(destination_id);
}

}  // namespace avni::integrations::bahmni
