#pragma once

#include <string>

#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni {

// A tenant is one integration system (e.g. "JSS Bahmni"): every other row belongs to one.
struct Tenant {
  TenantId id;
  std::string uuid;
  std::string name;
  std::string type;  // e.g. "bahmni"
  bool active = true;
  Timestamp created_at;
  Timestamp updated_at;
};

// One key/value of a tenant's configuration. Secret values are encrypted at rest by the store
// and must never be logged or returned by the API.
struct ConfigEntry {
  std::string key;
  std::string value;
  bool is_secret = false;
  Timestamp updated_at;
};

}  // namespace avni
