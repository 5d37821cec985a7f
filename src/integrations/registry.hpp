#pragma once

#include <map>
#include <memory>
#include <string>

#include "integrations/integration.hpp"

namespace avni::integrations {

// The integrations this build has, by tenant type ("demo", "bahmni", ...). For each run it reads
// the tenant's config and refreshes its mapping snapshot once, then asks the tenant type's
// factory for the flows. Thread-safe once every Add is done (runs of many tenants ask at once).
class Registry final : public sync::FlowProvider {
 public:
  explicit Registry(Services services) : services_(std::move(services)) {}

  void Add(std::string type, Factory factory);
  Result<std::unique_ptr<sync::FlowSet>> FlowsFor(const ScheduledJob& job) override;
  const Services& services() const { return services_; }

 private:
  Services services_;
  std::map<std::string, Factory> factories_;
};

// Every integration of this build, registered.
Registry MakeRegistry(Services services);

}  // namespace avni::integrations
