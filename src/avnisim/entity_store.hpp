#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::sim {

// One page of a query, as avni-server's Page<T> reports it.
struct EntityPage {
  std::vector<nlohmann::json> content;
  std::int64_t total_matching = 0;  // across all pages; the envelope shows only totalPages of it
};

// Which last-modified times a query takes. avni-server's search specifications are strict at
// both ends; its derived `...IsBetween...` queries (locations, group subjects) are inclusive.
struct Window {
  std::optional<Timestamp> since;
  std::optional<Timestamp> now;
  bool inclusive = false;
};

// The entities of one kind in avni-server's read shape, kept in its read order (last modified,
// then the database's internal id, which the API never shows: here a sequence number given at
// an entity's first Put and kept when it is replaced, like a row's serial id) so a window is one
// ordered range. Within a millisecond the order is therefore creation order, not ID order. Entities
// are JSON objects with a string "ID", an optional "External ID" (Avni's legacy id) and an ISO-8601
// audit."Last modified at". Not thread-safe: the Simulator guards all its stores with one mutex, so
// a write that touches several kinds is atomic.
class EntityStore {
 public:
  using Filter = std::function<bool(const nlohmann::json&)>;

  void Clear();

  // Adds or replaces (by "ID") an entity. InvalidArgument for a missing ID or time.
  std::expected<void, Error> Put(nlohmann::json entity);

  // By ID, else by External ID (avni-server's findByLegacyIdOrUuid). Null when absent.
  const nlohmann::json* Find(const std::string& id_or_external_id) const;
  const nlohmann::json* FindById(const std::string& id) const;
  const nlohmann::json* FindByExternalId(const std::string& external_id) const;

  // Changes an entity where its last-modified time stays (e.g. a child list). False if absent.
  bool Amend(const std::string& id, const std::function<void(nlohmann::json&)>& change);

  // Entities in the window passing `filter`, in read order, one page of it.
  EntityPage Query(const Window& window, const Filter& filter, std::int64_t page,
                   std::int64_t size) const;
  // The same, among the entities whose "observations" hold `concept` with this value (text as
  // it is, other values as JSON): an index, so that a search by an identifier concept costs
  // the matches, not the whole store. `filter` still decides.
  EntityPage QueryObservation(const std::string& concept_name, const std::string& value,
                              const Window& window, const Filter& filter, std::int64_t page,
                              std::int64_t size) const;

  std::vector<nlohmann::json> All() const;
  std::size_t Size() const { return by_time_.size(); }

 private:
  using Key = std::pair<std::int64_t, std::int64_t>;  // (last modified ms, internal id)

  void Erase(const std::string& id);
  void IndexObservations(const nlohmann::json& entity, const Key& key, bool add);
  // The window as a range of keys [lo, hi) of whole milliseconds; false when it is empty.
  static bool Bounds(const Window& window, std::int64_t& lo, std::int64_t& hi);

  std::map<Key, nlohmann::json> by_time_;
  std::unordered_map<std::string, Key> key_of_id_;
  std::unordered_map<std::string, std::string> id_of_external_;
  // "<concept>\x1f<value>" -> the keys of entities holding it.
  std::unordered_map<std::string, std::set<Key>> by_observation_;
  std::int64_t next_internal_id_ = 1;
};

// Every kind the simulator serves.
struct Stores {
  EntityStore subjects;
  EntityStore encounters;
  EntityStore enrolments;
  EntityStore program_encounters;
  EntityStore group_subjects;
  EntityStore locations;
  EntityStore tasks;

  // By the names /_sim/entities/{kind} takes ("subjects", "encounters", "programEnrolments",
  // "programEncounters", "groupSubjects", "locations", "tasks", or the same without the final
  // "s"); null for another name.
  EntityStore* ByKind(const std::string& kind);
};

}  // namespace avni::sim
