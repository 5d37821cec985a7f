// Subject writes as SubjectApiController.updateSubjectDetails and patchSubject make them.

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "avnisim/write_support.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

constexpr const char* kGenders[] = {"Male", "Female", "Other"};

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A location's titles from the top, "State 1, District 1, Block 1, Village 1" (its title
// lineage), and its {type: title} map.
std::pair<std::string, json> Lineage(const json& location) {
  std::vector<const json*> chain;
  for (const json* at = &location; at->is_object(); at = &(*at)["Parent"]) {
    chain.push_back(at);
    if (!at->contains("Parent")) break;
  }
  std::string titles;
  json by_type = json::object();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const std::string title = (*it)->value("Title", "");
    titles += (titles.empty() ? "" : ", ") + title;
    by_type[(*it)->value("Type", "")] = title;
  }
  return {titles, by_type};
}

// locationRepository.findByTitleLineageIgnoreCase, or addressLevelService.findByAddressMap
// (every type named in the map has that title in the location's lineage).
const json* FindAddress(const Stores& stores, const json& address, bool by_map) {
  for (const json& location : stores.locations.All()) {
    const auto [titles, by_type] = Lineage(location);
    if (by_map) {
      if (!address.is_object() || address.empty()) continue;
      const std::string bottom = location.value("Type", "");
      bool all = address.contains(bottom);
      for (const auto& [type, title] : address.items()) {
        all = all && by_type.contains(type) && title.is_string() && by_type[type] == title;
      }
      if (all) return stores.locations.FindById(location["ID"]);
    } else if (address.is_string() && Lower(titles) == Lower(address.get<std::string>())) {
      return stores.locations.FindById(location["ID"]);
    }
  }
  return nullptr;
}

json LocationShape(const json& location) {
  json shape = Lineage(location).second;
  shape[location.value("Type", "") + " External ID"] = location["External ID"];
  return shape;
}

}  // namespace

Built BuildSubject(const Metadata& metadata, const Stores& stores, json base, const json& body,
                   bool patch, int version) {
  const bool v3 = version > 2;
  const auto has = [&](const char* key) { return !patch || body.contains(key); };
  json subject = std::move(base);
  const std::string type_name =
      has("Subject type") ? StringAt(body, "Subject type") : subject.value("Subject type", "");
  const SubjectTypeDef* type = metadata.SubjectType(type_name);
  if (type == nullptr) {
    return std::unexpected(
        IllegalArgument(fmt::format("Subject type not found with name '{}'", type_name)));
  }
  subject["Subject type"] = type->name;

  const bool address_sent = body.contains("Address") || body.contains("Address map");
  if (!patch || address_sent) {
    if (v3 && (!body.contains("Address map") || !body["Address map"].is_object() ||
               body["Address map"].empty())) {
      return std::unexpected(
          IllegalArgument("version 3 and above requires 'Address map' instead of 'Address'"));
    }
    const json address = v3 ? body["Address map"] : body.value("Address", json(nullptr));
    const json* location = FindAddress(stores, address, v3);
    if (location == nullptr) {
      return std::unexpected(IllegalArgument(
          v3 ? "Address corresponding to 'Address map' not found"
             : fmt::format("Address '{}' not found",
                           address.is_string() ? address.get<std::string>() : address.dump())));
    }
    const std::string location_type = location->value("Type", "");
    if (!metadata.Has(type->registrable_location_types, location_type)) {
      return std::unexpected(IllegalArgument(
          fmt::format("Address '{}' of type '{}' is not valid for subject type '{}'",
                      address.is_string() ? address.get<std::string>() : address.dump(),
                      location_type, type->name)));
    }
    subject["location"] = LocationShape(*location);
    subject["Location ID"] = (*location)["ID"];
  }

  const std::string external_id = StringAt(body, "External ID");
  if (!external_id.empty()) subject["External ID"] = external_id;
  if (!subject.contains("External ID")) subject["External ID"] = nullptr;

  json obs = subject.value("observations", json::object());
  json personal = json::object();
  for (const char* key : {"First name", "Middle name", "Last name", "Date of birth", "Gender"}) {
    if (obs.contains(key)) personal[key] = obs[key];
    obs.erase(key);
  }
  if (body.contains("observations") || !patch) {
    const json request = body.value("observations", json::object());
    if (!request.is_object()) {
      return std::unexpected(
          TraceError(400, "org.springframework.http.converter.HttpMessageNotReadableException",
                     "JSON parse error: observations is not an object"));
    }
    const auto applied = ApplyObservations(metadata, request, obs, patch);
    if (!applied) return std::unexpected(applied.error());
  }
  const auto set_personal = [&](const char* key, json value) {
    if (value.is_null() || (value.is_string() && value.get<std::string>().empty())) {
      personal.erase(key);
    } else {
      personal[key] = std::move(value);
    }
  };
  for (const char* key : {"First name", "Middle name", "Last name"}) {
    if (has(key)) set_personal(key, body.value(key, json(nullptr)));
  }
  if (has("Registration date"))
    subject["Registration date"] = body.value("Registration date", json(nullptr));
  if (type->person) {
    if (has("Date of birth"))
      set_personal("Date of birth", body.value("Date of birth", json(nullptr)));
    if (has("Gender")) {
      const std::string gender = StringAt(body, "Gender");
      const bool known = std::any_of(std::begin(kGenders), std::end(kGenders),
                                     [&gender](const char* g) { return gender == g; });
      set_personal("Gender", known ? json(gender) : json(nullptr));
    }
  }
  if (has("Voided")) subject["Voided"] = body.value("Voided", false);
  if (!subject.contains("Voided")) subject["Voided"] = false;

  // Individual.validate.
  if (!personal.contains("First name")) {
    return std::unexpected(ValidationError("First name cannot be null"));
  }
  if (type->person && !personal.contains("Gender")) {
    return std::unexpected(ValidationError("Gender cannot be null for Person subject type"));
  }
  if (!type->person && subject.value("Registration date", json(nullptr)).is_null()) {
    return std::unexpected(ValidationError("Registration date cannot be null"));
  }
  personal.update(obs);
  subject["observations"] = std::move(personal);
  if (!subject.contains("encounters")) subject["encounters"] = json::array();
  if (!subject.contains("enrolments")) subject["enrolments"] = json::array();
  return subject;
}

}  // namespace avni::sim
