#pragma once
// Shared by the handlers: JSON forms of the domain types, and small helpers.

#include <nlohmann/json.hpp>

#include "api/route.hpp"
#include "common/error.hpp"
#include "domain/credential.hpp"
#include "domain/tenant.hpp"
#include "domain/user.hpp"

namespace avni::api {

nlohmann::json TimeJson(Timestamp t);
nlohmann::json TimeJson(const std::optional<Timestamp>& t);
nlohmann::json UserJson(const User& user);  // never the password hash
nlohmann::json TenantJson(const Tenant& tenant);

Response JsonResponse(int status, const nlohmann::json& body);

// Parses a numeric path parameter. Errors: invalid_argument naming it.
Result<RowId> IdParam(const Request& request, const std::string& name);

// Who the audit log says did it: "ana@example.org", or "api-key:7 (ci)".
std::string Actor(const Request& request);

}  // namespace avni::api
