#pragma once

#include <optional>
#include <string>

#include "common/time.hpp"
#include "domain/ids.hpp"
#include "domain/user.hpp"

namespace avni {

// A signed-in browser or client. Only the hash of its token is kept.
struct Session {
  RowId id = 0;
  RowId user_id = 0;
  std::string token_hash;
  Timestamp created_at;
  Timestamp last_seen_at;
  Timestamp expires_at;  // slides forward with use, up to the absolute limit
  std::string address;
};

// A machine's key to one tenant, with one role there. Shown once when made; only its hash
// and a short prefix (to recognise it in lists) are kept.
struct ApiKey {
  RowId id = 0;
  TenantId tenant_id;
  std::string name;
  std::string prefix;
  std::string key_hash;
  Role role = Role::kViewer;
  std::optional<RowId> created_by;
  Timestamp created_at;
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;
};

}  // namespace avni
