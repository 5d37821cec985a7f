#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace avni::openmrssim {

// An answer webservices.rest gives instead of a resource: its status and JSON body, as
// BaseRestController's exception handlers and RestUtil.wrapErrorResponse /
// wrapValidationErrorResponse write them.
struct RestError {
  int status = 500;
  nlohmann::ordered_json body;
  bool www_authenticate = false;  // 401: "WWW-Authenticate: Basic realm=..." is sent
};

// One Spring validation error: its message code and the message the code resolves to.
struct ValidationError {
  std::string code;
  std::string message;
};

// wrapErrorResponse: {"error": {"message": "<reason> [<message and causes>]", "code":
// "<class>:<line>" of the throwing frame, "detail": ""}} (detail is the stack trace only when
// the server's stack-trace global property is on, which it is not by default).
RestError WrapError(int status, const std::string& reason, const std::string& message,
                    const std::string& code);

// ObjectNotFoundException: 404 "Object with given uuid doesn't exist [null]".
RestError NotFound();
// ConversionException (a property that could not be set): 400, the message chain joined by
// " => ", e.g. "obs on class org.openmrs.Encounter => value on class org.openmrs.Obs => ...".
RestError Conversion(const std::string& message_chain);
// Anything webservices.rest does not map (APIException, NullPointerException, ...): 500.
RestError ServerError(const std::string& message, const std::string& code);
// ValidationException: 400 {"error": {"message": "Invalid Submission", "code":
// "webservices.rest.error.invalid.submission", "globalErrors": [{code, message}],
// "fieldErrors": {field: [{code, message}]}}}.
RestError Validation(const std::vector<ValidationError>& global_errors,
                     const std::vector<std::pair<std::string, ValidationError>>& field_errors);
// APIAuthenticationException without a signed-in user: 401 "User is not logged in
// [Privileges required: <privilege>]" with WWW-Authenticate.
RestError NotLoggedIn(const std::string& privilege);

}  // namespace avni::openmrssim
