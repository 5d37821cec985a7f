#include "openmrssim/generator.hpp"

#include <array>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "openmrssim/rest_time.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;

// Generated data starts here, before any real `now`.
constexpr std::int64_t kGenerationEpochMillis = 1704067200000;  // 2024-01-01T00:00:00.000Z

constexpr std::array kGivenNames = {"Asha",  "Ravi", "Meena",  "Suresh", "Kavita",
                                    "Arjun", "Lata", "Vikram", "Pooja",  "Manoj"};
constexpr std::array kFamilyNames = {"Patil", "Sharma", "Yadav", "Gond",  "Bhil",
                                     "Naik",  "Pawar",  "Meena", "Kumar", "Devi"};

// Portable draws: std::uniform_int_distribution differs between standard libraries.
std::uint64_t Below(std::mt19937_64& rng, std::uint64_t bound) { return rng() % bound; }

}  // namespace

void GenerateData(const SimOptions& options, const Metadata& metadata, Services& services) {
  services.Reset(options.seed);
  std::mt19937_64 rng(options.seed ^ 0x0BE1A5EEDULL);
  const std::string location = metadata.UuidOf("location", kLocation);
  const std::string provider = metadata.UuidOf("provider", kProvider);
  const std::string role = metadata.UuidOf("encounterrole", kEncounterRole);
  const std::string opd = metadata.UuidOf("visittype", "OPD");
  const std::string consultation = metadata.UuidOf("encountertype", kConsultationEncounterType);
  const std::string lab = metadata.UuidOf("encountertype", kLabEncounterType);
  const ConceptDef* blood_group = metadata.ConceptByName("Blood group");
  const ConceptDef* symptoms = metadata.ConceptByName("Symptoms");
  const auto named = static_cast<std::int64_t>(options.identifiers.size());
  for (std::int64_t i = 0; i < named + options.patients; ++i) {
    const std::string identifier = i < named ? options.identifiers[static_cast<std::size_t>(i)]
                                             : fmt::format("{}{}", options.identifier_prefix,
                                                           options.first_identifier + (i - named));
    const Timestamp registered = FromEpochMillis(kGenerationEpochMillis + i * 60'000);
    const auto born = std::chrono::floor<std::chrono::days>(registered) -
                      std::chrono::days(365 * 18 + Below(rng, 365 * 60));
    const json patient = {
        {"person",
         {{"names", json::array({{{"givenName", kGivenNames[Below(rng, kGivenNames.size())]},
                                  {"familyName", kFamilyNames[Below(rng, kFamilyNames.size())]},
                                  {"preferred", true}}})},
          {"gender", Below(rng, 2) == 0 ? "F" : "M"},
          {"birthdate", FormatRestDate(Timestamp(born)).substr(0, 10)},
          {"attributes",
           json::array(
               {{{"attributeType", metadata.UuidOf("personattributetype", kPhoneAttributeType)},
                 {"value", fmt::format("98{:08d}", Below(rng, 100'000'000))}}})}}},
        {"identifiers", json::array({{{"identifier", identifier},
                                      {"identifierType",
                                       metadata.UuidOf("patientidentifiertype", kIdentifierType)},
                                      {"location", location},
                                      {"preferred", true}}})}};
    const auto created = services.CreatePatient(patient, registered, Writer::kBahmni);
    if (!created || options.encounters_per_patient <= 0) continue;
    const Timestamp visit_start = registered + hours(1);
    const auto visit = services.CreateVisit({{"patient", *created},
                                             {"visitType", opd},
                                             {"location", location},
                                             {"startDatetime", FormatRestDate(visit_start)}},
                                            visit_start);
    if (!visit) continue;
    for (int k = 0; k < options.encounters_per_patient; ++k) {
      const Timestamp at = visit_start + minutes(10 * (k + 1));
      json body = {
          {"patient", *created},
          {"location", location},
          {"visit", *visit},
          {"encounterDatetime", FormatRestDate(at)},
          {"encounterProviders", json::array({{{"provider", provider}, {"encounterRole", role}}})}};
      const bool is_lab = k % 3 == 2;
      if (is_lab) {
        body["encounterType"] = lab;
        body["obs"] = json::array({{{"concept", metadata.ConceptUuid("Haemoglobin")},
                                    {"value", 9.0 + static_cast<double>(Below(rng, 60)) / 10.0}}});
      } else {
        body["encounterType"] = consultation;
        json members =
            json::array({{{"concept", metadata.ConceptUuid("Weight")},
                          {"value", 40.0 + static_cast<double>(Below(rng, 400)) / 10.0}},
                         {{"concept", blood_group->uuid},
                          {"value", blood_group->answers[Below(rng, blood_group->answers.size())]}},
                         {{"concept", symptoms->uuid},
                          {"value", symptoms->answers[Below(rng, symptoms->answers.size())]}},
                         {{"concept", metadata.ConceptUuid("Concept 1")},
                          {"value", fmt::format("Note {}-{}", i, k)}}});
        body["obs"] = json::array(
            {{{"concept", metadata.ConceptUuid("Vitals")}, {"groupMembers", std::move(members)}}});
      }
      const auto encounter = services.CreateEncounter(body, at, Writer::kBahmni);
      if (encounter && !is_lab && k % 4 == 3) {
        DrugOrder order;
        order.drug = Below(rng, 2) == 0 ? "Paracetamol 500 mg" : "Amoxicillin 250 mg";
        order.dose = 1 + static_cast<double>(Below(rng, 2));
        order.dose_units = "Tablet(s)";
        order.duration = 3 + static_cast<int>(Below(rng, 5));
        order.duration_units = "Day(s)";
        order.scheduled = at;
        services.AddDrugOrder(*encounter, std::move(order));
      }
    }
  }
}

}  // namespace avni::openmrssim
