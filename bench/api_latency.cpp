// Latency of the API under load: GET /api/v1/tenants/{t}/config (the hot read path: session
// look-up, tenant role check, config read and decryption) and POST /api/v1/auth/login
// (dominated, on purpose, by argon2id). Prints figures; it passes or fails nothing.
//
//   api_latency [--db DSN] [--clients N] [--requests N] [--logins N]
// The default database is a fresh SQLite file; give --db postgresql://... for PostgreSQL.
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/http_server.hpp"
#include "auth/authenticator.hpp"
#include "bench_util.hpp"
#include "crypto/password.hpp"
#include "crypto/secret_box.hpp"
#include "store/store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Micros = std::chrono::duration<double, std::micro>;

struct Figures {
  double p50_ms, p99_ms, max_ms, per_second;
};

Figures Summarise(std::vector<double> micros, double seconds) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<std::size_t>(q * micros.size()))] / 1000;
  };
  return {at(0.50), at(0.99), micros.back() / 1000, micros.size() / seconds};
}

// Runs `clients` threads, each sending `per_client` requests made by `send`, and collects
// every request's latency.
template <typename Send>
Figures Load(int clients, int per_client, int port, Send send) {
  std::vector<std::vector<double>> latencies(clients);
  std::atomic<int> failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client("127.0.0.1", port);
      client.set_keep_alive(true);
      client.set_tcp_nodelay(true);
      for (int i = 0; i < per_client; ++i) {
        const auto t0 = Clock::now();
        if (!send(client)) ++failures;
        latencies[c].push_back(Micros(Clock::now() - t0).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  if (failures > 0) std::fprintf(stderr, "%d requests failed\n", failures.load());
  return Summarise(std::move(all), seconds);
}

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == name) return argv[i + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace avni;
  spdlog::set_level(spdlog::level::warn);
  const auto dir =
      std::filesystem::temp_directory_path() / fmt::format("avni-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string dsn = Arg(argc, argv, "--db", "sqlite:" + (dir / "bench.db").string());
  const int clients = std::stoi(Arg(argc, argv, "--clients", "4"));
  const int requests = std::stoi(Arg(argc, argv, "--requests", "5000"));
  const int logins = std::stoi(Arg(argc, argv, "--logins", "60"));

  SecretBox::Key key{};
  key.fill(7);
  SecretBox secrets(key);
  store::StoreOptions options;
  options.secrets = &secrets;
  options.pool_size = 8;
  auto store = store::Store::Open(dsn, options);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  auto& s = **store;
  const std::string name = fmt::format("bench-{}", ::getpid());
  auto tenant = s.Transact([&](store::Tx& tx) -> Result<Tenant> {
    auto t = tx.tenants().Create(name, "bahmni");
    if (!t) return t;
    auto user =
        tx.users().Create(name + "@example.org", HashPassword("bench-password").value(), false);
    if (!user) return Fail(user.error());
    if (auto m = tx.tenant(t->id).members().Put(user->id, Role::kViewer); !m)
      return Fail(m.error());
    for (int i = 0; i < 10; ++i) {
      if (auto c = tx.tenant(t->id).config().Set(fmt::format("key_{}", i), "value", i % 3 == 0);
          !c) {
        return Fail(c.error());
      }
    }
    return t;
  });
  if (!tenant) {
    std::fprintf(stderr, "%s\n", tenant.error().message.c_str());
    return 1;
  }

  const SystemClock clock;
  auth::Authenticator authenticator(s, clock);
  ServerOptions server_options;
  server_options.port = 0;
  server_options.threads = 8;
  HttpServer server(api::Services{s, authenticator, clock, {}}, server_options);
  if (auto bound = server.Bind(); !bound) return 1;
  std::thread serving([&] { server.Serve(); });
  const int port = server.port();

  const std::string login_body =
      fmt::format(R"({{"email":"{}@example.org","password":"bench-password"}})", name);
  std::string token;
  {
    httplib::Client c("127.0.0.1", port);
    auto res = c.Post("/api/v1/auth/login", login_body, "application/json");
    token = res->body.substr(res->body.find("\"token\":\"") + 9, 43);
  }
  const httplib::Headers auth{{"Authorization", "Bearer " + token}};
  const std::string config_path = fmt::format("/api/v1/tenants/{}/config", tenant->id.value);

  // Warm-up, then the measured runs.
  Load(1, 200, port,
       [&](httplib::Client& c) { return c.Get(config_path.c_str(), auth)->status == 200; });
  const Figures config = Load(clients, requests / clients, port, [&](httplib::Client& c) {
    auto res = c.Get(config_path.c_str(), auth);
    return res && res->status == 200;
  });
  const Figures login = Load(2, logins / 2, port, [&](httplib::Client& c) {
    auto res = c.Post("/api/v1/auth/login", login_body, "application/json");
    return res && res->status == 200;
  });

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("backend: %s\n", s.backend() == store::Backend::kSqlite ? "sqlite" : "postgresql");
  std::printf(
      "GET config  clients=%d requests=%d  p50 %.2f ms  p99 %.2f ms  max %.2f ms  %.0f req/s\n",
      clients, requests, config.p50_ms, config.p99_ms, config.max_ms, config.per_second);
  std::printf(
      "POST login  clients=2 requests=%d  p50 %.2f ms  p99 %.2f ms  max %.2f ms  %.1f req/s\n",
      logins, login.p50_ms, login.p99_ms, login.max_ms, login.per_second);
  std::printf("peak RSS %.1f MiB (server and clients in one process)\n", usage.ru_maxrss / 1024.0);
  const std::string backend = avni::bench::BackendOf(dsn);
  avni::bench::Record({.name = "api_latency/GET config p99[" + backend + "]",
                       .value = config.p99_ms,
                       .unit = "ms",
                       .better = "lower"});
  avni::bench::Record({.name = "api_latency/GET config[" + backend + "]",
                       .value = config.per_second,
                       .unit = "req/s"});
  avni::bench::Record({.name = "api_latency/POST login p99[" + backend + "]",
                       .value = login.p99_ms,
                       .unit = "ms",
                       .better = "lower"});

  server.Stop();
  serving.join();
  std::filesystem::remove_all(dir);
  return 0;
}
