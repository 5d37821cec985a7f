#include "avnisim/subject_store.hpp"

#include <array>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "avnisim/iso_time.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

// Generated data starts here, far before any real `now`, so the default window covers it.
constexpr std::int64_t kGenerationEpochMillis = 1704067200000;  // 2024-01-01T00:00:00.000Z

constexpr std::array kFirstNames = {"Asha",  "Ravi", "Meena",  "Suresh", "Kavita",
                                    "Arjun", "Lata", "Vikram", "Pooja",  "Manoj"};
constexpr std::array kLastNames = {"Patil", "Sharma", "Yadav", "Gond",  "Bhil",
                                   "Naik",  "Pawar",  "Meena", "Kumar", "Devi"};
constexpr std::array kGenders = {"Male", "Female", "Other"};

// A version-4 shaped UUID from the generator: deterministic for a seed, unique in practice.
std::string NextUuid(std::mt19937_64& rng) {
  const std::uint64_t hi = (rng() & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  const std::uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

// Portable draws: std::uniform_int_distribution differs between standard libraries.
std::uint64_t Below(std::mt19937_64& rng, std::uint64_t bound) { return rng() % bound; }

std::string FormatDate(std::chrono::sys_days day) {
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::optional<Timestamp> LastModifiedOf(const json& subject) {
  const auto audit = subject.find("audit");
  if (audit == subject.end() || !audit->is_object()) return std::nullopt;
  const auto at = audit->find("Last modified at");
  if (at == audit->end() || !at->is_string()) return std::nullopt;
  return ParseIsoDateTime(at->get<std::string>());
}

}  // namespace

void SubjectStore::Generate(std::int64_t count, std::uint64_t seed, std::int64_t same_time,
                            int observations) {
  using namespace std::chrono;
  if (same_time < 1) same_time = 1;
  std::mt19937_64 rng(seed);
  std::lock_guard lock(mutex_);
  by_time_.clear();
  key_of_id_.clear();
  id_of_external_.clear();
  std::int64_t group_millis = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    // Each group owns one second and takes a random millisecond in it: times rise with i.
    if (i % same_time == 0) {
      group_millis = kGenerationEpochMillis + (i / same_time) * 1000 +
                     static_cast<std::int64_t>(Below(rng, 1000));
    }
    const Timestamp modified = FromEpochMillis(group_millis);
    const Timestamp created = modified - milliseconds(Below(rng, 86'400'000));
    const std::string id = NextUuid(rng);
    const sys_days registered = floor<days>(created);
    const sys_days born = registered - days(365 * 18 + Below(rng, 365 * 60));

    json obs = json::object();
    obs["First name"] = kFirstNames[Below(rng, kFirstNames.size())];
    obs["Last name"] = kLastNames[Below(rng, kLastNames.size())];
    obs["Date of birth"] = FormatDate(born);
    obs["Gender"] = kGenders[Below(rng, kGenders.size())];
    for (int k = 1; k <= observations; ++k) {
      obs[fmt::format("Concept {}", k)] = fmt::format("Value {}-{}", k, Below(rng, 100000));
    }
    const auto village = Below(rng, 50);
    json subject = {
        {"Subject type", "Individual"},
        {"ID", id},
        {"External ID", nullptr},
        {"Voided", false},
        {"Registration date", FormatDate(registered)},
        {"location", {{"Village", fmt::format("Village {}", village)}, {"Block", "Block 1"}}},
        {"Location ID", fmt::format("00000000-0000-4000-8000-{:012d}", village)},
        {"observations", std::move(obs)},
        {"encounters", json::array()},
        {"enrolments", json::array()},
        {"audit",
         {{"Created at", FormatIso8601(created)},
          {"Last modified at", FormatIso8601(modified)},
          {"Created by", "admin@sim"},
          {"Last modified by", "admin@sim"}}}};
    InsertLocked({group_millis, id}, std::move(subject));
  }
}

std::expected<void, Error> SubjectStore::Add(json subject) {
  if (!subject.is_object() || !subject.contains("ID") || !subject["ID"].is_string() ||
      subject["ID"].get<std::string>().empty()) {
    return std::unexpected(Error::InvalidArgument("ID", "a subject needs a non-empty string ID"));
  }
  const auto modified = LastModifiedOf(subject);
  if (!modified) {
    return std::unexpected(Error::InvalidArgument(
        "audit.Last modified at", "give an ISO-8601 time such as 2024-01-31T10:11:12.123Z"));
  }
  const std::string id = subject["ID"].get<std::string>();
  std::lock_guard lock(mutex_);
  EraseLocked(id);
  InsertLocked({ToEpochMillis(*modified), id}, std::move(subject));
  return {};
}

std::expected<void, Error> SubjectStore::Touch(const std::string& id, Timestamp when) {
  std::lock_guard lock(mutex_);
  const auto found = key_of_id_.find(id);
  if (found == key_of_id_.end()) {
    return std::unexpected(Error::NotFound(fmt::format("no subject with ID '{}'", id)));
  }
  auto node = by_time_.extract(found->second);
  json subject = std::move(node.mapped());
  subject["audit"]["Last modified at"] = FormatIso8601(when);
  EraseLocked(id);
  InsertLocked({ToEpochMillis(when), id}, std::move(subject));
  return {};
}

SubjectPage SubjectStore::Query(const SubjectQuery& query) const {
  SubjectPage page;
  if (query.now <= query.since) return page;
  std::lock_guard lock(mutex_);
  // Keys are (ms, id); every id sorts after "", so these bounds make both ends strict.
  const auto first = by_time_.lower_bound({ToEpochMillis(query.since) + 1, std::string()});
  const auto last = by_time_.lower_bound({ToEpochMillis(query.now), std::string()});
  const std::int64_t skip = query.page * query.size;
  for (auto it = first; it != last; ++it) {
    if (query.subject_type && it->second.value("Subject type", "") != *query.subject_type) {
      continue;
    }
    if (page.total_matching >= skip &&
        static_cast<std::int64_t>(page.content.size()) < query.size) {
      page.content.push_back(it->second);
    }
    ++page.total_matching;
  }
  return page;
}

std::optional<json> SubjectStore::Find(const std::string& id_or_external_id) const {
  std::lock_guard lock(mutex_);
  auto found = key_of_id_.find(id_or_external_id);
  if (found == key_of_id_.end()) {
    const auto external = id_of_external_.find(id_or_external_id);
    if (external == id_of_external_.end()) return std::nullopt;
    found = key_of_id_.find(external->second);
  }
  return by_time_.at(found->second);
}

std::size_t SubjectStore::Size() const {
  std::lock_guard lock(mutex_);
  return by_time_.size();
}

void SubjectStore::InsertLocked(Key key, json subject) {
  const std::string& id = key.second;
  key_of_id_[id] = key;
  const auto external = subject.find("External ID");
  if (external != subject.end() && external->is_string() && !external->get<std::string>().empty()) {
    id_of_external_[external->get<std::string>()] = id;
  }
  by_time_.insert_or_assign(std::move(key), std::move(subject));
}

void SubjectStore::EraseLocked(const std::string& id) {
  const auto found = key_of_id_.find(id);
  if (found == key_of_id_.end()) return;
  const auto subject = by_time_.find(found->second);
  if (subject != by_time_.end()) {
    const auto external = subject->second.find("External ID");
    if (external != subject->second.end() && external->is_string()) {
      id_of_external_.erase(external->get<std::string>());
    }
    by_time_.erase(subject);
  }
  key_of_id_.erase(found);
}

}  // namespace avni::sim
