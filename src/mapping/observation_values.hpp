#pragma once
// Conversions of observation values by data type hint, shared by both directions: each answers
// the value as the receiving system wants it, or a message saying what is wrong with the value
// (the caller names the question).

#include <expected>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace avni::mapping {

using ValueResult = std::expected<nlohmann::json, std::string>;

// Text "YYYY-MM-DD" naming a real calendar day; answered unchanged.
ValueResult ConvertDate(const nlohmann::json& value);
// Text in ISO-8601 with a time zone: "YYYY-MM-DDTHH:MM[:SS[.fraction]]" then "Z", "+HH:MM",
// "+HHMM" or "+HH" (or "-"). Answered in UTC with milliseconds, as Avni writes them:
// "2023-01-05T04:30:00.000Z" (digits past the millisecond are dropped).
ValueResult ConvertDateTime(const nlohmann::json& value);
// A JSON number (answered unchanged) or text holding a finite decimal number, surrounding
// spaces allowed: an integer when it has no fraction or exponent and fits 64 bits, else a
// double.
ValueResult ConvertNumeric(const nlohmann::json& value);
// A JSON boolean, or text "true"/"false"/"yes"/"no" in any case; answered as a JSON boolean.
ValueResult ConvertBoolean(const nlohmann::json& value);

}  // namespace avni::mapping
