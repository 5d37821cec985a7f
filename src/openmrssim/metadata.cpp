#include "openmrssim/metadata.hpp"

#include <fmt/format.h>

#include "openmrssim/uuids.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The members of every Avni form set: the Avni simulator's observations, then the obs the
// Bahmni integration adds to each form it writes.
std::vector<std::string> AvniFormMembers(int text_concepts) {
  std::vector<std::string> names;
  for (int k = 1; k <= text_concepts; ++k) names.push_back(fmt::format("Concept {}", k));
  for (const char* name : {"Weight", "Visit date", "Blood group", "Symptoms", "Phone number"}) {
    names.emplace_back(name);
  }
  names.emplace_back(kAvniUuidConcept);
  names.emplace_back(kEventDateConcept);
  return names;
}

}  // namespace

std::string_view DatatypeName(Datatype datatype) {
  switch (datatype) {
    case Datatype::kText:
      return "Text";
    case Datatype::kNumeric:
      return "Numeric";
    case Datatype::kDate:
      return "Date";
    case Datatype::kDatetime:
      return "Datetime";
    case Datatype::kCoded:
      return "Coded";
    case Datatype::kNA:
      return "N/A";
  }
  return "N/A";
}

std::string_view Hl7Abbreviation(Datatype datatype) {
  switch (datatype) {
    case Datatype::kText:
      return "ST";
    case Datatype::kNumeric:
      return "NM";
    case Datatype::kDate:
      return "DT";
    case Datatype::kDatetime:
      return "TS";
    case Datatype::kCoded:
      return "CWE";
    case Datatype::kNA:
      return "ZZ";
  }
  return "ZZ";
}

Metadata Metadata::Defaults(int text_concepts) {
  Metadata m;
  const auto concept_def = [&m](std::string name, Datatype type, std::string klass = "Question") {
    ConceptDef def;
    def.uuid = StableUuid("concept", name);
    def.name = std::move(name);
    def.datatype = type;
    def.concept_class = std::move(klass);
    m.AddConcept(std::move(def));
  };
  const auto coded = [&m, &concept_def](const std::string& name,
                                        std::initializer_list<const char*> answers) {
    ConceptDef def;
    def.uuid = StableUuid("concept", name);
    def.name = name;
    def.datatype = Datatype::kCoded;
    def.concept_class = "Question";
    for (const char* answer : answers) {
      if (m.ConceptByName(answer) == nullptr) concept_def(answer, Datatype::kNA, "Misc");
      def.answers.push_back(StableUuid("concept", answer));
    }
    m.AddConcept(std::move(def));
  };
  const auto form = [&m](const std::string& name, const std::vector<std::string>& members) {
    ConceptDef def;
    def.uuid = StableUuid("concept", name);
    def.name = name;
    def.datatype = Datatype::kNA;
    def.concept_class = "ConvSet";
    def.set = true;
    for (const auto& member : members) def.set_members.push_back(StableUuid("concept", member));
    m.AddConcept(std::move(def));
  };

  // The Avni simulator's concepts (src/avnisim/metadata.cpp), under the same names.
  for (int k = 1; k <= text_concepts; ++k)
    concept_def(fmt::format("Concept {}", k), Datatype::kText);
  {
    ConceptDef weight;
    weight.uuid = StableUuid("concept", "Weight");
    weight.name = "Weight";
    weight.datatype = Datatype::kNumeric;
    weight.concept_class = "Question";
    weight.units = "kg";
    m.AddConcept(std::move(weight));
  }
  concept_def("Visit date", Datatype::kDate);
  coded("Blood group", {"A+", "B+", "O+", "AB+"});
  coded("Symptoms", {"Fever", "Cough", "Headache"});
  concept_def("Phone number", Datatype::kText);
  // What the integration writes on every encounter (reference/bahmni-mappings.md, Common).
  concept_def(std::string(kAvniUuidConcept), Datatype::kText, "Misc");
  concept_def(std::string(kEventDateConcept), Datatype::kDate, "Misc");
  concept_def(std::string(kProgramDataConcept), Datatype::kText, "Misc");
  // A lab test (Bahmni -> Avni lab results).
  {
    ConceptDef hb;
    hb.uuid = StableUuid("concept", "Haemoglobin");
    hb.name = "Haemoglobin";
    hb.datatype = Datatype::kNumeric;
    hb.concept_class = "Test";
    hb.units = "g/dl";
    m.AddConcept(std::move(hb));
  }
  // Form concept sets: one per Avni form the integration writes, and a Bahmni form of its own.
  const std::vector<std::string> members = AvniFormMembers(text_concepts);
  form("Avni Registration Form", members);
  form("Avni General Visit Form", members);
  form("Avni Monthly Visit Form", members);
  std::vector<std::string> program_members = members;
  program_members.emplace_back(kProgramDataConcept);
  form("Avni Maternal Health Enrolment Form", program_members);
  form("Avni Maternal Health Exit Form", program_members);
  form("Vitals", {"Weight", "Blood group", "Symptoms", "Concept 1"});

  const auto add = [&m](std::string_view resource, const std::string& name,
                        const std::string& description,
                        ordered_json extra = ordered_json::object()) {
    m.Add(resource, MetaDef{StableUuid(resource, name), name, description, std::move(extra)});
  };
  for (const char* type : {"Avni Registration", "Avni General Visit", "Avni Monthly Visit",
                           "Avni Maternal Health Enrolment", "Avni Maternal Health Exit"}) {
    add("encountertype", type, "Written by the Avni integration");
  }
  add("encountertype", std::string(kConsultationEncounterType),
      "Consultation (Bahmni forms, drug orders)");
  add("encountertype", std::string(kLabEncounterType), "Lab results");
  add("visittype", std::string(kIntegrationVisitType), "Visits the Avni integration opens");
  add("visittype", "Maternal Health Enrolment", "One per Avni Maternal Health enrolment");
  add("visittype", "OPD", "Outpatient");
  add("visittype", "Emergency", "Outpatient emergency");
  add("visitattributetype", std::string(kAvniUuidVisitAttribute),
      "The Avni entity a visit stands for",
      {{"datatypeClassname", "org.openmrs.customdatatype.datatype.FreeTextDatatype"},
       {"minOccurs", 0},
       {"maxOccurs", 1}});
  add("visitattributetype", std::string(kEventDateVisitAttribute), "The Avni event date",
      {{"datatypeClassname", "org.openmrs.customdatatype.datatype.DateDatatype"},
       {"minOccurs", 0},
       {"maxOccurs", 1}});
  add("location", std::string(kLocation), "Where the integration's records are written");
  add("provider", std::string(kProvider), "The Avni integration", {{"identifier", "AVNI"}});
  add("encounterrole", std::string(kEncounterRole), "Unknown encounter role");
  add("patientidentifiertype", std::string(kIdentifierType), "Bahmni patient identifier",
      {{"format", nullptr},
       {"formatDescription", nullptr},
       {"required", true},
       {"validator", nullptr},
       {"locationBehavior", nullptr},
       {"uniquenessBehavior", "UNIQUE"}});
  add("personattributetype", std::string(kPhoneAttributeType), "Phone number",
      {{"format", "java.lang.String"}, {"searchable", true}});
  return m;
}

