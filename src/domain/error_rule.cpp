// The only translation unit that includes RE2's header.
#include "domain/error_rule.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <string>

namespace avni {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Code points, counting each byte that does not continue a character.
std::size_t Chars(std::string_view text) {
  std::size_t chars = 0;
  for (unsigned char c : text) chars += IsContinuation(c) ? 0 : 1;
  return chars;
}

Error Refused(std::string_view field, std::string message) {
  return Error::InvalidArgument(std::string(field), std::move(message));
}

}  // namespace

std::string_view ClassifiedPart(std::string_view message) {
  if (message.size() <= kClassifiedBytes) return message;
  std::size_t end = kClassifiedBytes;
  // Back to the start of the character that the cut would split (at most 3 bytes back); text
  // that is not UTF-8 at all is cut where it is.
  for (int i = 0; i < 3 && end > 0 && IsContinuation(static_cast<unsigned char>(message[end]));
       ++i) {
    --end;
  }
  if (IsContinuation(static_cast<unsigned char>(message[end]))) end = kClassifiedBytes;
  return message.substr(0, end);
}

Status CheckErrorRule(ErrorOperator op, std::string_view value, std::string_view field) {
  if (op != ErrorOperator::kMatches) {
    if (value.size() > kMaxErrorTextBytes) {
      return Fail(Refused(
          field, fmt::format("{} has {} bytes; only the first {} bytes of an error message are "
                             "classified, so a longer {} value could never match: shorten it to "
                             "the part that tells the error apart",
                             field, value.size(), kClassifiedBytes, ToString(op))));
    }
    return {};
  }
  if (const std::size_t chars = Chars(value); chars > kMaxPatternChars) {
    return Fail(
        Refused(field, fmt::format("{} has {} characters; a MATCHES pattern may have at most {}: "
                                   "shorten it to the part that tells the error apart, e.g. "
                                   "'Concept .* not found'",
                                   field, chars, kMaxPatternChars)));
  }
  auto compiled = ErrorPattern::Compile(value);
  if (!compiled) {
    return Fail(Refused(
        field, fmt::format("{} is not a pattern MATCHES accepts: {}. MATCHES uses RE2 syntax "
                           "(searched anywhere in the message, ignoring case), which has no "
                           "backreferences (\\1) or lookaround ((?=...), (?!...), (?<=...)): "
                           "rewrite it without them, e.g. 'Concept .* not found'",
                           field, compiled.error().message)));
  }
  return {};
}

ErrorPattern::ErrorPattern(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
ErrorPattern::~ErrorPattern() = default;
ErrorPattern::ErrorPattern(ErrorPattern&&) noexcept = default;
ErrorPattern& ErrorPattern::operator=(ErrorPattern&&) noexcept = default;

Result<ErrorPattern> ErrorPattern::Compile(std::string_view pattern) {
  re2::RE2::Options options;
  options.set_log_errors(false);  // the caller reports it, naming the field
  options.set_case_sensitive(false);
  options.set_never_capture(true);  // only whether it matches counts
  options.set_max_mem(static_cast<int64_t>(kPatternMemoryBytes));
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok()) {
    if (re->error_code() == re2::RE2::ErrorPatternTooLarge) {
      return Fail(Error::InvalidArgument(
          "", fmt::format("it is too large once compiled (over RE2's {} KiB for one pattern); "
                          "use fewer or smaller counted repetitions such as {{1000}}",
                          kPatternMemoryBytes / 1024)));
    }
    return Fail(Error::InvalidArgument("", re->error()));  // e.g. "missing ): (a"
  }
  return ErrorPattern(std::move(re));
}

bool ErrorPattern::Search(std::string_view text) const {
  return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace avni
