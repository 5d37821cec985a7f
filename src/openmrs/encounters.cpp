// Client: encounters and visits.
#include <fmt/format.h>

#include "http/url.hpp"
#include "openmrs/client.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

std::string Enc(std::string_view text) { return http::PercentEncode(text); }

template <typename T, typename Reader>
Result<std::vector<T>> ReadAll(const Result<std::vector<json>>& found, Reader read) {
  if (!found) return Fail(found.error());
  std::vector<T> out;
  out.reserve(found->size());
  for (const json& item : *found) {
    auto one = read(item);
    if (!one) return Fail(one.error());
    out.push_back(std::move(*one));
  }
  return out;
}

}  // namespace

Result<std::vector<Encounter>> Client::FindEncounters(std::string_view patient,
                                                      std::string_view encounter_type) {
  std::string path = fmt::format("encounter?patient={}", Enc(patient));
  if (!encounter_type.empty()) path += fmt::format("&encounterType={}", Enc(encounter_type));
  return ReadAll<Encounter>(List(path + "&v=full"), ReadEncounter);
}

Result<std::vector<Encounter>> Client::FindEncountersByObs(std::string_view patient,
                                                           std::string_view concept_uuid,
                                                           std::string_view value) {
  return ReadAll<Encounter>(
      List(fmt::format("encounter?patient={}&obsConcept={}&obsValues={}&v=full", Enc(patient),
                       Enc(concept_uuid), Enc(value))),
      ReadEncounter);
}

Result<std::optional<Encounter>> Client::GetEncounter(std::string_view uuid) {
  auto answer = Get(fmt::format("encounter/{}?v=full", Enc(uuid)));
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return std::optional<Encounter>();
  auto encounter = ReadEncounter(**answer);
  if (!encounter) return Fail(encounter.error());
  return std::optional<Encounter>(std::move(*encounter));
}

Result<std::string> Client::CreateEncounter(const NewEncounter& encounter) {
  json body{{"patient", encounter.patient},
            {"encounterType", encounter.encounter_type},
            {"encounterDatetime", FormatOpenmrsTime(encounter.encounter_datetime)}};
  if (!encounter.location.empty()) body["location"] = encounter.location;
  if (!encounter.visit.empty()) body["visit"] = encounter.visit;
  if (!encounter.providers.empty()) {
    json providers = json::array();
    for (const auto& p : encounter.providers) {
      providers.push_back(json{{"provider", p.provider}, {"encounterRole", p.encounter_role}});
    }
    body["encounterProviders"] = std::move(providers);
  }
  json obs = json::array();
  for (const auto& o : encounter.obs) obs.push_back(o.ToJson());
  body["obs"] = std::move(obs);
  auto created = Post("encounter", body);
  if (!created) return Fail(created.error());
  const std::string uuid = created->is_object() ? created->value("uuid", "") : "";
  if (uuid.empty()) {
    return Fail(Error::Unavailable("OpenMRS POST encounter: the answer has no uuid"));
  }
  return uuid;
}

Status Client::UpdateEncounter(std::string_view uuid, const json& changes) {
  auto updated = Post(fmt::format("encounter/{}", Enc(uuid)), changes);
  if (!updated) return Fail(updated.error());
  return {};
}

Result<bool> Client::UpdateEncounterObs(const Encounter& existing,
                                        const std::vector<NewObs>& wanted) {
  json changes = ObsChanges(existing.obs, wanted);
  if (changes.empty()) return false;
  auto sent = UpdateEncounter(existing.uuid, json{{"obs", std::move(changes)}});
  if (!sent) return Fail(sent.error());
  return true;
}

Status Client::VoidEncounter(std::string_view uuid) {
  return Delete(fmt::format("encounter/{}", Enc(uuid)));
}

Result<std::vector<Visit>> Client::FindVisits(std::string_view patient, std::string_view location,
                                              bool include_inactive) {
  std::string path = fmt::format("visit?patient={}", Enc(patient));
  if (!location.empty()) path += fmt::format("&location={}", Enc(location));
  path += fmt::format("&includeInactive={}&v=full", include_inactive ? "true" : "false");
  return ReadAll<Visit>(List(path), ReadVisit);
}

Result<std::optional<Visit>> Client::GetVisit(std::string_view uuid) {
  auto answer = Get(fmt::format("visit/{}?v=full", Enc(uuid)));
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return std::optional<Visit>();
  auto visit = ReadVisit(**answer);
  if (!visit) return Fail(visit.error());
  return std::optional<Visit>(std::move(*visit));
}

Result<std::string> Client::CreateVisit(const NewVisit& visit) {
  json body{{"patient", visit.patient},
            {"visitType", visit.visit_type},
            {"location", visit.location},
            {"startDatetime", FormatOpenmrsTime(visit.start_datetime)}};
  if (visit.stop_datetime) body["stopDatetime"] = FormatOpenmrsTime(*visit.stop_datetime);
  if (!visit.attributes.empty()) {
    json attributes = json::array();
    for (const auto& [type, value] : visit.attributes) {
      attributes.push_back(json{{"attributeType", type}, {"value", value}});
    }
    body["attributes"] = std::move(attributes);
  }
  auto created = Post("visit", body);
  if (!created) return Fail(created.error());
  const std::string uuid = created->is_object() ? created->value("uuid", "") : "";
  if (uuid.empty()) return Fail(Error::Unavailable("OpenMRS POST visit: the answer has no uuid"));
  return uuid;
}

Status Client::VoidVisit(std::string_view uuid) {
  return Delete(fmt::format("visit/{}", Enc(uuid)));
}

}  // namespace avni::openmrs
