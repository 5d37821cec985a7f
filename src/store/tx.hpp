#pragma once

#include "domain/ids.hpp"
#include "store/alert_repo.hpp"
#include "store/audit_repo.hpp"
#include "store/config_repo.hpp"
#include "store/credential_repo.hpp"
#include "store/entity_link_repo.hpp"
#include "store/error_repo.hpp"
#include "store/fleet_repo.hpp"
#include "store/job_repo.hpp"
#include "store/mapping_bulk_repo.hpp"
#include "store/mapping_repo.hpp"
#include "store/member_repo.hpp"
#include "store/retention_repo.hpp"
#include "store/run_log_repo.hpp"
#include "store/sync_status_repo.hpp"
#include "store/tenant_repo.hpp"
#include "store/user_repo.hpp"

namespace avni::store {

struct SqlContext;

enum class Backend { kSqlite, kPostgres };

// The repositories of one tenant. Every query they run is scoped to `tenant_id()` in its
// WHERE clause, so a row of another tenant is "not found" whatever id is asked for.
class TenantScope {
 public:
  TenantScope(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  TenantId tenant_id() const { return tenant_; }
  ConfigRepo config() { return ConfigRepo(ctx_, tenant_); }
  MemberRepo members() { return MemberRepo(ctx_, tenant_); }
  MappingRepo mappings() { return MappingRepo(ctx_, tenant_); }
  MappingBulkRepo mapping_bulk() { return MappingBulkRepo(ctx_, tenant_); }
  EntityLinkRepo entity_links() { return EntityLinkRepo(ctx_, tenant_); }
  SyncStatusRepo sync_status() { return SyncStatusRepo(ctx_, tenant_); }
  ErrorRepo errors() { return ErrorRepo(ctx_, tenant_); }
  JobRepo jobs() { return JobRepo(ctx_, tenant_); }
  RunLogRepo run_log() { return RunLogRepo(ctx_, tenant_); }
  AuditRepo audit() { return AuditRepo(ctx_, tenant_); }
  ApiKeyRepo api_keys() { return ApiKeyRepo(ctx_, tenant_); }

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

// One open transaction on one connection; valid only inside Store::Transact / Store::Read.
// Not thread-safe: use it from the thread that was given it.
class Tx {
 public:
  explicit Tx(SqlContext& ctx) : ctx_(ctx) {}

  Backend backend() const;
  TenantRepo tenants() { return TenantRepo(ctx_); }
  UserRepo users() { return UserRepo(ctx_); }
  CredentialRepo credentials() { return CredentialRepo(ctx_); }
  // Audit entries that belong to no tenant (users, tenants themselves).
  AuditRepo global_audit() { return AuditRepo(ctx_, std::nullopt); }
  TenantScope tenant(TenantId id) { return TenantScope(ctx_, id); }
  // Every tenant's jobs, for the scheduler.
  ScheduleRepo schedule() { return ScheduleRepo(ctx_); }
  // Aggregates over every tenant, for /metrics.
  FleetRepo fleet() { return FleetRepo(ctx_); }
  // Every tenant's alert conditions, for the alerter.
  AlertRepo alerts() { return AlertRepo(ctx_); }
  // What the daily maintenance run purges, across tenants.
  RetentionRepo retention() { return RetentionRepo(ctx_); }

 private:
  SqlContext& ctx_;
};

}  // namespace avni::store
