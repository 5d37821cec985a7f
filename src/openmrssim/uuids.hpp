#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace avni::openmrssim {

// A UUID-shaped name for metadata: the same (kind, name) gives the same UUID on every machine
// and build, so mapping rows written from it (examples/bahmni/mappings.csv) stay valid.
std::string StableUuid(std::string_view kind, std::string_view name);

// UUIDs for entities the simulator creates: deterministic for a seed, unique in practice.
// Not thread-safe: the simulator draws under its data lock.
class UuidSource {
 public:
  explicit UuidSource(std::uint64_t seed) : rng_(seed) {}
  std::string Next();

 private:
  std::mt19937_64 rng_;
};

}  // namespace avni::openmrssim
