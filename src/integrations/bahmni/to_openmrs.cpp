#include "integrations/bahmni/to_openmrs.hpp"

#include <fmt/format.h>

#include "openmrs/model.hpp"

namespace avni::integrations::bahmni {
namespace {

using nlohmann::json;

// Avni's fixed keys of a subject's observations that make the person, not the form.
constexpr std::string_view kFirstName = "First name";
constexpr std::string_view kLastName = "Last name";
constexpr std::string_view kDateOfBirth = "Date of birth";
constexpr std::string_view kGender = "Gender";

std::string TextAt(const json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return it->dump();
}

bool IsBlank(const json& value) {
  if (value.is_null()) return true;
  if (value.is_string())
    return value.get_ref<const std::string&>().find_first_not_of(" \t") == std::string::npos;
  if (value.is_array() || value.is_object()) return value.empty();
  return false;
}

Error Bad(std::string field, std::string message) {
  return Error::InvalidArgument(std::move(field), std::move(message));
}

Result<json> Parse(std::string_view body, std::string_view what) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    return Fail(Bad("body", fmt::format("the {} Avni sent is not a JSON object", what)));
  }
  return doc;
}

bool IsDay(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// A calendar day as webservices.rest takes a date: midnight UTC, its zone written out. A text
// that is not a real day is passed on for OpenMRS to refuse, naming it.
json OpenmrsDay(std::string_view day) {
  const auto t = openmrs::ParseOpenmrsTime(day);
  return t ? json(openmrs::FormatOpenmrsTime(*t)) : json(day);
}

}  // namespace

std::vector<mapping::Observation> ObservationsOf(const json& observations,
                                                 const std::vector<std::string_view>& except) {
  std::vector<mapping::Observation> out;
  if (!observations.is_object()) return out;
  for (const auto& [name, value] : observations.items()) {
    if (IsBlank(value)) continue;
    bool skipped = false;
    for (std::string_view e : except) skipped = skipped || name == e;
    if (!skipped) out.push_back({name, value});
  }
  return out;
}

Result<Subject> ReadSubject(std::string_view body, const Contract& contract) {
  auto doc = Parse(body, "subject");
  if (!doc) return Fail(doc.error());
  Subject s;
  s.uuid = TextAt(*doc, "ID");
  s.voided = doc->value("Voided", false);
  const json empty = json::object();
  const auto obs_it = doc->find("observations");
  const json& obs = obs_it != doc->end() && obs_it->is_object() ? *obs_it : empty;
  s.identifier = TextAt(obs, contract.rows.identifier_concept);
  if (s.uuid.empty()) return Fail(Bad("ID", "the subject has no ID"));
  // A voided subject only needs its uuid: its encounter is voided, whatever it holds.
  if (s.voided) return s;
  if (s.identifier.empty()) {
    return Fail(Bad(contract.rows.identifier_concept,
                    fmt::format("SubjectIdNull: subject {} has no '{}' (the patient identifier "
                                "without the prefix): fill it in Avni",
                                s.uuid, contract.rows.identifier_concept)));
  }
  s.given_name = TextAt(obs, kFirstName);
  s.family_name = TextAt(obs, kLastName);
  if (s.given_name.empty()) {
    return Fail(
        Bad(std::string(kFirstName),
            fmt::format("subject {} has no '{}': OpenMRS needs a given name", s.uuid, kFirstName)));
  }
  const std::string gender = TextAt(obs, kGender);
  s.gender = gender == "Male" ? "M" : gender == "Female" ? "F" : "U";
  s.birthdate = TextAt(obs, kDateOfBirth);
  if (!s.birthdate.empty() && !IsDay(s.birthdate)) {
    return Fail(Bad(std::string(kDateOfBirth),
                    fmt::format("subject {}: '{}' is '{}', not a date yyyy-MM-dd", s.uuid,
                                kDateOfBirth, s.birthdate)));
  }
  s.registration_date = TextAt(*doc, "Registration date");
  if (!IsDay(s.registration_date)) {
    return Fail(Bad("Registration date",
                    fmt::format("subject {}: 'Registration date' is '{}', not a date yyyy-MM-dd",
                                s.uuid, s.registration_date)));
  }
  s.observations = ObservationsOf(
      obs, {kFirstName, kLastName, kDateOfBirth, kGender, contract.rows.identifier_concept});
  return s;
}

Result<AvniEncounter> ReadEncounter(std::string_view body) {
  auto doc = Parse(body, "encounter");
  if (!doc) return Fail(doc.error());
  AvniEncounter e;
  e.uuid = TextAt(*doc, "ID");
  if (e.uuid.empty()) return Fail(Bad("ID", "the encounter has no ID"));
  e.voided = doc->value("Voided", false);
  e.subject_uuid = TextAt(*doc, "Subject ID");
  e.encounter_type = TextAt(*doc, "Encounter type");
  e.enrolment_uuid = TextAt(*doc, "Enrolment ID");
  const std::string when = TextAt(*doc, "Encounter date time");
  if (!when.empty()) {
    e.when = ParseIso8601(when);
    if (!e.when) {
      return Fail(Bad("Encounter date time",
                      fmt::format("encounter {}: 'Encounter date time' is '{}', not an ISO-8601 "
                                  "time with a zone",
                                  e.uuid, when)));
    }
  }
  if (const auto it = doc->find("observations"); it != doc->end()) {
    e.observations = ObservationsOf(*it, {});
  }
  return e;
}

json ObsMembers(const std::vector<mapping::Observation>& mapped,
                const mapping::TenantMappings& mappings) {
  json out = json::array();
  const auto questions = mappings.ScopeOf(rows::kObservation, rows::kConcept);
  for (const auto& o : mapped) {
    if (IsBlank(o.value)) continue;
    const DataTypeHint hint = mappings.FindByIntValue(questions, o.question).data_type_hint;
    const auto value_of = [hint](const json& value) -> json {
      if (!value.is_string()) return value;
      const auto& text = value.get_ref<const std::string&>();
      if (hint == DataTypeHint::kDate && IsDay(text)) return OpenmrsDay(text);
      if (hint == DataTypeHint::kDateTime) {
        if (auto t = ParseIso8601(text)) return openmrs::FormatOpenmrsTime(*t);
      }
      return value;
    };
    if (o.value.is_array()) {
      for (const json& answer : o.value) {
        out.push_back({{"concept", o.question}, {"value", value_of(answer)}});
      }
    } else {
      out.push_back({{"concept", o.question}, {"value", value_of(o.value)}});
    }
  }
  return out;
}

json FormObs(const std::string& form_concept, json members, const CommonRows& rows,
             const std::string& avni_uuid, std::optional<std::string> event_date) {
  members.push_back({{"concept", rows.avni_uuid_concept}, {"value", avni_uuid}});
  if (event_date) {
    members.push_back({{"concept", rows.event_date_concept}, {"value", OpenmrsDay(*event_date)}});
  }
  return {{"concept", form_concept}, {"groupMembers", std::move(members)}};
}

}  // namespace avni::integrations::bahmni
