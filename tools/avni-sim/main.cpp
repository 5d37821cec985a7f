// avni-sim: the Avni simulator as a program, for demos, benchmarks and manual checks.
//   avni-sim --port N [--subjects N] [--seed S] [--same-time K]
// Serves until SIGTERM or SIGINT.

#include <csignal>
#include <cstdio>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "avnisim/simulator.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Avni simulator: avni-server's read API for subjects, with fault injection"};
  int port = 0;
  avni::sim::SimOptions options;
  app.add_option("--port", port, "port on 127.0.0.1 (0: any free port)")->required();
  app.add_option("--subjects", options.subjects, "subjects to generate")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", options.seed, "seed for generated data and fault draws");
  app.add_option("--same-time", options.same_time,
                 "consecutive subjects that share one last-modified millisecond")
      ->check(CLI::PositiveNumber);
  app.add_option("--observations", options.observations, "extra 'Concept k' values per subject")
      ->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);

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
  fmt::print("avni-sim listening on http://127.0.0.1:{}\n", bound);
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  simulator.Stop();
  return 0;
}
