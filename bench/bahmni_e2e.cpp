// Avni -> Bahmni end to end: subjects and their general encounters through the real engine and
// the Bahmni integration, against the Avni and OpenMRS simulators, compared with a raw copy in
// the same run. Prints figures; it passes or fails nothing.
//
//   bahmni_e2e [--subjects N] [--latency-ms L] [--concurrency 1,8] [--pg DSN] [--baselines 0|1]
//
// Each subject brings two records (the subject and one general encounter), so --subjects 5000
// is 10,000 records. Every phase gets fresh simulators with the same generated data, started in
// a child process (this program run with --simulators), so that the peak RSS printed is the
// engine's, its store's and its clients', not the simulated servers' data. --latency-ms makes
// both simulators wait that long before each answer, as a network would.
//
// Phases:
//   baseline  the raw copy: the same pages read through the same Avni client, and per subject
//             the OpenMRS calls a sequential script needs (find the patient by identifier,
//             create the patient, the registration visit and the registration encounter), per
//             encounter (find it by its Avni uuid obs, create it in the visit): no store, no
//             mapping (its obs are only the Avni uuid and the event date, so its bodies are
//             smaller than the integration's), no retries, no links, no error records.
//   engine    the tenant's main job (flows Subject and Encounter) through scheduler::
//             FlowJobRunner, as `serve` runs it, on SQLite (a fresh file) and, with --pg, on
//             PostgreSQL, at each --concurrency (the tenant's write_concurrency).
// For each phase: records written, seconds, records/s, the ratio to the baseline, and the
// requests each simulator answered by route, so the two paths' calls can be compared.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "avni/client.hpp"
#include "avni/source.hpp"
#include "avnisim/simulator.hpp"
#include "bench_util.hpp"
#include "crypto/secret_box.hpp"
#include "integrations/bahmni/contract.hpp"
#include "integrations/registry.hpp"
#include "mapping/csv.hpp"
#include "mapping/mapping_cache.hpp"
#include "mapping/mapping_import.hpp"
#include "openmrs/client.hpp"
#include "openmrssim/examples.hpp"
#include "openmrssim/simulator.hpp"
#include "scheduler/flow_runner.hpp"
#include "store/store.hpp"

