#include "avnisim/generator.hpp"

#include <array>
#include <chrono>
#include <random>

#include <fmt/format.h>

namespace avni::sim {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

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

json Audit(Timestamp created, Timestamp modified) {
  return {{"Created at", FormatIso8601(created)},
          {"Last modified at", FormatIso8601(modified)},
          {"Created by", "admin@sim"},
          {"Last modified by", "admin@sim"}};
}

json Observations(std::mt19937_64& rng, int count) {
  json obs = json::object();
  for (int k = 1; k <= count; ++k) {
    obs[fmt::format("Concept {}", k)] = fmt::format("Value {}-{}", k, Below(rng, 100000));
  }
  return obs;
}

struct Village {
  std::string id;
  json lineage;  // {"Village": .., "Block": .., "District": .., "State": ..}
};

// 1 State, 2 Districts, 2 Blocks each, 3 Villages each: levels 4 (State) to 1 (Village).
std::vector<Village> GenerateLocations(EntityStore& locations) {
  const auto parent_of = [&locations](const std::string& id) -> json {
    const json* parent = locations.FindById(id);
    return parent == nullptr ? json(nullptr) : *parent;
  };
  std::vector<Village> villages;
  int index = 0;
  const auto add = [&](const std::string& title, const std::string& type, int level,
                       const std::string& parent_id) {
    const std::string id = fmt::format("00000000-0000-4000-8000-{:012d}", ++index);
    const Timestamp modified = FromEpochMillis(kGenerationEpochMillis - 86'400'000 + index);
    locations.Put({{"ID", id},
                   {"External ID", nullptr},
                   {"Title", title},
                   {"Type", type},
                   {"Level", level},
                   {"customProperties", json::object()},
                   {"Parent", parent_id.empty() ? json(nullptr) : parent_of(parent_id)},
                   {"Voided", false},
                   {"audit", Audit(modified, modified)}});
    return id;
  };
  const std::string state = add("State 1", "State", 4, "");
  int block_number = 0;
  int village_number = 0;
  for (int d = 1; d <= 2; ++d) {
    const std::string district_title = fmt::format("District {}", d);
    const std::string district = add(district_title, "District", 3, state);
    for (int b = 0; b < 2; ++b) {
      const std::string block_title = fmt::format("Block {}", ++block_number);
      const std::string block = add(block_title, "Block", 2, district);
      for (int v = 0; v < 3; ++v) {
        const std::string title = fmt::format("Village {}", ++village_number);
        villages.push_back({add(title, "Village", 1, block),
                            {{"Village", title},
                             {"Village External ID", nullptr},
                             {"Block", block_title},
                             {"District", district_title},
                             {"State", "State 1"}}});
      }
    }
  }
  return villages;
}

json EncounterBase(std::mt19937_64& rng, const json& subject, const std::string& type,
                   Timestamp modified, int observations) {
  const Timestamp created = modified - milliseconds(Below(rng, 3'600'000));
  return {{"ID", NextUuid(rng)},
          {"Subject ID", subject["ID"]},
          {"Subject external ID", subject["External ID"]},
          {"Subject type", subject["Subject type"]},
          {"Voided", false},
          {"External ID", nullptr},
          {"Encounter type", type},
          {"Encounter Coordinates", nullptr},
          {"Encounter date time", FormatIso8601(created)},
          {"Earliest scheduled date", nullptr},
          {"Max scheduled date", nullptr},
          {"observations", Observations(rng, observations)},
          {"Cancel location", nullptr},
          {"Cancel date time", nullptr},
          {"cancelObservations", json::object()},
          {"audit", Audit(created, modified)}};
}

}  // namespace

void GenerateData(const SimOptions& options, Stores& stores) {
  using namespace std::chrono;
  for (EntityStore* store :
       {&stores.subjects, &stores.encounters, &stores.enrolments, &stores.program_encounters,
        &stores.group_subjects, &stores.locations, &stores.tasks}) {
    store->Clear();
  }
  const std::vector<Village> villages = GenerateLocations(stores.locations);
  const std::int64_t same_time = std::max<std::int64_t>(options.same_time, 1);
  std::mt19937_64 rng(options.seed);
  // Children draw from their own generator, so subjects do not change with child counts.
  std::mt19937_64 child_rng(options.seed ^ 0x9E3779B97F4A7C15ULL);
  std::int64_t group_millis = 0;
  for (std::int64_t i = 0; i < options.subjects; ++i) {
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
    obs.update(Observations(rng, options.observations));
    if (!options.identifier_concept.empty()) {
      obs[options.identifier_concept] = std::to_string(100001 + i);
    }
    const Village& village = villages[Below(rng, villages.size())];
    json subject = {{"Subject type", "Individual"},
                    {"ID", id},
                    {"External ID", nullptr},
                    {"Voided", false},
                    {"Registration date", FormatDate(registered)},
                    {"location", village.lineage},
                    {"Location ID", village.id},
                    {"observations", std::move(obs)},
                    {"encounters", json::array()},
                    {"enrolments", json::array()},
                    {"audit", Audit(created, modified)}};

    int offset = 0;
    for (int e = 0; e < options.encounters_per_subject; ++e) {
      json encounter = EncounterBase(child_rng, subject, "General Visit",
                                     modified + milliseconds(++offset), options.observations);
      subject["encounters"].push_back(encounter["ID"]);
      stores.encounters.Put(std::move(encounter));
    }
    for (int p = 0; p < options.enrolments_per_subject; ++p) {
      const Timestamp enrolled_at = modified + milliseconds(++offset);
      json enrolment = {{"ID", NextUuid(child_rng)},
                        {"Voided", false},
                        {"Subject type", "Individual"},
                        {"Subject ID", id},
                        {"External ID", nullptr},
                        {"Subject external ID", nullptr},
                        {"Program", "Maternal Health"},
                        {"Enrolment datetime", FormatIso8601(enrolled_at)},
                        {"Enrolment Coordinates", nullptr},
                        {"Exit datetime", nullptr},
                        {"Exit location", nullptr},
                        {"observations", Observations(child_rng, options.observations)},
                        {"exitObservations", json::object()},
                        {"encounters", json::array()},
                        {"audit", Audit(enrolled_at, enrolled_at)}};
      for (int q = 0; q < options.program_encounters_per_enrolment; ++q) {
        json encounter = EncounterBase(child_rng, subject, "Monthly Visit",
                                       modified + milliseconds(++offset), options.observations);
        encounter["Enrolment ID"] = enrolment["ID"];
        encounter["Enrolment external ID"] = nullptr;
        encounter["Program"] = "Maternal Health";
        enrolment["encounters"].push_back(encounter["ID"]);
        stores.program_encounters.Put(std::move(encounter));
      }
      subject["enrolments"].push_back(enrolment["ID"]);
      stores.enrolments.Put(std::move(enrolment));
    }
    stores.subjects.Put(std::move(subject));
  }
}

}  // namespace avni::sim
