#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "domain/error_record.hpp"

namespace avni::sync {

// Sorts error messages into a tenant's error types: the first type, by priority then id, whose
// rule matches wins; no match is the default type ("Unclassified", follow-up Process). The
// same message and types always give the same answer.
//
// Every rule sees only the first kClassifiedBytes of a message (domain/error_rule.hpp), so one
// Match costs time linear in that and in the rules, whatever they are. EQUALS and CONTAINS
// ignore case (ASCII), as the Java service's did; MATCHES rules are RE2 patterns (ErrorPattern:
// case-insensitive, searched anywhere), compiled once: build a classifier once per run.
//
// A stored MATCHES rule that RE2 refuses (saved before patterns were checked when stored)
// matches nothing: Make skips it and logs one warning per skipped rule, so that one bad rule
// neither stops the tenant's runs nor floods the log.
//
// Immutable once made: Match may be called from several threads at once.
class ErrorClassifier {
 public:
  static ErrorClassifier Make(std::vector<ErrorType> types);

  ErrorClassifier();
  ~ErrorClassifier();
  ErrorClassifier(ErrorClassifier&&) noexcept;
  ErrorClassifier& operator=(ErrorClassifier&&) noexcept;

  // The matching type, or null for the default type.
  const ErrorType* Match(std::string_view message) const;

 private:
  struct Rules;
  std::unique_ptr<Rules> rules_;
};

// The name the API shows for records of no type.
inline constexpr std::string_view kDefaultErrorTypeName = "Unclassified";

}  // namespace avni::sync
