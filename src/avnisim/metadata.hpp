#pragma once

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace avni::sim {

struct ConceptDef {
  std::string name;
  std::string data_type = "Text";    // Text | Numeric | Date | Coded | ... as Avni names them
  std::vector<std::string> answers;  // Coded only
  bool multi_select = false;         // Coded only
};

struct SubjectTypeDef {
  std::string name;
  bool person = false;  // Individual is a Person type: gender and date of birth apply
  std::vector<std::string> registrable_location_types = {"Village"};
};

// The organisation's configuration the simulator checks writes against. Avni looks concepts up
// organisation-wide (RequestUtils.putObservation), so the known concepts are those of every form.
struct Metadata {
  std::vector<SubjectTypeDef> subject_types;
  std::vector<std::string> programs;
  std::vector<std::string> encounter_types;
  std::vector<std::string> address_level_types;  // top (State) to bottom (Village)
  std::vector<std::string> task_types;
  std::vector<std::string> task_statuses;      // "Completed" and "Cancelled" are terminal
  std::map<std::string, ConceptDef> concepts;  // by name
  std::map<std::string, std::vector<std::string>> forms;  // owner name -> concept names

  // Covers the generated data: Individual (person) and Household, program "Maternal Health",
  // encounter types "General Visit" and "Monthly Visit", "Concept 1..observations" (Text) plus
  // Weight (Numeric), Visit date (Date), Blood group (Coded) and Symptoms (multi-select Coded).
  static Metadata Defaults(int observations);

  // A POST /_sim/metadata body: {"subjectTypes": [{"name", "person", "locationTypes"}],
  // "programs": [..], "encounterTypes": [..], "taskTypes": [..], "taskStatuses": [..],
  // "concepts": [{"name", "dataType", "answers", "multiSelect"}], "forms": {owner: [names]}};
  // keys left out keep the current value. InvalidArgument names the bad key.
  std::expected<void, Error> Merge(const nlohmann::json& body);

  nlohmann::json ToJson() const;

  const SubjectTypeDef* SubjectType(const std::string& name) const;
  bool Has(const std::vector<std::string>& names, const std::string& name) const;
  const ConceptDef* Concept(const std::string& name) const;
};

}  // namespace avni::sim