namespace {

using avni::bench::Arg;
using avni::bench::PeakRssMiB;
using nlohmann::json;
using namespace avni;
using Steady = std::chrono::steady_clock;

// --- The simulators' process. ---------------------------------------------------------------

int ServeSimulators(std::int64_t subjects) {
  sim::SimOptions avni_options;
  avni_options.subjects = subjects;
  avni_options.observations = 3;
  avni_options.encounters_per_subject = 1;
  avni_options.identifier_concept = "Registration Number";
  avni_options.metadata = json::parse(openmrssim::AvniMetadataJson());
  sim::Simulator avni_sim(avni_options);
  openmrssim::Simulator openmrs_sim(openmrssim::SimOptions{});
  const int avni_port = avni_sim.Start();
  const int openmrs_port = openmrs_sim.Start();
  std::printf("%d %d\n", avni_port, openmrs_port);
  std::fflush(stdout);
  // Until the benchmark closes our stdin.
  char byte;
  while (::read(STDIN_FILENO, &byte, 1) > 0) {
  }
  avni_sim.Stop();
  openmrs_sim.Stop();
  return 0;
}

class Simulators {
 public:
  Simulators(const std::string& self, std::int64_t subjects, int latency_ms) {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) std::abort();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(to_child[0], STDIN_FILENO);
      ::dup2(from_child[1], STDOUT_FILENO);
      ::close(to_child[1]);
      ::close(from_child[0]);
      const std::string n = std::to_string(subjects);
      ::execl(self.c_str(), self.c_str(), "--simulators", n.c_str(), nullptr);
      ::_exit(127);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_child_ = to_child[1];
    FILE* in = ::fdopen(from_child[0], "r");
    if (std::fscanf(in, "%d %d", &avni_port, &openmrs_port) != 2) {
      std::fprintf(stderr, "the simulators did not start\n");
      std::exit(1);
    }
    std::fclose(in);
    if (latency_ms > 0) {
      for (int port : {avni_port, openmrs_port}) {
        httplib::Client c("127.0.0.1", port);
        auto res =
            c.Post("/_sim/faults", json{{"latency_ms", latency_ms}}.dump(), "application/json");
        if (!res || res->status != 200) {
          std::fprintf(stderr, "could not set the simulators' latency\n");
          std::exit(1);
        }
      }
    }
  }
  ~Simulators() {
    ::close(to_child_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }

  // Requests answered, by route (the simulators' own count), both simulators.
  std::map<std::string, std::int64_t> Requests() const {
    std::map<std::string, std::int64_t> out;
    for (const auto& [who, port] : {std::pair{"avni", avni_port}, {"openmrs", openmrs_port}}) {
      httplib::Client c("127.0.0.1", port);
      auto res = c.Get("/_sim/stats");
      if (!res || res->status != 200) continue;
      const json stats = json::parse(res->body);  // the loop below must not outlive it
      for (const auto& [route, n] : stats.at("requests").items()) {
        out[fmt::format("{} {}", who, route)] = n.get<std::int64_t>();
      }
    }
    return out;
  }

  int avni_port = 0;
  int openmrs_port = 0;

 private:
  pid_t pid_ = -1;
  int to_child_ = -1;
};

// The tenant's config for these simulators: the example's constants and the sign-ins.
TenantConfig::Values ConfigFor(const Simulators& sims) {
  TenantConfig::Values values;
  const json constants = json::parse(
      openmrssim::ConfigJson(openmrssim::Metadata::Defaults(), openmrssim::SimOptions{}));
  for (const auto& item : constants.at("items")) {
    values[item.at("key").get<std::string>()] = {item.at("value").get<std::string>(), false};
  }
  values["avni_api_url"] = {fmt::format("http://127.0.0.1:{}", sims.avni_port), false};
  values["avni_user"] = {"admin@sim", false};
  values["avni_password"] = {"password", true};
  values["openmrs_base_url"] = {fmt::format("http://127.0.0.1:{}", sims.openmrs_port), false};
  values["openmrs_user"] = {"superman", false};
  values["openmrs_password"] = {"Admin123", true};
  values["bahmni_flows"] = {"Subject,Encounter", false};
  return values;
}

http::ClientOptions Loopback() {
  http::ClientOptions options;
  options.targets.allow_private = true;
  return options;
}

struct Figures {
  std::int64_t records = 0;
  double seconds = 0;
  std::string note;
  std::map<std::string, std::int64_t> requests;
};

// --- The raw copy. --------------------------------------------------------------------------

// `mirror`: also the lookups the integration makes (for its checks and idempotence), so that
// both paths send the same requests (the table at the end shows it) and the ratio is what the
// engine, its store and the mapping add.
Figures Baseline(const Simulators& sims, bool mirror) {
  const TenantConfig config(ConfigFor(sims));
  const SystemClock clock;
  auto avni_config = avniapi::ReadAvniConfig(config);
  auto openmrs_config = openmrs::ReadOpenmrsConfig(config);
  if (!avni_config || !openmrs_config) std::abort();
  // The uuids it writes with, read once from the example's mapping rows.
  std::map<std::string, std::string> rows;  // "group/type" -> int_system_value
  for (const auto& record :
       mapping::ReadCsv(openmrssim::MappingCsv(openmrssim::Metadata::Defaults())).records) {
    if (record.fields.size() >= 4)
      rows[record.fields[0] + "/" + record.fields[1]] = record.fields[3];
  }
  const std::string uuid_concept = rows.at("Common/AvniUUID_Concept");
  const std::string date_concept = rows.at("Common/AvniEventDate_Concept");
  const std::string encounter_type = rows.at("PatientSubject/Subject_EncounterType");
  const std::string form = rows.at("PatientSubject/CommunityRegistration_BahmniForm");
  const std::string prefix = config.TextOr("BahmniIdentifierPrefix", "");
  const std::string location = config.TextOr("IntegrationBahmniLocation", "");
  const std::string identifier_type = config.TextOr("IntegrationBahmniIdentifierType", "");
  const std::string visit_type = config.TextOr("IntegrationBahmniVisitType", "");

  avniapi::Client avni(std::move(*avni_config), clock, Loopback());
  openmrs::Client openmrs(std::move(*openmrs_config), Loopback());
  struct Written {
    std::string patient, visit, identifier;
    Timestamp registered;
  };
  std::unordered_map<std::string, Written> subjects;
  Figures figures;
  const auto started = Steady::now();
  const auto check = [](const auto& result) {
    if (!result) {
      std::fprintf(stderr, "baseline: %s\n", result.error().message.c_str());
      std::exit(1);
    }
  };
  const auto copy = [&](avniapi::Resource resource, auto&& one) {
    avniapi::WatermarkSource source(avni, resource, {}, clock);
    sync::Cursor cursor;
    for (;;) {
      auto page = source.Read(cursor, 100);
      check(page);
      for (const auto& record : page->records) {
        if (!sync::After(record.position, cursor)) continue;
        one(json::parse(record.body));
        cursor = record.position;
        ++figures.records;
      }
      if (page->last) break;
    }
  };
  const auto group = [&](const std::string& uuid, const std::string& date) {
    openmrs::NewObs members{form, nullptr, {}};
    members.group_members = {{uuid_concept, uuid, {}}, {date_concept, date, {}}};
    return std::vector<openmrs::NewObs>{members};
  };
  copy(avniapi::Resource::kSubject, [&](const json& s) {
    const json& obs = s.at("observations");
    const std::string uuid = s.at("ID");
    const std::string date = s.at("Registration date");
    const std::string avni_id = obs.at("Registration Number");
    const std::string identifier = prefix + avni_id;
    if (mirror) {  // another subject holding the identifier; the patient, looked for twice
      avniapi::ListQuery query;
      query.size = 2;
      query.filters = {{"subjectType", "Individual"},
                       {"concepts", json{{"Registration Number", avni_id}}.dump()}};
      check(avni.List(avniapi::Resource::kSubject, query));
      check(openmrs.FindPatientsByIdentifier(identifier));
    }
    check(openmrs.FindPatientsByIdentifier(identifier));
    openmrs::NewPatient p;
    p.given_name = obs.at("First name");
    p.family_name = obs.at("Last name");
    p.gender = "F";
    p.birthdate = obs.value("Date of birth", "");
    p.identifiers.push_back({"", identifier, identifier_type, location, true, false});
    auto patient = openmrs.CreatePatient(p);
    check(patient);
    const Timestamp when = *ParseIso8601(date + "T00:00:00.000Z");
    if (mirror) check(openmrs.FindVisits(patient->uuid, location));
    auto visit = openmrs.CreateVisit({patient->uuid, visit_type, location, when, {}, {}});
    check(visit);
    check(openmrs.CreateEncounter(
        {patient->uuid, encounter_type, location, *visit, when, {}, group(uuid, date)}));
    subjects[uuid] = {patient->uuid, *visit, identifier, when};
  });
  copy(avniapi::Resource::kEncounter, [&](const json& e) {
    const std::string uuid = e.at("ID");
    const std::string subject = e.at("Subject ID");
    const auto& written = subjects.at(subject);
    if (mirror) {  // the subject and its patient, then the registration visit
      check(avni.Get(avniapi::Resource::kSubject, subject));
      check(openmrs.FindPatientsByIdentifier(written.identifier));
      check(openmrs.FindVisits(written.patient, location));
    }
    check(openmrs.FindEncountersByObs(written.patient, uuid_concept, uuid));
    // In the registration visit, which starts at the registration: the encounter's time is
    // not before it (OpenMRS refuses one outside its visit).
    const Timestamp when =
        std::max(written.registered, *ParseIso8601(e.at("Encounter date time").get<std::string>()));
    check(openmrs.CreateEncounter({written.patient,
                                   encounter_type,
                                   location,
                                   written.visit,
                                   when,
                                   {},
                                   group(uuid, FormatIso8601(when).substr(0, 10))}));
  });
  figures.seconds = std::chrono::duration<double>(Steady::now() - started).count();
  figures.requests = sims.Requests();
  return figures;
}

// --- The engine. ----------------------------------------------------------------------------

Figures Engine(const Simulators& sims, const std::string& dsn, int concurrency,
               const std::filesystem::path& dir) {
  auto box = SecretBox::Load(dir / "secret.key");
  if (!box) std::abort();
  store::StoreOptions store_options;
  store_options.secrets = box->get();
  auto opened = store::Store::Open(dsn, store_options);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    std::exit(1);
  }
  store::Store& store = **opened;
  const SystemClock clock;
  const std::string name = fmt::format("bench-{}-{}", ::getpid(), concurrency);
  auto tenant = store.Transact([&](store::Tx& tx) { return tx.tenants().Create(name, "bahmni"); });
  if (!tenant) std::abort();
  const TenantId t = tenant->id;
  auto values = ConfigFor(sims);
  values["write_concurrency"] = {std::to_string(concurrency), false};
  auto job = store.Transact([&](store::Tx& tx) -> Result<Job> {
    auto scope = tx.tenant(t);
    for (const auto& [key, value] : values) {
      if (auto set = scope.config().Set(key, value.text, value.is_secret); !set) {
        return Fail(set.error());
      }
    }
    return scope.jobs().Put(Job{0, t, "main", "-", true, "UTC", "{}"});
  });
  if (!job) {
    std::fprintf(stderr, "%s\n", job.error().message.c_str());
    std::exit(1);
  }
  auto imported = mapping::ImportMappingsCsv(
      store, t, openmrssim::MappingCsv(openmrssim::Metadata::Defaults()), {false, "bench"});
  if (!imported || !imported->ok()) std::abort();
  mapping::MappingCache cache(store);
  auto registry = integrations::MakeRegistry({store, clock, cache, Loopback()});
  scheduler::FlowJobRunner runner(store, clock, registry, "bench", std::chrono::minutes(5));
  std::atomic<bool> stop{false};

