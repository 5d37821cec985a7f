#pragma once
// The contract between the service and an integration (DESIGN.md, "Adding an integration").
// An integration lives in src/integrations/<name>/ and registers one factory by tenant type;
// for each run, the factory gets what integrations share and what the run read at its start,
// and returns the run's flows (sync/flow.hpp: a source, transform and sink per entity type).

#include <functional>
#include <memory>

#include "common/time.hpp"
#include "domain/job.hpp"
#include "domain/tenant_config.hpp"
#include "http/client.hpp"
#include "mapping/mapping_cache.hpp"
#include "sync/flow.hpp"

namespace avni::store {
class Store;
}

namespace avni::integrations {

// What every integration is given, shared by all runs of all tenants. Not owned: it outlives
// every run. Thread-safe as each member is.
struct Services {
  store::Store& store;
  const Clock& clock;
  mapping::MappingCache& mappings;
  // What clients of external systems (Avni, OpenMRS) are made with: timeouts and the
  // operator's outbound target policy.
  http::ClientOptions http;
};

// What one run read at its start, the same for all its flows: the tenant's config (secrets
// opened) and one snapshot of its mappings, refreshed from the store first, so that a mapping
// written on another instance is used by the next run and a write during this run by the next.
struct RunInputs {
  const ScheduledJob& job;
  TenantConfig config;
  mapping::MappingCache::Snapshot mappings;
};

// Makes a run's flows. Errors (a missing or malformed config key, named) fail the run with
// their message before anything is read. The flows may depend on each other (Flow::depends_on).
using Factory =
    std::function<Result<std::unique_ptr<sync::FlowSet>>(const Services&, const RunInputs&)>;

}  // namespace avni::integrations
