#pragma once

#include <memory>

#include "integrations/integration.hpp"

namespace avni::integrations {

// The "demo" integration: try the service, its scheduler, runs and error records without any
// external system. Its source is a stream of generated subjects that appear at a steady rate
// since the tenant was created; its sink keeps nothing. Tenant config (all optional):
//   demo_records_per_second  how many subjects appear each second (default 1, at most 1000)
//   demo_write_ms            how long each write takes (default 0, at most 10000)
//   demo_bad_every           every n-th subject lacks a mapping: an error record (default 0: none)
// Entity type "DemoSubject".
Result<std::unique_ptr<sync::FlowSet>> MakeDemoFlows(const Services& services,
                                                     const RunInputs& run);

}  // namespace avni::integrations
