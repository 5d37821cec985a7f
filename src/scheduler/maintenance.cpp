#include "scheduler/maintenance.hpp"

#include <functional>
#include <map>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "store/store.hpp"

namespace avni::scheduler {
namespace {

constexpr const char* kTask = "retention";

Timestamp DaysBefore(Timestamp now, std::int64_t days) {
  return now - std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(days));
}

}  // namespace

Maintenance::Maintenance(store::Store& store, const Clock& clock, MaintenanceOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

Maintenance::~Maintenance() { Stop(); }

// `one_batch(tx)` deletes at most batch_size rows in its own transaction; repeated until a
// batch comes back short. When `renew`, each batch also renews the daily run's lease, and a
// lost lease stops the purge (the instance that took it over goes on).
Status Maintenance::PurgeInBatches(
    bool renew, PurgeFigures& figures,
    const std::function<Result<std::int64_t>(store::Tx&)>& one_batch) {
  for (;;) {
    auto deleted = store_.Transact([&](store::Tx& tx) -> Result<std::int64_t> {
      if (renew) {
        auto held = tx.retention().Renew(kTask, options_.instance, options_.lease_ttl);
        if (!held) return Fail(held.error());
        if (!*held) {
          return Fail(Error::Unavailable("the retention run's lease passed to another instance"));
        }
      }
      return one_batch(tx);
    });
    if (!deleted) return Fail(deleted.error());
    ++figures.transactions;
    figures.rows += *deleted;
    if (*deleted < options_.batch_size) return {};
  }
}

Result<RetentionReport> Maintenance::Purge() { return PurgeAll(/*renew=*/false); }

Result<RetentionReport> Maintenance::PurgeAll(bool renew) {
  const int batch = options_.batch_size;
  std::vector<std::string> keys(kRetentionKeys.begin(), kRetentionKeys.end());
  auto listed = store_.Read(
      [&](store::Tx& tx)
          -> Result<std::pair<std::vector<Tenant>, std::vector<store::RetentionSetting>>> {
        auto tenants = tx.tenants().List();
        if (!tenants) return Fail(tenants.error());
        auto settings = tx.retention().ListSettings(keys);
        if (!settings) return Fail(settings.error());
        return std::pair(std::move(*tenants), std::move(*settings));
      });
  if (!listed) return Fail(listed.error());
  std::map<TenantId, TenantConfig::Values> overrides;
  for (auto& s : listed->second) {
    overrides[s.tenant].emplace(std::move(s.key), TenantConfig::Value{std::move(s.value), false});
  }

  RetentionReport report;
  const Timestamp now = clock_.Now();
  for (const Tenant& tenant : listed->first) {
    ++report.tenants;
    auto found = overrides.find(tenant.id);
    auto policy = found == overrides.end()
                      ? Result<RetentionPolicy>(options_.defaults)
                      : RetentionPolicyOf(TenantConfig(found->second), options_.defaults);
    if (!policy) {
      // The config API refuses such values; one stored before that check still must not stop
      // the purge, nor shorten what the tenant keeps.
      spdlog::warn("retention: tenant {}: {}; using the service defaults", tenant.name,
                   policy.error().message);
      ++report.tenants_with_bad_settings;
      policy = options_.defaults;
    }
    const TenantId id = tenant.id;
    const Timestamp runs_cutoff = DaysBefore(now, policy->runs_days);
    const Timestamp log_cutoff = DaysBefore(now, policy->error_log_days);
    const Timestamp audit_cutoff = DaysBefore(now, policy->audit_days);
    if (auto ok = PurgeInBatches(
            renew, report.runs,
            [&](store::Tx& tx) { return tx.retention().PurgeRuns(id, runs_cutoff, batch); });
        !ok) {
      return Fail(ok.error());
    }
    if (auto ok = PurgeInBatches(
            renew, report.error_log,
            [&](store::Tx& tx) { return tx.retention().PurgeErrorLog(id, log_cutoff, batch); });
        !ok) {
      return Fail(ok.error());
    }
    if (auto ok = PurgeInBatches(
            renew, report.audit,
            [&](store::Tx& tx) { return tx.retention().PurgeAudit(id, audit_cutoff, batch); });
        !ok) {
      return Fail(ok.error());
    }
  }
  // Entries of no tenant (users, tenants themselves) keep the service-wide audit limit.
  const Timestamp global_cutoff = DaysBefore(now, options_.defaults.audit_days);
  if (auto ok = PurgeInBatches(renew, report.audit,
                               [&](store::Tx& tx) {
                                 return tx.retention().PurgeAudit(std::nullopt, global_cutoff,
                                                                  batch);
                               });
      !ok) {
    return Fail(ok.error());
  }
  if (auto ok =
          PurgeInBatches(renew, report.sessions,
                         [&](store::Tx& tx) { return tx.retention().PurgeSessions(now, batch); });
      !ok) {
    return Fail(ok.error());
  }
  spdlog::info(
      "retention: purged {} runs, {} error log entries, {} audit entries, {} expired sessions "
      "({} tenants, {} transactions)",
      report.runs.rows, report.error_log.rows, report.audit.rows, report.sessions.rows,
      report.tenants,
      report.runs.transactions + report.error_log.transactions + report.audit.transactions +
          report.sessions.transactions);
  return report;
}

Result<std::optional<RetentionReport>> Maintenance::RunIfDue() {
  const Timestamp started = clock_.Now();
  auto claimed = store_.Transact([&](store::Tx& tx) {
    return tx.retention().TryClaim(kTask, options_.instance, options_.every, options_.lease_ttl);
  });
  if (!claimed) return Fail(claimed.error());
  if (!*claimed) return std::optional<RetentionReport>();
  auto report = PurgeAll(/*renew=*/true);
  if (!report) {
    // The lease expires by itself and another attempt follows; the last run stays as it was.
    return Fail(report.error());
  }
  auto finished = store_.Transact(
      [&](store::Tx& tx) { return tx.retention().Finish(kTask, options_.instance, started); });
  if (!finished) return Fail(finished.error());
  return std::optional<RetentionReport>(std::move(*report));
}

void Maintenance::Start() {
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      try {
        if (auto ran = RunIfDue(); !ran) {
          spdlog::warn("retention: the daily purge failed, to be tried again: {}",
                       ran.error().message);
        }
      } catch (const std::exception& e) {
        spdlog::error("retention: the daily purge failed, to be tried again: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, options_.poll, [this] { return stopping_; });
    }
  });
}

void Maintenance::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace avni::scheduler
