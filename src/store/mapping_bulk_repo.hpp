#pragma once

#include <vector>

#include "common/error.hpp"
#include "domain/mapping.hpp"

namespace avni::store {

struct SqlContext;

// Whole-tenant reads and batched writes of mappings, for imports of 100,000 rows and for
// building the lookup cache: one query or one prepared statement per batch, never one round
// trip per row. Tenant-scoped like MappingRepo; the caller has validated the rows (values,
// hints, group and type of this tenant, uniqueness) before writing them.
class MappingBulkRepo {
 public:
  MappingBulkRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Every mapping of the tenant, voided ones included, ordered by id.
  Result<std::vector<Mapping>> LoadAll();
  // Inserts the rows (ids, tenant and times are set here; uuids generated when empty).
  Result<std::int64_t> InsertMany(const std::vector<Mapping>& rows);
  // Updates value, hint, about and voided of rows found by id in this tenant.
  Result<std::int64_t> UpdateMany(const std::vector<Mapping>& rows);
  // A cheap fingerprint of the tenant's mappings (count and latest change), to tell whether a
  // cache built earlier (perhaps by another instance's writes) is still current.
  Result<std::pair<std::int64_t, std::int64_t>> Fingerprint();

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
