#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/error_record.hpp"

namespace avni::sync {

// Sorts error messages into a tenant's error types: the first type, by priority then id, whose
// rule matches wins; no match is the default type ("Unclassified", follow-up Process). The
// same message and types always give the same answer.
//
// EQUALS and CONTAINS ignore case (ASCII), as the Java service's did; MATCHES rules are
// regular expressions (ECMAScript syntax, case-insensitive, searched anywhere in the message),
// compiled once: build a classifier once per run.
class ErrorClassifier {
 public:
  // Errors: invalid_argument naming "error_types[i].value" when a MATCHES rule does not
  // compile.
  static Result<ErrorClassifier> Make(std::vector<ErrorType> types);

  ErrorClassifier();
  ~ErrorClassifier();
  ErrorClassifier(ErrorClassifier&&) noexcept;
  ErrorClassifier& operator=(ErrorClassifier&&) noexcept;

  // The matching type, or null for the default type.
  const ErrorType* Match(std::string_view message) const;
  // Terminal errors are never retried.
  bool IsTerminal(std::string_view message) const;

 private:
  struct Rules;
  std::unique_ptr<Rules> rules_;
};

// The name the API shows for records of no type.
inline constexpr std::string_view kDefaultErrorTypeName = "Unclassified";

}  // namespace avni::sync
