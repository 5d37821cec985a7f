// EncounterService and ObsService as webservices.rest reaches them: encounters with their obs
// trees (form group obs), updates that version changed obs, voiding, and the encounter feed.

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "openmrssim/obs_builder.hpp"
#include "openmrssim/rest_time.hpp"
#include "openmrssim/services.hpp"
#include "openmrssim/services_util.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

constexpr std::initializer_list<const char*> kEncounterProperties = {
    "encounterDatetime", "patient", "encounterType", "location", "form",
    "provider",          "orders",  "obs",           "visit",    "encounterProviders",
    "diagnoses"};

}  // namespace

RestResult<void> Services::CheckEncounter(const Encounter& e, Timestamp now) const {
  std::vector<std::pair<std::string, ValidationError>> fields;
  if (metadata_.Find("encountertype", e.encounter_type) == nullptr) {
    fields.push_back({"encounterType",
                      {"Encounter.error.encounterType.required", "Encounter type is Required"}});
  }
  if (!data_.patients.contains(e.patient)) {
    fields.push_back({"patient", {"Encounter.error.patient.required", "Patient is Required"}});
  }
  const Visit* visit = nullptr;
  if (!e.visit.empty()) {
    visit = &data_.visits.at(e.visit);
    if (visit->patient != e.patient) {
      fields.push_back({"visit",
                        {"Encounter.visit.patients.dontMatch",
                         "The encounter and the visit it belongs to must both belong to the same "
                         "patient"}});
    }
  }
  if (e.encounter_datetime > now) {
    fields.push_back({"encounterDatetime",
                      {"Encounter.datetimeShouldBeBeforeCurrent",
                       "The encounter datetime should be before the current date."}});
  } else if (visit != nullptr && (e.encounter_datetime < visit->start ||
                                  (visit->stop && e.encounter_datetime > *visit->stop))) {
    fields.push_back(
        {"encounterDatetime",
         {"Encounter.datetimeShouldBeInVisitDatesRange",
          "The encounter datetime should be between the visit start and stop dates."}});
  }
  for (const auto& p : e.providers) {
    if (metadata_.Find("provider", p.provider) == nullptr) {
      fields.push_back({"encounterProviders", {"error.null", "Cannot be empty or null"}});
      break;
    }
  }
  if (!fields.empty()) return std::unexpected(Validation({}, fields));
  return {};
}

void Services::PublishEncounter(const Encounter& e, Timestamp now, Writer writer) {
  if (writer == Writer::kRest && !options_.rest_encounter_events) return;
  std::string url = options_.encounter_feed_url;
  if (const auto at = url.find("%s"); at != std::string::npos) url.replace(at, 2, e.uuid);
  encounter_feed_.Append(uuids_.Next(), now, std::move(url));
}

void Services::CountAvniUuids(const Encounter& e) {
  const std::string concept_uuid = metadata_.ConceptUuid(kAvniUuidConcept);
  std::vector<std::string> pending = e.obs;
  while (!pending.empty()) {
    const auto it = data_.obs.find(pending.back());
    pending.pop_back();
    if (it == data_.obs.end() || it->second.voided) continue;
    pending.insert(pending.end(), it->second.members.begin(), it->second.members.end());
    if (it->second.concept_uuid == concept_uuid && it->second.kind == ValueKind::kText) {
      avni_uuid_encounters_[it->second.text].insert(e.uuid);
    }
  }
}

namespace {

// Reads the encounter's own properties from a body onto `e`.
RestResult<void> ReadEncounterFields(const json& body, const Metadata& metadata, const Data& data,
                                     UuidSource& uuids, Encounter& e) {
  std::optional<Timestamp> when;
  if (auto bad = ReadDate(body, "encounterDatetime", "org.openmrs.Encounter", when)) {
    return std::unexpected(*bad);
  }
  if (when) e.encounter_datetime = *when;
  if (body.contains("patient")) e.patient = RefUuid(body["patient"]);
  if (body.contains("encounterType")) e.encounter_type = RefUuid(body["encounterType"]);
  if (body.contains("location")) {
    e.location = RefUuid(body["location"]);
    if (metadata.Find("location", e.location) == nullptr) e.location.clear();
  }
  if (body.contains("visit")) {
    e.visit = RefUuid(body["visit"]);
    if (!data.visits.contains(e.visit)) e.visit.clear();
  }
  if (const auto it = body.find("encounterProviders"); it != body.end() && it->is_array()) {
    for (const json& p : *it) {
      if (!p.is_object()) {
        return std::unexpected(
            Conversion("encounterProviders on class org.openmrs.Encounter => an encounter provider "
                       "is an object"));
      }
      EncounterProvider provider{uuids.Next(), RefUuid(p.value("provider", json())),
                                 RefUuid(p.value("encounterRole", json())), false};
      if (metadata.Find("encounterrole", provider.encounter_role) == nullptr) {
        provider.encounter_role.clear();
      }
      const bool known = std::any_of(e.providers.begin(), e.providers.end(), [&](const auto& x) {
        return !x.voided && x.provider == provider.provider &&
               x.encounter_role == provider.encounter_role;
      });
      if (!known) e.providers.push_back(std::move(provider));
    }
  }
  return {};
}

void FlattenTree(ObsTree& tree, std::vector<Obs>& out) {
  for (auto& member : tree.members) tree.obs.members.push_back(member.obs.uuid);
  out.push_back(tree.obs);
  for (auto& member : tree.members) FlattenTree(member, out);
}

std::int64_t CountOutside(const ObsTree& tree) {
  std::int64_t count = tree.answer_outside_concept ? 1 : 0;
  for (const auto& member : tree.members) count += CountOutside(member);
  return count;
}

}  // namespace

