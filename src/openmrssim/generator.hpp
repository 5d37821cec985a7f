#pragma once

#include "openmrssim/metadata.hpp"
#include "openmrssim/services.hpp"
#include "openmrssim/sim_options.hpp"

namespace avni::openmrssim {

// Replaces all data with `options.patients` patients registered in Bahmni (each of
// `options.identifiers`, then identifier prefix + number; names, gender, birthdate, a phone number
// attribute) and, per patient, one OPD visit holding `encounters_per_patient` encounters:
// Consultations with a Vitals form group obs, every third a LAB_RESULT with a Haemoglobin result,
// every fourth Consultation with a drug order. Each write publishes its feed event as Bahmni's
// would. Same options, same data.
void GenerateData(const SimOptions& options, const Metadata& metadata, Services& services);

}  // namespace avni::openmrssim
