#pragma once

#include <cstdint>
#include <expected>
#include <mutex>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace avni::simsupport {

// What the next request to a simulated API path suffers before its handler runs.
struct FaultDecision {
  int status = 0;  // 0: none; else answer with this status instead of handling the request
  int latency_ms = 0;
  int hang_ms = 0;    // hold the request this long before answering (a client's timeout)
  bool drop = false;  // send the headers and part of the body, then close the connection
  // Handle the request (a write is applied), then send the headers and part of the answer and
  // close the connection: the acknowledgement of a write is lost, which a retry must survive.
  bool lose_answer = false;
};

// The faults a test asked for, drawn from a seeded generator so a run is reproducible. Shared
// by the simulators (Avni's, OpenMRS's): each answers the same POST /_sim/faults bodies.
// Thread-safe: each draw locks.
class FaultInjector {
 public:
  // `default_path`: the prefix faults apply to when a body names none (the simulated API's
  // root, e.g. "/api" for Avni, "/openmrs" for OpenMRS); Clear returns to it.
  FaultInjector(std::uint64_t seed, std::string default_path)
      : seed_(seed), rng_(seed), default_path_(default_path), path_(std::move(default_path)) {}

  // Merges one POST /_sim/faults body: {"status": 503, "rate": 0.3} (rate defaults to 1),
  // {"latency_ms": 200}, {"malformed_json_rate": 0.1}, {"hang_ms": 3000, "hang_rate": 1}
  // (hang_rate defaults to 1), {"drop_rate": 1}, {"lost_answer_rate": 0.1}; "path" limits the
  // faults to requests whose path starts with it (default: the default path); "count": N makes them
  // apply to the next N matching requests only, then clear themselves; "seed" restarts the
  // generator. Other keys are left to the simulator (e.g. "expire_tokens"). InvalidArgument names
  // the bad field; nothing changes then.
  std::expected<void, Error> Configure(const nlohmann::json& body);

  void Clear();

  FaultDecision Draw(const std::string& path);
  // Whether a successful JSON answer is to be cut short (drawn after the handler ran).
  bool DrawMalformedJson();

  nlohmann::json Describe() const;

 private:
  void ClearLocked();
  double NextUnitLocked();  // uniform in [0, 1), the same on every standard library

  mutable std::mutex mutex_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;  // guarded by mutex_
  int status_ = 0;       // guarded by mutex_ (as are the fields below)
  double status_rate_ = 0;
  int latency_ms_ = 0;
  double malformed_json_rate_ = 0;
  int hang_ms_ = 0;
  double hang_rate_ = 0;
  double drop_rate_ = 0;
  double lost_answer_rate_ = 0;
  const std::string default_path_;
  std::string path_;             // guarded by mutex_
  std::int64_t remaining_ = -1;  // matching requests the faults still apply to; -1: no limit
};

}  // namespace avni::simsupport