RestResult<std::string> Services::CreateEncounter(const json& raw, Timestamp now, Writer writer) {
  if (!raw.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  json body = raw;
  std::string uuid = uuids_.Next();
  if (writer == Writer::kBahmni && body.contains("uuid") && body["uuid"].is_string()) {
    uuid = body["uuid"].get<std::string>();
    body.erase("uuid");
    if (data_.encounters.contains(uuid)) return UpdateEncounter(uuid, body, now, writer);
  }
  if (auto bad = CheckProperties(body, kEncounterProperties, {"patient", "encounterType"})) {
    return std::unexpected(*bad);
  }
  Encounter e;
  e.uuid = uuid;
  e.encounter_datetime = now;
  e.created = now;
  if (auto read = ReadEncounterFields(body, metadata_, data_, uuids_, e); !read) {
    return std::unexpected(read.error());
  }
  std::vector<ObsTree> trees;
  if (const auto it = body.find("obs"); it != body.end() && it->is_array()) {
    for (const json& item : *it) {
      auto built =
          BuildObs(metadata_, uuids_, item, "obs on class org.openmrs.Encounter", e, nullptr, now);
      if (!built) return std::unexpected(built.error());
      trees.push_back(std::move(*built));
    }
  }
  if (auto ok = CheckEncounter(e, now); !ok) return std::unexpected(ok.error());
  for (const auto& tree : trees) {
    if (auto ok = ValidateObs(tree); !ok) return std::unexpected(ok.error());
  }
  for (auto& tree : trees) {
    answers_outside_concept_ += CountOutside(tree);
    std::vector<Obs> flat;
    FlattenTree(tree, flat);
    e.obs.push_back(tree.obs.uuid);
    for (auto& obs : flat) data_.obs[obs.uuid] = std::move(obs);
  }
  if (!e.visit.empty()) data_.visits.at(e.visit).encounters.push_back(e.uuid);
  data_.encounter_order.push_back(e.uuid);
  data_.encounters_by_patient[e.patient].push_back(e.uuid);
  data_.encounters[e.uuid] = e;
  CountAvniUuids(e);
  PublishEncounter(e, now, writer);
  return e.uuid;
}

RestResult<std::string> Services::UpdateEncounter(const std::string& uuid, const json& body,
                                                  Timestamp now, Writer writer) {
  const auto found = data_.encounters.find(uuid);
  if (found == data_.encounters.end()) return std::unexpected(NotFound());
  if (!body.is_object()) return std::unexpected(Conversion("the body is not a JSON object"));
  if (auto bad = CheckProperties(body, kEncounterProperties, {})) return std::unexpected(*bad);
  Encounter e = found->second;
  const std::string old_visit = e.visit;
  if (auto read = ReadEncounterFields(body, metadata_, data_, uuids_, e); !read) {
    return std::unexpected(read.error());
  }
  // Plan every obs change first; nothing is stored unless all of it holds.
  std::vector<std::string> to_void;                    // existing obs (their members follow)
  std::vector<std::pair<std::string, ObsTree>> added;  // (replaced obs uuid or "", new tree)
  std::vector<std::pair<std::string, std::vector<ObsTree>>>
      added_members;  // into an existing group
  std::function<RestResult<void>(const json&, const std::string&, const std::string&)> plan =
      [&](const json& items, const std::string& inside,
          const std::string& parent) -> RestResult<void> {
    if (!items.is_array()) {
      return std::unexpected(Conversion(Chain(inside, "a list of obs is expected")));
    }
    for (const json& item : items) {
      const std::string item_uuid = item.is_object() ? RefUuid(item.value("uuid", json())) : "";
      const auto existing = data_.obs.find(item_uuid);
      if (item_uuid.empty() || existing == data_.obs.end()) {
        auto built = BuildObs(metadata_, uuids_, item, inside, e, nullptr, now);
        if (!built) return std::unexpected(built.error());
        if (auto ok = ValidateObs(*built); !ok) return std::unexpected(ok.error());
        if (parent.empty()) {
          added.emplace_back("", std::move(*built));
        } else {
          added_members.push_back({parent, {}});
          added_members.back().second.push_back(std::move(*built));
        }
        continue;
      }
      const Obs& old = existing->second;
      if (item.value("voided", false)) {
        to_void.push_back(old.uuid);
        continue;
      }
      const bool changes_value = item.contains("value") || item.contains("concept");
      if (changes_value) {
        json changed = item;
        changed.erase("uuid");
        changed.erase("groupMembers");
        auto built = BuildObs(metadata_, uuids_, changed, inside, e, &old, now);
        if (!built) return std::unexpected(built.error());
        if (auto ok = ValidateObs(*built); !ok) return std::unexpected(ok.error());
        built->obs.group = old.group;
        to_void.push_back(old.uuid);
        if (old.group.empty()) {
          added.emplace_back(old.uuid, std::move(*built));
        } else {
          added_members.push_back({old.group, {}});
          added_members.back().second.push_back(std::move(*built));
        }
      }
      if (const auto members = item.find("groupMembers");
          members != item.end() && !members->is_null()) {
        if (auto ok =
                plan(*members, Chain(inside, "groupMembers on class org.openmrs.Obs"), old.uuid);
            !ok) {
          return ok;
        }
      }
    }
    return {};
  };
  if (const auto it = body.find("obs"); it != body.end()) {
    if (auto ok = plan(*it, "obs on class org.openmrs.Encounter", ""); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (auto ok = CheckEncounter(e, now); !ok) return std::unexpected(ok.error());
  // Apply.
  std::vector<std::string> voiding = to_void;
  while (!voiding.empty()) {
    Obs& obs = data_.obs.at(voiding.back());
    voiding.pop_back();
    obs.voided = true;
    obs.void_reason = "web service call";
    voiding.insert(voiding.end(), obs.members.begin(), obs.members.end());
  }
  for (auto& [replaced, tree] : added) {
    answers_outside_concept_ += CountOutside(tree);
    std::vector<Obs> flat;
    FlattenTree(tree, flat);
    e.obs.push_back(tree.obs.uuid);
    for (auto& obs : flat) data_.obs[obs.uuid] = std::move(obs);
  }
  for (auto& [group, trees] : added_members) {
    for (auto& tree : trees) {
      answers_outside_concept_ += CountOutside(tree);
      tree.obs.group = group;
      std::vector<Obs> flat;
      FlattenTree(tree, flat);
      data_.obs.at(group).members.push_back(tree.obs.uuid);
      for (auto& obs : flat) data_.obs[obs.uuid] = std::move(obs);
    }
  }
  if (e.patient != found->second.patient) {
    std::erase(data_.encounters_by_patient[found->second.patient], e.uuid);
    data_.encounters_by_patient[e.patient].push_back(e.uuid);
  }
  if (e.visit != old_visit) {
    if (!old_visit.empty()) std::erase(data_.visits.at(old_visit).encounters, e.uuid);
    if (!e.visit.empty()) data_.visits.at(e.visit).encounters.push_back(e.uuid);
  }
  e.changed = now;
  found->second = e;
  CountAvniUuids(e);
  PublishEncounter(e, now, writer);
  return uuid;
}

RestResult<void> Services::VoidEncounter(const std::string& uuid, Timestamp now, Writer writer) {
  const auto it = data_.encounters.find(uuid);
  if (it == data_.encounters.end()) return std::unexpected(NotFound());
  std::vector<std::string> voiding = it->second.obs;
  while (!voiding.empty()) {
    Obs& obs = data_.obs.at(voiding.back());
    voiding.pop_back();
    if (!obs.voided) {
      obs.voided = true;
      obs.void_reason = "web service call";
    }
    voiding.insert(voiding.end(), obs.members.begin(), obs.members.end());
  }
  for (auto& order : it->second.orders) order.voided = true;
  it->second.voided = true;
  it->second.changed = now;
  PublishEncounter(it->second, now, writer);
  return {};
}

RestResult<void> Services::VoidObs(const std::string& uuid, Timestamp) {
  const auto it = data_.obs.find(uuid);
  if (it == data_.obs.end()) return std::unexpected(NotFound());
  std::vector<std::string> voiding = {uuid};
  while (!voiding.empty()) {
    Obs& obs = data_.obs.at(voiding.back());
    voiding.pop_back();
    obs.voided = true;
    voiding.insert(voiding.end(), obs.members.begin(), obs.members.end());
  }
  return {};
}

}  // namespace avni::openmrssim
