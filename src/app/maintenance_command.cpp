#include <iostream>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "scheduler/maintenance.hpp"

namespace avni::app {

int RunMaintenance(const GlobalOptions& global, const RetentionPolicy& defaults, int batch_size) {
  auto ctx = OpenContext(global, /*migrate=*/true, 1);
  if (!ctx) return Report(ctx.error());
  const SystemClock clock;
  scheduler::MaintenanceOptions options;
  options.instance = "cli";
  options.defaults = defaults;
  options.batch_size = batch_size;
  scheduler::Maintenance maintenance(*ctx->store, clock, options);
  auto report = maintenance.Purge();
  if (!report) return Report(report.error());
  const auto line = [](std::string_view table, const scheduler::PurgeFigures& f) {
    return fmt::format("  {:<10} {:>10} rows in {} transactions\n", table, f.rows, f.transactions);
  };
  std::cout << fmt::format("purged, over {} tenants:\n", report->tenants)
            << line("runs", report->runs) << line("error_log", report->error_log)
            << line("audit", report->audit) << line("sessions", report->sessions) << std::flush;
  if (report->tenants_with_bad_settings > 0) {
    std::cout << fmt::format(
        "  {} tenants have malformed retention keys (see the log); the defaults applied to them\n",
        report->tenants_with_bad_settings);
  }
  return 0;
}

}  // namespace avni::app
