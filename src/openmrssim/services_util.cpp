#include "openmrssim/services_util.hpp"

#include <fmt/format.h>

#include "openmrssim/rest_time.hpp"

namespace avni::openmrssim {

std::optional<RestError> CheckProperties(const nlohmann::json& body,
                                         std::initializer_list<const char*> allowed,
                                         std::initializer_list<const char*> required) {
  std::string missing;
  for (const char* name : required) {
    if (!body.contains(name)) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) return Conversion("Some required properties are missing: " + missing);
  std::string unknown;
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (const char* name : allowed) known = known || key == name;
    for (const char* name : required) known = known || key == name;
    if (!known) unknown += (unknown.empty() ? "" : ", ") + key;
  }
  if (!unknown.empty()) return Conversion("Some properties are not allowed to be set: " + unknown);
  return std::nullopt;
}

std::string RefUuid(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    const auto it = value.find("uuid");
    if (it != value.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

std::optional<RestError> ReadDate(const nlohmann::json& body, const char* property,
                                  const char* java_class, std::optional<Timestamp>& out) {
  out.reset();
  const auto it = body.find(property);
  if (it == body.end() || it->is_null()) return std::nullopt;
  const std::optional<Timestamp> parsed =
      it->is_string() ? ParseRestDate(it->get<std::string>()) : std::nullopt;
  if (!parsed) {
    return Conversion(
        fmt::format("{} on class {} => Error converting date - correct format (ISO8601 Long): "
                    "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
                    property, java_class));
  }
  out = parsed;
  return std::nullopt;
}

std::string ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

}  // namespace avni::openmrssim
