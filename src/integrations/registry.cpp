#include "integrations/registry.hpp"

#include "integrations/demo.hpp"

namespace avni::integrations {

void Registry::Add(std::string type, Factory factory) {
  factories_.insert_or_assign(std::move(type), std::move(factory));
}

Result<std::unique_ptr<scheduler::FlowSet>> Registry::FlowsFor(const ScheduledJob& job) {
  auto it = factories_.find(job.tenant_type);
  if (it == factories_.end()) return std::unique_ptr<scheduler::FlowSet>();
  return it->second(job);
}

Registry MakeRegistry(store::Store& store, const Clock& clock, http::ClientOptions http) {
  Registry registry(std::move(http));
  // The demo calls no external system: it needs no HTTP options.
  registry.Add("demo", [&store, &clock](const ScheduledJob& job) {
    return MakeDemoFlows(store, clock, job);
  });
  return registry;
}

}  // namespace avni::integrations
