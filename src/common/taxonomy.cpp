#include "common/taxonomy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>

namespace avni {
namespace {

constexpr std::size_t kMaxQuoted = 500;

std::string Excerpt(std::string_view body) {
  std::string out(body.substr(0, kMaxQuoted));
  if (body.size() > kMaxQuoted) out += "...";
  return out;
}

bool ContainsIgnoringCase(std::string_view text, std::string_view needle) {
  auto it = std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
    return lower(a) == lower(b);
  });
  return it != text.end();
}

}  // namespace

bool IsAvailability(const Error& error) {
  return error.code == ErrorCode::kUnavailable || error.code == ErrorCode::kRateLimited ||
         error.code == ErrorCode::kUnauthenticated;
}

bool StopsTheFlow(const Error& error) {
  return IsAvailability(error) || error.code == ErrorCode::kFailedPrecondition;
}

namespace {

// avni-server answers a token it cannot verify (expired, forged, from another issuer, no such
// user) with a 401 or a 500 whose body names the auth library's exception: a sign-in problem,
// never a verdict on the record being written.
bool NamesAnAuthFailure(std::string_view body) {
  static constexpr std::array<std::string_view, 4> kExceptions = {
      "TokenExpiredException", "SignatureVerificationException", "JWTDecodeException",
      "AvniNoUserSessionException"};
  return std::any_of(kExceptions.begin(), kExceptions.end(),
                     [&](std::string_view name) { return ContainsIgnoringCase(body, name); });
}

}  // namespace

bool LooksLikeValidationMessage(std::string_view body) {
  // Phrases of avni-server's and OpenMRS's refusals of bad data that they answer with 500.
  // "already in use": OpenMRS's duplicate patient identifier (IdentifierNotUniqueException, an
  // APIException that webservices.rest answers with 500 when no validator caught it first).
  static constexpr std::array<std::string_view, 13> kPhrases = {
      "not found",  "validation",  "invalid",        "is required", "must not be",
      "cannot be",  "not allowed", "does not exist", "unknown",     "no such",
      "constraint", "not a valid", "already in use",
  };
  // A stack trace of a crashed server mentions exceptions of every kind; a gateway's error
  // page is HTML. Neither is a verdict on the data.
  if (ContainsIgnoringCase(body, "<html")) return false;
  if (NamesAnAuthFailure(body)) return false;
  return std::any_of(kPhrases.begin(), kPhrases.end(),
                     [&](std::string_view phrase) { return ContainsIgnoringCase(body, phrase); });
}

Error ClassifyHttp(int status, std::string_view body) {
  const std::string excerpt = Excerpt(body);
  if (status == 0) return Error::Unavailable(fmt::format("no answer: {}", excerpt));
  if (status == 429) {
    return Error{ErrorCode::kRateLimited, fmt::format("HTTP 429 (rate limited): {}", excerpt), ""};
  }
  if (status == 401 || status == 403 || (status == 500 && NamesAnAuthFailure(body))) {
    return Error{ErrorCode::kUnauthenticated,
                 fmt::format("HTTP {} (not signed in): {}", status, excerpt), ""};
  }
  if (status == 408 || status == 502 || status == 503 || status == 504) {
    return Error::Unavailable(fmt::format("HTTP {}: {}", status, excerpt));
  }
  if (status == 500) {
    if (LooksLikeValidationMessage(body)) {
      return Error::InvalidArgument("", fmt::format("HTTP 500 (refused): {}", excerpt));
    }
    return Error::Unavailable(fmt::format("HTTP 500: {}", excerpt));
  }
  if (status >= 500) return Error::Unavailable(fmt::format("HTTP {}: {}", status, excerpt));
  if (status == 404) return Error::NotFound(fmt::format("HTTP 404: {}", excerpt));
  if (status == 409) return Error::Conflict(fmt::format("HTTP 409: {}", excerpt));
  if (status >= 400) return Error::InvalidArgument("", fmt::format("HTTP {}: {}", status, excerpt));
  return Error::Internal(fmt::format("HTTP {} is not a failure", status));
}

}  // namespace avni
