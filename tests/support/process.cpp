#include "support/process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace avni::testing {
namespace {

struct Spawned {
  pid_t pid = -1;
  int in_fd = -1, out_fd = -1, err_fd = -1;
};

std::vector<std::string> MergedEnv(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const auto name = entry.substr(0, entry.find('=') + 1);
    bool overridden = false;
    for (const auto& x : extra) overridden = overridden || x.starts_with(name);
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Spawns argv with pipes for stdin and stdout; stderr to a pipe or to `err_file`.
Spawned Spawn(std::vector<std::string> argv, const std::vector<std::string>& extra_env,
              const std::string& err_file) {
  int in[2], out[2], err[2] = {-1, -1};
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (err_file.empty()) {
    if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
  }
  auto env = MergedEnv(extra_env);
  auto cargv = CStrings(argv);
  auto cenv = CStrings(env);
  Spawned s;
  if (posix_spawn(&s.pid, cargv[0], &actions, nullptr, cargv.data(), cenv.data()) != 0) {
    throw std::runtime_error("cannot spawn " + argv[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  ::close(in[0]);
  ::close(out[1]);
  if (err[1] >= 0) ::close(err[1]);
  s.in_fd = in[1];
  s.out_fd = out[0];
  s.err_fd = err[0];
  return s;
}

int DecodeStatus(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

std::string BinaryPath() {
  if (const char* p = std::getenv("AVNI_INT_BINARY"); p != nullptr && *p != '\0') return p;
  return AVNI_TEST_BINARY;
}

std::vector<std::string> ServeCommand(const std::vector<std::string>& args) {
  std::vector<std::string> argv{BinaryPath(), "serve", "--allow-private-targets"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const std::string& input,
                         const std::vector<std::string>& env, std::chrono::seconds timeout) {
  Spawned s = Spawn(argv, env, "");
  // Feed stdin from a thread so that a child that writes a lot before reading cannot block us.
  std::thread feeder([fd = s.in_fd, input] {
    std::size_t off = 0;
    while (off < input.size()) {
      const ssize_t n = ::write(fd, input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  ProcessResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  pollfd fds[2] = {{s.out_fd, POLLIN, 0}, {s.err_fd, POLLIN, 0}};
  int open = 2;
  bool timed_out = false;
  while (open > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      ::kill(s.pid, SIGKILL);
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      } else {
        (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int status = 0;
  ::waitpid(s.pid, &status, 0);
  feeder.join();
  result.exit_code = DecodeStatus(status);
  if (timed_out) ADD_FAILURE() << argv[0] << " ran past " << timeout.count() << " s";
  return result;
}

std::optional<BackgroundProcess> BackgroundProcess::Start(const std::vector<std::string>& argv,
                                                          const std::vector<std::string>& env) {
  BackgroundProcess p;
  char tmpl[] = "/tmp/avni-stderr-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) return std::nullopt;
  ::close(fd);
  p.err_file_ = tmpl;
  Spawned s = Spawn(argv, env, p.err_file_);
  ::close(s.in_fd);
  p.pid_ = s.pid;
  p.out_fd_ = s.out_fd;
  return p;
}

BackgroundProcess::BackgroundProcess(BackgroundProcess&& o) noexcept
    : pid_(o.pid_),
      out_fd_(o.out_fd_),
      buffer_(std::move(o.buffer_)),
      err_file_(std::move(o.err_file_)) {
  o.pid_ = -1;
  o.out_fd_ = -1;
  o.err_file_.clear();
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) Stop(SIGKILL, std::chrono::seconds(10));
  if (out_fd_ >= 0) ::close(out_fd_);
  if (!err_file_.empty()) std::filesystem::remove(err_file_);
}

std::optional<std::string> BackgroundProcess::ReadLine(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || out_fd_ < 0) return std::nullopt;
    pollfd fd{out_fd_, POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(out_fd_, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    buffer_.append(buf, static_cast<std::size_t>(n));
  }
}

int BackgroundProcess::Stop(int signal, std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -2;
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
      return -2;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  return DecodeStatus(status);
}

std::string BackgroundProcess::Stderr() const {
  std::ifstream in(err_file_);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::optional<Serving> StartServe(const std::vector<std::string>& args,
                                  const std::vector<std::string>& env,
                                  std::chrono::seconds timeout) {
  std::vector<std::string> all{"--port", "0"};
  all.insert(all.end(), args.begin(), args.end());
  auto server = BackgroundProcess::Start(ServeCommand(all), env);
  if (!server) {
    ADD_FAILURE() << "cannot start " << BinaryPath();
    return std::nullopt;
  }
  const std::string prefix = "http://127.0.0.1:";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // serve prints where it listens first (the demo's lines may follow).
  while (std::chrono::steady_clock::now() < deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto line = server->ReadLine(left);
    if (!line) break;
    const auto at = line->find(prefix);
    if (at == std::string::npos) continue;
    const int port = std::atoi(line->c_str() + at + prefix.size());
    return Serving{std::move(*server), port};
  }
  ADD_FAILURE() << "serve printed no URL; stderr: " << server->Stderr();
  return std::nullopt;
}

std::pair<int, std::string> HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(10));
  auto res = client.Get(path.c_str());
  if (!res) return {0, ""};
  return {res->status, res->body};
}

}  // namespace avni::testing
