#include "common/error.hpp"

namespace avni {

std::string_view ToString(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

Error Error::InvalidArgument(std::string field, std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
}
Error Error::NotFound(std::string message) {
  return Error{ErrorCode::kNotFound, std::move(message), {}};
}
Error Error::Conflict(std::string message) {
  return Error{ErrorCode::kConflict, std::move(message), {}};
}
Error Error::Unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message), {}};
}
Error Error::FailedPrecondition(std::string message) {
  return Error{ErrorCode::kFailedPrecondition, std::move(message), {}};
}
Error Error::Internal(std::string message) {
  return Error{ErrorCode::kInternal, std::move(message), {}};
}

}  // namespace avni
