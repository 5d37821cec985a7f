#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace avni::testing {

// The avni-integrator binary under test (AVNI_INT_BINARY overrides the built one).
std::string BinaryPath();

// The command line of `avni-integrator serve ARGS...` for a test. It allows private targets
// (--allow-private-targets): the tests' simulators and servers listen on loopback, which the
// service refuses to call by default.
std::vector<std::string> ServeCommand(const std::vector<std::string>& args);

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs a program to completion with `input` on its standard input. Extra environment entries
// ("NAME=value") are added to the test's own. Fails the test (and returns exit_code -1) when
// it runs past `timeout`.
ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::vector<std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

// A program left running in the background (e.g. `serve`), killed when destroyed. Its standard
// output is read line by line; standard error goes to a file that `Stderr()` returns.
class BackgroundProcess {
 public:
  static std::optional<BackgroundProcess> Start(const std::vector<std::string>& argv,
                                                const std::vector<std::string>& env = {});
  BackgroundProcess(BackgroundProcess&&) noexcept;
  BackgroundProcess& operator=(BackgroundProcess&&) = delete;
  ~BackgroundProcess();

  // The next line of standard output, or nullopt at end of output or after `timeout`.
  std::optional<std::string> ReadLine(std::chrono::milliseconds timeout);
  // Sends `signal` and waits for the exit; returns the exit code (-1 if killed by a signal,
  // -2 on timeout).
  int Stop(int signal, std::chrono::milliseconds timeout);
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  BackgroundProcess() = default;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string buffer_;
  std::string err_file_;
};

// `avni-integrator serve --port 0 ARGS...` (ServeCommand) in the background, once it has printed
// where it listens: the process and its port. nullopt (and a test failure saying why, with the
// server's standard error) when it printed no URL within `timeout`.
struct Serving {
  BackgroundProcess process;
  int port = 0;
};
std::optional<Serving> StartServe(const std::vector<std::string>& args,
                                  const std::vector<std::string>& env = {"AVNI_INT_SECRET_KEY="},
                                  std::chrono::seconds timeout = std::chrono::seconds(60));

// GETs http://127.0.0.1:port/path; returns (status, body), status 0 when it cannot connect.
std::pair<int, std::string> HttpGet(int port, const std::string& path);

}  // namespace avni::testing
