#pragma once

#include <string>

#include "api/route.hpp"
#include "common/error.hpp"

namespace avni::api {

// The one place where error codes become HTTP statuses.
int HttpStatus(ErrorCode code);

// {"error":{"code":"...","message":"...","details":{"field":"..."}}} with the matching status.
Response ErrorResponse(const Error& error);

}  // namespace avni::api
