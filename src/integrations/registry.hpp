#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "http/client.hpp"
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

  // `http`: what every integration makes its clients of external systems (Avni, OpenMRS)
  // with: timeouts and the operator's target policy.
  explicit Registry(http::ClientOptions http = {}) : http_(std::move(http)) {}

  void Add(std::string type, Factory factory);
  Result<std::unique_ptr<scheduler::FlowSet>> FlowsFor(const ScheduledJob& job) override;
  const http::ClientOptions& http() const { return http_; }

 private:
  http::ClientOptions http_;
  std::map<std::string, Factory> factories_;
};

// Every integration of this build, registered, their outbound calls made with `http`.
Registry MakeRegistry(store::Store& store, const Clock& clock, http::ClientOptions http);

}  // namespace avni::integrations
