// Client: patients and persons.
#include <algorithm>

#include <fmt/format.h>

#include "http/url.hpp"
#include "openmrs/client.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

std::string Enc(std::string_view text) { return http::PercentEncode(text); }

}  // namespace

Result<std::vector<Patient>> Client::FindPatientsByIdentifier(std::string_view identifier) {
  auto found = List(fmt::format("patient?identifier={}&v=full", Enc(identifier)));
  if (!found) return Fail(found.error());
  std::vector<Patient> out;
  for (const json& item : *found) {
    auto patient = ReadPatient(item);
    if (!patient) return Fail(patient.error());
    const bool holds = std::any_of(patient->identifiers.begin(), patient->identifiers.end(),
                                   [&](const auto& id) { return id.identifier == identifier; });
    if (holds) out.push_back(std::move(*patient));
  }
  return out;
}

Result<std::optional<Patient>> Client::GetPatient(std::string_view uuid) {
  auto answer = Get(fmt::format("patient/{}?v=full", Enc(uuid)));
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return std::optional<Patient>();
  auto patient = ReadPatient(**answer);
  if (!patient) return Fail(patient.error());
  return std::optional<Patient>(std::move(*patient));
}

Result<Patient> Client::CreatePatient(const NewPatient& patient) {
  if (patient.identifiers.empty() || patient.identifiers.front().identifier.empty()) {
    return Fail(Error::InvalidArgument("identifiers", "a patient needs an identifier"));
  }
  const std::string& key = patient.identifiers.front().identifier;
  // A create whose answer was lost may have happened: the identifier says.
  auto existing = FindPatientsByIdentifier(key);
  if (!existing) return Fail(existing.error());
  if (!existing->empty()) return std::move(existing->front());

  json names = json::array();
  names.push_back(json{
      {"givenName", patient.given_name}, {"familyName", patient.family_name}, {"preferred", true}});
  json person{{"names", std::move(names)}, {"gender", patient.gender}};
  if (!patient.birthdate.empty()) person["birthdate"] = patient.birthdate;
  if (!patient.attributes.empty()) {
    json attributes = json::array();
    for (const auto& [type, value] : patient.attributes) {
      attributes.push_back(json{{"attributeType", type}, {"value", value}});
    }
    person["attributes"] = std::move(attributes);
  }
  json identifiers = json::array();
  for (const auto& id : patient.identifiers) {
    json item{{"identifier", id.identifier},
              {"identifierType", id.identifier_type},
              {"preferred", id.preferred}};
    if (!id.location.empty()) item["location"] = id.location;
    identifiers.push_back(std::move(item));
  }
  auto created = Post("patient?v=full",
                      json{{"person", std::move(person)}, {"identifiers", std::move(identifiers)}});
  if (!created) {
    Error error = created.error();
    error.message = fmt::format("creating patient {}: {}", key, error.message);
    return Fail(std::move(error));
  }
  return ReadPatient(*created);
}

Status Client::VoidPatient(std::string_view uuid) {
  return Delete(fmt::format("patient/{}", Enc(uuid)));
}

Result<std::optional<Person>> Client::GetPerson(std::string_view uuid) {
  auto answer = Get(fmt::format("person/{}?v=full", Enc(uuid)));
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return std::optional<Person>();
  auto person = ReadPerson(**answer);
  if (!person) return Fail(person.error());
  return std::optional<Person>(std::move(*person));
}

Status Client::UpdatePersonAttributes(
    std::string_view person_uuid, const std::vector<std::pair<std::string, std::string>>& values) {
  if (values.empty()) return {};
  json attributes = json::array();
  for (const auto& [type, value] : values) {
    attributes.push_back(json{{"attributeType", type}, {"value", value}});
  }
  auto updated =
      Post(fmt::format("person/{}", Enc(person_uuid)), json{{"attributes", std::move(attributes)}});
  if (!updated) return Fail(updated.error());
  return {};
}

}  // namespace avni::openmrs
