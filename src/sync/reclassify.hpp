#pragma once

#include <cstdint>
#include <vector>

#include "common/error.hpp"
#include "domain/error_record.hpp"
#include "store/store.hpp"

namespace avni::sync {

struct Reclassification {
  // Records whose type changed, counting every `detached` one whatever it became.
  std::int64_t changed = 0;
  // Records read and classified.
  std::int64_t read = 0;
  // Stopped early: the tenant's types changed meanwhile, and whoever changed them reclassifies.
  bool superseded = false;
};

// Sets every error record of the tenant to the type its latest message matches among `types`
// (the tenant's types as a change just left them; no match: the default type).
//
// Never classifies while a write transaction is open, so that a tenant's rules cannot hold the
// write lock that other tenants wait on: in keyset pages of `batch` records by id, a page is
// read in a read transaction, classified outside any transaction, and its changes written in a
// short write transaction of their own. That transaction first checks, under
// ErrorRepo::LockTypes, that the tenant's types are still `types`; if another change replaced
// them, it writes nothing and the reclassification stops (superseded). A record resolved or
// deleted meanwhile is passed over (and may still be counted). `batch`: 1 to 1000.
//
// `detached`: the records whose type the change deleted, sorted by id; they are unclassified
// already and count as changed whatever they become.
// Errors: the store's (unavailable, ...); pages written before the failure stay written.
Result<Reclassification> ReclassifyErrorRecords(store::Store& store, TenantId tenant,
                                                std::vector<ErrorType> types,
                                                const std::vector<RowId>& detached,
                                                int batch = 1000);

}  // namespace avni::sync
