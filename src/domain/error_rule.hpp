#pragma once
// What an error type's rule may be, and how a MATCHES pattern matches. Shared by everything
// that stores error types (the error-types API, bundle import) and by the classifier that
// applies them (sync/error_classifier.hpp), so that what is stored is what can run.
//
// A tenant's rules are hostile input to every other tenant (DESIGN.md, "Trust boundaries"):
// each is bounded in time and memory. MATCHES runs on RE2, whose search time is linear in the
// text whatever the pattern (no backtracking; hence no backreferences or lookaround), with its
// memory capped per pattern; every rule sees only the first kClassifiedBytes of a message.

#include <cstddef>
#include <memory>
#include <string_view>

#include "common/error.hpp"
#include "domain/error_record.hpp"

namespace re2 {
class RE2;
}

namespace avni {

// Only this much of a message is classified, by every operator: a longer message is cut at the
// last UTF-8 character boundary at or before it.
inline constexpr std::size_t kClassifiedBytes = 4096;
// The longest MATCHES pattern that may be stored, in characters (code points).
inline constexpr std::size_t kMaxPatternChars = 1000;
// The longest EQUALS or CONTAINS value that may be stored: a longer one could never match the
// part of a message that is classified.
inline constexpr std::size_t kMaxErrorTextBytes = kClassifiedBytes;
// RE2's memory for one compiled pattern (its programs and the caches of its automata); a
// pattern whose program does not fit is refused.
inline constexpr std::size_t kPatternMemoryBytes = 256 * 1024;

// The part of `message` that rules are applied to: its first kClassifiedBytes, cut on a UTF-8
// character boundary.
std::string_view ClassifiedPart(std::string_view message);

// Whether a rule may be stored: its value within the bounds above and, for MATCHES, a pattern
// that ErrorPattern compiles. Does not judge emptiness (callers differ). Errors:
// invalid_argument with `field` as its field and a message that starts with `field`, says what
// is wrong and how to fix it.
Status CheckErrorRule(ErrorOperator op, std::string_view value, std::string_view field);

// A compiled MATCHES pattern: RE2 syntax, searched anywhere in the text (add ^ or $ to anchor),
// ignoring case (Unicode case folding), in time linear in the text. Immutable once compiled:
// Search may be called from several threads at once.
class ErrorPattern {
 public:
  // Errors: invalid_argument (no field; the message is RE2's reason, e.g. "invalid escape
  // sequence: \1") when RE2 refuses the pattern or it needs more than kPatternMemoryBytes.
  static Result<ErrorPattern> Compile(std::string_view pattern);

  ~ErrorPattern();
  ErrorPattern(ErrorPattern&&) noexcept;
  ErrorPattern& operator=(ErrorPattern&&) noexcept;

  // Whether the pattern matches somewhere in `text`. Callers pass ClassifiedPart(message).
  bool Search(std::string_view text) const;

 private:
  explicit ErrorPattern(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace avni
