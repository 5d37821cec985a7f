#pragma once

#include <chrono>
#include <string>

#include "common/error.hpp"
#include "domain/tenant_config.hpp"

namespace avni::avniapi {

// How one tenant reaches its Avni server, from the tenant's configuration keys:
//   avni_api_url            the server, e.g. https://app.avniproject.org (required)
//   avni_user               the integration's Avni user (required)
//   avni_password           its password, stored as a secret (required when auth is on)
//   avni_auth_enabled       true (default): log in as /idp-details says; false: send
//                           USER-NAME only, for a server that runs without an identity provider
//   avni_organisation_uuid  optional ORGANISATION-UUID header (a user of several organisations)
//   avni_cognito_endpoint   optional Cognito endpoint instead of cognito-idp.<region>.amazonaws.com
//   avni_read_lag_seconds   records changed more recently than this are left for the next run
//                           (default 10, avni-server's own lag)
//   avni_requests_per_second optional cap on requests to this server (0: none)
struct AvniConfig {
  std::string api_url;
  std::string user;
  std::string password;
  bool auth_enabled = true;
  std::string organisation_uuid;
  std::string cognito_endpoint;
  std::chrono::seconds read_lag{10};
  double requests_per_second = 0;
};

// Reads and checks every key above. Errors are kInvalidArgument naming the key and how to fix
// it (a missing key, a URL that is not http(s), a password not stored as a secret).
Result<AvniConfig> ReadAvniConfig(const TenantConfig& config);

}  // namespace avni::avniapi
