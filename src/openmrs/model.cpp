#include "openmrs/model.hpp"

#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

namespace avni::openmrs {
namespace {

using nlohmann::json;

std::string Str(const json& node, std::string_view key) {
  if (!node.is_object()) return "";
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

bool Bool(const json& node, std::string_view key) {
  if (!node.is_object()) return false;
  const auto it = node.find(key);
  return it != node.end() && it->is_boolean() && it->get<bool>();
}

// A reference's uuid: {"uuid": ...} or the uuid as a string.
std::string RefUuid(const json& node, std::string_view key) {
  if (!node.is_object()) return "";
  const auto it = node.find(key);
  if (it == node.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  return Str(*it, "uuid");
}

std::optional<Timestamp> TimeAt(const json& node, std::string_view key) {
  const std::string text = Str(node, key);
  return text.empty() ? std::nullopt : ParseOpenmrsTime(text);
}

Error NotOpenmrs(std::string_view what) {
  return Error::Unavailable(
      fmt::format("OpenMRS answered a {} without a uuid; the answer is not OpenMRS's", what));
}

const json& ArrayAt(const json& node, std::string_view key) {
  static const json kEmpty = json::array();
  if (!node.is_object()) return kEmpty;
  const auto it = node.find(key);
  return it != node.end() && it->is_array() ? *it : kEmpty;
}

std::optional<double> AsNumber(const json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return number;
}

bool IsDateOnly(std::string_view text) {
  return text.size() == 10 && text[4] == '-' && text[7] == '-';
}

// Whether an existing obs value is the value wanted, as OpenMRS gives it back.
bool SameValue(const Obs& existing, const json& wanted) {
  if (existing.coded) return wanted.is_string() && existing.value == wanted;
  const auto a = AsNumber(existing.value), b = AsNumber(wanted);
  if (a && b) return *a == *b;
  if (existing.value.is_string() && wanted.is_string()) {
    const std::string& x = existing.value.get_ref<const std::string&>();
    const std::string& y = wanted.get_ref<const std::string&>();
    if (x == y) return true;
    // A date written as yyyy-MM-dd comes back as a date-time at its midnight.
    if (IsDateOnly(x) || IsDateOnly(y)) {
      const std::string& date = IsDateOnly(x) ? x : y;
      const std::string& other = IsDateOnly(x) ? y : x;
      if (other.starts_with(date) && other.size() > 10 &&
          other.substr(10).starts_with("T00:00:00")) {
        return true;
      }
    }
    const auto tx = ParseOpenmrsTime(x), ty = ParseOpenmrsTime(y);
    return tx && ty && *tx == *ty;
  }
  return existing.value == wanted;
}

json NewObsJson(const NewObs& obs) {
  json out{{"concept", obs.concept_uuid}};
  if (obs.IsGroup()) {
    json members = json::array();
    for (const auto& m : obs.group_members) members.push_back(NewObsJson(m));
    out["groupMembers"] = std::move(members);
  } else {
    out["value"] = obs.value;
  }
  return out;
}

void ChangesAt(const std::vector<Obs>& existing, const std::vector<NewObs>& wanted, json& out) {
  std::vector<bool> matched(existing.size(), false);
  for (const NewObs& w : wanted) {
    std::optional<std::size_t> hit;
    // First an obs equal to the one wanted, then (not coded) any of its concept to change.
    for (std::size_t i = 0; i < existing.size() && !hit; ++i) {
      const Obs& e = existing[i];
      if (matched[i] || e.voided || e.concept_uuid != w.concept_uuid) continue;
      if (w.IsGroup() ? !e.group_members.empty() : SameValue(e, w.value)) hit = i;
    }
    for (std::size_t i = 0; i < existing.size() && !hit && !w.IsGroup(); ++i) {
      const Obs& e = existing[i];
      if (!matched[i] && !e.voided && e.concept_uuid == w.concept_uuid && !e.coded &&
          e.group_members.empty()) {
        hit = i;
      }
    }
    if (!hit) {
      out.push_back(NewObsJson(w));
      continue;
    }
    matched[*hit] = true;
    const Obs& e = existing[*hit];
    if (w.IsGroup()) {
      json members = json::array();
      ChangesAt(e.group_members, w.group_members, members);
      if (!members.empty()) out.push_back(json{{"uuid", e.uuid}, {"groupMembers", members}});
    } else if (!SameValue(e, w.value)) {
      out.push_back(json{{"uuid", e.uuid}, {"voided", true}});
      out.push_back(NewObsJson(w));
    }
  }
  for (std::size_t i = 0; i < existing.size(); ++i) {
    if (!matched[i] && !existing[i].voided) {
      out.push_back(json{{"uuid", existing[i].uuid}, {"voided", true}});
    }
  }
}

}  // namespace

std::string FormatOpenmrsTime(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{t - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}+0000",
                     static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count(), hms.subseconds().count());
}

std::optional<Timestamp> ParseOpenmrsTime(std::string_view text) {
  if (IsDateOnly(text)) return ParseIso8601(std::string(text) + "T00:00:00Z");
  std::string iso(text);
  // "+0530" (Java's Z pattern) becomes "+05:30", which ParseIso8601 reads.
  if (iso.size() > 5) {
    const std::size_t sign = iso.size() - 5;
    if ((iso[sign] == '+' || iso[sign] == '-') && iso.find(':', sign) == std::string::npos &&
        iso.find('T') < sign) {
      iso.insert(sign + 3, ":");
    }
  }
  return ParseIso8601(iso);
}

json NewObs::ToJson() const { return NewObsJson(*this); }

Obs ReadObs(const json& body) {
  Obs obs;
  obs.uuid = Str(body, "uuid");
  obs.concept_uuid = RefUuid(body, "concept");
  obs.voided = Bool(body, "voided");
  if (body.is_object() && body.contains("value")) {
    const json& value = body["value"];
    if (value.is_object()) {
      obs.value = Str(value, "uuid");
      obs.coded = true;
    } else {
      obs.value = value;
    }
  }
  for (const json& m : ArrayAt(body, "groupMembers")) {
    Obs member = ReadObs(m);
    if (!member.voided) obs.group_members.push_back(std::move(member));
  }
  return obs;
}

Result<Person> ReadPerson(const json& body) {
  Person person;
  person.uuid = Str(body, "uuid");
  if (person.uuid.empty()) return Fail(NotOpenmrs("person"));
  person.gender = Str(body, "gender");
  person.birthdate = Str(body, "birthdate");
  person.voided = Bool(body, "voided");
  for (const json& a : ArrayAt(body, "attributes")) {
    PersonAttribute attribute;
    attribute.uuid = Str(a, "uuid");
    attribute.attribute_type = RefUuid(a, "attributeType");
    attribute.value = a.is_object() ? a.value("value", json()) : json();
    attribute.voided = Bool(a, "voided");
    if (!attribute.voided) person.attributes.push_back(std::move(attribute));
  }
  person.body = body;
  return person;
}

Result<Patient> ReadPatient(const json& body) {
  Patient patient;
  patient.uuid = Str(body, "uuid");
  if (patient.uuid.empty()) return Fail(NotOpenmrs("patient"));
  patient.voided = Bool(body, "voided");
  for (const json& i : ArrayAt(body, "identifiers")) {
    PatientIdentifier id;
    id.uuid = Str(i, "uuid");
    id.identifier = Str(i, "identifier");
    id.identifier_type = RefUuid(i, "identifierType");
    id.location = RefUuid(i, "location");
    id.preferred = Bool(i, "preferred");
    id.voided = Bool(i, "voided");
    if (!id.voided) patient.identifiers.push_back(std::move(id));
  }
  if (body.is_object() && body.contains("person") && body["person"].is_object()) {
    auto person = ReadPerson(body["person"]);
    if (person) patient.person = std::move(*person);
  }
  if (patient.person.uuid.empty()) patient.person.uuid = patient.uuid;
  patient.body = body;
  return patient;
}

Result<Encounter> ReadEncounter(const json& body) {
  Encounter e;
  e.uuid = Str(body, "uuid");
  if (e.uuid.empty()) return Fail(NotOpenmrs("encounter"));
  e.encounter_datetime = TimeAt(body, "encounterDatetime");
  e.patient_uuid = RefUuid(body, "patient");
  e.encounter_type = RefUuid(body, "encounterType");
  e.location = RefUuid(body, "location");
  e.visit_uuid = RefUuid(body, "visit");
  if (body.is_object() && body.contains("visit") && body["visit"].is_object()) {
    e.visit_type = RefUuid(body["visit"], "visitType");
  }
  e.voided = Bool(body, "voided");
  for (const json& o : ArrayAt(body, "obs")) {
    Obs obs = ReadObs(o);
    if (!obs.voided) e.obs.push_back(std::move(obs));
  }
  e.body = body;
  return e;
}

Result<Visit> ReadVisit(const json& body) {
  Visit v;
  v.uuid = Str(body, "uuid");
  if (v.uuid.empty()) return Fail(NotOpenmrs("visit"));
  v.patient_uuid = RefUuid(body, "patient");
  v.visit_type = RefUuid(body, "visitType");
  v.location = RefUuid(body, "location");
  v.start_datetime = TimeAt(body, "startDatetime");
  v.stop_datetime = TimeAt(body, "stopDatetime");
  v.voided = Bool(body, "voided");
  for (const json& a : ArrayAt(body, "attributes")) {
    VisitAttribute attribute;
    attribute.uuid = Str(a, "uuid");
    attribute.attribute_type = RefUuid(a, "attributeType");
    const json value = a.is_object() ? a.value("value", json()) : json();
    attribute.value = value.is_string() ? value.get<std::string>() : value.dump();
    attribute.voided = Bool(a, "voided");
    if (!attribute.voided) v.attributes.push_back(std::move(attribute));
  }
  for (const json& e : ArrayAt(body, "encounters")) {
    if (const auto uuid = Str(e, "uuid"); !uuid.empty()) v.encounter_uuids.push_back(uuid);
  }
  v.body = body;
  return v;
}

Result<Concept> ReadConcept(const json& body) {
  Concept c;
  c.uuid = Str(body, "uuid");
  if (c.uuid.empty()) return Fail(NotOpenmrs("concept"));
  c.name = Str(body, "display");
  if (body.contains("datatype") && body["datatype"].is_object()) {
    c.datatype = Str(body["datatype"], "display");
    if (c.datatype.empty()) c.datatype = Str(body["datatype"], "name");
  }
  c.is_set = Bool(body, "set");
  for (const json& a : ArrayAt(body, "answers")) {
    c.answers.push_back(ConceptRef{Str(a, "uuid"), Str(a, "display")});
  }
  for (const json& m : ArrayAt(body, "setMembers")) {
    c.set_members.push_back(ConceptRef{Str(m, "uuid"), Str(m, "display")});
  }
  return c;
}

json ObsChanges(const std::vector<Obs>& existing, const std::vector<NewObs>& wanted) {
  json out = json::array();
  ChangesAt(existing, wanted, out);
  return out;
}

}  // namespace avni::openmrs
