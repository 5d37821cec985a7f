#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace avni {

// A tenant's configuration as one run (or one check) reads it: every key with its value,
// secrets already opened. The one reader every integration uses, so that a missing or
// malformed key is named the same way everywhere:
//   "config <key> is not set; set it, e.g. <example>"
//   "config <key> must be <what>, not '<value>'"
// (never the value of a secret). Errors are kInvalidArgument with the key as the field.
// Immutable; safe to read from several threads.
class TenantConfig {
 public:
  struct Value {
    std::string text;
    bool is_secret = false;
  };
  using Values = std::map<std::string, Value, std::less<>>;

  TenantConfig() = default;
  explicit TenantConfig(Values values) : values_(std::move(values)) {}

  // The value, or nullptr when the key is not set. An empty value counts as not set.
  const Value* Find(std::string_view key) const;

  // A value that must be set; `example` shows a valid one in the error.
  Result<std::string> Text(std::string_view key, std::string_view example) const;
  // The value, or `fallback` when not set.
  std::string TextOr(std::string_view key, std::string_view fallback) const;
  // A value that must be set and stored as a secret (never echoed in an error).
  Result<std::string> Secret(std::string_view key, std::string_view what) const;
  // true or false; `fallback` when not set.
  Result<bool> Flag(std::string_view key, bool fallback) const;
  // A whole number in [min, max]; `fallback` when not set.
  Result<std::int64_t> Int(std::string_view key, std::int64_t fallback, std::int64_t min,
                           std::int64_t max) const;
  // A number in [min, max]; `fallback` when not set.
  Result<double> Number(std::string_view key, double fallback, double min, double max) const;
  // An http(s) URL with a host and no query or fragment, trailing slashes removed; it must be
  // set.
  Result<std::string> Url(std::string_view key, std::string_view example) const;
  // A comma-separated list, items trimmed, empty items dropped; empty when not set.
  std::vector<std::string> List(std::string_view key) const;

 private:
  Values values_;
};

}  // namespace avni
