#pragma once

#include <optional>
#include <string_view>

#include "common/error.hpp"
#include "domain/sync.hpp"

namespace avni::store {

struct SqlContext;

// Which destination record each source record became, per tenant and entity type.
class EntityLinkRepo {
 public:
  EntityLinkRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Inserts or replaces the link of (entity_type, source_id); tenant_id and updated_at are set
  // here. Errors: invalid_argument (empty entity type, source or destination id).
  Result<EntityLink> Put(const EntityLink& link);
  // nullopt when the source record has no link yet.
  Result<std::optional<EntityLink>> Find(std::string_view entity_type, std::string_view source_id);
  Result<std::optional<EntityLink>> FindByDestination(std::string_view entity_type,
                                                      std::string_view destination_id);
  Result<std::int64_t> Count(std::string_view entity_type);
  Status Remove(std::string_view entity_type, std::string_view source_id);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
