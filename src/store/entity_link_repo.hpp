#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  // Page-sized batches, one statement each (the sync engine's per-page work): the links of
  // these source ids (absent ones are simply missing), and upserts of many links. At most
  // 1000 ids or links per call. Errors: invalid_argument as Put, naming the item.
  Result<std::vector<EntityLink>> FindMany(std::string_view entity_type,
                                           const std::vector<std::string>& source_ids);
  Status PutMany(const std::vector<EntityLink>& links);
  Result<std::optional<EntityLink>> FindByDestination(std::string_view entity_type,
                                                      std::string_view destination_id);
  Result<std::int64_t> Count(std::string_view entity_type);
  Status Remove(std::string_view entity_type, std::string_view source_id);
  // Every link of the entity type (the destination they point into is gone, e.g. a
  // simulator that restarted empty); answers how many went.
  Result<std::int64_t> RemoveAll(std::string_view entity_type);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
