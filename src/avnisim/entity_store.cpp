#include "avnisim/entity_store.hpp"

#include <limits>

namespace avni::sim {
namespace {

using nlohmann::json;

std::optional<Timestamp> LastModifiedOf(const json& entity) {
  const auto audit = entity.find("audit");
  if (audit == entity.end() || !audit->is_object()) return std::nullopt;
  const auto at = audit->find("Last modified at");
  if (at == audit->end() || !at->is_string()) return std::nullopt;
  return ParseIso8601(at->get<std::string>());
}

std::string ExternalIdOf(const json& entity) {
  const auto external = entity.find("External ID");
  if (external == entity.end() || !external->is_string()) return "";
  return external->get<std::string>();
}

std::string ObservationKey(std::string_view concept_name, std::string_view value) {
  std::string key(concept_name);
  key += '\x1f';
  key += value;
  return key;
}

}  // namespace

void EntityStore::IndexObservations(const json& entity, const Key& key, bool add) {
  const auto obs = entity.find("observations");
  if (obs == entity.end() || !obs->is_object()) return;
  for (const auto& [name, value] : obs->items()) {
    const std::string text =
        ObservationKey(name, value.is_string() ? value.get<std::string>() : value.dump());
    if (add) {
      by_observation_[text].insert(key);
    } else if (auto it = by_observation_.find(text); it != by_observation_.end()) {
      it->second.erase(key);
      if (it->second.empty()) by_observation_.erase(it);
    }
  }
}

void EntityStore::Clear() {
  by_observation_.clear();
  by_time_.clear();
  key_of_id_.clear();
  id_of_external_.clear();
  next_internal_id_ = 1;
}

std::expected<void, Error> EntityStore::Put(json entity) {
  if (!entity.is_object() || !entity.contains("ID") || !entity["ID"].is_string() ||
      entity["ID"].get<std::string>().empty()) {
    return std::unexpected(Error::InvalidArgument("ID", "an entity needs a non-empty string ID"));
  }
  const auto modified = LastModifiedOf(entity);
  if (!modified) {
    return std::unexpected(Error::InvalidArgument(
        "audit.Last modified at", "give an ISO-8601 time such as 2024-01-31T10:11:12.123Z"));
  }
  const std::string id = entity["ID"].get<std::string>();
  const auto existing = key_of_id_.find(id);
  const std::int64_t internal_id =
      existing != key_of_id_.end() ? existing->second.second : next_internal_id_++;
  Erase(id);
  const std::string external = ExternalIdOf(entity);
  if (!external.empty()) id_of_external_[external] = id;
  Key key{ToEpochMillis(*modified), internal_id};
  key_of_id_[id] = key;
  IndexObservations(entity, key, /*add=*/true);
  by_time_.insert_or_assign(std::move(key), std::move(entity));
  return {};
}

const json* EntityStore::FindById(const std::string& id) const {
  const auto found = key_of_id_.find(id);
  return found == key_of_id_.end() ? nullptr : &by_time_.at(found->second);
}

const json* EntityStore::FindByExternalId(const std::string& external_id) const {
  const auto found = id_of_external_.find(external_id);
  return found == id_of_external_.end() ? nullptr : FindById(found->second);
}

const json* EntityStore::Find(const std::string& id_or_external_id) const {
  const json* found = FindById(id_or_external_id);
  return found != nullptr ? found : FindByExternalId(id_or_external_id);
}

bool EntityStore::Amend(const std::string& id, const std::function<void(json&)>& change) {
  const auto found = key_of_id_.find(id);
  if (found == key_of_id_.end()) return false;
  json& entity = by_time_.at(found->second);
  IndexObservations(entity, found->second, /*add=*/false);
  change(entity);
  IndexObservations(entity, found->second, /*add=*/true);
  return true;
}

EntityPage EntityStore::Query(const Window& window, const Filter& filter, std::int64_t page,
                              std::int64_t size) const {
  EntityPage result;
  std::int64_t lo = 0, hi = 0;
  if (!Bounds(window, lo, hi)) return result;
  const auto first = window.since ? by_time_.lower_bound({lo, 0}) : by_time_.begin();
  const auto last = window.now ? by_time_.lower_bound({hi, 0}) : by_time_.end();
  const std::int64_t skip = page * size;
  for (auto it = first; it != last; ++it) {
    if (filter && !filter(it->second)) continue;
    if (result.total_matching >= skip && static_cast<std::int64_t>(result.content.size()) < size) {
      result.content.push_back(it->second);
    }
    ++result.total_matching;
  }
  return result;
}

bool EntityStore::Bounds(const Window& window, std::int64_t& lo, std::int64_t& hi) {
  // The window as whole milliseconds [lo, hi). Keys are (ms, internal id) and internal ids are
  // positive, so lower_bound at (ms, 0) is the first entity of that millisecond.
  lo = std::numeric_limits<std::int64_t>::min();
  hi = std::numeric_limits<std::int64_t>::max();
  if (window.since) lo = ToEpochMillis(*window.since) + (window.inclusive ? 0 : 1);
  if (window.now) hi = ToEpochMillis(*window.now) + (window.inclusive ? 1 : 0);
  return lo < hi;
}

EntityPage EntityStore::QueryObservation(const std::string& concept_name, const std::string& value,
                                         const Window& window, const Filter& filter,
                                         std::int64_t page, std::int64_t size) const {
  EntityPage result;
  std::int64_t lo = 0, hi = 0;
  if (!Bounds(window, lo, hi)) return result;
  const auto holders = by_observation_.find(ObservationKey(concept_name, value));
  if (holders == by_observation_.end()) return result;
  const std::int64_t skip = page * size;
  for (const Key& key : holders->second) {  // in read order, as Key orders by_time_
    if (key.first < lo) continue;
    if (key.first >= hi) break;
    const json& entity = by_time_.at(key);
    if (filter && !filter(entity)) continue;
    if (result.total_matching >= skip && static_cast<std::int64_t>(result.content.size()) < size) {
      result.content.push_back(entity);
    }
    ++result.total_matching;
  }
  return result;
}

std::vector<json> EntityStore::All() const {
  std::vector<json> all;
  all.reserve(by_time_.size());
  for (const auto& [key, entity] : by_time_) all.push_back(entity);
  return all;
}

void EntityStore::Erase(const std::string& id) {
  const auto found = key_of_id_.find(id);
  if (found == key_of_id_.end()) return;
  const auto entity = by_time_.find(found->second);
  if (entity != by_time_.end()) {
    const std::string external = ExternalIdOf(entity->second);
    const auto owner = id_of_external_.find(external);
    if (owner != id_of_external_.end() && owner->second == id) id_of_external_.erase(owner);
    IndexObservations(entity->second, entity->first, /*add=*/false);
    by_time_.erase(entity);
  }
  key_of_id_.erase(found);
}

EntityStore* Stores::ByKind(const std::string& kind) {
  // The list path's name or the single entity's ("subjects" or "subject").
  const std::string plural = kind.ends_with("s") ? kind : kind + "s";
  if (plural == "subjects") return &subjects;
  if (plural == "encounters") return &encounters;
  if (plural == "programEnrolments") return &enrolments;
  if (plural == "programEncounters") return &program_encounters;
  if (plural == "groupSubjects") return &group_subjects;
  if (plural == "locations") return &locations;
  if (plural == "tasks") return &tasks;
  return nullptr;
}

}  // namespace avni::sim
