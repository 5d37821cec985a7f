#pragma once

#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/tenant.hpp"
#include "domain/tenant_config.hpp"

namespace avni::store {

struct SqlContext;

// A tenant's configuration. Secret values are sealed with the store's SecretBox before they
// are written and opened when read: the database never holds them in plain text. Without a
// SecretBox, writing or reading a secret fails with failed_precondition.
class ConfigRepo {
 public:
  ConfigRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  Result<ConfigEntry> Get(std::string_view key);
  // Every entry, secrets opened; the API masks them.
  Result<std::vector<ConfigEntry>> List();
  // Every entry, secrets opened, as the reader integrations and checks use.
  Result<TenantConfig> Read();
  // Inserts or replaces. Errors: invalid_argument (empty key), not_found (no such tenant).
  Result<ConfigEntry> Set(std::string_view key, std::string_view value, bool is_secret);
  Status Remove(std::string_view key);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
