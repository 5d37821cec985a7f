#pragma once
// Carries nlohmann/json (the natural type of an observation's value): include it only where
// observations are mapped, not from widely included headers.

#include <expected>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "mapping/tenant_mappings.hpp"

namespace avni::mapping {

enum class Direction {
  kToAvni,    // the source is the other system: values are found by int_system_value
  kFromAvni,  // the source is Avni: values are found by avni_value
};

struct MapperOptions {
  // Questions and their coded answers are mappings of this group.
  std::string questions_group = "Observation";
  std::string question_type = "Concept";
  std::string answer_type = "Concept";
  // Questions skipped (and counted, not reported), named as the source system names them.
  std::set<std::string, std::less<>> ignored_questions;
};

// One observation: the question's id in its system and the answer: text, a number, a boolean,
// or (multi-select) a list of coded answers.
struct Observation {
  std::string question;
  nlohmann::json value;

  bool operator==(const Observation&) const = default;
};

struct MappedObservations {
  std::vector<Observation> observations;  // in the order given
  int ignored = 0;
};

// Every problem found, one Error (invalid_argument, field = the source question) per problem,
// in the order of the observations.
using MapResult = std::expected<MappedObservations, std::vector<Error>>;

// Converts observations from one system to the other by the tenant's mapping rows.
//
// The question maps by (questions_group, question_type); the hint of its mapping row decides
// the value: Coded answers map by (questions_group, answer_type), each of a list for
// multi-select; Date, DateTime, Numeric and Boolean are validated and converted as
// observation_values.hpp says; Text and NA pass unchanged. A question or answer without a
// mapping is an error naming it and the mapping that is missing: nothing is dropped silently.
//
// Holds a reference to `mappings`, which must outlive it. Map is const and thread-safe.
class ObservationMapper {
 public:
  ObservationMapper(const TenantMappings& mappings, MapperOptions options);

  MapResult Map(const std::vector<Observation>& observations, Direction direction) const;

 private:
  Lookup Find(TenantMappings::Scope scope, std::string_view value, Direction direction) const;
  // The mapped value, or nullopt after adding every problem found to `errors`.
  std::optional<nlohmann::json> MapAnswer(const std::string& question, const nlohmann::json& answer,
                                          Direction direction, std::vector<Error>& errors) const;
  std::optional<nlohmann::json> MapValue(const Observation& observation, DataTypeHint hint,
                                         Direction direction, std::vector<Error>& errors) const;

  const TenantMappings& mappings_;
  MapperOptions options_;
  TenantMappings::Scope questions_;
  TenantMappings::Scope answers_;
};

// The errors of one record as one Error, for an error record: every message, one per line.
Error Combine(const std::vector<Error>& errors);

}  // namespace avni::mapping
