#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/sync.hpp"

namespace avni::store {

struct SqlContext;

// The watermarks (how far each source has been read) of one tenant.
class SyncStatusRepo {
 public:
  SyncStatusRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // nullopt when the entity type has never been read.
  Result<std::optional<SyncStatus>> Get(std::string_view entity_type);
  Result<std::vector<SyncStatus>> List();
  // Inserts or replaces; tenant_id and updated_at are set here. Errors: invalid_argument when
  // no form of cursor (time, numeric, marker) is set or the entity type is empty.
  Result<SyncStatus> Put(const SyncStatus& status);
  Status Remove(std::string_view entity_type);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
