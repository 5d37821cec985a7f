#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>

#include "common/error.hpp"
#include "domain/ids.hpp"
#include "mapping/tenant_mappings.hpp"

namespace avni::store {
class Store;
}

namespace avni::mapping {

// The per-tenant mapping lookup cache: one immutable TenantMappings snapshot per tenant, built
// from the store on first use and kept until invalidated.
//
// Whoever commits a write to a tenant's mappings calls Invalidate(tenant) after the commit;
// writes made by other instances on the same database are picked up by Refresh(tenant), which
// compares the tenant's mapping revision in the store with the snapshot's and rebuilds only on
// a change.
//
// Thread-safe. A reader keeps the snapshot it was given (a shared_ptr) for as long as it likes,
// whatever invalidations happen meanwhile. While one thread builds a tenant's snapshot, others
// asking for the same tenant wait for that build rather than start their own. A build reads
// the store in a transaction of its own: call Get outside any transaction of the caller, or a
// pool whose every connection is held by such callers leaves the build waiting. The store is
// not owned and must outlive the cache.
class MappingCache {
 public:
  explicit MappingCache(store::Store& store) : store_(store) {}
  MappingCache(const MappingCache&) = delete;
  MappingCache& operator=(const MappingCache&) = delete;

  using Snapshot = std::shared_ptr<const TenantMappings>;

  // The tenant's snapshot, built when there is none. A snapshot returned after Invalidate
  // returned holds every write committed before that call. Errors: those of the store
  // (unavailable, ...); a failed build is not cached, the next call tries again.
  Result<Snapshot> Get(TenantId tenant);
  // Drops the tenant's snapshot; a build already under way is not kept either.
  void Invalidate(TenantId tenant);
  // Rebuilds the tenant's snapshot when the tenant's mapping revision in the store differs from
  // the snapshot's; answers whether it did. Nothing to do (false) when no snapshot is cached.
  // A failed rebuild is reported and the snapshot kept.
  Result<bool> Refresh(TenantId tenant);

  // How many snapshots have been built (successfully or not), for tests and metrics.
  std::uint64_t builds() const { return builds_.load(); }

 private:
  struct Slot {
    Snapshot snapshot;
    // The build under way, if any, shared by every caller that waits for it.
    std::shared_future<Result<Snapshot>> building;
    // Bumped by Invalidate, so that a build that began before it is not cached.
    std::uint64_t generation = 0;
  };

  Result<Snapshot> Load(TenantId tenant);

  store::Store& store_;
  std::mutex mu_;
  std::map<TenantId, Slot> slots_;  // guarded by mu_
  std::atomic<std::uint64_t> builds_{0};
};

}  // namespace avni::mapping
