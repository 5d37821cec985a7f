#include "openmrssim/services.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "openmrssim/rest_time.hpp"
#include "openmrssim/services_util.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

// Bahmni's writes may name the uuid of what they create (a test's "Java-written" record).
std::string NewUuid(const json& body, Writer writer, UuidSource& uuids) {
  if (writer == Writer::kBahmni) {
    const auto it = body.find("uuid");
    if (it != body.end() && it->is_string() && !it->get<std::string>().empty()) {
      return it->get<std::string>();
    }
  }
  return uuids.Next();
}

// The body without the uuid a Bahmni write may carry.
json WithoutUuid(json body, Writer writer) {
  if (writer == Writer::kBahmni && body.is_object()) body.erase("uuid");
  return body;
}

}  // namespace

Services::Services(const Metadata& metadata, const SimOptions& options)
    : metadata_(metadata), options_(options), uuids_(options.seed) {}

void Services::Reset(std::uint64_t seed) {
  data_.Clear();
  uuids_ = UuidSource(seed);
  patient_feed_.Clear();
  encounter_feed_.Clear();
  identifiers_created_.clear();
  avni_uuid_encounters_.clear();
  avni_uuid_visits_.clear();
  answers_outside_concept_ = 0;
  next_order_number_ = 1;
}

RestResult<std::string> Services::CreatePerson(const json& raw, Timestamp now, Writer writer) {
  if (!raw.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  const json body = WithoutUuid(raw, writer);
  if (auto bad = CheckProperties(
          body,
          {"age", "birthdate", "birthdateEstimated", "dead", "deathDate", "causeOfDeath",
           "addresses", "attributes", "deathdateEstimated", "birthtime"},
          {"names", "gender"})) {
    return std::unexpected(*bad);
  }
  Person person;
  person.uuid = NewUuid(raw, writer, uuids_);
  person.created = now;
  std::vector<ValidationError> global;
  std::vector<std::pair<std::string, ValidationError>> fields;
  const json& names = body["names"];
  if (!names.is_array()) {
    return std::unexpected(
        Conversion("names on class org.openmrs.Person => a list of names is expected"));
  }
  for (std::size_t i = 0; i < names.size(); ++i) {
    const json& n = names[i];
    if (!n.is_object()) {
      return std::unexpected(
          Conversion("names on class org.openmrs.Person => a name is an object"));
    }
    PersonName name;
    name.uuid = uuids_.Next();
    name.given_name = n.value("givenName", "");
    name.middle_name = n.value("middleName", "");
    name.family_name = n.value("familyName", "");
    name.preferred = n.value("preferred", false);
    if (name.given_name.empty()) {
      fields.push_back(
          {fmt::format("names[{}].givenName", i),
           {"Patient.names.required.given.family", "Given and family names are required"}});
    }
    person.names.push_back(std::move(name));
  }
  if (person.names.empty()) {
    global.push_back({"Person.names.length", "Person must have at least one name"});
  }
  person.gender = body["gender"].is_string() ? body["gender"].get<std::string>() : "";
  if (person.gender.empty()) {
    fields.push_back({"gender", {"Person.gender.required", "Please select a gender"}});
  }
  std::optional<Timestamp> birthdate;
  if (auto bad = ReadDate(body, "birthdate", "org.openmrs.Person", birthdate)) {
    return std::unexpected(*bad);
  }
  if (birthdate && *birthdate > now) {
    fields.push_back({"birthdate", {"error.date.future", "Cannot be a date in the future"}});
  }
  person.birthdate = birthdate;
  person.birthdate_estimated = body.value("birthdateEstimated", false);
  if (const auto it = body.find("attributes"); it != body.end() && it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& a = (*it)[i];
      const std::string type = a.is_object() ? RefUuid(a.value("attributeType", json())) : "";
      if (metadata_.Find("personattributetype", type) == nullptr) {
        fields.push_back({fmt::format("attributes[{}].attributeType", i),
                          {"error.null", "Cannot be empty or null"}});
        continue;
      }
      person.attributes.push_back(
          {uuids_.Next(), type, a.contains("value") ? ScalarText(a["value"]) : "", false});
    }
  }
  if (!global.empty() || !fields.empty()) return std::unexpected(Validation(global, fields));
  const std::string uuid = person.uuid;
  data_.persons[uuid] = std::move(person);
  return uuid;
}

