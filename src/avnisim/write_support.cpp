#include "avnisim/write_support.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace avni::sim {
namespace {

using nlohmann::json;

bool IsAnswer(const ConceptDef& concept_def, const json& value) {
  return value.is_string() && std::find(concept_def.answers.begin(), concept_def.answers.end(),
                                        value.get<std::string>()) != concept_def.answers.end();
}

// patchObservations drops values left empty: null, {} and [] (recursively in Avni).
bool IsEmptyValue(const json& value) {
  return value.is_null() || ((value.is_object() || value.is_array()) && value.empty());
}

}  // namespace

WriteError TraceError(int status, const std::string& exception_class, const std::string& message) {
  return {status, fmt::format("{}: {}\n\tat org.avni.server.web.api (simulated stack trace)\n",
                              exception_class, message)};
}

WriteError ValidationError(const std::string& message) { return {400, message}; }

WriteError IllegalArgument(const std::string& message) {
  return TraceError(500, "java.lang.IllegalArgumentException", message);
}

std::string StringAt(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return "";
  std::string text = it->get<std::string>();
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::expected<void, WriteError> ApplyObservations(const Metadata& metadata, const json& request,
                                                  json& target, bool patch) {
  json result = patch && target.is_object() ? target : json::object();
  for (const auto& [name, value] : request.items()) {
    const ConceptDef* concept_def = metadata.Concept(name);
    if (concept_def == nullptr) {
      return std::unexpected(TraceError(500, "java.lang.NullPointerException",
                                        fmt::format("Concept with name={} not found", name)));
    }
    if (value.is_null()) {
      result.erase(name);
      continue;
    }
    if (concept_def->data_type == "Coded") {
      const json answers = value.is_array() ? value : json::array({value});
      for (const json& answer : answers) {
        if (!IsAnswer(*concept_def, answer)) {
          return std::unexpected(TraceError(
              400, "org.avni.server.util.BadRequestError",
              fmt::format("Answer concept with name={} not found",
                          answer.is_string() ? answer.get<std::string>() : answer.dump())));
        }
      }
    }
    result[name] = value;
  }
  if (patch) {
    for (auto it = result.begin(); it != result.end();) {
      it = IsEmptyValue(*it) ? result.erase(it) : std::next(it);
    }
  }
  target = std::move(result);
  return {};
}

}  // namespace avni::sim
