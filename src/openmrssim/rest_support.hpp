#pragma once

// What the REST handlers share: which resources are metadata, the privilege a 401 names, and
// the representation a request asks for.

#include <expected>
#include <string>
#include <string_view>

#include "openmrssim/representation.hpp"
#include "openmrssim/rest_errors.hpp"

namespace httplib {
struct Request;
}

namespace avni::openmrssim {

// encountertype, visittype, location, provider, encounterrole, patientidentifiertype,
// personattributetype, visitattributetype: served from the metadata, read-only.
bool IsMetaResource(std::string_view resource);

// The privilege a read of `resource` needs, as the 401 names it ("Get Patients").
std::string ReadPrivilege(std::string_view resource);

std::string Lower(std::string text);

// The representation a request asks for (`v`); `fallback` when it names none. An empty `v` is
// webservices.rest's 500; a custom representation is not simulated (400).
std::expected<Rep, RestError> ReadRep(const httplib::Request& req, Rep fallback);

}  // namespace avni::openmrssim
