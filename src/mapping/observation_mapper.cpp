#include "mapping/observation_mapper.hpp"

#include <fmt/format.h>

#include <utility>

#include "mapping/observation_values.hpp"

namespace avni::mapping {
namespace {

using nlohmann::json;

std::string_view ColumnOf(Direction direction) {
  return direction == Direction::kToAvni ? "int_system_value" : "avni_value";
}

}  // namespace

ObservationMapper::ObservationMapper(const TenantMappings& mappings, MapperOptions options)
    : mappings_(mappings),
      options_(std::move(options)),
      questions_(mappings_.ScopeOf(options_.questions_group, options_.question_type)),
      answers_(mappings_.ScopeOf(options_.questions_group, options_.answer_type)) {}

Lookup ObservationMapper::Find(TenantMappings::Scope scope, std::string_view value,
                               Direction direction) const {
  return direction == Direction::kToAvni ? mappings_.FindByIntValue(scope, value)
                                         : mappings_.FindByAvniValue(scope, value);
}

std::optional<json> ObservationMapper::MapAnswer(const std::string& question, const json& answer,
                                                 Direction direction,
                                                 std::vector<Error>& errors) const {
  const auto& text = answer.get_ref<const std::string&>();
  Lookup found = Find(answers_, text, direction);
  if (!found) {
    errors.push_back(Error::InvalidArgument(
        question, fmt::format("no mapping for answer \"{}\" of question \"{}\": expected a "
                              "mapping in group \"{}\", type \"{}\" with {} \"{}\"",
                              text, question, options_.questions_group, options_.answer_type,
                              ColumnOf(direction), text)));
    return std::nullopt;
  }
  return json(found.value);
}

std::optional<json> ObservationMapper::MapValue(const Observation& observation, DataTypeHint hint,
                                                Direction direction,
                                                std::vector<Error>& errors) const {
  const json& value = observation.value;
  auto problem = [&](std::string_view what) -> std::optional<json> {
    errors.push_back(Error::InvalidArgument(
        observation.question,
        fmt::format("question \"{}\" ({}): {}", observation.question, ToString(hint), what)));
    return std::nullopt;
  };
  ValueResult converted;
  switch (hint) {
    case DataTypeHint::kCoded: {
      if (value.is_string()) return MapAnswer(observation.question, value, direction, errors);
      if (!value.is_array()) {
        return problem(
            fmt::format("expected an answer as text or a list of them, got {}", value.type_name()));
      }
      // Multi-select: every answer is mapped and every failure reported.
      json out = json::array();
      const std::size_t errors_before = errors.size();
      for (const json& answer : value) {
        if (!answer.is_string()) {
          problem(
              fmt::format("expected each answer in the list as text, got {}", answer.type_name()));
        } else if (auto mapped = MapAnswer(observation.question, answer, direction, errors)) {
          out.push_back(std::move(*mapped));
        }
      }
      if (errors.size() != errors_before) return std::nullopt;
      return out;
    }
    case DataTypeHint::kDate:
      converted = ConvertDate(value);
      break;
    case DataTypeHint::kDateTime:
      converted = ConvertDateTime(value);
      break;
    case DataTypeHint::kNumeric:
      converted = ConvertNumeric(value);
      break;
    case DataTypeHint::kBoolean:
      converted = ConvertBoolean(value);
      break;
    case DataTypeHint::kText:
    case DataTypeHint::kNA:
      return value;
  }
  if (!converted) return problem(converted.error());
  return std::move(*converted);
}

MapResult ObservationMapper::Map(const std::vector<Observation>& observations,
                                 Direction direction) const {
  MappedObservations out;
  out.observations.reserve(observations.size());
  std::vector<Error> errors;
  for (const Observation& observation : observations) {
    if (options_.ignored_questions.contains(observation.question)) {
      ++out.ignored;
      continue;
    }
    Lookup question = Find(questions_, observation.question, direction);
    if (!question) {
      errors.push_back(Error::InvalidArgument(
          observation.question,
          fmt::format("no mapping for question \"{}\": expected a mapping in group \"{}\", "
                      "type \"{}\" with {} \"{}\"",
                      observation.question, options_.questions_group, options_.question_type,
                      ColumnOf(direction), observation.question)));
      continue;
    }
    auto value = MapValue(observation, question.data_type_hint, direction, errors);
    if (value && errors.empty()) {
      out.observations.push_back({std::string(question.value), std::move(*value)});
    }
  }
  if (!errors.empty()) return std::unexpected(std::move(errors));
  return out;
}

Error Combine(const std::vector<Error>& errors) {
  std::string message;
  for (const Error& e : errors) message += (message.empty() ? "" : "\n") + e.message;
  return Error::InvalidArgument(errors.size() == 1 ? errors.front().field : "", message);
}

}  // namespace avni::mapping
