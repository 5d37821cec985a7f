#include <pthread.h>
#include <csignal>

#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/http_server.hpp"
#include "app/commands.hpp"
#include "auth/authenticator.hpp"
#include "mapping/mapping_cache.hpp"

namespace avni::app {

int Serve(const GlobalOptions& global, const ServeOptions& options) {
  // Signals are blocked in every thread and taken by one waiting thread, so that SIGTERM and
  // SIGINT stop the server cleanly instead of interrupting whatever thread they hit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto ctx = OpenContext(global, /*migrate=*/true, static_cast<std::size_t>(options.db_pool));
  if (!ctx) return Report(ctx.error());

  ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = options.threads;
  const SystemClock clock;
  auth::AuthOptions auth_options;
  auth_options.session_idle = std::chrono::minutes(options.session_idle_minutes);
  auth_options.session_max = std::chrono::hours(options.session_max_hours);
  auth::Authenticator authenticator(*ctx->store, clock, auth_options);
  api::ApiOptions api_options;
  api_options.secure_cookies = options.secure_cookies;
  // The integrations' mapping lookups; the API invalidates a tenant's entry on every write.
  mapping::MappingCache mappings_cache(*ctx->store);
  HttpServer server(api::Services{*ctx->store, authenticator, clock, api_options, &mappings_cache},
                    server_options);
  if (auto bound = server.Bind(); !bound) return Report(bound.error());

  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    spdlog::info("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.Stop();
  });

  const std::string url = fmt::format("http://{}:{}", options.host, server.port());
  std::cout << fmt::format("avni-integrator serving {} (database {})\n", url,
                           ctx->store->display_dsn())
            << fmt::format("  health: {}/health   ready: {}/ready\n", url, url)
            << "  sign in as a user made with: avni-integrator user create --email YOU "
               "--super-admin\n"
            << std::flush;
  server.Serve();

  // Serve returned: either a signal asked for it, or the listener failed. Wake the waiter in
  // the second case so that it can be joined.
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace avni::app
