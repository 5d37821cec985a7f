#pragma once

#include <memory>

#include "common/error.hpp"
#include "domain/tenant.hpp"

namespace avni::sim {
class Simulator;
}
namespace avni::openmrssim {
class Simulator;
}
namespace avni::store {
class Store;
}

namespace avni::app {

inline constexpr const char* kDemoTenant = "demo-bahmni";

// The simulators of `serve --demo`, running until this is destroyed.
struct Demo {
  Demo();
  ~Demo();
  Demo(const Demo&) = delete;
  Demo& operator=(const Demo&) = delete;

  std::unique_ptr<sim::Simulator> avni;
  std::unique_ptr<openmrssim::Simulator> openmrs;
  int avni_port = 0;
  int openmrs_port = 0;
  TenantId tenant;
};

// Starts the Avni simulator (300 subjects, each with an encounter, an enrolment and a program
// encounter, and 3 more that answer "O+") and the OpenMRS simulator on free loopback ports, and
// makes the tenant "demo-bahmni" (type bahmni) for them: config, the example's mapping rows less
// "O+", jobs every minute, a first run asked for. An existing one keeps its mappings and runs, is
// pointed at the new ports, and loses its cursors, entity links and error records, which were
// about the simulators' previous, now lost, data.
Result<std::unique_ptr<Demo>> StartDemo(store::Store& store);

}  // namespace avni::app
