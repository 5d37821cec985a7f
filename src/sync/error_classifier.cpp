#include "sync/error_classifier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <string>

namespace avni::sync {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

}  // namespace

struct ErrorClassifier::Rules {
  std::vector<ErrorType> types;
  std::vector<std::optional<std::regex>> patterns;  // parallel to types; set for MATCHES
  std::vector<std::string> lowered;                 // parallel to types: value in lower case
};

ErrorClassifier::ErrorClassifier() : rules_(std::make_unique<Rules>()) {}
ErrorClassifier::~ErrorClassifier() = default;
ErrorClassifier::ErrorClassifier(ErrorClassifier&&) noexcept = default;
ErrorClassifier& ErrorClassifier::operator=(ErrorClassifier&&) noexcept = default;

Result<ErrorClassifier> ErrorClassifier::Make(std::vector<ErrorType> types) {
  // The store lists types in this order already; sorting here keeps the promise for callers
  // that build the list themselves (the error-types API before it saves).
  std::stable_sort(types.begin(), types.end(), [](const ErrorType& a, const ErrorType& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
  });
  ErrorClassifier out;
  for (std::size_t i = 0; i < types.size(); ++i) {
    std::optional<std::regex> pattern;
    if (types[i].op == ErrorOperator::kMatches) {
      try {
        pattern.emplace(types[i].value,
                        std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
      } catch (const std::regex_error& e) {
        return Fail(Error::InvalidArgument(
            fmt::format("error_types[{}].value", i),
            fmt::format("error type '{}': '{}' is not a regular expression ({}); write it in "
                        "ECMAScript syntax, e.g. 'Concept .* not found'",
                        types[i].name, types[i].value, e.what())));
      }
    }
    out.rules_->patterns.push_back(std::move(pattern));
    out.rules_->lowered.push_back(Lowered(types[i].value));
  }
  out.rules_->types = std::move(types);
  return out;
}

const ErrorType* ErrorClassifier::Match(std::string_view message) const {
  const std::string lowered = Lowered(message);
  for (std::size_t i = 0; i < rules_->types.size(); ++i) {
    const ErrorType& type = rules_->types[i];
    switch (type.op) {
      case ErrorOperator::kEquals:
        if (lowered == rules_->lowered[i]) return &type;
        break;
      case ErrorOperator::kContains:
        if (lowered.find(rules_->lowered[i]) != std::string::npos) return &type;
        break;
      case ErrorOperator::kMatches:
        if (std::regex_search(message.begin(), message.end(), *rules_->patterns[i])) return &type;
        break;
    }
  }
  return nullptr;
}

bool ErrorClassifier::IsTerminal(std::string_view message) const {
  const ErrorType* type = Match(message);
  return type != nullptr && type->follow_up_step == FollowUpStep::kTerminal;
}

}  // namespace avni::sync
