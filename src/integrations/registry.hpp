#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "scheduler/flow_runner.hpp"

namespace avni::store {
class Store;
}

namespace avni::integrations {

// The integrations this build has, by tenant type ("demo", later "bahmni", ...): each makes a
// tenant's flows for one run from its config.
class Registry final : public scheduler::FlowProvider {
 public:
  using Factory =
      std::function<Result<std::unique_ptr<scheduler::FlowSet>>(const ScheduledJob& job)>;

  void Add(std::string type, Factory factory);
  Result<std::unique_ptr<scheduler::FlowSet>> FlowsFor(const ScheduledJob& job) override;

 private:
  std::map<std::string, Factory> factories_;
};

// Every integration of this build, registered.
Registry MakeRegistry(store::Store& store, const Clock& clock);

}  // namespace avni::integrations
