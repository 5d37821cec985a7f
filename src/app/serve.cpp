#include <pthread.h>
#include <csignal>

#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "alerts/alerter.hpp"
#include "api/http_server.hpp"
#include "api/web_assets.hpp"
#include "app/commands.hpp"
#include "app/demo.hpp"
#include "auth/authenticator.hpp"
#include "crypto/password.hpp"
#include "http/client.hpp"
#include "integrations/registry.hpp"
#include "logging/log_sink.hpp"
#include "mapping/mapping_cache.hpp"
#include "metrics/service_metrics.hpp"
#include "scheduler/flow_runner.hpp"
#include "scheduler/maintenance.hpp"
#include "scheduler/scheduler.hpp"

namespace avni::app {
namespace {

std::string DefaultInstanceId() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return fmt::format("{}-{}-{}", host[0] ? host : "host", getpid(), NewToken().substr(0, 6));
}

// Every connection is an open file: the soft limit (often 1024) goes up to the hard one, so
// that --max-connections can be met where the system allows it.
void RaiseOpenFileLimit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= files.rlim_max) return;
  files.rlim_cur = files.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &files) != 0) {
    spdlog::warn("cannot raise the open-file limit to {}", files.rlim_max);
  }
}

}  // namespace

int Serve(const GlobalOptions& global, const ServeOptions& options) {
  // Signals are blocked in every thread and taken by one waiting thread, so that SIGTERM and
  // SIGINT stop the server cleanly instead of interrupting whatever thread they hit.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto log_format = logging::ParseLogFormat(options.log_format);
  if (!log_format) return Report(log_format.error());
  logging::Install(*log_format, spdlog::level::from_str(global.log_level));

  auto targets = TargetPolicyOf(options.targets);
  if (!targets) return Report(targets.error());
  if (options.request_timeout_seconds < options.header_timeout_seconds) {
    return Report(Error::InvalidArgument(
        "request-timeout",
        fmt::format("--request-timeout ({} s) covers the header too: make it at least "
                    "--header-timeout ({} s)",
                    options.request_timeout_seconds, options.header_timeout_seconds)));
  }
  if (options.demo && !targets->allow_private) {
    return Report(Error::InvalidArgument(
        "demo", "--demo runs its simulators on loopback: add --allow-private-targets"));
  }
  auto ctx = OpenContext(global, /*migrate=*/true, static_cast<std::size_t>(options.db_pool));
  if (!ctx) return Report(ctx.error());
  std::unique_ptr<Demo> demo;
  if (options.demo) {
    auto started = StartDemo(*ctx->store);
    if (!started) return Report(started.error());
    demo = std::move(*started);
  }
  RaiseOpenFileLimit();

  ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = options.threads;
  server_options.header_timeout = std::chrono::seconds(options.header_timeout_seconds);
  server_options.request_timeout = std::chrono::seconds(options.request_timeout_seconds);
  server_options.keep_alive_timeout = std::chrono::seconds(options.keep_alive_timeout_seconds);
  server_options.max_connections_per_address = options.max_connections_per_address;
  server_options.max_connections = options.max_connections;
  const SystemClock clock;
  auth::AuthOptions auth_options;
  auth_options.session_idle = std::chrono::minutes(options.session_idle_minutes);
  auth_options.session_max = std::chrono::hours(options.session_max_hours);
  auth::Authenticator authenticator(*ctx->store, clock, auth_options);
  api::ApiOptions api_options;
  api_options.secure_cookies = options.secure_cookies;
  api_options.targets = *targets;
  api_options.metrics_token = options.metrics_token;
  metrics::ServiceMetrics service_metrics(*ctx->store, clock);
  // The integrations' mapping lookups; the API invalidates a tenant's entry on every write.
  mapping::MappingCache mappings_cache(*ctx->store);
  std::optional<api::WebAssets> web;
  if (!options.web_dir.empty()) {
    auto loaded = api::WebAssets::Load(options.web_dir);
    if (loaded) {
      web = std::move(*loaded);
    } else if (options.web_dir_explicit) {
      return Report(loaded.error());
    } else {
      spdlog::warn("the admin app is not served: {}", loaded.error().message);
    }
  }
  api::Services api_services{*ctx->store, authenticator, clock, api_options, &mappings_cache};
  api_services.web_assets = web ? &*web : nullptr;
  api_services.metrics = &service_metrics;
  HttpServer server(api_services, server_options);
  if (auto bound = server.Bind(); !bound) return Report(bound.error());

  const std::string instance =
      options.instance_id.empty() ? DefaultInstanceId() : options.instance_id;
  const auto lease = std::chrono::seconds(options.lease_seconds);
  http::ClientOptions http_options;
  http_options.targets = *targets;
  auto registry = integrations::MakeRegistry(
      integrations::Services{*ctx->store, clock, mappings_cache, http_options});
  scheduler::FlowJobRunner runner(*ctx->store, clock, registry, instance, lease, &service_metrics);
  scheduler::SchedulerOptions scheduler_options;
  scheduler_options.instance = instance;
  scheduler_options.workers = options.workers;
  scheduler_options.per_tenant = options.per_tenant;
  scheduler_options.lease_ttl = lease;
  scheduler_options.heartbeat = lease / 3;
  scheduler_options.pause_after = options.pause_after;
  scheduler_options.ping = scheduler::HttpPinger(*targets);
  scheduler_options.metrics = &service_metrics;
  scheduler::Scheduler scheduler(*ctx->store, clock, runner, scheduler_options);
  if (options.scheduler) {
    service_metrics.SetWorkerProbe([&scheduler] { return scheduler.running(); }, options.workers);
    scheduler.Start();
  }
  // Alerts are checked and sent on their own threads: a run never waits for a webhook.
  alerts::WebhookOptions webhook_options;
  webhook_options.targets = *targets;
  alerts::WebhookSender webhooks(webhook_options);
  alerts::Alerter alerter(*ctx->store, clock, webhooks,
                          {std::chrono::seconds(options.alert_interval_seconds), instance});
  if (options.alert_interval_seconds > 0) alerter.Start();
  // The daily retention purge, on one instance of those sharing the database (a row lease).
  scheduler::MaintenanceOptions maintenance_options;
  maintenance_options.instance = instance;
  maintenance_options.defaults = options.retention;
  scheduler::Maintenance maintenance(*ctx->store, clock, maintenance_options);
  if (options.scheduler) maintenance.Start();

  // The first signal stops gracefully; a second one while that goes on stops at once: every
  // page committed so far stays, the rest is read again by the next run.
  std::atomic<bool> done{false};
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (done.load()) return;
    spdlog::info("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server.Stop();
    sigwait(&stop_signals, &sig);
    if (done.load()) return;
    spdlog::warn("received a second signal: stopping now, without waiting for running jobs");
    std::_Exit(1);
  });

  const std::string url = fmt::format("http://{}:{}", options.host, server.port());
  std::cout << fmt::format("avni-integrator serving {} (database {})\n", url,
                           ctx->store->display_dsn())
            << (web ? fmt::format("  admin app: {}/ ({} files, {} KiB)\n", url, web->file_count(),
                                  web->total_bytes() / 1024)
                    : std::string("  admin app: not served (see --web-dir)\n"))
            << fmt::format("  health: {}/health   ready: {}/ready\n", url, url)
            << "  sign in as a user made with: avni-integrator user create --email YOU "
               "--super-admin\n"
            << std::flush;
  if (options.scheduler)
    std::cout << fmt::format("  scheduler: instance {}\n", instance) << std::flush;
  if (demo) {
    std::cout << fmt::format(
                     "  demo: tenant {} syncs the Avni simulator (http://127.0.0.1:{}) and the "
                     "OpenMRS simulator (http://127.0.0.1:{}) every minute; README, \"The demo\"\n",
                     kDemoTenant, demo->avni_port, demo->openmrs_port)
              << std::flush;
  }
  if (targets->allow_private) {
    spdlog::info("outbound calls may reach private addresses (--allow-private-targets)");
  } else if (!targets->allowed.empty()) {
    std::string networks;
    for (const auto& cidr : targets->allowed)
      networks += (networks.empty() ? "" : ",") + cidr.ToString();
    spdlog::info("outbound calls may reach public addresses and {} (--allowed-targets)", networks);
  }
  server.Serve();

  // Serve returned: a signal asked for it, or the listener failed. Running jobs finish their
  // page and release their leases; then wake the waiter so that it can be joined.
  maintenance.Stop();
  if (!scheduler.Stop(std::chrono::seconds(options.grace_seconds))) {
    spdlog::warn("jobs still running after {} s; their leases expire by themselves",
                 options.grace_seconds);
    done.store(true);
    pthread_kill(signal_waiter.native_handle(), SIGTERM);
    signal_waiter.join();
    std::_Exit(1);
  }
  done.store(true);
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace avni::app
