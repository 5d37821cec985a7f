#pragma once

#include <string>

#include "app/context.hpp"
#include "domain/retention_policy.hpp"
#include "http/target_policy.hpp"

namespace avni::app {

// Where outbound calls may go (serve, avni check). By default nowhere but public addresses: a
// tenant's admin writes the URLs the service calls and is not trusted with the operator's
// network.
struct TargetOptions {
  bool allow_private = false;  // --allow-private-targets (AVNI_INT_ALLOW_PRIVATE_TARGETS=1)
  std::string allowed;         // --allowed-targets CIDR,... (AVNI_INT_ALLOWED_TARGETS)
};
// The policy the options ask for; a malformed CIDR is kInvalidArgument naming --allowed-targets.
Result<http::TargetPolicy> TargetPolicyOf(const TargetOptions& options);

// Each command returns the process exit code and prints its own result. Failures are one line
// on stderr ("avni-integrator: ..."): what went wrong and how to fix it.
struct ServeOptions {
  std::string log_format = "text";  // or json: see logging::Install
  std::string host = "127.0.0.1";
  int port = 8080;
  int threads = 8;
  int db_pool = 8;
  // The HTTP front's limits (see ServerOptions).
  int header_timeout_seconds = 10;
  int request_timeout_seconds = 60;
  int keep_alive_timeout_seconds = 30;
  int max_connections_per_address = 64;  // 0: no cap
  int max_connections = 4096;
  bool secure_cookies = false;  // set when served behind TLS
  int session_idle_minutes = 8 * 60;
  int session_max_hours = 7 * 24;
  // The scheduler.
  bool scheduler = true;    // --no-scheduler: an API-only instance
  std::string instance_id;  // lease owner; hostname-pid-random when empty
  int workers = 4;          // jobs running at once here
  int per_tenant = 1;       // jobs of one tenant running at once here
  int lease_seconds = 30;   // a dead instance's jobs are taken over after this
  int pause_after = 5;      // failed runs in a row that pause a job (0: never)
  int grace_seconds = 30;   // how long a stop waits for running jobs to commit their page
  TargetOptions targets;    // where the integrations, health pings and alert webhooks may call
  // Seconds between two checks of the alert conditions (README, "Alerts"); 0: none here.
  int alert_interval_seconds = 15;
  // The service-wide retention limits (--retention-*-days); the daily maintenance run, on one
  // instance with a scheduler, purges what is older.
  RetentionPolicy retention;
  // --demo: the Avni and OpenMRS simulators in this process and the tenant "demo-bahmni" wired
  // to them (demo.hpp); needs --allow-private-targets, as they listen on loopback.
  bool demo = false;
  // The admin web app's build, served at `/`; empty: the API only. When the folder is missing,
  // serve goes on without the app (saying so) unless the folder was asked for explicitly.
  std::string web_dir = "web/dist";
  bool web_dir_explicit = false;
  // GET /metrics wants this bearer token when set; open otherwise. Never logged.
  std::string metrics_token;
};
int Serve(const GlobalOptions& global, const ServeOptions& options);
int Migrate(const GlobalOptions& global);
// maintenance_command.cpp: `maintenance` purges now what the daily run would (whether or not
// it is due), prints what it purged per table, and leaves the daily run's schedule alone.
int RunMaintenance(const GlobalOptions& global, const RetentionPolicy& defaults, int batch_size);

int TenantCreate(const GlobalOptions& global, const std::string& name, const std::string& type);
int TenantList(const GlobalOptions& global);

struct UserCreateOptions {
  std::string email;
  bool super_admin = false;
  std::string tenant;  // optional: make the new user a member of this tenant
  std::string role = "admin";
};
int UserCreate(const GlobalOptions& global, const UserCreateOptions& options);
int UserPasswd(const GlobalOptions& global, const std::string& email);

// mapping_commands.cpp: a tenant's mappings as CSV (the form of GET .../mappings/export).
struct MappingsFileOptions {
  std::string tenant;  // the tenant's name
  std::string file;    // "-": standard input (import) or standard output (export)
  bool dry_run = false;
};
// All or nothing. A file with errors prints one line per error ("line N, COLUMN: ...") and
// exits 2 having written nothing; --dry-run reports what would change and writes nothing.
int MappingsImport(const GlobalOptions& global, const MappingsFileOptions& options);
int MappingsExport(const GlobalOptions& global, const MappingsFileOptions& options);

// avni_commands.cpp: `avni check --tenant NAME` reads the tenant's avni_* configuration, logs
// in and reads one page of subjects, printing one line per step. Exit 0 when all work, 2 for a
// configuration to fix (a target the options refuse is one), 1 when Avni cannot be reached or
// refuses the login.
struct AvniCheckOptions {
  std::string tenant;
  int page_size = 20;
  int timeout_seconds = 30;
  TargetOptions targets;
};
int AvniCheck(const GlobalOptions& global, const AvniCheckOptions& options);

// bahmni_commands.cpp: `bahmni check --tenant NAME` reads the tenant's openmrs_* keys, its
// Bahmni constants and single-row mappings (naming every one missing), signs in to OpenMRS and
// asks it for every uuid the settings and mapping rows name (constants, Common and
// PatientSubject rows, encounter types and forms, person attribute types, every Observation /
// Concept row), printing one line per step and one per uuid OpenMRS does not have. Exit 0 when
// all is there, 2 for settings to fix (a target the options refuse is one), 1 when OpenMRS
// cannot be reached or refuses the sign-in.
struct BahmniCheckOptions {
  std::string tenant;
  int timeout_seconds = 30;
  TargetOptions targets;
};
int BahmniCheck(const GlobalOptions& global, const BahmniCheckOptions& options);

// Prints "avni-integrator: MESSAGE" on stderr and returns the exit code for the error's kind:
// 2 for input the user can fix (bad option, bad value), 1 for everything else.
int Report(const Error& error);

}  // namespace avni::app
