#include "sync/error_classifier.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string>

#include "domain/error_rule.hpp"

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
  // Parallel to types: the compiled pattern of a MATCHES rule (none: skipped, matches nothing).
  std::vector<std::optional<ErrorPattern>> patterns;
  std::vector<std::string> lowered;  // parallel to types: value in lower case
};

ErrorClassifier::ErrorClassifier() : rules_(std::make_unique<Rules>()) {}
ErrorClassifier::~ErrorClassifier() = default;
ErrorClassifier::ErrorClassifier(ErrorClassifier&&) noexcept = default;
ErrorClassifier& ErrorClassifier::operator=(ErrorClassifier&&) noexcept = default;

ErrorClassifier ErrorClassifier::Make(std::vector<ErrorType> types) {
  // The store lists types in this order already; sorting here keeps the promise for callers
  // that build the list themselves.
  std::stable_sort(types.begin(), types.end(), [](const ErrorType& a, const ErrorType& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.id < b.id;
  });
  ErrorClassifier out;
  for (const ErrorType& type : types) {
    std::optional<ErrorPattern> pattern;
    if (type.op == ErrorOperator::kMatches) {
      auto compiled = ErrorPattern::Compile(type.value);
      if (compiled) {
        pattern.emplace(std::move(*compiled));
      } else {
        spdlog::warn(
            "tenant {}: error type '{}' (id {}) matches nothing: RE2 refuses its MATCHES "
            "pattern ({}); rewrite it in RE2 syntax through PUT /api/v1/tenants/{}/error-types",
            type.tenant_id.value, type.name, type.id, compiled.error().message,
            type.tenant_id.value);
      }
    }
    out.rules_->patterns.push_back(std::move(pattern));
    out.rules_->lowered.push_back(type.op == ErrorOperator::kMatches ? "" : Lowered(type.value));
  }
  out.rules_->types = std::move(types);
  return out;
}

const ErrorType* ErrorClassifier::Match(std::string_view message) const {
  const std::string_view part = ClassifiedPart(message);
  const std::string lowered = Lowered(part);
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
        if (rules_->patterns[i] && rules_->patterns[i]->Search(part)) return &type;
        break;
    }
  }
  return nullptr;
}

}  // namespace avni::sync