  Figures figures;
  const auto started = Steady::now();
  auto run = runner.RunJob(ScheduledJob{*job, name, "bahmni", true}, stop);
  figures.seconds = std::chrono::duration<double>(Steady::now() - started).count();
  if (!run) {
    std::fprintf(stderr, "%s\n", run.error().message.c_str());
    std::exit(1);
  }
  auto counts =
      store.Read([&](store::Tx& tx) { return tx.tenant(t).jobs().ListRunCounts(run->id); });
  if (counts) {
    for (const auto& c : *counts) figures.records += c.counts.written;
  }
  figures.note = std::string(ToString(run->status));
  if (run->status != RunStatus::kSucceeded) figures.note += ": " + run->message;
  figures.requests = sims.Requests();
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--simulators") {
    spdlog::set_level(spdlog::level::warn);
    return ServeSimulators(std::stoll(argv[2]));
  }
  spdlog::set_level(spdlog::level::err);
  const std::int64_t subjects = std::stoll(Arg(argc, argv, "--subjects", "5000"));
  const int latency = std::stoi(Arg(argc, argv, "--latency-ms", "0"));
  const std::string pg = Arg(argc, argv, "--pg", "");
  // --baselines 0: the engine alone (a peak RSS at a size where the baselines take long).
  const bool with_baselines = Arg(argc, argv, "--baselines", "1") != "0";
  std::vector<int> levels;
  {
    std::string list = Arg(argc, argv, "--concurrency", "1,8");
    for (std::size_t from = 0; from <= list.size();) {
      std::size_t comma = list.find(',', from);
      if (comma == std::string::npos) comma = list.size();
      levels.push_back(std::stoi(list.substr(from, comma - from)));
      from = comma + 1;
    }
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe");
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("bahmni-e2e-{}", ::getpid());
  std::filesystem::create_directories(dir);

  fmt::print("bahmni_e2e: {} subjects with one encounter each ({} records), latency {} ms\n",
             subjects, 2 * subjects, latency);
  fmt::print("{:<28} {:>8} {:>9} {:>10} {:>8}  {}\n", "phase", "records", "seconds", "records/s",
             "ratio", "outcome");
  const auto row = [](const std::string& phase, const Figures& f, double baseline_rate) {
    const double rate = f.seconds > 0 ? f.records / f.seconds : 0;
    const std::string ratio =
        baseline_rate > 0 ? fmt::format("{:.2f}x", rate / baseline_rate) : std::string("-");
    fmt::print("{:<28} {:>8} {:>9.2f} {:>10.1f} {:>8}  {}\n", phase, f.records, f.seconds, rate,
               ratio, f.note);
    std::fflush(stdout);
    return rate;
  };

  std::vector<std::pair<std::string, Figures>> all;
  double baseline_rate = 0;
  if (with_baselines) {
    Figures minimal, baseline;
    {
      Simulators sims(self, subjects, latency);
      minimal = Baseline(sims, /*mirror=*/false);
    }
    {
      Simulators sims(self, subjects, latency);
      baseline = Baseline(sims, /*mirror=*/true);
    }
    baseline_rate = row("baseline (same requests)", baseline, 0);
    row("raw copy, fewest requests", minimal, baseline_rate);
    all.emplace_back("baseline", baseline);
    all.emplace_back("fewest", minimal);
  }
  std::vector<std::pair<std::string, std::string>> stores = {
      {"sqlite", "sqlite:" + (dir / "bench.db").string()}};
  if (!pg.empty()) stores.emplace_back("postgresql", pg);
  for (const auto& [store_name, dsn] : stores) {
    for (const int c : levels) {
      Simulators sims(self, subjects, latency);
      const Figures f = Engine(sims, dsn, c, dir);
      const std::string phase = fmt::format("engine {} c={}", store_name, c);
      const double rate = row(phase, f, baseline_rate);
      all.emplace_back(phase, f);
      avni::bench::Record({.name = fmt::format("bahmni_e2e/{} records, latency {} ms, c={}[{}]",
                                               2 * subjects, latency, c, store_name),
                           .value = rate,
                           .unit = "records/s",
                           .baseline = baseline_rate,
                           .baseline_name = "raw copy, same requests, sequential"});
    }
  }
  fmt::print("peak RSS of this process (engine, store, clients; not the simulators): {:.1f} MiB\n",
             PeakRssMiB());
  avni::bench::Record({.name = fmt::format("bahmni_e2e/peak RSS, {} records", 2 * subjects),
                       .value = PeakRssMiB(),
                       .unit = "MiB",
                       .better = "lower"});
  fmt::print("\nrequests answered by route (per phase):\n");
  std::map<std::string, bool> routes;
  for (const auto& [phase, f] : all) {
    for (const auto& [route, n] : f.requests) routes[route] = true;
  }
  fmt::print("{:<50}", "route");
  for (const auto& [phase, f] : all) fmt::print(" {:>12}", phase.substr(phase.rfind(' ') + 1));
  fmt::print("\n");
  for (const auto& [route, unused] : routes) {
    fmt::print("{:<50}", route.substr(0, 50));
    for (const auto& [phase, f] : all) {
      auto it = f.requests.find(route);
      fmt::print(" {:>12}", it == f.requests.end() ? 0 : it->second);
    }
    fmt::print("\n");
  }
  std::filesystem::remove_all(dir);
  return 0;
}
