#include "openmrssim/obs_builder.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include <fmt/format.h>

#include "openmrssim/rest_time.hpp"
#include "openmrssim/services_util.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

constexpr std::initializer_list<const char*> kObsProperties = {
    "uuid",           "concept",        "value",         "groupMembers",
    "obsDatetime",    "person",         "comment",       "voided",
    "location",       "order",          "encounter",     "accessionNumber",
    "valueCodedName", "valueModifier",  "formFieldPath", "formFieldNamespace",
    "status",         "interpretation", "obsGroup"};

// Java's Double.valueOf: a decimal number, optionally signed, nothing else.
std::optional<double> JavaDoubleValueOf(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  text = text.substr(start);
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

std::string Chain(const std::string& inside, const std::string& message) {
  return inside.empty() ? message : inside + " => " + message;
}

RestResult<ObsTree> BuildObs(const Metadata& metadata, UuidSource& uuids, const json& item,
                             const std::string& inside, const Encounter& encounter,
                             const Obs* existing, Timestamp now) {
  if (!item.is_object()) {
    return std::unexpected(Conversion(Chain(inside, "an obs is a JSON object")));
  }
  for (const auto& [key, value] : item.items()) {
    if (std::find_if(kObsProperties.begin(), kObsProperties.end(),
                     [&key](const char* p) { return key == p; }) == kObsProperties.end()) {
      return std::unexpected(
          Conversion(Chain(inside, "Some properties are not allowed to be set: " + key)));
    }
  }
  ObsTree tree;
  Obs& obs = tree.obs;
  obs.uuid = uuids.Next();
  obs.person = encounter.patient;
  obs.encounter = encounter.uuid;
  obs.location = encounter.location;
  obs.obs_datetime = encounter.encounter_datetime;
  obs.created = now;
  if (existing != nullptr) {
    obs.concept_uuid = existing->concept_uuid;
    obs.previous_version = existing->uuid;
  }
  if (item.contains("concept")) obs.concept_uuid = RefUuid(item["concept"]);
  std::optional<Timestamp> when;
  if (auto bad = ReadDate(item, "obsDatetime", "org.openmrs.Obs", when)) {
    return std::unexpected(
        Conversion(Chain(inside,
                         "obsDatetime on class org.openmrs.Obs => Error converting date - "
                         "correct format (ISO8601 Long): yyyy-MM-dd'T'HH:mm:ss.SSSZ")));
  }
  if (when) obs.obs_datetime = *when;
  const ConceptDef* concept_def = metadata.Concept(obs.concept_uuid);
  if (concept_def == nullptr) obs.concept_uuid.clear();
  if (const auto members = item.find("groupMembers");
      members != item.end() && !members->is_null()) {
    if (!members->is_array()) {
      return std::unexpected(
          Conversion(Chain(inside, "groupMembers on class org.openmrs.Obs => a list is expected")));
    }
    for (const json& member : *members) {
      auto built =
          BuildObs(metadata, uuids, member, Chain(inside, "groupMembers on class org.openmrs.Obs"),
                   encounter, nullptr, now);
      if (!built) return std::unexpected(built.error());
      built->obs.group = obs.uuid;
      tree.members.push_back(std::move(*built));
    }
  }
  const auto value_it = item.find("value");
  const bool has_value = value_it != item.end() && !value_it->is_null();
  if (existing != nullptr && !has_value && !item.contains("concept")) {
    obs.kind = existing->kind;
    obs.text = existing->text;
    obs.numeric = existing->numeric;
    obs.datetime = existing->datetime;
    obs.coded = existing->coded;
  }
  if (value_it != item.end() && value_it->is_null()) {
    return std::unexpected(Conversion(Chain(
        inside, "value on class org.openmrs.Obs => The value for an observation cannot be null")));
  }
  if (has_value) {
    const std::string in_value = Chain(inside, "value on class org.openmrs.Obs");
    if (concept_def == nullptr) {
      // ObsResource.setValue asks the concept for its datatype: a NullPointerException.
      return std::unexpected(Conversion(
          Chain(in_value,
                "Cannot invoke \"org.openmrs.Concept.getDatatype()\" because the return value of "
                "\"org.openmrs.Obs.getConcept()\" is null")));
    }
    const json& value = *value_it;
    switch (concept_def->datatype) {
      case Datatype::kCoded: {
        const std::string answer_uuid = RefUuid(value);
        const ConceptDef* answer = metadata.Concept(answer_uuid);
        if (answer == nullptr) {
          return std::unexpected(
              Conversion(Chain(in_value, concept_def->name + ":" + ScalarText(value))));
        }
        obs.kind = ValueKind::kCoded;
        obs.coded = answer->uuid;
        tree.answer_outside_concept =
            std::find(concept_def->answers.begin(), concept_def->answers.end(), answer->uuid) ==
            concept_def->answers.end();
        break;
      }
      case Datatype::kNumeric: {
        std::string text = ScalarText(value);
        const std::string original = text;
        if (!concept_def->units.empty()) {
          std::string trimmed = text;
          while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) {
            trimmed.pop_back();
          }
          if (trimmed.ends_with(concept_def->units)) {
            text = trimmed.substr(0, trimmed.size() - concept_def->units.size());
          } else if (!JavaDoubleValueOf(trimmed)) {
            return std::unexpected(Conversion(
                Chain(in_value, fmt::format("{} has invalid units => For input string: \"{}\"",
                                            trimmed, trimmed))));
          }
        }
        const auto number = JavaDoubleValueOf(text);
        if (!number) {
          return std::unexpected(
              Conversion(Chain(in_value, fmt::format("For input string: \"{}\"", original))));
        }
        obs.kind = ValueKind::kNumeric;
        obs.numeric = *number;
        break;
      }
      case Datatype::kText: {
        const std::string text = ScalarText(value);
        if (text.empty()) {
          return std::unexpected(Conversion(Chain(
              in_value, "Cannot set value to a empty string for concept: " + concept_def->name)));
        }
        obs.kind = ValueKind::kText;
        obs.text = text;
        break;
      }
      case Datatype::kDate:
      case Datatype::kDatetime: {
        const std::string text = ScalarText(value);
        // Date: SimpleDateFormat("yyyy-MM-dd").parse reads the leading date and ignores the
        // rest, so "2024-01-02T00:00:00.000Z" is 2 January; Datetime reads the whole text.
        const auto parsed =
            concept_def->datatype == Datatype::kDate
                ? ParseRestDate(text.substr(0, std::min<std::size_t>(text.size(), 10)))
                : ParseRestDate(text);
        if (!parsed) {
          return std::unexpected(
              Conversion(Chain(in_value, fmt::format("Unparseable date: \"{}\"", text))));
        }
        obs.kind = ValueKind::kDatetime;
        obs.datetime = *parsed;
        break;
      }
      case Datatype::kNA:
        return std::unexpected(
            Conversion(Chain(in_value, fmt::format("Don't know how to handle ZZ for concept: {}",
                                                   concept_def->name))));
    }
  }
  return tree;
}

RestResult<void> ValidateObs(const ObsTree& tree) {
  const Obs& obs = tree.obs;
  if (obs.concept_uuid.empty()) {
    return std::unexpected(
        Validation({}, {{"concept", {"error.null", "Cannot be empty or null"}}}));
  }
  if (tree.members.empty() && obs.kind == ValueKind::kNone) {
    return std::unexpected(Validation({{"error.noValue", "error.noValue"}}, {}));
  }
  for (const auto& member : tree.members) {
    if (auto ok = ValidateObs(member); !ok) {
      return std::unexpected(Validation(
          {}, {{"groupMembers",
                {"Obs.error.inGroupMember", "A member of this obs group has an error"}}}));
    }
  }
  return {};
}

}  // namespace avni::openmrssim
