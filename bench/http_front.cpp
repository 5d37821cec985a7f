// The HTTP front under an anonymous client's abuse: what an 8 MiB sign-in body costs the
// server (time to the answer, resident memory, CPU) and /health latency while 200 clients
// trickle their headers, each from its own loopback address. Prints figures; passes or fails
// nothing. Server and clients share the process: the clients' own memory is allocated before
// the first reading.
//
//   http_front [--slow N] [--seconds S]
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/http_server.hpp"
#include "auth/authenticator.hpp"
#include "bench_util.hpp"
#include "crypto/secret_box.hpp"
#include "store/store.hpp"
#include "support/raw_http.hpp"

namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using namespace std::chrono_literals;
using avni::testing::RawConnection;

// A field of /proc/self/status ("VmRSS", "VmHWM") in MiB.
double StatusMiB(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

double MillisSince(steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - t).count();
}

// POST /api/v1/auth/login with 8 MiB of "[0,0,...]", sent in full as an attacker would,
// whatever the server answers meanwhile.
void RefusedBody(int port) {
  std::string body = "[";
  while (body.size() < (8u << 20) - 2) body += "0,";
  body += "0]";
  const double rss0 = StatusMiB("VmRSS"), hwm0 = StatusMiB("VmHWM");
  const double cpu0 = avni::bench::CpuSeconds();
  auto c = RawConnection::Open(port);
  if (!c) {
    std::printf("cannot connect\n");
    return;
  }
  const auto t0 = steady_clock::now();
  c->Send(fmt::format(
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: {}\r\n\r\n",
      body.size()));
  std::thread sender([&] { c->Send(body); });
  auto r = c->ReadResponse(120s);
  const double answered_ms = MillisSince(t0);
  sender.join();
  std::printf(
      "8 MiB sign-in body: answer %d after %.0f ms; RSS +%.1f MiB, peak RSS +%.1f MiB, "
      "CPU %.2f s\n",
      r ? r->status : 0, answered_ms, StatusMiB("VmRSS") - rss0, StatusMiB("VmHWM") - hwm0,
      avni::bench::CpuSeconds() - cpu0);
  avni::bench::Record({.name = "http_front/8 MiB anonymous sign-in: time to the answer",
                       .value = answered_ms,
                       .unit = "ms",
                       .better = "lower"});
  avni::bench::Record({.name = "http_front/8 MiB anonymous sign-in: peak RSS growth",
                       .value = StatusMiB("VmHWM") - hwm0,
                       .unit = "MiB",
                       .better = "lower"});
}

// `count` connections from 127.0.1.1.. each send a header line every 100-200 ms for `run`;
// meanwhile /health is asked from 127.0.0.1 every 20 ms on a new connection.
void SlowClients(int port, int count, milliseconds run) {
  struct Slow {
    RawConnection connection;
    milliseconds every;
    steady_clock::time_point next;
  };
  std::vector<Slow> slow;
  for (int i = 0; i < count; ++i) {
    auto c = RawConnection::Open(port, fmt::format("127.0.{}.{}", 1 + i / 250, 1 + i % 250));
    if (!c || !c->Send("GET /health HTTP/1.1\r\n")) continue;
    slow.push_back({std::move(*c), milliseconds(100 + i % 101), steady_clock::now()});
  }
  std::atomic<bool> done{false};
  std::vector<double> latencies;
  int failures = 0;
  std::thread prober([&] {
    while (!done) {
      const auto t0 = steady_clock::now();
      auto c = RawConnection::Open(port);
      auto r = c && c->Send(avni::testing::RawGet("/health")) ? c->ReadResponse(2s) : std::nullopt;
      if (!r || r->status != 200) ++failures;
      latencies.push_back(MillisSince(t0));
      std::this_thread::sleep_for(20ms);
    }
  });
  int closed = 0;
  for (const auto until = steady_clock::now() + run; steady_clock::now() < until;) {
    const auto now = steady_clock::now();
    for (Slow& s : slow) {
      if (now < s.next) continue;
      s.connection.Send("X-Slow: 1\r\n");
      s.next = now + s.every;
    }
    std::this_thread::sleep_for(5ms);
  }
  done = true;
  prober.join();
  for (Slow& s : slow) closed += s.connection.ClosedNow() ? 1 : 0;
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "/health under %zu slow connections for %.0f s: %zu probes, %d failed or over 2 s, "
      "median %.1f ms, max %.1f ms; slow connections closed by the server: %d\n",
      slow.size(), run.count() / 1000.0, latencies.size(), failures,
      latencies.empty() ? 0 : latencies[latencies.size() / 2],
      latencies.empty() ? 0 : latencies.back(), closed);
  avni::bench::Record({.name = "http_front//health max latency under slow clients",
                       .value = latencies.empty() ? 0 : latencies.back(),
                       .unit = "ms",
                       .better = "lower"});
}

}  // namespace

int main(int argc, char** argv) {
  using namespace avni;
  spdlog::set_level(spdlog::level::err);
  const int slow = std::stoi(bench::Arg(argc, argv, "--slow", "200"));
  const int seconds = std::stoi(bench::Arg(argc, argv, "--seconds", "5"));
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("avni-bench-front-{}", ::getpid());
  std::filesystem::create_directories(dir);
  SecretBox::Key key{};
  key.fill(7);
  SecretBox secrets(key);
  store::StoreOptions options;
  options.secrets = &secrets;
  auto store = store::Store::Open("sqlite:" + (dir / "bench.db").string(), options);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  const SystemClock clock;
  auth::Authenticator authenticator(**store, clock);
  ServerOptions server_options;  // as `serve` runs by default, on a free port
  server_options.port = 0;
  HttpServer server(api::Services{**store, authenticator, clock, {}}, server_options);
  if (auto bound = server.Bind(); !bound) return 1;
  std::thread serving([&] { server.Serve(); });
  for (int i = 0; i < 20; ++i) {
    auto c = testing::RawConnection::Open(server.port());
    if (c && c->Send(testing::RawGet("/health"))) c->ReadResponse(2s);
  }

  RefusedBody(server.port());
  SlowClients(server.port(), slow, std::chrono::seconds(seconds));

  server.Stop();
  serving.join();
  std::filesystem::remove_all(dir);
  return 0;
}
