#include "integrations/registry.hpp"

#include "integrations/bahmni/bahmni.hpp"
#include "integrations/demo/demo.hpp"
#include "store/store.hpp"

namespace avni::integrations {

void Registry::Add(std::string type, Factory factory) {
  factories_.insert_or_assign(std::move(type), std::move(factory));
}

Result<std::unique_ptr<sync::FlowSet>> Registry::FlowsFor(const ScheduledJob& job) {
  auto it = factories_.find(job.tenant_type);
  if (it == factories_.end()) return std::unique_ptr<sync::FlowSet>();
  const TenantId tenant = job.job.tenant_id;
  auto config = services_.store.Read(
      [&](store::Tx& tx) -> Result<TenantConfig> { return tx.tenant(tenant).config().Read(); });
  if (!config) return Fail(config.error());
  // A snapshot built before another instance (or this one, outside the API) wrote a mapping is
  // rebuilt here; an unchanged one costs one read of the revision.
  if (auto refreshed = services_.mappings.Refresh(tenant); !refreshed) {
    return Fail(refreshed.error());
  }
  auto mappings = services_.mappings.Get(tenant);
  if (!mappings) return Fail(mappings.error());
  return it->second(services_, RunInputs{job, std::move(*config), std::move(*mappings)});
}

Registry MakeRegistry(Services services) {
  Registry registry(std::move(services));
  registry.Add("demo", &MakeDemoFlows);
  registry.Add("bahmni", &bahmni::MakeFlows);
  return registry;
}

}  // namespace avni::integrations
