#pragma once

#include <cstdint>
#include <expected>
#include <mutex>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace avni::sim {

// What the next request to an /api path suffers before its handler runs.
struct FaultDecision {
  int status = 0;  // 0: none; else answer with this status instead of handling the request
  int latency_ms = 0;
};

// The faults a test asked for, drawn from a seeded generator so a run is reproducible.
// Thread-safe: each draw locks.
class FaultInjector {
 public:
  explicit FaultInjector(std::uint64_t seed) : seed_(seed), rng_(seed) {}

  // Merges one POST /_sim/faults body: {"status": 503, "rate": 0.3} (rate defaults to 1),
  // {"latency_ms": 200}, {"malformed_json_rate": 0.1}; "seed" restarts the generator.
  // InvalidArgument names the bad field; nothing changes then.
  std::expected<void, Error> Configure(const nlohmann::json& body);

  void Clear();

  FaultDecision Draw();
  // Whether a successful JSON answer is to be cut short (drawn after the handler ran).
  bool DrawMalformedJson();

  nlohmann::json Describe() const;

 private:
  double NextUnitLocked();  // uniform in [0, 1), the same on every standard library

  mutable std::mutex mutex_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;  // guarded by mutex_
  int status_ = 0;       // guarded by mutex_ (as are the fields below)
  double status_rate_ = 0;
  int latency_ms_ = 0;
  double malformed_json_rate_ = 0;
};

}  // namespace avni::sim
