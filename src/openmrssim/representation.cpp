#include "openmrssim/representation.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <fmt/format.h>

#include "openmrssim/representation_parts.hpp"
#include "openmrssim/rest_time.hpp"
#include "openmrssim/uuids.hpp"

namespace avni::openmrssim {
namespace {

// The user every simulated change is audited as (Bahmni's default "superman").
constexpr const char* kUserName = "superman";

std::string PreferredIdentifier(const Patient& patient) {
  const PatientIdentifier* found = nullptr;
  for (const auto& id : patient.identifiers) {
    if (id.voided) continue;
    if (found == nullptr || (id.preferred && !found->preferred)) found = &id;
  }
  return found == nullptr ? "" : found->identifier;
}

const Person* PersonOf(const RenderContext& ctx, const std::string& uuid) {
  const auto it = ctx.data.persons.find(uuid);
  return it == ctx.data.persons.end() ? nullptr : &it->second;
}

std::string PatientDisplay(const RenderContext& ctx, const Patient& patient) {
  const std::string identifier = PreferredIdentifier(patient);
  if (identifier.empty()) return "";
  const Person* person = PersonOf(ctx, patient.uuid);
  return identifier + " - " + (person == nullptr ? "" : FullName(*person));
}

}  // namespace

namespace rendering {

Json Link(const std::string& rel, const std::string& uri, const std::string& alias) {
  return Json{{"rel", rel}, {"uri", uri}, {"resourceAlias", alias}};
}

Json Links(const std::string& uri, const std::string& alias, Rep rep) {
  Json links = Json::array({Link("self", uri, alias)});
  if (rep == Rep::kDefault) links.push_back(Link("full", uri + "?v=full", alias));
  return links;
}

Json Ref(const std::string& uuid, const std::string& display, const std::string& uri,
         const std::string& alias) {
  return Json{{"uuid", uuid}, {"display", display}, {"links", Links(uri, alias, Rep::kRef)}};
}

std::string Uri(const RenderContext& ctx, std::string_view resource, std::string_view uuid) {
  return fmt::format("{}/{}/{}", ctx.base, resource, uuid);
}

Json AuditInfo(const RenderContext& ctx, Timestamp created,
               const std::optional<Timestamp>& changed) {
  const std::string user = StableUuid("user", kUserName);
  const Json creator = Ref(user, kUserName, Uri(ctx, "user", user), "user");
  return Json{{"creator", creator},
              {"dateCreated", FormatRestDate(created)},
              {"changedBy", changed ? creator : Json(nullptr)},
              {"dateChanged", changed ? Json(FormatRestDate(*changed)) : Json(nullptr)}};
}

// Java's Double.toString for the values obs hold: 60.0, 12.5.
Json ConceptRef(const RenderContext& ctx, const std::string& uuid) {
  const ConceptDef* c = ctx.metadata.Concept(uuid);
  return Ref(uuid, c == nullptr ? "" : c->name, Uri(ctx, "concept", uuid), "concept");
}

Json MetaRef(const RenderContext& ctx, std::string_view resource, const std::string& uuid) {
  if (uuid.empty()) return nullptr;
  const MetaDef* def = ctx.metadata.Find(resource, uuid);
  if (def == nullptr) return nullptr;
  return RenderMeta(ctx, resource, *def, Rep::kRef);
}

Json MetaAt(const RenderContext& ctx, std::string_view resource, const std::string& uuid, Rep rep) {
  const MetaDef* def = ctx.metadata.Find(resource, uuid);
  return def == nullptr ? Json(nullptr) : RenderMeta(ctx, resource, *def, rep);
}

Json PatientRef(const RenderContext& ctx, const std::string& uuid) {
  const auto it = ctx.data.patients.find(uuid);
  const std::string display = it == ctx.data.patients.end() ? "" : PatientDisplay(ctx, it->second);
  return Ref(uuid, display, Uri(ctx, "patient", uuid), "patient");
}

Json PersonRef(const RenderContext& ctx, const std::string& uuid) {
  const Person* person = PersonOf(ctx, uuid);
  return Ref(uuid, person == nullptr ? "" : FullName(*person), Uri(ctx, "person", uuid), "person");
}

}  // namespace rendering

using namespace rendering;

namespace {

std::string DatatypeUuid(Datatype datatype) {
  switch (datatype) {
    case Datatype::kNumeric:
      return "8d4a4488-c2cc-11de-8d13-0010c6dffd0f";
    case Datatype::kCoded:
      return "8d4a48b6-c2cc-11de-8d13-0010c6dffd0f";
    case Datatype::kText:
      return "8d4a4ab4-c2cc-11de-8d13-0010c6dffd0f";
    case Datatype::kNA:
      return "8d4a4c94-c2cc-11de-8d13-0010c6dffd0f";
    case Datatype::kDate:
      return "8d4a505e-c2cc-11de-8d13-0010c6dffd0f";
    case Datatype::kDatetime:
      return "8d5b8be4-c2cc-11de-8d13-0010c6dffd0f";
  }
  return "";
}

Json RenderDatatype(const RenderContext& ctx, Datatype datatype, Rep rep) {
  const std::string uuid = DatatypeUuid(datatype);
  const std::string name(DatatypeName(datatype));
  const std::string uri = Uri(ctx, "conceptdatatype", uuid);
  if (rep == Rep::kRef) return Ref(uuid, name, uri, "conceptdatatype");
  return Json{{"uuid", uuid},
              {"display", name},
              {"name", name},
              {"description", name},
              {"hl7Abbreviation", Hl7Abbreviation(datatype)},
              {"retired", false},
              {"links", Links(uri, "conceptdatatype", rep)}};
}

Json RenderConceptClass(const RenderContext& ctx, const std::string& name, Rep rep) {
  const std::string uuid = StableUuid("conceptclass", name);
  const std::string uri = Uri(ctx, "conceptclass", uuid);
  if (rep == Rep::kRef) return Ref(uuid, name, uri, "conceptclass");
  return Json{{"uuid", uuid},     {"display", name},
              {"name", name},     {"description", name},
              {"retired", false}, {"links", Links(uri, "conceptclass", rep)}};
}

Json RenderConceptName(const RenderContext& ctx, const ConceptDef& c, Rep rep) {
  const std::string uuid = StableUuid("conceptname", c.name);
  const std::string uri = fmt::format("{}/name/{}", Uri(ctx, "concept", c.uuid), uuid);
  if (rep == Rep::kRef) return Ref(uuid, c.name, uri, "name");
  return Json{{"display", c.name},
              {"uuid", uuid},
              {"name", c.name},
              {"locale", "en"},
              {"localePreferred", true},
              {"conceptNameType", "FULLY_SPECIFIED"},
              {"links", Links(uri, "name", rep)}};
}

Json RenderIdentifier(const RenderContext& ctx, const Patient& patient, const PatientIdentifier& id,
                      Rep rep) {
  const MetaDef* type = ctx.metadata.Find("patientidentifiertype", id.identifier_type);
  const std::string display = (type == nullptr ? "" : type->name) + " = " + id.identifier;
  const std::string uri =
      fmt::format("{}/identifier/{}", Uri(ctx, "patient", patient.uuid), id.uuid);
  if (rep == Rep::kRef) return Ref(id.uuid, display, uri, "identifier");
  Json out{{"display", display},
           {"uuid", id.uuid},
           {"identifier", id.identifier},
           {"identifierType", MetaRef(ctx, "patientidentifiertype", id.identifier_type)},
           {"location", MetaRef(ctx, "location", id.location)},
           {"preferred", id.preferred},
           {"voided", id.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, patient.created, std::nullopt);
  out["links"] = Links(uri, "identifier", rep);
  return out;
}

std::string NameDisplay(const PersonName& name) {
  std::string out;
  for (const std::string* part : {&name.given_name, &name.middle_name, &name.family_name}) {
    if (part->empty()) continue;
    if (!out.empty()) out += ' ';
    out += *part;
  }
  return out;
}

Json RenderName(const RenderContext& ctx, const Person& person, const PersonName& name, Rep rep) {
  const std::string uri = fmt::format("{}/name/{}", Uri(ctx, "person", person.uuid), name.uuid);
  if (rep == Rep::kRef) return Ref(name.uuid, NameDisplay(name), uri, "name");
  const auto or_null = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  Json out{{"display", NameDisplay(name)},
           {"uuid", name.uuid},
           {"givenName", or_null(name.given_name)},
           {"middleName", or_null(name.middle_name)},
           {"familyName", or_null(name.family_name)},
           {"familyName2", nullptr},
           {"voided", name.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, person.created, std::nullopt);
  out["links"] = Links(uri, "name", rep);
  return out;
}

Json RenderPersonAttribute(const RenderContext& ctx, const Person& person,
                           const PersonAttribute& attribute, Rep rep) {
  const MetaDef* type = ctx.metadata.Find("personattributetype", attribute.attribute_type);
  const std::string display = (type == nullptr ? "" : type->name) + " = " + attribute.value;
  const std::string uri =
      fmt::format("{}/attribute/{}", Uri(ctx, "person", person.uuid), attribute.uuid);
  if (rep == Rep::kRef) return Ref(attribute.uuid, display, uri, "attribute");
  Json out{{"display", display},
           {"uuid", attribute.uuid},
           {"value", attribute.value},
           {"attributeType", MetaRef(ctx, "personattributetype", attribute.attribute_type)},
           {"voided", attribute.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, person.created, std::nullopt);
  out["links"] = Links(uri, "attribute", rep);
  return out;
}

}  // namespace

std::optional<Rep> ParseRep(std::string_view v) {
  std::string lower(v);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "ref") return Rep::kRef;
  if (lower == "default") return Rep::kDefault;
  if (lower == "full") return Rep::kFull;
  return std::nullopt;
}

std::string FullName(const Person& person) {
  const PersonName* found = nullptr;
  for (const auto& name : person.names) {
    if (name.voided) continue;
    if (found == nullptr || (name.preferred && !found->preferred)) found = &name;
  }
  return found == nullptr ? "" : NameDisplay(*found);
}

Json RenderPerson(const RenderContext& ctx, const Person& person, Rep rep) {
  const std::string uri = Uri(ctx, "person", person.uuid);
  if (rep == Rep::kRef) return Ref(person.uuid, FullName(person), uri, "person");
  Json out{{"uuid", person.uuid}, {"display", FullName(person)}, {"gender", person.gender}};
  if (person.birthdate) {
    const auto born =
        std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(*person.birthdate)};
    const auto today = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(ctx.now)};
    int age = static_cast<int>(today.year()) - static_cast<int>(born.year());
    if (std::chrono::month_day{today.month(), today.day()} <
        std::chrono::month_day{born.month(), born.day()}) {
      --age;
    }
    out["age"] = age;
    out["birthdate"] = FormatRestDate(*person.birthdate);
  } else {
    out["age"] = nullptr;
    out["birthdate"] = nullptr;
  }
  out["birthdateEstimated"] = person.birthdate_estimated;
  out["dead"] = false;
  out["deathDate"] = nullptr;
  out["causeOfDeath"] = nullptr;
  const Rep nested = rep == Rep::kFull ? Rep::kDefault : Rep::kRef;
  const PersonName* preferred = nullptr;
  for (const auto& name : person.names) {
    if (!name.voided && (preferred == nullptr || (name.preferred && !preferred->preferred))) {
      preferred = &name;
    }
  }
  out["preferredName"] =
      preferred == nullptr ? Json(nullptr) : RenderName(ctx, person, *preferred, nested);
  out["preferredAddress"] = nullptr;
  if (rep == Rep::kFull) {
    Json names = Json::array();
    for (const auto& name : person.names) {
      if (!name.voided) names.push_back(RenderName(ctx, person, name, Rep::kDefault));
    }
    out["names"] = std::move(names);
    out["addresses"] = Json::array();
  }
  Json attributes = Json::array();
  for (const auto& attribute : person.attributes) {
    if (!attribute.voided)
      attributes.push_back(RenderPersonAttribute(ctx, person, attribute, nested));
  }
  out["attributes"] = std::move(attributes);
  out["voided"] = person.voided;
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, person.created, person.changed);
  out["birthtime"] = nullptr;
  out["deathdateEstimated"] = false;
  out["links"] = Links(uri, "person", rep);
  return out;
}

