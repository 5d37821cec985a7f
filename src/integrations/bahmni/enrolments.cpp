// Avni program enrolments -> an OpenMRS visit per enrolment with its enrolment encounter and,
// once exited, its exit encounter.
#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integrations/bahmni/avni_to_bahmni.hpp"
#include "integrations/bahmni/forms.hpp"
#include "integrations/bahmni/to_openmrs.hpp"

namespace avni::integrations::bahmni {
namespace {

using nlohmann::json;

std::string TextAt(const json& doc, std::string_view key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : "";
}

// "Maternal Health - Enrolment - 31-01-2024": what the Java service wrote in Program Data.
std::string ProgramData(std::string_view program, std::string_view what, Timestamp when) {
  return fmt::format("{} - {} - {:%d-%m-%Y}", program, what,
                     std::chrono::floor<std::chrono::days>(when));
}

// One side of the enrolment ("enrol" or "exit") as the sink needs it, or an error naming the
// row to add.
Result<json> Side(Context& c, const std::string& program, bool exit, Timestamp when,
                  const json& observations) {
  const auto& m = *c.mappings;
  const std::string prefix = exit ? "CommunityEnrolmentExit" : "CommunityEnrolment";
  auto type = RowFor(m, rows::kProgramEnrolment, prefix + "_EncounterType", program,
                     "the OpenMRS encounter type's uuid");
  if (!type) return Fail(type.error());
  auto form = RowFor(m, rows::kProgramEnrolment, prefix + "_BahmniForm", program,
                     "the uuid of the Bahmni form's concept set");
  if (!form) return Fail(form.error());
  auto mapped = c.mapper.Map(ObservationsOf(observations, {}), mapping::Direction::kFromAvni);
  if (!mapped) return Fail(mapping::Combine(mapped.error()));
  json members = ObsMembers(mapped->observations, m);
  if (!c.contract.rows.program_data_concept.empty()) {
    members.push_back({{"concept", c.contract.rows.program_data_concept},
                       {"value", ProgramData(program, exit ? "Exit" : "Enrolment", when)}});
  }
  return json{{"type", *type},
              {"form", *form},
              {"when", openmrs::FormatOpenmrsTime(when)},
              {"day", FormatIso8601(when).substr(0, 10)},
              {"members", std::move(members)}};
}

// The live encounter of `type` among those carrying the enrolment's uuid.
Result<std::optional<openmrs::Encounter>> EncounterOf(Context& c, const std::string& patient,
                                                      const std::string& enrolment,
                                                      const std::string& type) {
  auto found =
      c.openmrs->FindEncountersByObs(patient, c.contract.rows.avni_uuid_concept, enrolment);
  if (!found) return Fail(found.error());
  for (auto& e : *found) {
    if (!e.voided && e.encounter_type == type)
      return std::optional<openmrs::Encounter>(std::move(e));
  }
  return std::nullopt;
}

Result<std::string> CreateSide(Context& c, const std::string& patient, const std::string& visit,
                               const std::string& enrolment, const json& side) {
  const Contract& k = c.contract;
  openmrs::NewEncounter e;
  e.patient = patient;
  e.encounter_type = side.at("type");
  e.location = k.constants.location;
  e.visit = visit;
  e.encounter_datetime = *openmrs::ParseOpenmrsTime(side.at("when").get<std::string>());
  e.providers = {{k.constants.provider, k.constants.encounter_role}};
  e.obs = FormNewObs(FormObs(side.at("form"), side.at("members"), k.rows, enrolment,
                             side.at("day").get<std::string>()));
  return c.openmrs->CreateEncounter(e);
}

// The exit encounter made or brought up to date, and the visit stopped at the exit.
Status WriteExit(Context& c, const std::string& patient, const openmrs::Visit& visit,
                 const std::string& enrolment, const json& exit) {
  auto existing = EncounterOf(c, patient, enrolment, exit.at("type"));
  if (!existing) return Fail(existing.error());
  if (*existing) {
    auto updated = UpdateForm(c, (*existing)->uuid, exit.at("form"), exit.at("members"), enrolment);
    if (!updated) return updated;
  } else {
    auto made = CreateSide(c, patient, visit.uuid, enrolment, exit);
    if (!made) return Fail(made.error());
  }
  if (!visit.stop_datetime) {
    auto stopped =
        c.openmrs->Post(fmt::format("visit/{}", visit.uuid), {{"stopDatetime", exit.at("when")}});
    if (!stopped) return Fail(stopped.error());
  }
  return {};
}

}  // namespace

Result<sync::Outgoing> EnrolmentTransform::Apply(const sync::SourceRecord& record) {
  const json doc = json::parse(record.body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return Fail(Error::InvalidArgument("body", "the enrolment Avni sent is not a JSON object"));
  }
  sync::Outgoing out;
  out.key = TextAt(doc, "ID");
  const std::string program = TextAt(doc, "Program");
  json body = {
      {"enrolment", out.key}, {"subject", TextAt(doc, "Subject ID")}, {"program", program}};
  if (doc.value("Voided", false)) {
    out.action = sync::Outgoing::Action::kVoid;
    out.body = body.dump();
    return out;
  }
  auto visit_type =
      RowFor(*context_.mappings, rows::kProgramEnrolment, "CommunityEnrolment_VisitType", program,
             "the OpenMRS visit type's uuid");
  if (!visit_type) return Fail(visit_type.error());
  body["visit_type"] = *visit_type;
  const auto enrolled = ParseIso8601(TextAt(doc, "Enrolment datetime"));
  if (!enrolled) {
    return Fail(Error::InvalidArgument(
        "Enrolment datetime",
        fmt::format("enrolment {}: 'Enrolment datetime' is '{}', not an ISO-8601 time with a zone",
                    out.key, TextAt(doc, "Enrolment datetime"))));
  }
  auto enrol = Side(context_, program, false, *enrolled, doc.value("observations", json::object()));
  if (!enrol) return Fail(enrol.error());
  body["enrol"] = std::move(*enrol);
  body["exit"] = nullptr;
  if (const std::string exited = TextAt(doc, "Exit datetime"); !exited.empty()) {
    const auto at = ParseIso8601(exited);
    if (!at) {
      return Fail(Error::InvalidArgument(
          "Exit datetime",
          fmt::format("enrolment {}: 'Exit datetime' is '{}', not an ISO-8601 time with a zone",
                      out.key, exited)));
    }
    auto exit = Side(context_, program, true, *at, doc.value("exitObservations", json::object()));
    if (!exit) return Fail(exit.error());
    body["exit"] = std::move(*exit);
  }
  out.body = body.dump();
  return out;
}

Result<std::optional<std::string>> EnrolmentSink::Find(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  auto found_patient = context_.PatientToFind(out, body->at("subject"));
  if (!found_patient) return Fail(found_patient.error());
  if (!*found_patient) return std::nullopt;  // a void never written
  const auto& patient = *found_patient;
  if (out.action == sync::Outgoing::Action::kVoid) {
    auto visit = context_.VisitOf(patient->patient_uuid, out.key);
    if (!visit) return Fail(visit.error());
    return *visit ? std::optional<std::string>((*visit)->uuid) : std::nullopt;
  }
  auto found = EncounterOf(context_, patient->patient_uuid, out.key, body->at("enrol").at("type"));
  if (!found) return Fail(found.error());
  return *found ? std::optional<std::string>((*found)->uuid) : std::nullopt;
}

Result<std::string> EnrolmentSink::Create(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  const Contract& k = context_.contract;
  auto patient = context_.PatientOfSubject(body->at("subject"));
  if (!patient) return Fail(patient.error());
  const json& enrol = body->at("enrol");
  auto visit = context_.VisitOf(patient->patient_uuid, out.key);
  if (!visit) return Fail(visit.error());
  if (!*visit) {
    openmrs::NewVisit v;
    v.patient = patient->patient_uuid;
    v.visit_type = body->at("visit_type");
    v.location = k.constants.location;
    v.start_datetime = *openmrs::ParseOpenmrsTime(enrol.at("when").get<std::string>());
    v.attributes = {{k.rows.avni_uuid_visit_attribute, out.key},
                    {k.rows.event_date_visit_attribute, enrol.at("day").get<std::string>()}};
    auto made = context_.openmrs->CreateVisit(v);
    if (!made) return Fail(made.error());
    auto read = context_.openmrs->GetVisit(*made);
    if (!read) return Fail(read.error());
    if (!*read) return Fail(Error::Unavailable("OpenMRS lost the visit it just made: " + *made));
    *visit = std::move(*read);
  }
  auto existing = EncounterOf(context_, patient->patient_uuid, out.key, enrol.at("type"));
  if (!existing) return Fail(existing.error());
  std::string encounter;
  if (*existing) {
    encounter = (*existing)->uuid;
  } else {
    auto made = CreateSide(context_, patient->patient_uuid, (*visit)->uuid, out.key, enrol);
    if (!made) return Fail(made.error());
    encounter = *made;
  }
  if (!body->at("exit").is_null()) {
    if (auto done = WriteExit(context_, patient->patient_uuid, **visit, out.key, body->at("exit"));
        !done) {
      return Fail(done.error());
    }
  }
  return encounter;
}

Status EnrolmentSink::Update(std::string_view destination_id, const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  const json& enrol = body->at("enrol");
  auto updated =
      UpdateForm(context_, destination_id, enrol.at("form"), enrol.at("members"), out.key);
  if (!updated || body->at("exit").is_null()) return updated;
  auto patient = context_.PatientOfSubject(body->at("subject"));
  if (!patient) return Fail(patient.error());
  auto visit = context_.VisitOf(patient->patient_uuid, out.key);
  if (!visit) return Fail(visit.error());
  if (!*visit) {
    return Fail(Error::NotFound(
        fmt::format("the OpenMRS visit of enrolment {} is gone or voided in OpenMRS", out.key)));
  }
  return WriteExit(context_, patient->patient_uuid, **visit, out.key, body->at("exit"));
}

Status EnrolmentSink::Void(std::string_view, const sync::Outgoing& out) {
  // The enrolment's encounters (enrolment and exit) and its visit.
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  auto patient = context_.PatientOfSubject(body->at("subject"));
  if (!patient) return Fail(patient.error());
  auto found = context_.openmrs->FindEncountersByObs(
      patient->patient_uuid, context_.contract.rows.avni_uuid_concept, out.key);
  if (!found) return Fail(found.error());
  for (const auto& e : *found) {
    if (e.voided) continue;
    if (auto voided = context_.openmrs->VoidEncounter(e.uuid); !voided) return voided;
  }
  auto visit = context_.VisitOf(patient->patient_uuid, out.key);
  if (!visit) return Fail(visit.error());
  if (*visit) return context_.openmrs->VoidVisit((*visit)->uuid);
  return {};
}

}  // namespace avni::integrations::bahmni
