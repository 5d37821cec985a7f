#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::sim {

// One page of a watermark query, as avni-server's Page<Individual> reports it.
struct SubjectPage {
  std::vector<nlohmann::json> content;
  std::int64_t total_matching = 0;  // across all pages; the envelope shows only totalPages of it
};

struct SubjectQuery {
  Timestamp since;  // exclusive
  Timestamp now;    // exclusive
  std::optional<std::string> subject_type;
  std::int64_t page = 0;
  std::int64_t size = 20;
};

// The simulator's subjects, kept in avni-server's read order (last modified, then id) so a
// window is one ordered range. Thread-safe: every member locks; JSON is returned by copy.
class SubjectStore {
 public:
  // Replaces every subject with `count` generated ones. Same seed, same subjects (ids, names,
  // times, bytes). Every `same_time` consecutive subjects share one last-modified millisecond;
  // `observations` extra "Concept k" values are added to the four personal ones.
  void Generate(std::int64_t count, std::uint64_t seed, std::int64_t same_time, int observations);

  // Adds or replaces (by "ID") a subject in Avni's read shape; it must have a string "ID" and
  // an ISO-8601 audit."Last modified at".
  std::expected<void, Error> Add(nlohmann::json subject);

  // Moves a subject's last-modified time, as an edit in Avni would. NotFound for an unknown id.
  std::expected<void, Error> Touch(const std::string& id, Timestamp when);

  // Subjects with since < last modified < now, ordered by (last modified, id), one page of it.
  SubjectPage Query(const SubjectQuery& query) const;

  // By UUID or External ID (avni-server's findByLegacyIdOrUuid).
  std::optional<nlohmann::json> Find(const std::string& id_or_external_id) const;

  std::size_t Size() const;

 private:
  using Key = std::pair<std::int64_t, std::string>;  // (last modified ms, id)

  void InsertLocked(Key key, nlohmann::json subject);
  void EraseLocked(const std::string& id);

  mutable std::mutex mutex_;
  std::map<Key, nlohmann::json> by_time_;                        // guarded by mutex_
  std::unordered_map<std::string, Key> key_of_id_;               // guarded by mutex_
  std::unordered_map<std::string, std::string> id_of_external_;  // guarded by mutex_
};

}  // namespace avni::sim
