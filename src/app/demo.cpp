// `serve --demo`: the Bahmni integration working on a laptop, without any server to install.
// Starts the Avni and OpenMRS simulators in this process, on free loopback ports, and makes (or
// points again) the tenant "demo-bahmni" at them: the example's mapping rows and constants
// (src/openmrssim/examples.hpp, committed as examples/bahmni), less the mapping of the answer
// "O+" so that a few subjects are parked naming it, and jobs that run every minute, the first
// run asked for at once.
#include "app/demo.hpp"

#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "avnisim/simulator.hpp"
#include "mapping/mapping_import.hpp"
#include "openmrssim/examples.hpp"
#include "openmrssim/simulator.hpp"
#include "store/store.hpp"

namespace avni::app {
namespace {

using nlohmann::json;

constexpr int kSubjects = 300;
constexpr const char* kUnmappedAnswer = "O+";
// Subjects Bahmni registered too (GAN + their Registration Number), each with an OPD visit of
// consultations (a Vitals form, a drug order), a lab result: the encounter feed brings these to
// Avni.
constexpr int kBahmniPatients = 20;
constexpr int kBahmniEncountersPerPatient = 4;

// The example's rows without the answer left for the newcomer to map.
std::string DemoMappings(const openmrssim::Metadata& metadata) {
  std::istringstream in(openmrssim::MappingCsv(metadata));
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.starts_with(fmt::format("Observation,Concept,{},", kUnmappedAnswer))) continue;
    out += line + "\n";
  }
  return out;
}

}  // namespace

Demo::Demo() = default;
Demo::~Demo() {
  if (avni) avni->Stop();
  if (openmrs) openmrs->Stop();
}

Result<std::unique_ptr<Demo>> StartDemo(store::Store& store) {
  auto demo = std::make_unique<Demo>();
  sim::SimOptions avni_options;
  avni_options.subjects = kSubjects;
  avni_options.observations = 3;
  avni_options.encounters_per_subject = 1;
  avni_options.enrolments_per_subject = 1;
  avni_options.program_encounters_per_enrolment = 1;
  avni_options.identifier_concept = "Registration Number";
  avni_options.metadata = json::parse(openmrssim::AvniMetadataJson());
  demo->avni = std::make_unique<sim::Simulator>(avni_options);
  demo->avni_port = demo->avni->Start();
  openmrssim::SimOptions openmrs_options;
  for (int i = 1; i <= kBahmniPatients; ++i) {
    openmrs_options.identifiers.push_back(fmt::format("GAN{}", 100000 + i));
  }
  openmrs_options.encounters_per_patient = kBahmniEncountersPerPatient;
  demo->openmrs = std::make_unique<openmrssim::Simulator>(openmrs_options);
  demo->openmrs_port = demo->openmrs->Start();
  if (demo->avni_port <= 0 || demo->openmrs_port <= 0) {
    return Fail(Error::Unavailable("the demo's simulators could not listen on loopback"));
  }
  // A few subjects answer what the tenant has not mapped: their records are parked.
  for (int i = 0; i < 3; ++i) {
    json subject = {{"Subject type", "Individual"},
                    {"ID", fmt::format("d0000000-0000-4000-8000-00000000000{}", i + 1)},
                    {"External ID", nullptr},
                    {"Voided", false},
                    {"Registration date", "2024-02-01"},
                    {"observations",
                     {{"First name", "Demo"},
                      {"Last name", fmt::format("Subject {}", i + 1)},
                      {"Gender", "Female"},
                      {"Date of birth", "1990-01-01"},
                      {"Registration Number", std::to_string(900001 + i)},
                      {"Blood group", kUnmappedAnswer}}},
                    {"encounters", json::array()},
                    {"enrolments", json::array()},
                    {"audit",
                     {{"Created at", "2024-02-01T10:00:00.000Z"},
                      {"Last modified at", fmt::format("2024-02-01T10:00:00.00{}Z", i)}}}};
    if (auto added = demo->avni->AddSubject(std::move(subject)); !added) {
      return Fail(added.error());
    }
  }

  const auto& metadata = demo->openmrs->GetMetadata();
  // An existing demo tenant keeps its mappings and jobs (the newcomer may have added the missing
  // mapping) and is pointed at the simulators' new ports.
  bool created = false;
  auto tenant = store.Transact([&](store::Tx& tx) -> Result<Tenant> {
    auto found = tx.tenants().FindByName(kDemoTenant);
    if (found) return found;
    if (found.error().code != ErrorCode::kNotFound) return Fail(found.error());
    created = true;
    return tx.tenants().Create(kDemoTenant, "bahmni");
  });
  if (!tenant) return Fail(tenant.error());
  if (created) {
    auto imported =
        mapping::ImportMappingsCsv(store, tenant->id, DemoMappings(metadata), {false, "demo"});
    if (!imported) return Fail(imported.error());
    if (!imported->ok()) {
      return Fail(Error::Internal("the demo's mappings do not import: " +
                                  imported->errors.front().message));
    }
  }
  const json constants = json::parse(openmrssim::ConfigJson(metadata, openmrs_options));
  auto provisioned = store.Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(tenant->id);
    std::vector<std::tuple<std::string, std::string, bool>> config = {
        {"avni_api_url", fmt::format("http://127.0.0.1:{}", demo->avni_port), false},
        {"avni_user", "admin@sim", false},
        {"avni_password", "password", true},
        {"openmrs_base_url", fmt::format("http://127.0.0.1:{}", demo->openmrs_port), false},
        {"openmrs_user", "superman", false},
        {"openmrs_password", "Admin123", true}};
    for (const auto& item : constants.at("items")) {
      config.emplace_back(item.at("key"), item.at("value"), false);
    }
    for (const auto& [key, value, secret] : config) {
      if (auto set = scope.config().Set(key, value, secret); !set) return Fail(set.error());
    }
    if (!created) {
      // The simulators start empty each time: what this tenant synced before is not there any
      // more, so its cursors, links and error records go (its mappings and runs stay).
      auto statuses = scope.sync_status().List();
      if (!statuses) return Fail(statuses.error());
      for (const auto& status : *statuses) {
        if (auto links = scope.entity_links().RemoveAll(status.entity_type); !links) {
          return Fail(links.error());
        }
        if (auto gone = scope.sync_status().Remove(status.entity_type); !gone) return gone;
      }
      if (auto errors = scope.errors().DeleteWhere({}); !errors) return Fail(errors.error());
    }
    if (created) {  // every minute, so that a newcomer sees runs without waiting
      for (const auto& [name, cron] :
           {std::pair{"main", "0 * * * * ?"}, std::pair{"errors", "30 * * * * ?"}}) {
        auto made = scope.jobs().Put(Job{0, tenant->id, name, cron, true, "UTC", "{}"});
        if (!made) return Fail(made.error());
      }
    }
    // The first sync now, not at the next minute.
    if (auto asked = scope.jobs().RequestRun("main"); !asked) return Fail(asked.error());
    return {};
  });
  if (!provisioned) return Fail(provisioned.error());
  demo->tenant = tenant->id;
  return demo;
}

}  // namespace avni::app
