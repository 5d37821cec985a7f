#pragma once

#include <string>

#include "common/error.hpp"
#include "domain/tenant_config.hpp"

namespace avni::openmrs {

// How one tenant reaches its OpenMRS (Bahmni) server, from the tenant's configuration keys:
//   openmrs_base_url             the address before /openmrs, e.g. https://bahmni.example.org
//                                (required)
//   openmrs_user                 the integration's OpenMRS user (required)
//   openmrs_password             its password, stored as a secret (required)
//   openmrs_requests_per_second  optional cap on requests to this server (0: none)
struct OpenmrsConfig {
  std::string base_url;
  std::string user;
  std::string password;
  double requests_per_second = 0;
};

// Reads and checks every key above. Errors are kInvalidArgument naming the key and how to fix
// it (a missing key, a URL that is not http(s) or that already ends in /openmrs, a password not
// stored as a secret).
Result<OpenmrsConfig> ReadOpenmrsConfig(const TenantConfig& config);

}  // namespace avni::openmrs