void Metadata::AddConcept(ConceptDef def) {
  concept_by_uuid_[def.uuid] = concepts_.size();
  concept_by_name_[def.name] = concepts_.size();
  concepts_.push_back(std::move(def));
}

void Metadata::Add(std::string_view resource, MetaDef def) {
  resources_[std::string(resource)].push_back(std::move(def));
}

const ConceptDef* Metadata::Concept(std::string_view uuid) const {
  const auto it = concept_by_uuid_.find(uuid);
  return it == concept_by_uuid_.end() ? nullptr : &concepts_[it->second];
}

const ConceptDef* Metadata::ConceptByName(std::string_view name) const {
  const auto it = concept_by_name_.find(name);
  return it == concept_by_name_.end() ? nullptr : &concepts_[it->second];
}

const std::vector<MetaDef>* Metadata::List(std::string_view resource) const {
  const auto it = resources_.find(resource);
  return it == resources_.end() ? nullptr : &it->second;
}

const MetaDef* Metadata::Find(std::string_view resource, std::string_view uuid) const {
  const auto* list = List(resource);
  if (list == nullptr) return nullptr;
  for (const auto& def : *list) {
    if (def.uuid == uuid) return &def;
  }
  return nullptr;
}

const MetaDef* Metadata::FindByName(std::string_view resource, std::string_view name) const {
  const auto* list = List(resource);
  if (list == nullptr) return nullptr;
  for (const auto& def : *list) {
    if (def.name == name) return &def;
  }
  return nullptr;
}

std::string Metadata::UuidOf(std::string_view resource, std::string_view name) const {
  const MetaDef* def = FindByName(resource, name);
  return def == nullptr ? "" : def->uuid;
}

std::string Metadata::ConceptUuid(std::string_view name) const {
  const ConceptDef* def = ConceptByName(name);
  return def == nullptr ? "" : def->uuid;
}

json Metadata::ToJson() const {
  json concepts = json::array();
  for (const auto& c : concepts_) {
    concepts.push_back({{"uuid", c.uuid},
                        {"name", c.name},
                        {"datatype", DatatypeName(c.datatype)},
                        {"conceptClass", c.concept_class},
                        {"set", c.set},
                        {"answers", c.answers},
                        {"setMembers", c.set_members},
                        {"units", c.units}});
  }
  json body = {{"concept", std::move(concepts)}};
  for (const auto& [resource, list] : resources_) {
    json rows = json::array();
    for (const auto& def : list) {
      json row = {{"uuid", def.uuid}, {"name", def.name}, {"description", def.description}};
      for (const auto& [key, value] : def.extra.items()) row[key] = value;
      rows.push_back(std::move(row));
    }
    body[resource] = std::move(rows);
  }
  return body;
}

}  // namespace avni::openmrssim
