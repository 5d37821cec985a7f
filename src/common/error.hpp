#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace avni {

// What kind of failure an Error is. The API maps each code to one HTTP status in one place;
// the sync engine uses `kUnavailable` to tell availability failures (retry) from data errors.
enum class ErrorCode {
  kInvalidArgument,  // the caller's input is wrong; the message names the field
  kNotFound,
  kConflict,  // a uniqueness or state rule would be broken
  kUnauthenticated,
  kForbidden,
  kFailedPrecondition,  // the system is not in a state to do this (e.g. schema too new)
  kRateLimited,         // too many attempts; the message says when to try again
  kUnavailable,         // a dependency (database, remote server) cannot be reached now
  kInternal,
};

std::string_view ToString(ErrorCode code);

// An expected failure, returned by value. `field` names the input at fault when there is one.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::string field;

  static Error InvalidArgument(std::string field, std::string message);
  static Error NotFound(std::string message);
  static Error Conflict(std::string message);
  static Error Unavailable(std::string message);
  static Error FailedPrecondition(std::string message);
  static Error Internal(std::string message);
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> Fail(Error error) { return std::unexpected<Error>(std::move(error)); }

}  // namespace avni
