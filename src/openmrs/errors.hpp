#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

// How the OpenMRS client reads a refusal (internal to the client; public for its tests).
namespace avni::openmrs {

// The error an OpenMRS answer with status >= 400 means, read from webservices.rest's JSON error
// body ({"error": {"message", "code", "detail", "globalErrors", "fieldErrors"}}):
//   - 400 (ValidationException: "Invalid Submission" with global and field errors; a
//     ConversionException: a value OpenMRS cannot set), 404 and other 4xx are data errors;
//   - a 500 is a data error (kInvalidArgument) when OpenMRS refused the data: its message reads
//     as a validation message, or it names an API exception about the data (APIException,
//     ValidationException, a patient identifier exception) or was thrown by a validator; any
//     other 500 (a NullPointerException, a database failure, a body that is not OpenMRS's
//     JSON) is an availability failure;
//   - 401/403, 408, 429, 502-504 as ClassifyHttp says (availability).
// The message is OpenMRS's own (message, global errors, "field: message" per field error)
// without its stack trace, and with every value of `sent` (the request's JSON body: names,
// observation values) replaced by "<value>", as is any quoted text: an error record names
// identifiers and uuids only, never a patient's name or an observation's value.
Error ClassifyOpenmrs(int status, std::string_view body, std::string_view sent);

// `text` with every string and number of the JSON document `sent` (other than uuids and
// patient identifiers) that stands as a whole word replaced by "<value>", and the contents of
// double quotes too.
std::string Redact(std::string_view text, std::string_view sent);

}  // namespace avni::openmrs
