#pragma once

#include <string>

#include "openmrssim/metadata.hpp"
#include "openmrssim/sim_options.hpp"

namespace avni::openmrssim {

// The Bahmni integration's mapping rows for this metadata, in the CSV that `avni-integrator
// mappings import` reads (group,type,avni_value,int_system_value,data_type_hint,about; groups
// and types as reference/bahmni-mappings.md section 1 names them). Committed as
// examples/bahmni/mappings.csv; a test keeps the two equal.
std::string MappingCsv(const Metadata& metadata);

// The tenant config constants of issue 12 section 3 (BahmniIdentifierPrefix, ...) for this
// metadata, as a PUT /api/v1/tenants/{t}/config body ({"items": [{"key", "value"}]}).
// Committed as examples/bahmni/config.json.
std::string ConfigJson(const Metadata& metadata, const SimOptions& options);

// What the Avni side needs besides the Avni simulator's defaults for these mappings (the
// identifier, Bahmni UUID and drug order concepts, the Bahmni-originated encounter types), as a
// POST /_sim/metadata body for the Avni simulator. Committed as
// examples/bahmni/avni-metadata.json.
std::string AvniMetadataJson();

}  // namespace avni::openmrssim
