// avni-integrator: the command line. Each subcommand is wired here and implemented in
// commands.cpp / serve.cpp.
#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/commands.hpp"
#include "logging/log_sink.hpp"

namespace {

void AddGlobalOptions(CLI::App& app, avni::app::GlobalOptions& global) {
  app.add_option("--db", global.db,
                 "Database: sqlite:PATH or postgresql://USER[:PASS]@HOST[:PORT]/DB")
      ->envname("AVNI_INT_DB")
      ->capture_default_str();
  app.add_option("--secret-key-file", global.secret_key_file,
                 "Key that encrypts secret config values (created 0600 on first start; "
                 "AVNI_INT_SECRET_KEY overrides it). Default: secret.key beside the SQLite "
                 "file, else var/secret.key")
      ->envname("AVNI_INT_SECRET_KEY_FILE");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error")
      ->envname("AVNI_INT_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
}

// --allow-private-targets and --allowed-targets, which serve and avni check both take.
void AddTargetOptions(CLI::App& command, avni::app::TargetOptions& targets) {
  command
      .add_flag("--allow-private-targets", targets.allow_private,
                "Let outbound calls (tenants' servers, health pings) reach loopback, private, "
                "link-local and other non-public addresses, e.g. Bahmni on the private network")
      ->envname("AVNI_INT_ALLOW_PRIVATE_TARGETS");
  command
      .add_option("--allowed-targets", targets.allowed,
                  "Networks outbound calls may reach although not public, e.g. "
                  "10.0.5.0/24,fd00::/8 (the rest stays refused)")
      ->envname("AVNI_INT_ALLOWED_TARGETS");
}

// The service-wide retention limits, which serve and maintenance both take.
void AddRetentionOptions(CLI::App& command, avni::RetentionPolicy& policy) {
  const auto days = CLI::Range(std::int64_t{1}, avni::kMaxRetentionDays);
  command
      .add_option("--retention-runs-days", policy.runs_days,
                  "Days finished runs are kept (the latest run of each job always is); a "
                  "tenant's retention_runs_days overrides it")
      ->envname("AVNI_INT_RETENTION_RUNS_DAYS")
      ->check(days)
      ->capture_default_str();
  command
      .add_option("--retention-error-log-days", policy.error_log_days,
                  "Days error-record log entries are kept (an open record keeps its latest); "
                  "a tenant's retention_error_log_days overrides it")
      ->envname("AVNI_INT_RETENTION_ERROR_LOG_DAYS")
      ->check(days)
      ->capture_default_str();
  command
      .add_option("--retention-audit-days", policy.audit_days,
                  "Days audit entries are kept; a tenant's retention_audit_days overrides it")
      ->envname("AVNI_INT_RETENTION_AUDIT_DAYS")
      ->check(days)
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  namespace app = avni::app;
  // Logs go to stderr; stdout carries only what a command answers.
  avni::logging::Install(avni::logging::LogFormat::kText, spdlog::level::info);
  CLI::App cli{
      "avni-integrator: keeps Avni and other systems (Bahmni/OpenMRS first) in step, "
      "for many tenants at once."};
  cli.require_subcommand(1);
  cli.footer(
      "Global options (--db, --secret-key-file, --log-level) may also follow the subcommand.");
  cli.fallthrough();  // --db and friends may come after the subcommand too
  app::GlobalOptions global;
  AddGlobalOptions(cli, global);
  int exit_code = 0;

  app::ServeOptions serve_options;
  auto* serve = cli.add_subcommand("serve", "Run the service: HTTP API, /health and /ready");
  serve->add_option("--host", serve_options.host, "Address to listen on")
      ->envname("AVNI_INT_HOST")
      ->capture_default_str();
  serve->add_option("--port", serve_options.port, "Port to listen on (0: any free port)")
      ->envname("AVNI_INT_PORT")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--threads", serve_options.threads, "HTTP worker threads")
      ->envname("AVNI_INT_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--db-pool", serve_options.db_pool, "Database connections")
      ->envname("AVNI_INT_DB_POOL")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve
      ->add_option("--header-timeout", serve_options.header_timeout_seconds,
                   "Seconds a request's header may take in all, from the connection (or the "
                   "first byte of a kept-alive connection's next request)")
      ->envname("AVNI_INT_HEADER_TIMEOUT")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  serve
      ->add_option("--request-timeout", serve_options.request_timeout_seconds,
                   "Seconds a request's header and body may take in all")
      ->envname("AVNI_INT_REQUEST_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      ->add_option("--keep-alive-timeout", serve_options.keep_alive_timeout_seconds,
                   "Seconds a kept-alive connection may idle between requests")
      ->envname("AVNI_INT_KEEP_ALIVE_TIMEOUT")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  serve
      ->add_option("--max-connections-per-address", serve_options.max_connections_per_address,
                   "Connections open at once from one client address (0: no cap; behind a "
                   "reverse proxy every client is the proxy's address)")
      ->envname("AVNI_INT_MAX_CONNECTIONS_PER_ADDRESS")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  serve
      ->add_option("--max-connections", serve_options.max_connections,
                   "Connections open at once in all (kept under the open-file limit)")
      ->envname("AVNI_INT_MAX_CONNECTIONS")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve
      ->add_flag("--secure-cookies", serve_options.secure_cookies,
                 "Mark the session cookie Secure (when served over HTTPS)")
      ->envname("AVNI_INT_SECURE_COOKIES");
  serve
      ->add_option("--session-idle-minutes", serve_options.session_idle_minutes,
                   "A session ends after this long unused")
      ->envname("AVNI_INT_SESSION_IDLE_MINUTES")
      ->check(CLI::Range(1, 60 * 24 * 30))
      ->capture_default_str();
  serve
      ->add_option("--session-max-hours", serve_options.session_max_hours,
                   "A session ends this long after sign-in, used or not")
      ->envname("AVNI_INT_SESSION_MAX_HOURS")
      ->check(CLI::Range(1, 24 * 365))
      ->capture_default_str();
  serve->add_flag("--demo", serve_options.demo,
                  "Also run the Avni and OpenMRS simulators here, with the tenant demo-bahmni "
                  "syncing them every minute (needs --allow-private-targets)");
  bool no_scheduler = false;
  serve->add_flag("--no-scheduler", no_scheduler, "Serve the API only; run no jobs here")
      ->envname("AVNI_INT_NO_SCHEDULER");
  serve
      ->add_option("--instance-id", serve_options.instance_id,
                   "This instance's name in leases and runs (default: host-pid-random)")
      ->envname("AVNI_INT_INSTANCE_ID");
  serve->add_option("--workers", serve_options.workers, "Jobs running at once in this instance")
      ->envname("AVNI_INT_WORKERS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve
      ->add_option("--per-tenant", serve_options.per_tenant,
                   "Jobs of one tenant running at once in this instance")
      ->envname("AVNI_INT_PER_TENANT")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve
      ->add_option("--lease-seconds", serve_options.lease_seconds,
                   "A stopped instance's jobs are taken over after this")
      ->envname("AVNI_INT_LEASE_SECONDS")
      ->check(CLI::Range(2, 3600))
      ->capture_default_str();
  serve
      ->add_option("--pause-after", serve_options.pause_after,
                   "Failed runs in a row that pause a job (0: never)")
      ->envname("AVNI_INT_PAUSE_AFTER")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  serve
      ->add_option("--grace-seconds", serve_options.grace_seconds,
                   "On SIGTERM, how long running jobs get to commit their page")
      ->envname("AVNI_INT_GRACE_SECONDS")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  serve
      ->add_option("--alert-interval", serve_options.alert_interval_seconds,
                   "Seconds between two checks of the tenants' alert conditions (0: no alerts "
                   "from this instance)")
      ->envname("AVNI_INT_ALERT_INTERVAL")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  auto* web_dir =
      serve
          ->add_option("--web-dir", serve_options.web_dir,
                       "The admin web app's build (npm run build in web/), served at / ('': the "
                       "API only)")
          ->envname("AVNI_INT_WEB_DIR")
          ->capture_default_str();
  serve
      ->add_option("--metrics-token", serve_options.metrics_token,
                   "GET /metrics then needs 'Authorization: Bearer <token>' (default: open)")
      ->envname("AVNI_INT_METRICS_TOKEN");
  serve
      ->add_option("--log-format", serve_options.log_format,
                   "text (human-readable lines) or json (one JSON object a line: ts, level, msg, "
                   "and tenant, job and run for a job's lines)")
      ->envname("AVNI_INT_LOG_FORMAT")
      ->capture_default_str();
  AddTargetOptions(*serve, serve_options.targets);
  AddRetentionOptions(*serve, serve_options.retention);
  serve->callback([&] {
    serve_options.web_dir_explicit = web_dir->count() > 0;
    serve_options.scheduler = !no_scheduler;
    exit_code = app::Serve(global, serve_options);
  });

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations and exit");
  migrate->callback([&] { exit_code = app::Migrate(global); });

  avni::RetentionPolicy maintenance_policy;
  int maintenance_batch = 1000;
  auto* maintenance = cli.add_subcommand(
      "maintenance",
      "Purge now what is older than the retention limits (what serve does daily), and exit");
  AddRetentionOptions(*maintenance, maintenance_policy);
  maintenance->add_option("--batch", maintenance_batch, "Rows deleted per transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  maintenance->callback(
      [&] { exit_code = app::RunMaintenance(global, maintenance_policy, maintenance_batch); });

  auto* tenant = cli.add_subcommand("tenant", "Manage tenants (integration systems)");
  tenant->require_subcommand(1);
  std::string tenant_name, tenant_type = "bahmni";
  auto* tenant_create = tenant->add_subcommand("create", "Create a tenant");
  tenant_create->add_option("name", tenant_name, "Unique name, e.g. \"JSS Bahmni\"")->required();
  tenant_create->add_option("--type", tenant_type, "Integration type")->capture_default_str();
  tenant_create->callback([&] { exit_code = app::TenantCreate(global, tenant_name, tenant_type); });
  tenant->add_subcommand("list", "List tenants")->callback([&] {
    exit_code = app::TenantList(global);
  });

  auto* user = cli.add_subcommand("user",
                                  "Manage users (passwords are read from a prompt or "
                                  "standard input, never from the command line)");
  user->require_subcommand(1);
  app::UserCreateOptions user_options;
  auto* user_create = user->add_subcommand("create", "Create a user");
  user_create->add_option("--email", user_options.email, "Sign-in email")->required();
  user_create->add_flag("--super-admin", user_options.super_admin, "May create tenants and users");
  user_create->add_option("--tenant", user_options.tenant,
                          "Also make them a member of this tenant");
  user_create->add_option("--role", user_options.role, "Role in --tenant: admin, editor, viewer")
      ->capture_default_str();
  user_create->callback([&] { exit_code = app::UserCreate(global, user_options); });
  std::string passwd_email;
  auto* user_passwd = user->add_subcommand("passwd", "Set a user's password");
  user_passwd->add_option("--email", passwd_email, "Sign-in email")->required();
  user_passwd->callback([&] { exit_code = app::UserPasswd(global, passwd_email); });

  auto* mappings = cli.add_subcommand("mappings", "Import and export a tenant's mappings as CSV");
  mappings->require_subcommand(1);
  app::MappingsFileOptions mappings_options;
  auto* mappings_import = mappings->add_subcommand(
      "import",
      "Import mappings from a CSV file (header group,type,avni_value,int_system_value,"
      "data_type_hint,about), all or nothing");
  mappings_import->add_option("--tenant", mappings_options.tenant, "The tenant's name")->required();
  mappings_import->add_option("file", mappings_options.file, "The CSV file; - reads standard input")
      ->required();
  mappings_import->add_flag("--dry-run", mappings_options.dry_run,
                            "Check the file and say what would change; write nothing");
  mappings_import->callback([&] { exit_code = app::MappingsImport(global, mappings_options); });
  auto* mappings_export =
      mappings->add_subcommand("export", "Write a tenant's mappings to a CSV file");
  mappings_export->add_option("--tenant", mappings_options.tenant, "The tenant's name")->required();
  mappings_export
      ->add_option("file", mappings_options.file, "The CSV file; - writes standard output")
      ->required();
  mappings_export->callback([&] { exit_code = app::MappingsExport(global, mappings_options); });

  auto* avni = cli.add_subcommand("avni", "Check a tenant's connection to its Avni server");
  avni->require_subcommand(1);
  app::AvniCheckOptions avni_check_options;
  auto* avni_check = avni->add_subcommand(
      "check", "Log in to the tenant's Avni server and read one page of subjects");
  avni_check->add_option("--tenant", avni_check_options.tenant, "The tenant's name")->required();
  avni_check->add_option("--page-size", avni_check_options.page_size, "Subjects to read")
      ->check(CLI::Range(1, 2000))
      ->capture_default_str();
  avni_check->add_option("--timeout", avni_check_options.timeout_seconds, "Seconds per request")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  AddTargetOptions(*avni_check, avni_check_options.targets);
  avni_check->callback([&] { exit_code = app::AvniCheck(global, avni_check_options); });

  auto* bahmni = cli.add_subcommand("bahmni", "Check a tenant's Bahmni (OpenMRS) settings");
  bahmni->require_subcommand(1);
  app::BahmniCheckOptions bahmni_check_options;
  auto* bahmni_check = bahmni->add_subcommand(
      "check",
      "Read the Bahmni settings and mappings, sign in to OpenMRS and look up every uuid they name");
  bahmni_check->add_option("--tenant", bahmni_check_options.tenant, "The tenant's name")
      ->required();
  bahmni_check->add_option("--timeout", bahmni_check_options.timeout_seconds, "Seconds per request")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  AddTargetOptions(*bahmni_check, bahmni_check_options.targets);
  bahmni_check->callback([&] { exit_code = app::BahmniCheck(global, bahmni_check_options); });

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  return exit_code;
}
