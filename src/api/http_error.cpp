#include "api/http_error.hpp"

#include <nlohmann/json.hpp>

namespace avni::api {

int HttpStatus(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kFailedPrecondition:
      return 409;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

Response ErrorResponse(const Error& error) {
  nlohmann::json details = nlohmann::json::object();
  if (!error.field.empty()) details["field"] = error.field;
  // The API speaks of a precondition as a conflict with the current state.
  const ErrorCode shown =
      error.code == ErrorCode::kFailedPrecondition ? ErrorCode::kConflict : error.code;
  const nlohmann::json body{
      {"error", {{"code", ToString(shown)}, {"message", error.message}, {"details", details}}}};
  Response res;
  res.status = HttpStatus(error.code);
  // Invalid UTF-8 from a caller's input must not make the error itself unprintable.
  res.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return res;
}

}  // namespace avni::api
