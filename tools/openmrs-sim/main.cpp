// openmrs-sim: the OpenMRS/Bahmni simulator as a program, for demos, benchmarks and manual
// checks.
//   openmrs-sim --port N [--patients N] [--encounters-per-patient N] [--seed S]
//               [--identifier-prefix GAN] [--feed-page-size 5] [--session-idle SECONDS]
//               [--user name=password]...
//   openmrs-sim --write-examples DIR   writes mappings.csv, config.json, avni-metadata.json
// Serves until SIGTERM or SIGINT.

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "openmrssim/examples.hpp"
#include "openmrssim/simulator.hpp"

namespace {

bool WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"OpenMRS/Bahmni simulator: sessions, REST resources, Atom feeds, faults"};
  int port = 0;
  avni::openmrssim::SimOptions options;
  std::vector<std::string> users;
  std::string examples_dir;
  std::int64_t idle_seconds = options.session_idle.count();
  app.add_option("--port", port, "port on 127.0.0.1 (0: any free port)");
  app.add_option("--patients", options.patients, "patients to generate")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--encounters-per-patient", options.encounters_per_patient,
                 "encounters per generated patient, in one OPD visit")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options.seed, "seed for generated data, uuids and fault draws");
  app.add_option("--identifier-prefix", options.identifier_prefix, "patient identifier prefix");
  app.add_option("--feed-page-size", options.feed_page_size, "Atom feed entries per page")
      ->check(CLI::PositiveNumber);
  app.add_option("--session-idle", idle_seconds, "session idle timeout in seconds")
      ->check(CLI::PositiveNumber);
  app.add_option("--user", users, "a user as name=password (repeatable; replaces superman)");
  app.add_option("--write-examples", examples_dir,
                 "write mappings.csv, config.json and avni-metadata.json into DIR and exit");
  CLI11_PARSE(app, argc, argv);
  options.session_idle = std::chrono::seconds(idle_seconds);
  if (!users.empty()) {
    options.users.clear();
    for (const auto& user : users) {
      const auto equals = user.find('=');
      if (equals == std::string::npos || equals == 0) {
        fmt::print(stderr, "openmrs-sim: --user takes name=password, got '{}'\n", user);
        return 2;
      }
      options.users[user.substr(0, equals)] = user.substr(equals + 1);
    }
  }
  if (!examples_dir.empty()) {
    const auto metadata = avni::openmrssim::Metadata::Defaults(options.text_concepts);
    const std::filesystem::path dir(examples_dir);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (!WriteFile(dir / "mappings.csv", avni::openmrssim::MappingCsv(metadata)) ||
        !WriteFile(dir / "config.json", avni::openmrssim::ConfigJson(metadata, options)) ||
        !WriteFile(dir / "avni-metadata.json", avni::openmrssim::AvniMetadataJson())) {
      fmt::print(stderr, "openmrs-sim: cannot write into '{}'; check the folder\n", examples_dir);
      return 1;
    }
    return 0;
  }

  // Blocked before the server starts its threads, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  avni::openmrssim::Simulator simulator(options);
  const int bound = simulator.Start(port);
  if (bound < 0) {
    fmt::print(stderr, "openmrs-sim: cannot listen on 127.0.0.1:{}; pick a free port\n", port);
    return 1;
  }
  fmt::print("openmrs-sim listening on http://127.0.0.1:{}/openmrs ({} patients)\n", bound,
             options.patients);
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  simulator.Stop();
  return 0;
}
