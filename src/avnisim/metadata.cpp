#include "avnisim/metadata.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace avni::sim {
namespace {

using nlohmann::json;

std::expected<std::vector<std::string>, Error> Names(const json& body, const char* key,
                                                     std::vector<std::string> current) {
  const auto it = body.find(key);
  if (it == body.end()) return current;
  if (!it->is_array()) return std::unexpected(Error::InvalidArgument(key, "give a list of names"));
  std::vector<std::string> names;
  for (const auto& name : *it) {
    if (!name.is_string()) {
      return std::unexpected(Error::InvalidArgument(key, "every name is a string"));
    }
    names.push_back(name.get<std::string>());
  }
  return names;
}

}  // namespace

Metadata Metadata::Defaults(int observations) {
  Metadata m;
  m.subject_types = {{"Individual", true, {"Village"}}, {"Household", false, {"Village"}}};
  m.programs = {"Maternal Health"};
  m.encounter_types = {"General Visit", "Monthly Visit"};
  m.address_level_types = {"State", "District", "Block", "Village"};
  m.task_types = {"Call", "Open Subject"};
  m.task_statuses = {"Assigned", "Completed", "Cancelled"};
  std::vector<std::string> form;
  for (int k = 1; k <= observations; ++k) {
    const std::string name = fmt::format("Concept {}", k);
    m.concepts[name] = {name, "Text", {}, false};
    form.push_back(name);
  }
  m.concepts["Weight"] = {"Weight", "Numeric", {}, false};
  m.concepts["Visit date"] = {"Visit date", "Date", {}, false};
  m.concepts["Blood group"] = {"Blood group", "Coded", {"A+", "B+", "O+", "AB+"}, false};
  m.concepts["Symptoms"] = {"Symptoms", "Coded", {"Fever", "Cough", "Headache"}, true};
  m.concepts["Phone number"] = {"Phone number", "Text", {}, false};
  for (const char* extra : {"Weight", "Visit date", "Blood group", "Symptoms", "Phone number"}) {
    form.push_back(extra);
  }
  for (const auto& owner : {"Individual", "Household", "Maternal Health", "General Visit",
                            "Monthly Visit", "Call", "Open Subject"}) {
    m.forms[owner] = form;
  }
  return m;
}

std::expected<void, Error> Metadata::Merge(const json& body) {
  if (!body.is_object()) {
    return std::unexpected(Error::InvalidArgument("body", "send a JSON object of metadata"));
  }
  Metadata next = *this;
  if (const auto it = body.find("subjectTypes"); it != body.end()) {
    if (!it->is_array()) {
      return std::unexpected(Error::InvalidArgument("subjectTypes", "give a list of types"));
    }
    next.subject_types.clear();
    for (const auto& type : *it) {
      if (!type.is_object() || !type.contains("name") || !type["name"].is_string()) {
        return std::unexpected(
            Error::InvalidArgument("subjectTypes", "each is {\"name\": .., \"person\": bool}"));
      }
      SubjectTypeDef def{type["name"].get<std::string>(), type.value("person", false), {}};
      auto types = Names(type, "locationTypes", {"Village"});
      if (!types) return std::unexpected(types.error());
      def.registrable_location_types = std::move(*types);
      next.subject_types.push_back(std::move(def));
    }
  }
  for (const auto& [key, target] :
       {std::pair{"programs", &next.programs}, std::pair{"encounterTypes", &next.encounter_types},
        std::pair{"taskTypes", &next.task_types}, std::pair{"taskStatuses", &next.task_statuses}}) {
    auto names = Names(body, key, *target);
    if (!names) return std::unexpected(names.error());
    *target = std::move(*names);
  }
  if (const auto it = body.find("concepts"); it != body.end()) {
    if (!it->is_array()) {
      return std::unexpected(Error::InvalidArgument("concepts", "give a list of concepts"));
    }
    for (const auto& c : *it) {
      if (!c.is_object() || !c.contains("name") || !c["name"].is_string()) {
        return std::unexpected(
            Error::InvalidArgument("concepts", "each is {\"name\", \"dataType\", \"answers\"}"));
      }
      auto answers = Names(c, "answers", {});
      if (!answers) return std::unexpected(answers.error());
      ConceptDef def{c["name"].get<std::string>(), c.value("dataType", "Text"), std::move(*answers),
                     c.value("multiSelect", false)};
      next.concepts[def.name] = std::move(def);
    }
  }
  if (const auto it = body.find("forms"); it != body.end()) {
    if (!it->is_object()) {
      return std::unexpected(Error::InvalidArgument("forms", "give {owner: [concept names]}"));
    }
    for (const auto& [owner, names] : it->items()) {
      auto list = Names(json{{"form", names}}, "form", {});
      if (!list) return std::unexpected(Error::InvalidArgument("forms", list.error().message));
      for (const auto& name : *list) {
        if (!next.concepts.contains(name)) {
          return std::unexpected(Error::InvalidArgument(
              "forms",
              fmt::format("form '{}' names concept '{}', which is not in concepts", owner, name)));
        }
      }
      next.forms[owner] = std::move(*list);
    }
  }
  *this = std::move(next);
  return {};
}

json Metadata::ToJson() const {
  json types = json::array();
  for (const auto& t : subject_types) {
    types.push_back(
        {{"name", t.name}, {"person", t.person}, {"locationTypes", t.registrable_location_types}});
  }
  json concept_list = json::array();
  for (const auto& [name, c] : concepts) {
    concept_list.push_back({{"name", c.name},
                            {"dataType", c.data_type},
                            {"answers", c.answers},
                            {"multiSelect", c.multi_select}});
  }
  return {{"subjectTypes", types},
          {"programs", programs},
          {"encounterTypes", encounter_types},
          {"addressLevelTypes", address_level_types},
          {"taskTypes", task_types},
          {"taskStatuses", task_statuses},
          {"concepts", concept_list},
          {"forms", forms}};
}

const SubjectTypeDef* Metadata::SubjectType(const std::string& name) const {
  const auto it = std::find_if(subject_types.begin(), subject_types.end(),
                               [&name](const SubjectTypeDef& t) { return t.name == name; });
  return it == subject_types.end() ? nullptr : &*it;
}

bool Metadata::Has(const std::vector<std::string>& names, const std::string& name) const {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const ConceptDef* Metadata::Concept(const std::string& name) const {
  const auto it = concepts.find(name);
  return it == concepts.end() ? nullptr : &it->second;
}

}  // namespace avni::sim
