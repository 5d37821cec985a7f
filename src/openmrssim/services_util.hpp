#pragma once

// Helpers the service files share: how webservices.rest binds a body's properties.

#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "openmrssim/rest_errors.hpp"

namespace avni::openmrssim {

// setConvertedProperties: a required property left out is "Some required properties are
// missing: a, b"; a property the resource does not take is "Some properties are not allowed to
// be set: c" (both ConversionExceptions: 400).
std::optional<RestError> CheckProperties(const nlohmann::json& body,
                                         std::initializer_list<const char*> allowed,
                                         std::initializer_list<const char*> required);

// A reference as a body gives it: a uuid string, or an object with a "uuid" (a representation
// posted back). "" for anything else.
std::string RefUuid(const nlohmann::json& value);

// A Date property: absent or null is nullopt; a text that ConversionUtil cannot read is the
// 400 it answers, naming `property` on `java_class` ("org.openmrs.Visit").
std::optional<RestError> ReadDate(const nlohmann::json& body, const char* property,
                                  const char* java_class, std::optional<Timestamp>& out);

// The text of a scalar as Java's toString gives it (numbers without a trailing ".0" when the
// JSON had none).
std::string ScalarText(const nlohmann::json& value);

}  // namespace avni::openmrssim
