#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "openmrssim/metadata.hpp"
#include "openmrssim/model.hpp"

namespace avni::openmrssim {

// webservices.rest's representations: ref ({uuid, display, links}), default and full, with the
// properties, nesting and display strings of its *Resource1_8/1_9/1_11/2_0 classes.
enum class Rep { kRef, kDefault, kFull };

// The `v` parameter: "ref", "default" or "full" (any case); nullopt for anything else (custom
// representations are not simulated).
std::optional<Rep> ParseRep(std::string_view v);

// What rendering needs; `base` is the absolute REST root the links start with
// (http://host:port/openmrs/ws/rest/v1, from the request's Host as OpenMRS takes it).
struct RenderContext {
  const Metadata& metadata;
  const Data& data;
  std::string base;
  Timestamp now;
};

using Json = nlohmann::ordered_json;

Json RenderPatient(const RenderContext& ctx, const Patient& patient, Rep rep);
Json RenderPerson(const RenderContext& ctx, const Person& person, Rep rep);
Json RenderEncounter(const RenderContext& ctx, const Encounter& encounter, Rep rep);
Json RenderObs(const RenderContext& ctx, const Obs& obs, Rep rep);
Json RenderVisit(const RenderContext& ctx, const Visit& visit, Rep rep);
Json RenderConcept(const RenderContext& ctx, const ConceptDef& concept_def, Rep rep);
// encountertype, visittype, location, provider, encounterrole, patientidentifiertype,
// personattributetype, visitattributetype.
Json RenderMeta(const RenderContext& ctx, std::string_view resource, const MetaDef& def, Rep rep);

// The person's preferred (else first) non-voided name, "Given Middle Family".
std::string FullName(const Person& person);

}  // namespace avni::openmrssim