RestResult<std::string> Services::UpdatePerson(const std::string& uuid, const json& body,
                                               Timestamp now) {
  const auto it = data_.persons.find(uuid);
  if (it == data_.persons.end()) return std::unexpected(NotFound());
  if (!body.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  if (auto bad =
          CheckProperties(body,
                          {"gender", "birthdate", "birthdateEstimated", "names", "attributes",
                           "preferredName", "age", "dead", "causeOfDeath", "deathDate"},
                          {})) {
    return std::unexpected(*bad);
  }
  Person person = it->second;
  if (body.contains("gender") && body["gender"].is_string()) person.gender = body["gender"];
  std::optional<Timestamp> birthdate;
  if (auto bad = ReadDate(body, "birthdate", "org.openmrs.Person", birthdate)) {
    return std::unexpected(*bad);
  }
  if (birthdate) person.birthdate = birthdate;
  if (const auto a = body.find("attributes"); a != body.end() && a->is_array()) {
    for (const json& item : *a) {
      const std::string type = item.is_object() ? RefUuid(item.value("attributeType", json())) : "";
      if (metadata_.Find("personattributetype", type) == nullptr) {
        return std::unexpected(Validation(
            {}, {{"attributes.attributeType", {"error.null", "Cannot be empty or null"}}}));
      }
      // Person.addAttribute: a new value of a type voids the old one.
      for (auto& existing : person.attributes) {
        if (existing.attribute_type == type && !existing.voided) existing.voided = true;
      }
      person.attributes.push_back(
          {uuids_.Next(), type, item.contains("value") ? ScalarText(item["value"]) : "", false});
    }
  }
  person.changed = now;
  it->second = std::move(person);
  return uuid;
}

RestResult<std::string> Services::CreatePatient(const json& raw, Timestamp now, Writer writer) {
  if (!raw.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  json body = WithoutUuid(raw, writer);
  if (!body.contains("person") || body["person"].is_null()) {
    return std::unexpected(Conversion("The person property is missing"));
  }
  if (auto bad = CheckProperties(body, {}, {"person", "identifiers"})) return std::unexpected(*bad);
  // Checked before anything is written, so that a refused patient leaves no person behind.
  const json& ids = body["identifiers"];
  if (!ids.is_array()) {
    return std::unexpected(Conversion(
        "identifiers on class org.openmrs.Patient => a list of identifiers is expected"));
  }
  std::vector<PatientIdentifier> identifiers;
  std::vector<ValidationError> global;
  bool preferred_chosen = false;
  for (const json& item : ids) {
    if (!item.is_object()) {
      return std::unexpected(
          Conversion("identifiers on class org.openmrs.Patient => an identifier is an object"));
    }
    PatientIdentifier id;
    id.uuid = uuids_.Next();
    id.identifier = item.contains("identifier") ? ScalarText(item["identifier"]) : "";
    id.identifier_type = RefUuid(item.value("identifierType", json()));
    id.location = RefUuid(item.value("location", json()));
    if (metadata_.Find("location", id.location) == nullptr) id.location.clear();
    id.preferred = item.value("preferred", false);
    preferred_chosen = preferred_chosen || id.preferred;
    identifiers.push_back(std::move(id));
  }
  if (identifiers.size() == 1) identifiers[0].preferred = true;
  if (!preferred_chosen && identifiers.size() > 1) {
    global.push_back({"error.preferredIdentifier", "Select a preferred identifier"});
  }
  // PatientValidator -> PatientIdentifierValidator: each failure is a global error whose code
  // and message are the exception's message.
  for (const auto& id : identifiers) {
    if (!global.empty()) break;
    const MetaDef* type = metadata_.Find("patientidentifiertype", id.identifier_type);
    std::string problem;
    if (type == nullptr) {
      problem = "PatientIdentifierType.null";
    } else if (id.identifier.empty()) {
      problem = "Identifier cannot be null or blank";
    } else if (id.location.empty() && type->extra.value("locationBehavior", json()).is_null()) {
      problem = "Identifier Location cannot be null for " + id.identifier;
    } else {
      const auto owners = data_.patients_by_identifier.find(id.identifier);
      for (const auto& owner : owners == data_.patients_by_identifier.end()
                                   ? std::vector<std::string>{}
                                   : owners->second) {
        const Patient& other = data_.patients.at(owner);
        if (other.voided) continue;
        for (const auto& existing : other.identifiers) {
          if (!existing.voided && existing.identifier == id.identifier &&
              existing.identifier_type == id.identifier_type) {
            problem = "Identifier " + id.identifier + " already in use by another patient";
          }
        }
      }
    }
    if (!problem.empty()) global.push_back({problem, problem});
  }
  if (identifiers.empty()) {
    return std::unexpected(ServerError("At least one nonvoided Patient Identifier is required",
                                       "org.openmrs.api.impl.PatientServiceImpl:288"));
  }
  if (!global.empty()) return std::unexpected(Validation(global, {}));
  std::string person_uuid;
  if (body["person"].is_object()) {
    auto person = CreatePerson(body["person"], now, Writer::kRest);
    if (!person) return std::unexpected(person.error());
    person_uuid = *person;
    if (writer == Writer::kBahmni && raw.contains("uuid") && raw["uuid"].is_string()) {
      // The patient's uuid is its person's.
      Person moved = std::move(data_.persons[person_uuid]);
      data_.persons.erase(person_uuid);
      person_uuid = raw["uuid"].get<std::string>();
      moved.uuid = person_uuid;
      data_.persons[person_uuid] = std::move(moved);
    }
  } else {
    person_uuid = RefUuid(body["person"]);
    if (!data_.persons.contains(person_uuid)) {
      return std::unexpected(ServerError(
          "Cannot invoke \"org.openmrs.Person.getPersonId()\" because \"person\" is null",
          "org.openmrs.Patient:84"));
    }
  }
  Patient patient;
  patient.uuid = person_uuid;
  patient.identifiers = std::move(identifiers);
  patient.created = now;
  for (const auto& id : patient.identifiers) {
    ++identifiers_created_[id.identifier];
    data_.patients_by_identifier[id.identifier].push_back(person_uuid);
  }
  if (!data_.patients.contains(person_uuid)) data_.patient_order.push_back(person_uuid);
  data_.patients[person_uuid] = std::move(patient);
  patient_feed_.Append(uuids_.Next(), now,
                       fmt::format("/openmrs/ws/rest/v1/patient/{}?v=full", person_uuid));
  return person_uuid;
}

RestResult<std::string> Services::UpdatePatient(const std::string& uuid, const json& body,
                                                Timestamp now) {
  const auto it = data_.patients.find(uuid);
  if (it == data_.patients.end()) return std::unexpected(NotFound());
  if (!body.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  if (auto bad = CheckProperties(body, {"person", "identifiers", "voided"}, {})) {
    return std::unexpected(*bad);
  }
  if (body.contains("person") && body["person"].is_object()) {
    auto person = UpdatePerson(uuid, body["person"], now);
    if (!person) return std::unexpected(person.error());
  }
  it->second.changed = now;
  patient_feed_.Append(uuids_.Next(), now,
                       fmt::format("/openmrs/ws/rest/v1/patient/{}?v=full", uuid));
  return uuid;
}

RestResult<void> Services::VoidPatient(const std::string& uuid, Timestamp now) {
  const auto it = data_.patients.find(uuid);
  if (it == data_.patients.end()) return std::unexpected(NotFound());
  // PatientService.voidPatient saves through the DAO: no savePatient, so no feed event.
  it->second.voided = true;
  it->second.changed = now;
  for (auto& id : it->second.identifiers) id.voided = true;
  if (auto person = data_.persons.find(uuid); person != data_.persons.end()) {
    person->second.voided = true;
  }
  return {};
}

bool Services::PurgePatient(const std::string& uuid) {
  const auto it = data_.patients.find(uuid);
  if (it == data_.patients.end()) return false;
  for (const auto& id : it->second.identifiers) {
    std::erase(data_.patients_by_identifier[id.identifier], uuid);
  }
  data_.patients.erase(it);
  data_.persons.erase(uuid);
  std::erase(data_.patient_order, uuid);
  return true;
}

bool Services::PurgeEncounter(const std::string& uuid) {
  const auto it = data_.encounters.find(uuid);
  if (it == data_.encounters.end()) return false;
  for (auto& [visit_uuid, visit] : data_.visits) std::erase(visit.encounters, uuid);
  std::vector<std::string> obs = it->second.obs;
  while (!obs.empty()) {
    const std::string next = obs.back();
    obs.pop_back();
    if (auto o = data_.obs.find(next); o != data_.obs.end()) {
      obs.insert(obs.end(), o->second.members.begin(), o->second.members.end());
      data_.obs.erase(o);
    }
  }
  std::erase(data_.encounters_by_patient[it->second.patient], uuid);
  data_.encounters.erase(it);
  std::erase(data_.encounter_order, uuid);
  return true;
}

bool Services::AddDrugOrder(const std::string& encounter, DrugOrder order) {
  const auto it = data_.encounters.find(encounter);
  if (it == data_.encounters.end()) return false;
  if (order.uuid.empty()) order.uuid = uuids_.Next();
  order.order_number = fmt::format("ORD-{}", next_order_number_++);
  it->second.orders.push_back(std::move(order));
  return true;
}

json Services::CreationCounts() const {
  json avni = json::object();
  for (const auto& [uuid, encounters] : avni_uuid_encounters_) {
    avni[uuid]["encounters"] = encounters.size();
  }
  for (const auto& [uuid, visits] : avni_uuid_visits_) avni[uuid]["visits"] = visits.size();
  for (auto& [uuid, counts] : avni.items()) {
    if (!counts.contains("encounters")) counts["encounters"] = 0;
    if (!counts.contains("visits")) counts["visits"] = 0;
  }
  return {{"identifiers", identifiers_created_},
          {"avniUuids", std::move(avni)},
          {"answersOutsideConcept", answers_outside_concept_}};
}

std::vector<std::string> Services::EncountersCarrying(const std::string& avni_uuid) const {
  std::vector<std::string> out;
  const auto carrying = avni_uuid_encounters_.find(avni_uuid);
  if (carrying == avni_uuid_encounters_.end()) return out;
  for (const auto& uuid : data_.encounter_order) {
    if (carrying->second.contains(uuid) && data_.encounters.contains(uuid)) out.push_back(uuid);
  }
  return out;
}

}  // namespace avni::openmrssim
