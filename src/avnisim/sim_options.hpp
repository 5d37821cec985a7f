#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "avnisim/auth.hpp"

namespace avni::sim {

struct SimOptions {
  std::int64_t subjects = 0;  // generated at construction
  std::uint64_t seed = 1;     // data and fault draws
  std::int64_t same_time = 1;
  int observations = 5;  // "Concept k" values per generated entity, besides a subject's four
  int encounters_per_subject = 0;
  int enrolments_per_subject = 0;
  int program_encounters_per_enrolment = 0;
  // When set, each generated subject's observations hold this concept with an identifier,
  // "100001" for the first subject and counting up (a Bahmni patient id without its prefix).
  std::string identifier_concept;
  AuthOptions auth;
  // Merged over Metadata::Defaults(observations), as a POST /_sim/metadata body.
  nlohmann::json metadata = nlohmann::json::object();
};

}  // namespace avni::sim
