#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace avni::api {

// A JSON request body read field by field. Each accessor names the field in its error; Finish
// refuses fields nobody asked for, so a typo ("is_secrte") is an error, not silently ignored.
// Only for api/ sources: it brings nlohmann/json with it.
class JsonBody {
 public:
  static constexpr int kMaxDepth = 32;

  // Errors: invalid_argument for malformed JSON, invalid UTF-8, nesting deeper than kMaxDepth,
  // or a body that is not an object.
  static Result<JsonBody> Parse(std::string_view text);
  explicit JsonBody(nlohmann::json object, std::string prefix = "");

  // Strings: at most max_chars characters (code points); control characters refused as
  // CheckText(multiline = true) says.
  Result<std::string> String(std::string_view field, std::size_t max_chars = 1000);
  Result<std::optional<std::string>> OptionalString(std::string_view field,
                                                    std::size_t max_chars = 1000);
  Result<std::optional<bool>> OptionalBool(std::string_view field);
  // Errors: invalid_argument for a value that is not a whole number or does not fit in int64.
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view field);
  // The raw value of an array or object field, for callers that read nested bodies.
  Result<nlohmann::json> Array(std::string_view field);
  bool Has(std::string_view field) const;
  // Errors: invalid_argument naming the first field that was not read.
  Status Finish() const;

 private:
  Result<const nlohmann::json*> Get(std::string_view field, bool required);
  std::string Name(std::string_view field) const;

  nlohmann::json object_;
  std::string prefix_;  // "items[2]." for nested bodies, so errors name the full path
  std::set<std::string, std::less<>> read_;
};

// Refuses control characters in text a caller sends. A NUL ends a string early in SQLite's
// LIKE (a filter "\u0000zzz" would match everything) and in every C API below us; the other
// control characters have no place in names, values or filters. `multiline` admits tab, line
// feed and carriage return (descriptions, config values); filters and names admit none.
// Errors: invalid_argument naming `field` and the character's position.
Status CheckText(std::string_view field, std::string_view value, bool multiline);

// An integer of a JSON document as int64, or nullopt when it is not an integer or does not fit
// (nlohmann/json reads 2^63 and above as unsigned; get<int64_t> would wrap them).
std::optional<std::int64_t> Int64Of(const nlohmann::json& value);

// Serialises for a response; invalid UTF-8 in stored data is replaced, never a crash.
std::string Dump(const nlohmann::json& value);

}  // namespace avni::api
