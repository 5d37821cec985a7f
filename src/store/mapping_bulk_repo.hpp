#pragma once

#include <cstdint>
#include <utility>
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
  // Inserts the rows, voided as given (ids, tenant and times are set here; uuids generated when
  // empty); answers how many. Errors: conflict when a row breaks a uniqueness rule (a writer
  // that raced this one), not_found when a group or type is gone; the transaction must then
  // be rolled back (returning the error from Store::Transact does so).
  Result<std::int64_t> InsertMany(const std::vector<Mapping>& rows);
  // Sets avni_value, int_system_value, data_type_hint, about and voided of the rows found by id
  // in this tenant (group, type and uuid are kept; updated_at is now); answers how many were
  // found. The rows are written in order and each must keep the uniqueness rules at the moment
  // it is written: to exchange values between rows, void them in one call and restore them
  // with their new values in a second. Errors as InsertMany.
  Result<std::int64_t> UpdateMany(const std::vector<Mapping>& rows);
  // The tenant's mapping revision: bumped (by the schema's triggers) by every write to its
  // mappings, mapping groups and mapping types, so that a cache built earlier, perhaps before
  // another instance's write, can tell it is stale. 0 for a tenant that does not exist (it has
  // no mappings, as a tenant that never wrote one).
  Result<std::int64_t> Revision();

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
