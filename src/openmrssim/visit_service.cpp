// VisitService as webservices.rest reaches it: visits with their attributes (free text and
// dates), VisitValidator's rules, voiding with the visit's encounters.

#include <algorithm>

#include <fmt/format.h>

#include "openmrssim/rest_time.hpp"
#include "openmrssim/services.hpp"
#include "openmrssim/services_util.hpp"

namespace avni::openmrssim {

using nlohmann::json;

RestResult<void> Services::ReadVisitAttributes(const json& body, std::vector<VisitAttribute>& out) {
  const auto it = body.find("attributes");
  if (it == body.end() || !it->is_array()) return {};
  std::vector<VisitAttribute> read;
  for (const json& a : *it) {
    const std::string type = a.is_object() ? RefUuid(a.value("attributeType", json())) : "";
    const MetaDef* def = metadata_.Find("visitattributetype", type);
    if (def == nullptr) {
      return std::unexpected(ServerError(
          "Cannot invoke \"org.openmrs.attribute.AttributeType.getDatatypeClassname()\" "
          "because the return value of \"org.openmrs.attribute.Attribute.getAttributeType()\" "
          "is null",
          "org.openmrs.customdatatype.CustomDatatypeUtil:59"));
    }
    std::string value = a.contains("value") ? ScalarText(a["value"]) : "";
    if (def->extra.value("datatypeClassname", "").ends_with("DateDatatype")) {
      // DateDatatype stores yyyy-MM-dd.
      const auto parsed = ParseRestDate(value.substr(0, std::min<std::size_t>(value.size(), 10)));
      if (!parsed) {
        return std::unexpected(Conversion(fmt::format(
            "attributes on class org.openmrs.Visit => value on class org.openmrs.VisitAttribute "
            "=> Unparseable date: \"{}\"",
            value)));
      }
      value = FormatRestDate(*parsed).substr(0, 10);
    }
    read.push_back({uuids_.Next(), type, std::move(value), false});
  }
  out.insert(out.end(), read.begin(), read.end());
  return {};
}

RestResult<std::string> Services::CreateVisit(const json& body, Timestamp now) {
  if (!body.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  if (auto bad = CheckProperties(
          body,
          {"startDatetime", "location", "indication", "stopDatetime", "encounters", "attributes"},
          {"patient", "visitType"})) {
    return std::unexpected(*bad);
  }
  Visit visit;
  visit.uuid = uuids_.Next();
  visit.created = now;
  visit.patient = RefUuid(body["patient"]);
  visit.visit_type = RefUuid(body["visitType"]);
  visit.location = RefUuid(body.value("location", json()));
  if (metadata_.Find("location", visit.location) == nullptr) visit.location.clear();
  std::optional<Timestamp> start;
  std::optional<Timestamp> stop;
  if (auto bad = ReadDate(body, "startDatetime", "org.openmrs.Visit", start)) {
    return std::unexpected(*bad);
  }
  if (auto bad = ReadDate(body, "stopDatetime", "org.openmrs.Visit", stop)) {
    return std::unexpected(*bad);
  }
  visit.start = start.value_or(now);
  visit.stop = stop;
  if (auto read = ReadVisitAttributes(body, visit.attributes); !read) {
    return std::unexpected(read.error());
  }
  std::vector<std::pair<std::string, ValidationError>> fields;
  const auto patient = data_.patients.find(visit.patient);
  if (patient == data_.patients.end()) {
    fields.push_back({"patient", {"Visit.error.patient.required", "Patient Id is required"}});
  }
  if (metadata_.Find("visittype", visit.visit_type) == nullptr) {
    fields.push_back({"visitType", {"Visit.error.visitType.required", "Visit Type is required"}});
  }
  if (visit.stop && *visit.stop < visit.start) {
    fields.push_back(
        {"stopDatetime",
         {"Visit.error.endDateBeforeStartDate", "Stop date cannot be before start date"}});
  }
  if (patient != data_.patients.end()) {
    const auto person = data_.persons.find(visit.patient);
    if (person != data_.persons.end() && person->second.birthdate &&
        visit.start < *person->second.birthdate) {
      fields.push_back({"startDatetime",
                        {"Visit.startDateCannotFallBeforeTheBirthDateOfTheSamePatient",
                         "This visit has a start date that falls before the birthdate of the same "
                         "patient."}});
    }
  }
  if (!fields.empty()) return std::unexpected(Validation({}, fields));
  const std::string avni_type = metadata_.UuidOf("visitattributetype", kAvniUuidVisitAttribute);
  for (const auto& a : visit.attributes) {
    if (a.attribute_type == avni_type) avni_uuid_visits_[a.value].insert(visit.uuid);
  }
  const std::string uuid = visit.uuid;
  data_.visit_order.push_back(uuid);
  data_.visits_by_patient[visit.patient].push_back(uuid);
  data_.visits[uuid] = std::move(visit);
  return uuid;
}

RestResult<std::string> Services::UpdateVisit(const std::string& uuid, const json& body,
                                              Timestamp now) {
  const auto it = data_.visits.find(uuid);
  if (it == data_.visits.end()) return std::unexpected(NotFound());
  if (!body.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  if (auto bad = CheckProperties(body,
                                 {"visitType", "startDatetime", "location", "indication",
                                  "stopDatetime", "encounters", "attributes"},
                                 {})) {
    return std::unexpected(*bad);
  }
  Visit visit = it->second;
  std::optional<Timestamp> start;
  std::optional<Timestamp> stop;
  if (auto bad = ReadDate(body, "startDatetime", "org.openmrs.Visit", start)) {
    return std::unexpected(*bad);
  }
  if (auto bad = ReadDate(body, "stopDatetime", "org.openmrs.Visit", stop)) {
    return std::unexpected(*bad);
  }
  if (start) visit.start = *start;
  if (stop) visit.stop = stop;
  if (body.contains("visitType")) {
    const std::string type = RefUuid(body["visitType"]);
    if (metadata_.Find("visittype", type) == nullptr) {
      return std::unexpected(Validation(
          {}, {{"visitType", {"Visit.error.visitType.required", "Visit Type is required"}}}));
    }
    visit.visit_type = type;
  }
  if (body.contains("location")) visit.location = RefUuid(body["location"]);
  if (auto read = ReadVisitAttributes(body, visit.attributes); !read) {
    return std::unexpected(read.error());
  }
  const std::string avni_type = metadata_.UuidOf("visitattributetype", kAvniUuidVisitAttribute);
  if (visit.stop && *visit.stop < visit.start) {
    return std::unexpected(Validation(
        {}, {{"stopDatetime",
              {"Visit.error.endDateBeforeStartDate", "Stop date cannot be before start date"}}}));
  }
  for (const auto& encounter_uuid : visit.encounters) {
    const Encounter& e = data_.encounters.at(encounter_uuid);
    if (e.voided) continue;
    if (e.encounter_datetime < visit.start) {
      return std::unexpected(Validation(
          {}, {{"startDatetime",
                {"Visit.encountersCannotBeBeforeStartDate",
                 "Cannot contain encounters whose dates are before the start of the visit."}}}));
    }
    if (visit.stop && e.encounter_datetime > *visit.stop) {
      return std::unexpected(Validation(
          {}, {{"stopDatetime",
                {"Visit.encountersCannotBeAfterStopDate",
                 "Cannot contain encounters whose dates are after the stop of the visit."}}}));
    }
  }
  for (const auto& a : visit.attributes) {
    if (a.attribute_type == avni_type && !a.voided) avni_uuid_visits_[a.value].insert(visit.uuid);
  }
  visit.changed = now;
  it->second = std::move(visit);
  return uuid;
}

RestResult<void> Services::VoidVisit(const std::string& uuid, Timestamp now) {
  const auto it = data_.visits.find(uuid);
  if (it == data_.visits.end()) return std::unexpected(NotFound());
  for (const auto& encounter_uuid : it->second.encounters) {
    const auto e = data_.encounters.find(encounter_uuid);
    if (e != data_.encounters.end() && !e->second.voided) {
      (void)VoidEncounter(encounter_uuid, now);
    }
  }
  it->second.voided = true;
  it->second.changed = now;
  return {};
}

}  // namespace avni::openmrssim
