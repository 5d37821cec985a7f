#pragma once

#include "avnisim/entity_store.hpp"
#include "avnisim/sim_options.hpp"

namespace avni::sim {

// Replaces every store's content with generated data: a location hierarchy (State > District >
// Block > Village), `subjects` Individuals living in its villages, and per subject its
// encounters, enrolments and their program encounters. Same options, same bytes. Every
// `same_time` consecutive subjects share one last-modified millisecond; children follow their
// subject by a few milliseconds.
void GenerateData(const SimOptions& options, Stores& stores);

}  // namespace avni::sim