Json RenderPatient(const RenderContext& ctx, const Patient& patient, Rep rep) {
  const std::string uri = Uri(ctx, "patient", patient.uuid);
  const std::string display = PatientDisplay(ctx, patient);
  if (rep == Rep::kRef) return Ref(patient.uuid, display, uri, "patient");
  Json identifiers = Json::array();
  for (const auto& id : patient.identifiers) {
    if (!id.voided) {
      identifiers.push_back(
          RenderIdentifier(ctx, patient, id, rep == Rep::kFull ? Rep::kDefault : Rep::kRef));
    }
  }
  const Person* person = PersonOf(ctx, patient.uuid);
  Json out{
      {"uuid", patient.uuid},
      {"display", display},
      {"identifiers", std::move(identifiers)},
      {"person", person == nullptr
                     ? Json(nullptr)
                     : RenderPerson(ctx, *person, rep == Rep::kFull ? Rep::kFull : Rep::kDefault)},
      {"voided", patient.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, patient.created, patient.changed);
  out["links"] = Links(uri, "patient", rep);
  return out;
}

Json RenderConcept(const RenderContext& ctx, const ConceptDef& c, Rep rep) {
  const std::string uri = Uri(ctx, "concept", c.uuid);
  if (rep == Rep::kRef) return Ref(c.uuid, c.name, uri, "concept");
  const Rep nested = rep == Rep::kFull ? Rep::kDefault : Rep::kRef;
  const auto concepts = [&ctx, nested](const std::vector<std::string>& uuids) {
    Json list = Json::array();
    for (const auto& uuid : uuids) {
      const ConceptDef* member = ctx.metadata.Concept(uuid);
      if (member != nullptr) list.push_back(RenderConcept(ctx, *member, nested));
    }
    return list;
  };
  Json out{{"uuid", c.uuid},
           {"display", c.name},
           {"name", RenderConceptName(ctx, c, Rep::kDefault)},
           {"datatype", RenderDatatype(ctx, c.datatype, nested)},
           {"conceptClass", RenderConceptClass(ctx, c.concept_class, nested)},
           {"set", c.set},
           {"version", nullptr},
           {"retired", false},
           {"names", Json::array({RenderConceptName(ctx, c, nested)})},
           {"descriptions", Json::array()},
           {"mappings", Json::array()},
           {"answers", concepts(c.answers)},
           {"setMembers", concepts(c.set_members)}};
  if (rep == Rep::kFull) {
    out["auditInfo"] = AuditInfo(ctx, FromEpochMillis(1704067200000), std::nullopt);
    if (c.datatype == Datatype::kNumeric) {
      for (const char* bound :
           {"hiNormal", "hiAbsolute", "hiCritical", "lowNormal", "lowAbsolute", "lowCritical"}) {
        out[bound] = nullptr;
      }
      out["units"] = c.units;
      out["allowDecimal"] = true;
      out["displayPrecision"] = nullptr;
    }
  }
  out["attributes"] = Json::array();
  out["links"] = Links(uri, "concept", rep);
  return out;
}

Json RenderMeta(const RenderContext& ctx, std::string_view resource, const MetaDef& def, Rep rep) {
  const std::string uri = Uri(ctx, resource, def.uuid);
  std::string display = def.name;
  if (resource == "provider") display = def.extra.value("identifier", "") + " - " + def.name;
  if (rep == Rep::kRef) return Ref(def.uuid, display, uri, std::string(resource));
  Json out{{"uuid", def.uuid},
           {"display", display},
           {"name", def.name},
           {"description", def.description}};
  if (resource == "provider") {
    out["person"] = nullptr;
    out["attributes"] = Json::array();
  }
  if (resource == "location") {
    out["tags"] = Json::array();
    out["parentLocation"] = nullptr;
    out["childLocations"] = Json::array();
    out["attributes"] = Json::array();
  }
  for (const auto& [key, value] : def.extra.items()) out[key] = value;
  out["retired"] = false;
  if (rep == Rep::kFull)
    out["auditInfo"] = AuditInfo(ctx, FromEpochMillis(1704067200000), std::nullopt);
  out["links"] = Links(uri, std::string(resource), rep);
  return out;
}

}  // namespace avni::openmrssim
