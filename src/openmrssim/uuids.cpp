#include "openmrssim/uuids.hpp"

#include <fmt/format.h>

namespace avni::openmrssim {
namespace {

// FNV-1a, 64 bits: fixed by its definition, unlike std::hash.
std::uint64_t Fnv1a(std::string_view text, std::uint64_t basis) {
  std::uint64_t hash = basis;
  for (const unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// splitmix64's finaliser: names that differ in one character get unrelated UUIDs.
std::uint64_t Mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Version-4 layout (the version nibble and the variant bits set), as OpenMRS's own UUIDs are.
std::string Format(std::uint64_t hi, std::uint64_t lo) {
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

}  // namespace

std::string StableUuid(std::string_view kind, std::string_view name) {
  const std::string text = fmt::format("openmrssim/{}/{}", kind, name);
  return Format(Mix(Fnv1a(text, 0xcbf29ce484222325ULL)), Mix(Fnv1a(text, 0x84222325cbf29ce4ULL)));
}

std::string UuidSource::Next() {
  const std::uint64_t hi = rng_();
  return Format(hi, rng_());
}

}  // namespace avni::openmrssim
