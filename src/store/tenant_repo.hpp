#pragma once

#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/tenant.hpp"

namespace avni::store {

struct SqlContext;

// Tenants (integration systems). Names are unique across the service.
class TenantRepo {
 public:
  explicit TenantRepo(SqlContext& ctx) : ctx_(ctx) {}

  // Errors: invalid_argument (empty or over-long name or type), conflict (name taken).
  // Also creates the tenant's jobs `main` (every five minutes) and `errors` (hourly).
  Result<Tenant> Create(std::string_view name, std::string_view type);
  Result<Tenant> Get(TenantId id);
  Result<Tenant> FindByName(std::string_view name);
  Result<std::vector<Tenant>> List();
  Result<Tenant> Rename(TenantId id, std::string_view name);
  Result<Tenant> SetActive(TenantId id, bool active);

 private:
  SqlContext& ctx_;
};

}  // namespace avni::store
