#pragma once

// How an obs in a request body becomes an Obs (internal to src/openmrssim): ObsResource's
// setters (concept, then value by the concept's datatype) and ObsValidator's checks.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "openmrssim/metadata.hpp"
#include "openmrssim/model.hpp"
#include "openmrssim/services.hpp"
#include "openmrssim/uuids.hpp"

namespace avni::openmrssim {

// An obs as a body describes it, with its members, before anything is stored.
struct ObsTree {
  Obs obs;
  std::vector<ObsTree> members;
  bool answer_outside_concept = false;  // a coded value not among its concept's answers
};

// ConversionException chains: what failed, inside which property of which class.
std::string Chain(const std::string& inside, const std::string& message);

// Builds one obs (and its members) from a body item for `encounter`. `existing`: the obs this
// one replaces on an update (its concept and value are the defaults). `inside` is the chain of
// properties the item sits in ("obs on class org.openmrs.Encounter").
RestResult<ObsTree> BuildObs(const Metadata& metadata, UuidSource& uuids,
                             const nlohmann::json& item, const std::string& inside,
                             const Encounter& encounter, const Obs* existing, Timestamp now);

// ObsValidator on each obs the encounter saves (its errors are the obs's: "concept", ...).
RestResult<void> ValidateObs(const ObsTree& tree);

}  // namespace avni::openmrssim
