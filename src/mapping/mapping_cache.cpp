#include "mapping/mapping_cache.hpp"

#include <exception>
#include <utility>

#include "store/store.hpp"

namespace avni::mapping {

Result<MappingCache::Snapshot> MappingCache::Load(TenantId tenant) {
  return store_.Read([&](store::Tx& tx) -> Result<Snapshot> {
    store::TenantScope scope = tx.tenant(tenant);
    // The revision is read before the rows: a write that lands between the statements
    // (PostgreSQL reads each statement afresh) then makes the next Refresh rebuild, where the
    // other order would let the snapshot claim a change it does not hold.
    auto revision = scope.mapping_bulk().Revision();
    if (!revision) return Fail(revision.error());
    auto groups = scope.mappings().ListGroups();
    if (!groups) return Fail(groups.error());
    auto types = scope.mappings().ListTypes();
    if (!types) return Fail(types.error());
    auto rows = scope.mapping_bulk().LoadAll();
    if (!rows) return Fail(rows.error());
    return TenantMappings::Build(tenant, *groups, *types, std::move(*rows), *revision);
  });
}

Result<MappingCache::Snapshot> MappingCache::Get(TenantId tenant) {
  std::promise<Result<Snapshot>> promise;
  std::shared_future<Result<Snapshot>> other_build;
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    Slot& slot = slots_[tenant];
    if (slot.snapshot) return slot.snapshot;
    if (slot.building.valid()) {
      other_build = slot.building;
    } else {
      slot.building = promise.get_future().share();
      generation = slot.generation;
    }
  }
  if (other_build.valid()) return other_build.get();

  // This thread builds; the promise is kept whatever happens, or the waiters would hang.
  Result<Snapshot> built = Fail(Error::Internal("mapping cache: build did not finish"));
  ++builds_;
  try {
    built = Load(tenant);
  } catch (const std::exception& e) {
    built = Fail(Error::Internal(std::string("mapping cache: ") + e.what()));
  }
  {
    std::lock_guard lock(mu_);
    Slot& slot = slots_[tenant];
    // An Invalidate since the build began means it may miss a write: answer with it (the call
    // overlapped the write) but do not keep it.
    if (slot.generation == generation) {
      slot.building = {};
      if (built) slot.snapshot = *built;
    }
  }
  promise.set_value(built);
  return built;
}

void MappingCache::Invalidate(TenantId tenant) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(tenant);
  if (it == slots_.end()) return;
  ++it->second.generation;
  it->second.snapshot.reset();
  it->second.building = {};
}

Result<bool> MappingCache::Refresh(TenantId tenant) {
  Snapshot current;
  {
    std::lock_guard lock(mu_);
    auto it = slots_.find(tenant);
    if (it == slots_.end() || !it->second.snapshot) return false;
    current = it->second.snapshot;
  }
  auto revision =
      store_.Read([&](store::Tx& tx) { return tx.tenant(tenant).mapping_bulk().Revision(); });
  if (!revision) return Fail(revision.error());
  if (*revision == current->revision()) return false;
  // The new snapshot is built before the old one goes: a failed build keeps what the runs use.
  Result<Snapshot> rebuilt = Fail(Error::Internal("mapping cache: rebuild did not finish"));
  ++builds_;
  try {
    rebuilt = Load(tenant);
  } catch (const std::exception& e) {
    rebuilt = Fail(Error::Internal(std::string("mapping cache: ") + e.what()));
  }
  if (!rebuilt) return Fail(rebuilt.error());
  std::lock_guard lock(mu_);
  Slot& slot = slots_[tenant];
  // Only the snapshot compared is replaced, not a newer one another thread put in meanwhile
  // (an Invalidate since then drops this one too: the next Get builds afresh).
  if (slot.snapshot == current) slot.snapshot = *rebuilt;
  return true;
}

}  // namespace avni::mapping
