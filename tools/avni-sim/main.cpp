// avni-sim: the Avni simulator as a program, for demos, benchmarks and manual checks.
//   avni-sim --port N [--subjects N] [--seed S] [--same-time K] [--observations M]
//            [--encounters-per-subject N] [--enrolments-per-subject N]
//            [--program-encounters-per-enrolment N] [--idp none|keycloak|cognito]
//            [--user name=password]... [--token-ttl SECONDS]
// Serves until SIGTERM or SIGINT.

#include <csignal>
#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "avnisim/simulator.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Avni simulator: avni-server's external API with auth, writes and fault injection"};
  int port = 0;
  avni::sim::SimOptions options;
  std::vector<std::string> users;
  app.add_option("--port", port, "port on 127.0.0.1 (0: any free port)")->required();
  app.add_option("--subjects", options.subjects, "subjects to generate")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options.seed, "seed for generated data and fault draws");
  app.add_option("--same-time", options.same_time,
                 "consecutive subjects that share one last-modified millisecond")
      ->check(CLI::PositiveNumber);
  app.add_option("--observations", options.observations, "extra 'Concept k' values per entity")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--encounters-per-subject", options.encounters_per_subject)
      ->check(CLI::NonNegativeNumber);
  app.add_option("--enrolments-per-subject", options.enrolments_per_subject)
      ->check(CLI::NonNegativeNumber);
  app.add_option("--program-encounters-per-enrolment", options.program_encounters_per_enrolment)
      ->check(CLI::NonNegativeNumber);
  app.add_option("--identifier-concept", options.identifier_concept,
                 "a concept every subject holds an identifier in (100001, 100002, ...), e.g. "
                 "'Registration Number' for the Bahmni demo");
  app.add_option("--idp", options.auth.idp, "identity provider avni-server reports")
      ->check(CLI::IsMember({"none", "keycloak", "cognito"}));
  app.add_option("--user", users, "a user as name=password (repeatable; replaces admin@sim)");
  app.add_option("--token-ttl", options.auth.token_ttl_seconds, "token lifetime in seconds")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  if (!users.empty()) {
    options.auth.users.clear();
    for (const auto& user : users) {
      const auto equals = user.find('=');
      if (equals == std::string::npos || equals == 0) {
        fmt::print(stderr, "avni-sim: --user takes name=password, got '{}'\n", user);
        return 2;
      }
      options.auth.users[user.substr(0, equals)] = user.substr(equals + 1);
    }
    options.auth.default_user = options.auth.users.begin()->first;
  }

  // Blocked before the server starts its threads, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  avni::sim::Simulator simulator(options);
  const int bound = simulator.Start(port);
  if (bound < 0) {
    fmt::print(stderr, "avni-sim: cannot listen on 127.0.0.1:{}; pick a free port\n", port);
    return 1;
  }
  fmt::print("avni-sim listening on http://127.0.0.1:{} (idp {})\n", bound, options.auth.idp);
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  simulator.Stop();
  return 0;
}
