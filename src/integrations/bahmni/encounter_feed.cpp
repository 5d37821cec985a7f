#include "integrations/bahmni/encounter_feed.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

namespace avni::integrations::bahmni {
namespace {

using nlohmann::json;

constexpr std::string_view kEncounterType = "EncounterType";
constexpr std::string_view kLabEncounterType = "LabEncounterType";
constexpr std::string_view kDrugOrderEncounterType = "DrugOrderEncounterType";
constexpr std::string_view kDrugOrderConcept = "DrugOrderConcept";
constexpr std::string_view kFormProgram = "BahmniForm_CommunityProgram";

std::string ConceptUuidOf(const json& obs) {
  const auto it = obs.find("concept");
  if (it == obs.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  return it->is_object() ? it->value("uuid", "") : "";
}

// Whether any obs of `obs_list` (voided ones too, at any depth) is of `concept_uuid`: how an
// encounter this service wrote is told (its Avni Entity UUID obs).
bool Carries(const json& obs_list, const std::string& concept_uuid) {
  if (!obs_list.is_array()) return false;
  for (const json& o : obs_list) {
    if (!o.is_object()) continue;
    if (ConceptUuidOf(o) == concept_uuid) return true;
    if (Carries(o.value("groupMembers", json()), concept_uuid)) return true;
  }
  return false;
}

void Leaves(const openmrs::Obs& obs, std::vector<const openmrs::Obs*>& out) {
  if (obs.group_members.empty()) {
    if (!obs.value.is_null()) out.push_back(&obs);
    return;
  }
  for (const auto& m : obs.group_members) Leaves(m, out);
}

// The leaf obs as observations by OpenMRS concept uuid: several obs of one concept (a
// multi-select's answers) become a list; a Date question's value its calendar day (OpenMRS
// answers a date as a time at midnight).
std::vector<mapping::Observation> ObservationsOf(const std::vector<const openmrs::Obs*>& leaves,
                                                 const mapping::TenantMappings& m) {
  std::vector<mapping::Observation> out;
  std::map<std::string, std::size_t> at;
  const auto questions = m.ScopeOf(rows::kObservation, rows::kConcept);
  for (const openmrs::Obs* o : leaves) {
    json value = o->value;
    if (value.is_string() && value.get_ref<const std::string&>().size() > 10 &&
        m.FindByIntValue(questions, o->concept_uuid).data_type_hint == DataTypeHint::kDate) {
      value = value.get<std::string>().substr(0, 10);
    }
    const auto [it, added] = at.emplace(o->concept_uuid, out.size());
    if (added) {
      out.push_back({o->concept_uuid, std::move(value)});
      continue;
    }
    json& existing = out[it->second].value;
    if (!existing.is_array()) existing = json::array({existing});
    existing.push_back(std::move(value));
  }
  return out;
}

// The row of `type` in the GeneralEncounter or ProgramEncounter group whose int_system_value is
// `int_value`, and whether it is the program group's.
struct TypeRow {
  std::string avni_value;
  bool program = false;
};
std::optional<TypeRow> FindTypeRow(const mapping::TenantMappings& m, std::string_view type,
                                   std::string_view int_value) {
  if (auto general = m.FindByIntValue(rows::kGeneralEncounter, type, int_value)) {
    return TypeRow{std::string(general.value), false};
  }
  if (auto program = m.FindByIntValue(rows::kProgramEncounter, type, int_value)) {
    return TypeRow{std::string(program.value), true};
  }
  return std::nullopt;
}

// The only row of `type` in either encounter group (its avni_value), or nullopt.
std::optional<std::string> SingleAvniValue(const mapping::TenantMappings& m,
                                           std::string_view type) {
  for (std::string_view group : {rows::kGeneralEncounter, rows::kProgramEncounter}) {
    const auto found = m.RowsOf(group, type);
    if (!found.empty() && !found.front().avni_value.empty()) {
      return std::string(found.front().avni_value);
    }
  }
  return std::nullopt;
}

// The encounter's live drug orders as text, one line each: "Paracetamol 500 mg: 1 Tablet(s) for
// 3 Day(s)".
std::string DrugOrderText(const json& orders) {
  std::string text;
  for (const json& o : orders) {
    if (!o.is_object() || o.value("voided", false) || o.value("type", "") != "drugorder") continue;
    const auto display = [](const json& ref) -> std::string {
      if (ref.is_object()) return ref.value("display", "");
      return ref.is_string() ? ref.get<std::string>() : "";
    };
    const json dose = o.value("dose", json());
    const json duration = o.value("duration", json());
    std::string line = display(o.value("drug", json()));
    if (line.empty()) line = display(o.value("concept", json()));
    if (!dose.is_null()) {
      line += fmt::format(": {} {}", dose.is_number() ? dose.dump() : display(dose),
                          display(o.value("doseUnits", json())));
    }
    if (!duration.is_null()) {
      line += fmt::format(" for {} {}", duration.dump(), display(o.value("durationUnits", json())));
    }
    if (!text.empty()) text += "\n";
    text += line;
  }
  return text;
}

}  // namespace

Result<sync::Outgoing> EncounterFeedTransform::Apply(const sync::SourceRecord& record) {
  sync::Outgoing out;
  out.key = record.id;
  if (record.body.empty()) {  // purged after its feed entry was written, or not an encounter
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  const json doc = json::parse(record.body, nullptr, /*allow_exceptions=*/false);
  auto e = openmrs::ReadEncounter(doc);
  if (!e) return Fail(e.error());
  const Contract& k = context_.contract;
  // Written by this service (Avni -> Bahmni): never echoed back.
  if (Carries(doc.value("obs", json()), k.rows.avni_uuid_concept)) {
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  json body = {{"encounter", e->uuid}, {"patient", e->patient_uuid}};
  if (e->voided) {
    out.action = sync::Outgoing::Action::kVoid;
    out.body = body.dump();
    return out;
  }
  const auto& m = *context_.mappings;
  const auto& outpatient = k.constants.outpatient_visit_types;
  const bool in_outpatient_visit =
      !e->visit_type.empty() &&
      std::find(outpatient.begin(), outpatient.end(), e->visit_type) != outpatient.end();

  json writes = json::array();
  std::vector<Error> errors;
  const auto add = [&](const std::string& type, const std::string& program,
                       const std::string& external_id,
                       const std::vector<const openmrs::Obs*>& leaves) {
    auto mapped = context_.mapper.Map(ObservationsOf(leaves, m), mapping::Direction::kToAvni);
    if (!mapped) {
      errors.insert(errors.end(), mapped.error().begin(), mapped.error().end());
      return;
    }
    json observations = json::object();
    for (const auto& o : mapped->observations) observations[o.question] = o.value;
    observations[k.rows.bahmni_uuid_concept] = e->uuid;
    writes.push_back({{"type", type},
                      {"program", program},
                      {"external_id", external_id},
                      {"observations", std::move(observations)}});
  };

  const auto lab = FindTypeRow(m, kLabEncounterType, e->encounter_type);
  if (lab && in_outpatient_visit) {
    std::vector<const openmrs::Obs*> leaves;
    for (const auto& o : e->obs) Leaves(o, leaves);
    add(lab->avni_value, "", e->uuid, leaves);
  } else {
    for (const auto& form : e->obs) {
      if (form.group_members.empty()) continue;  // a loose obs belongs to no form
      const auto type = FindTypeRow(m, kEncounterType, form.concept_uuid);
      if (!type) continue;  // a form the tenant does not read into Avni
      std::string program;
      if (type->program) {
        const auto row = m.FindByIntValue(rows::kProgramEnrolment, kFormProgram, form.concept_uuid);
        if (!row) {
          errors.push_back(Error::InvalidArgument(
              fmt::format("{} / {}", rows::kProgramEnrolment, kFormProgram),
              fmt::format("form {} is read into the program encounter type '{}', but no program "
                          "names it: add a row of group {}, type {} whose avni_value is the "
                          "program and int_system_value {}",
                          form.concept_uuid, type->avni_value, rows::kProgramEnrolment,
                          kFormProgram, form.concept_uuid)));
          continue;
        }
        program = std::string(row.value);
      }
      std::vector<const openmrs::Obs*> leaves;
      Leaves(form, leaves);
      add(type->avni_value, program, fmt::format("{}:{}", e->uuid, form.concept_uuid), leaves);
    }
  }

  if (in_outpatient_visit) {
    const std::string drugs = DrugOrderText(doc.value("orders", json::array()));
    const auto type = SingleAvniValue(m, kDrugOrderEncounterType);
    const auto text_concept = SingleAvniValue(m, kDrugOrderConcept);
    if (!drugs.empty() && type && text_concept) {
      writes.push_back(
          {{"type", *type},
           {"program", ""},
           {"external_id", fmt::format("{}:drug-orders", e->uuid)},
           {"observations", {{*text_concept, drugs}, {k.rows.bahmni_uuid_concept, e->uuid}}}});
    } else if (!drugs.empty()) {
      errors.push_back(Error::InvalidArgument(
          std::string(kDrugOrderEncounterType),
          fmt::format("encounter {} has drug orders, but no {} / {} and {} rows say where they "
                      "go in Avni: add both (the Avni encounter type; the Avni Text concept)",
                      e->uuid, rows::kGeneralEncounter, kDrugOrderEncounterType,
                      kDrugOrderConcept)));
    }
  }
  if (!errors.empty()) return Fail(mapping::Combine(errors));
  if (writes.empty()) {  // nothing the tenant reads into Avni
    out.action = sync::Outgoing::Action::kSkip;
    return out;
  }
  if (!e->encounter_datetime) {
    return Fail(Error::InvalidArgument(
        "encounterDatetime", fmt::format("encounter {} has no encounterDatetime", e->uuid)));
  }
  body["when"] = FormatIso8601(*e->encounter_datetime);
  body["writes"] = std::move(writes);
  out.body = body.dump();
  return out;
}

namespace {

// The live Avni encounters (program encounters with `program`) of `type` that carry the Bahmni
// Entity UUID obs `bahmni_uuid`.
Result<std::vector<avniapi::Record>> WrittenFor(Context& c, bool program, const std::string& type,
                                                const std::string& bahmni_uuid) {
  avniapi::ListQuery query = c.LookupQuery();
  query.size = 10;
  query.filters = {{"encounterType", type},
                   {"concepts", json{{c.contract.rows.bahmni_uuid_concept, bahmni_uuid}}.dump()}};
  auto found = c.avni->List(
      program ? avniapi::Resource::kProgramEncounter : avniapi::Resource::kEncounter, query);
  if (!found) return Fail(found.error());
  std::erase_if(found->records, [](const avniapi::Record& r) { return r.voided; });
  return std::move(found->records);
}

// Every (program?, type) an OpenMRS encounter may have been written to.
std::vector<std::pair<bool, std::string>> MappedTypes(const mapping::TenantMappings& m) {
  std::vector<std::pair<bool, std::string>> out;
  const auto add = [&out](bool program, std::string_view type) {
    std::pair<bool, std::string> entry{program, std::string(type)};
    if (std::find(out.begin(), out.end(), entry) == out.end()) out.push_back(std::move(entry));
  };
  for (const auto& row : m.RowsOf(rows::kGeneralEncounter, kEncounterType)) {
    add(false, row.avni_value);
  }
  for (const auto& row : m.RowsOf(rows::kProgramEncounter, kEncounterType)) {
    add(true, row.avni_value);
  }
  for (std::string_view type : {kLabEncounterType, kDrugOrderEncounterType}) {
    for (std::string_view group : {rows::kGeneralEncounter, rows::kProgramEncounter}) {
      for (const auto& row : m.RowsOf(group, type)) add(false, row.avni_value);
    }
  }
  return out;
}

// The subject's enrolment in `program` open at `when` (the latest enrolled, when several are),
// or a data error naming what is missing.
Result<std::string> EnrolmentAt(Context& c, const std::string& subject, const std::string& program,
                                Timestamp when, const std::string& encounter) {
  avniapi::ListQuery query = c.LookupQuery();
  query.size = 100;
  query.filters = {{"program", program}, {"subject", subject}};
  auto found = c.avni->List(avniapi::Resource::kProgramEnrolment, query);
  if (!found) return Fail(found.error());
  std::string best;
  Timestamp best_start{};
  for (const auto& r : found->records) {
    if (r.voided) continue;
    const json doc = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) continue;
    const auto start = ParseIso8601(doc.value("Enrolment datetime", ""));
    if (!start || *start > when) continue;
    const json exit = doc.value("Exit datetime", json());
    if (exit.is_string()) {
      const auto exited = ParseIso8601(exit.get<std::string>());
      if (exited && *exited < when) continue;
    }
    if (best.empty() || *start > best_start) {
      best = r.id;
      best_start = *start;
    }
  }
  if (best.empty()) {
    return Fail(Error::InvalidArgument(
        "Enrolment ID",
        fmt::format("NoEnrolment: Avni subject {} has no '{}' enrolment open on {} for OpenMRS "
                    "encounter {}; enrol the subject in Avni and this record is delivered after "
                    "that",
                    subject, program, FormatIso8601(when).substr(0, 10), encounter)));
  }
  return best;
}

}  // namespace

Result<std::optional<std::string>> AvniEncounterSink::Find(const sync::Outgoing& out) {
  // An upsert finds its own (Create writes by External ID or the obs): only a void needs to
  // know whether anything was written.
  if (out.action != sync::Outgoing::Action::kVoid) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& [program, type] : MappedTypes(*context_.mappings)) {
    auto found = WrittenFor(context_, program, type, out.key);
    if (!found) return Fail(found.error());
    for (const auto& r : *found) ids.push_back(r.id);
  }
  if (ids.empty()) return std::nullopt;
  return fmt::format("{}", fmt::join(ids, ","));
}

Result<std::string> AvniEncounterSink::Upsert(const sync::Outgoing& out) {
  auto body = OutgoingBody(out);
  if (!body) return Fail(body.error());
  auto subject = context_.SubjectOfPatient(body->at("patient"));
  if (!subject) return Fail(subject.error());
  const std::string when = body->at("when");
  const auto at = ParseIso8601(when);
  if (!at) return Fail(Error::Internal("a BahmniEncounter record has no time"));
  std::vector<std::string> ids;
  for (const json& w : body->at("writes")) {
    const std::string type = w.at("type");
    const std::string program = w.at("program");
    json encounter = {{"Encounter type", type},
                      {"Encounter date time", when},
                      {"observations", w.at("observations")}};
    if (program.empty()) {
      encounter["Subject ID"] = *subject;
    } else {
      auto enrolment = EnrolmentAt(context_, *subject, program, *at, out.key);
      if (!enrolment) return Fail(enrolment.error());
      encounter["Enrolment ID"] = *enrolment;
    }
    const auto resource =
        program.empty() ? avniapi::Resource::kEncounter : avniapi::Resource::kProgramEncounter;
    auto existing = WrittenFor(context_, !program.empty(), type, out.key);
    if (!existing) return Fail(existing.error());
    Result<avniapi::Record> written = Fail(Error::Internal("not written"));
    if (!existing->empty() && existing->front().external_id.empty()) {
      // Written without an External ID (by the Java service): replaced where it is.
      encounter["External ID"] = w.at("external_id");
      written = context_.avni->Replace(resource, existing->front().id, encounter.dump());
    } else {
      // Ours, or another writer's External ID: kept, so that the POST updates it.
      encounter["External ID"] = existing->empty() ? w.at("external_id").get<std::string>()
                                                   : existing->front().external_id;
      written = context_.avni->Create(resource, encounter.dump());
    }
    if (!written) return Fail(written.error());
    ids.push_back(written->id);
  }
  return fmt::format("{}", fmt::join(ids, ","));
}

Result<std::string> AvniEncounterSink::Create(const sync::Outgoing& out) { return Upsert(out); }

Status AvniEncounterSink::Update(std::string_view, const sync::Outgoing& out) {
  auto written = Upsert(out);
  if (!written) return Fail(written.error());
  return {};
}

Status AvniEncounterSink::Void(std::string_view, const sync::Outgoing& out) {
  for (const auto& [program, type] : MappedTypes(*context_.mappings)) {
    auto found = WrittenFor(context_, program, type, out.key);
    if (!found) return Fail(found.error());
    for (const auto& r : *found) {
      auto voided = context_.avni->Void(
          program ? avniapi::Resource::kProgramEncounter : avniapi::Resource::kEncounter, r.id);
      if (!voided) return Fail(voided.error());
    }
  }
  return {};
}

}  // namespace avni::integrations::bahmni
