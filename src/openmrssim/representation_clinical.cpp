// The clinical representations: encounters (with providers and drug orders), obs (with group
// members and coded values as the answer concept) and visits (with attributes).

#include <cmath>

#include <fmt/format.h>

#include "openmrssim/representation.hpp"
#include "openmrssim/representation_parts.hpp"
#include "openmrssim/rest_time.hpp"
#include "openmrssim/uuids.hpp"

namespace avni::openmrssim {

using namespace rendering;

namespace {

std::string JavaDouble(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e7) {
    return fmt::format("{:.1f}", value);
  }
  return fmt::format("{}", value);
}

// The standard ConceptDatatype rows every OpenMRS database has.

std::string ObsValueText(const RenderContext& ctx, const Obs& obs) {
  switch (obs.kind) {
    case ValueKind::kText:
      return obs.text;
    case ValueKind::kNumeric:
      return JavaDouble(obs.numeric);
    case ValueKind::kDatetime: {
      const ConceptDef* c = ctx.metadata.Concept(obs.concept_uuid);
      if (c != nullptr && c->datatype == Datatype::kDatetime) {
        return FormatDisplayDate(obs.datetime) + FormatRestDate(obs.datetime).substr(10, 6);
      }
      return FormatDisplayDate(obs.datetime);
    }
    case ValueKind::kCoded: {
      const ConceptDef* answer = ctx.metadata.Concept(obs.coded);
      return answer == nullptr ? "" : answer->name;
    }
    case ValueKind::kNone:
      break;
  }
  // A group: its members' values, as Obs.getValueAsString joins them.
  std::string out;
  for (const auto& member_uuid : obs.members) {
    const auto it = ctx.data.obs.find(member_uuid);
    if (it == ctx.data.obs.end() || it->second.voided) continue;
    if (!out.empty()) out += ", ";
    out += ObsValueText(ctx, it->second);
  }
  return out;
}

Json ObsRef(const RenderContext& ctx, const std::string& uuid) {
  const auto it = ctx.data.obs.find(uuid);
  if (it == ctx.data.obs.end()) return nullptr;
  return RenderObs(ctx, it->second, Rep::kRef);
}

Json EncounterRef(const RenderContext& ctx, const std::string& uuid) {
  const auto it = ctx.data.encounters.find(uuid);
  if (it == ctx.data.encounters.end()) return nullptr;
  return RenderEncounter(ctx, it->second, Rep::kRef);
}

Json VisitAt(const RenderContext& ctx, const std::string& uuid, Rep rep) {
  if (uuid.empty()) return nullptr;
  const auto it = ctx.data.visits.find(uuid);
  if (it == ctx.data.visits.end()) return nullptr;
  return RenderVisit(ctx, it->second, rep);
}

std::string EncounterDisplay(const RenderContext& ctx, const Encounter& e) {
  const MetaDef* type = ctx.metadata.Find("encountertype", e.encounter_type);
  return (type == nullptr ? "?" : type->name) + " " + FormatDisplayDate(e.encounter_datetime);
}

Json RenderEncounterProvider(const RenderContext& ctx, const Encounter& e,
                             const EncounterProvider& p, Rep rep) {
  const MetaDef* provider = ctx.metadata.Find("provider", p.provider);
  const MetaDef* role = ctx.metadata.Find("encounterrole", p.encounter_role);
  const std::string display =
      (provider == nullptr ? "" : provider->name) + ": " + (role == nullptr ? "" : role->name);
  const std::string uri =
      fmt::format("{}/encounterprovider/{}", Uri(ctx, "encounter", e.uuid), p.uuid);
  if (rep == Rep::kRef) return Ref(p.uuid, display, uri, "encounterprovider");
  const Rep nested = rep == Rep::kFull ? Rep::kDefault : Rep::kRef;
  Json out{{"uuid", p.uuid},
           {"provider", MetaAt(ctx, "provider", p.provider, nested)},
           {"encounterRole", MetaAt(ctx, "encounterrole", p.encounter_role, nested)},
           {"voided", p.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, e.created, std::nullopt);
  out["links"] = Links(uri, "encounterprovider", rep);
  return out;
}

Json RenderOrder(const RenderContext& ctx, const Encounter& e, const DrugOrder& order, Rep rep) {
  const std::string uri = Uri(ctx, "order", order.uuid);
  const std::string display = fmt::format("({}) {}", order.order_number, order.drug);
  if (rep == Rep::kRef) return Ref(order.uuid, display, uri, "order");
  const auto named = [&ctx](std::string_view resource, const std::string& name) {
    const std::string uuid = StableUuid(resource, name);
    return Ref(uuid, name, Uri(ctx, resource, uuid), std::string(resource));
  };
  const std::string order_type = StableUuid("ordertype", "Drug Order");
  return Json{{"uuid", order.uuid},
              {"display", display},
              {"orderNumber", order.order_number},
              {"patient", PatientRef(ctx, e.patient)},
              {"action", "NEW"},
              {"careSetting", named("caresetting", "Outpatient")},
              {"dateActivated", FormatRestDate(e.encounter_datetime)},
              {"scheduledDate", FormatRestDate(order.scheduled)},
              {"dateStopped", nullptr},
              {"encounter",
               Ref(e.uuid, EncounterDisplay(ctx, e), Uri(ctx, "encounter", e.uuid), "encounter")},
              {"orderType",
               Json{{"uuid", order_type},
                    {"display", "Drug Order"},
                    {"name", "Drug Order"},
                    {"javaClassName", "org.openmrs.DrugOrder"},
                    {"retired", false},
                    {"links", Links(Uri(ctx, "ordertype", order_type), "ordertype", Rep::kRef)}}},
              {"urgency", "ROUTINE"},
              {"drug", named("drug", order.drug)},
              {"dosingType", "org.openmrs.SimpleDosingInstructions"},
              {"dose", order.dose},
              {"doseUnits", named("concept", order.dose_units)},
              {"asNeeded", order.as_needed},
              {"duration", order.duration},
              {"durationUnits", named("concept", order.duration_units)},
              {"type", "drugorder"},
              {"links", Links(uri, "order", rep)}};
}

}  // namespace

Json RenderObs(const RenderContext& ctx, const Obs& obs, Rep rep) {
  const ConceptDef* c = ctx.metadata.Concept(obs.concept_uuid);
  const std::string display = (c == nullptr ? "" : c->name) + ": " + ObsValueText(ctx, obs);
  const std::string uri = Uri(ctx, "obs", obs.uuid);
  if (rep == Rep::kRef) return Ref(obs.uuid, display, uri, "obs");
  const Rep members_rep = rep == Rep::kFull ? Rep::kFull : Rep::kDefault;
  Json members = Json::array();
  for (const auto& member_uuid : obs.members) {
    const auto it = ctx.data.obs.find(member_uuid);
    if (it != ctx.data.obs.end() && !it->second.voided) {
      members.push_back(RenderObs(ctx, it->second, members_rep));
    }
  }
  Json value = nullptr;
  switch (obs.kind) {
    case ValueKind::kText:
      value = obs.text;
      break;
    case ValueKind::kNumeric:
      value = obs.numeric;
      break;
    case ValueKind::kDatetime:
      value = FormatRestDate(obs.datetime);
      break;
    case ValueKind::kCoded: {
      const ConceptDef* answer = ctx.metadata.Concept(obs.coded);
      value = answer == nullptr ? Json(nullptr) : RenderConcept(ctx, *answer, Rep::kDefault);
      break;
    }
    case ValueKind::kNone:
      break;
  }
  Json out{{"uuid", obs.uuid},
           {"display", display},
           {"concept", c == nullptr ? Json(nullptr)
                                    : (rep == Rep::kFull ? RenderConcept(ctx, *c, Rep::kDefault)
                                                         : ConceptRef(ctx, c->uuid))},
           {"person", PersonRef(ctx, obs.person)},
           {"obsDatetime", FormatRestDate(obs.obs_datetime)},
           {"accessionNumber", nullptr},
           {"obsGroup", obs.group.empty() ? Json(nullptr) : ObsRef(ctx, obs.group)},
           {"valueCodedName", nullptr},
           {"groupMembers", members.empty() ? Json(nullptr) : std::move(members)},
           {"comment", nullptr},
           {"location", rep == Rep::kFull ? MetaAt(ctx, "location", obs.location, Rep::kDefault)
                                          : MetaRef(ctx, "location", obs.location)},
           {"order", nullptr},
           {"encounter", obs.encounter.empty() ? Json(nullptr) : EncounterRef(ctx, obs.encounter)},
           {"voided", obs.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, obs.created, std::nullopt);
  out["value"] = std::move(value);
  out["valueModifier"] = nullptr;
  out["formFieldPath"] = nullptr;
  out["formFieldNamespace"] = nullptr;
  out["status"] = "FINAL";
  out["interpretation"] = nullptr;
  out["links"] = Links(uri, "obs", rep);
  return out;
}

Json RenderEncounter(const RenderContext& ctx, const Encounter& e, Rep rep) {
  const std::string uri = Uri(ctx, "encounter", e.uuid);
  const std::string display = EncounterDisplay(ctx, e);
  if (rep == Rep::kRef) return Ref(e.uuid, display, uri, "encounter");
  const Rep nested = rep == Rep::kFull ? Rep::kDefault : Rep::kRef;
  Json obs = Json::array();
  for (const auto& uuid : e.obs) {
    const auto it = ctx.data.obs.find(uuid);
    if (it != ctx.data.obs.end() && !it->second.voided)
      obs.push_back(RenderObs(ctx, it->second, nested));
  }
  Json orders = Json::array();
  for (const auto& order : e.orders) {
    if (!order.voided) orders.push_back(RenderOrder(ctx, e, order, nested));
  }
  Json providers = Json::array();
  for (const auto& p : e.providers) {
    if (!p.voided) providers.push_back(RenderEncounterProvider(ctx, e, p, nested));
  }
  Json out{{"uuid", e.uuid},
           {"display", display},
           {"encounterDatetime", FormatRestDate(e.encounter_datetime)},
           {"patient", PatientRef(ctx, e.patient)},
           {"location", MetaAt(ctx, "location", e.location, nested)},
           {"form", nullptr},
           {"encounterType", MetaAt(ctx, "encountertype", e.encounter_type, nested)},
           {"obs", std::move(obs)},
           {"orders", std::move(orders)},
           {"voided", e.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, e.created, e.changed);
  out["visit"] = VisitAt(ctx, e.visit, nested);
  out["encounterProviders"] = std::move(providers);
  out["diagnoses"] = Json::array();
  out["links"] = Links(uri, "encounter", rep);
  return out;
}

Json RenderVisit(const RenderContext& ctx, const Visit& visit, Rep rep) {
  const std::string uri = Uri(ctx, "visit", visit.uuid);
  const MetaDef* type = ctx.metadata.Find("visittype", visit.visit_type);
  const MetaDef* location = ctx.metadata.Find("location", visit.location);
  const std::string rest_start = FormatRestDate(visit.start);
  std::string display = (type == nullptr ? "" : type->name);
  if (location != nullptr) display += " @ " + location->name;
  display += " - " + FormatDisplayDate(visit.start) + " " + rest_start.substr(11, 5);
  if (rep == Rep::kRef) return Ref(visit.uuid, display, uri, "visit");
  const Rep nested = rep == Rep::kFull ? Rep::kDefault : Rep::kRef;
  Json encounters = Json::array();
  for (const auto& uuid : visit.encounters) {
    const auto it = ctx.data.encounters.find(uuid);
    if (it == ctx.data.encounters.end() || it->second.voided) continue;
    encounters.push_back(RenderEncounter(ctx, it->second, nested));
  }
  Json attributes = Json::array();
  for (const auto& a : visit.attributes) {
    if (a.voided) continue;
    const MetaDef* at = ctx.metadata.Find("visitattributetype", a.attribute_type);
    const std::string a_display = (at == nullptr ? "" : at->name) + ": " + a.value;
    const std::string a_uri = fmt::format("{}/attribute/{}", uri, a.uuid);
    if (nested == Rep::kRef) {
      attributes.push_back(Ref(a.uuid, a_display, a_uri, "attribute"));
      continue;
    }
    attributes.push_back(
        Json{{"display", a_display},
             {"uuid", a.uuid},
             {"attributeType", MetaRef(ctx, "visitattributetype", a.attribute_type)},
             {"value", a.value},
             {"voided", a.voided},
             {"links", Links(a_uri, "attribute", Rep::kDefault)}});
  }
  Json out{{"uuid", visit.uuid},
           {"display", display},
           {"patient", PatientRef(ctx, visit.patient)},
           {"visitType", MetaRef(ctx, "visittype", visit.visit_type)},
           {"indication", nullptr},
           {"location", MetaRef(ctx, "location", visit.location)},
           {"startDatetime", rest_start},
           {"stopDatetime", visit.stop ? Json(FormatRestDate(*visit.stop)) : Json(nullptr)},
           {"encounters", std::move(encounters)},
           {"attributes", std::move(attributes)},
           {"voided", visit.voided}};
  if (rep == Rep::kFull) out["auditInfo"] = AuditInfo(ctx, visit.created, visit.changed);
  out["links"] = Links(uri, "visit", rep);
  return out;
}

}  // namespace avni::openmrssim
