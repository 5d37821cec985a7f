#pragma once

#include <string_view>

#include "common/error.hpp"

// Which failures are about availability (retry later) and which about the data (park the
// record): the error taxonomy of DESIGN.md, shared by the sync engine and the HTTP clients.
namespace avni {

// Availability: the destination or source cannot answer now (connection refused, timeout, 429,
// 502/503/504, an auth outage). Retried with backoff inside the run; never parked, so one
// outage never becomes thousands of error records.
bool IsAvailability(const Error& error);

// What stops a flow before the record instead of parking it: availability failures (after
// their retries), and failed preconditions, which say the tenant's setup is wrong (an address
// the operator does not allow, an identity provider the client cannot use) and would fail
// every record alike. Not retried: retrying cannot fix a setting.
bool StopsTheFlow(const Error& error);

// The error an HTTP answer means, for clients of external systems. status 0 means no answer
// (connect failure, timeout, dropped connection). Data errors (4xx other than 401/403/408/429,
// and a 500 whose body is a validation message, as Avni answers for an unknown subject type or
// concept) become kInvalidArgument / kNotFound / kConflict; availability failures become
// kUnavailable, kRateLimited or kUnauthenticated.
Error ClassifyHttp(int status, std::string_view body);

// Whether a 500's body reads as the server refusing the data rather than failing: Avni and
// OpenMRS answer some validation failures with 500.
bool LooksLikeValidationMessage(std::string_view body);

}  // namespace avni
