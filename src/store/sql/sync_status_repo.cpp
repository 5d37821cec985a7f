#include "store/sync_status_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxEntityType = 200;

constexpr const char* kSelect =
    "SELECT tenant_id, entity_type, read_upto_time, read_upto_id, read_upto_numeric, "
    "read_upto_marker, updated_at FROM sync_status ";

struct StatusRow {
  long long tenant_id = 0;
  std::string entity_type;
  NullableInt64 read_upto_time;
  std::string read_upto_id;
  NullableInt64 read_upto_numeric;
  NullableText read_upto_marker;
  long long updated_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(entity_type));
    st.exchange(soci::into(read_upto_time.value, read_upto_time.ind));
    st.exchange(soci::into(read_upto_id));
    st.exchange(soci::into(read_upto_numeric.value, read_upto_numeric.ind));
    st.exchange(soci::into(read_upto_marker.value, read_upto_marker.ind));
    st.exchange(soci::into(updated_at));
  }
  SyncStatus ToStatus() const {
    SyncStatus s;
    s.tenant_id = TenantId{tenant_id};
    s.entity_type = entity_type;
    if (auto t = read_upto_time.get()) s.read_upto_time = AtMillis(*t);
    s.read_upto_id = read_upto_id;
    s.read_upto_numeric = read_upto_numeric.get();
    s.read_upto_marker = read_upto_marker.get();
    s.updated_at = AtMillis(updated_at);
    return s;
  }
};

struct LockRow {
  long long tenant_id = 0;
  std::string entity_type, owner;
  long long acquired_at = 0, expires_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(entity_type));
    st.exchange(soci::into(owner));
    st.exchange(soci::into(acquired_at));
    st.exchange(soci::into(expires_at));
  }
};

constexpr std::size_t kMaxOwner = 200;

Status CheckLockArguments(std::string_view entity_type, std::string_view owner,
                          std::chrono::milliseconds ttl) {
  if (auto ok = CheckText("entity_type", entity_type, kMaxEntityType); !ok) return ok;
  if (auto ok = CheckText("owner", owner, kMaxOwner); !ok) return ok;
  if (ttl.count() <= 0) {
    return Fail(Error::InvalidArgument(
        "ttl", fmt::format("the lock's ttl must be positive, not {} ms", ttl.count())));
  }
  return {};
}

}  // namespace

Result<std::optional<SyncStatus>> SyncStatusRepo::Get(std::string_view entity_type) {
  auto row = QueryOne<StatusRow>(
      ctx_.sql, std::string(kSelect) + "WHERE tenant_id = :tenant AND entity_type = :type",
      tenant_.value, std::string(entity_type));
  if (!row) return std::optional<SyncStatus>();
  return std::optional<SyncStatus>(row->ToStatus());
}

Result<std::vector<SyncStatus>> SyncStatusRepo::List() {
  std::vector<SyncStatus> out;
  for (const auto& row : QueryAll<StatusRow>(
           ctx_.sql, std::string(kSelect) + "WHERE tenant_id = :tenant ORDER BY entity_type",
           tenant_.value)) {
    out.push_back(row.ToStatus());
  }
  return out;
}

Result<SyncStatus> SyncStatusRepo::Put(const SyncStatus& status) {
  if (auto ok = CheckText("entity_type", status.entity_type, kMaxEntityType); !ok) {
    return Fail(ok.error());
  }
  if (!status.read_upto_time && !status.read_upto_numeric && !status.read_upto_marker) {
    return Fail(Error::InvalidArgument(
        "read_upto", fmt::format("the watermark of {} needs a read_upto time, number or marker",
                                 status.entity_type)));
  }
  // Named locals: SOCI binds by reference and runs the statement after the full expression.
  long long tenant = tenant_.value;
  std::string entity_type = status.entity_type;
  std::string read_upto_id = status.read_upto_id;
  NullableInt64 time, numeric;
  NullableText marker;
  if (status.read_upto_time) time = {Millis(*status.read_upto_time), soci::i_ok};
  if (status.read_upto_numeric) numeric = {*status.read_upto_numeric, soci::i_ok};
  if (status.read_upto_marker) marker = {*status.read_upto_marker, soci::i_ok};
  long long now = ctx_.NowMillis();
  // A whole replacement: the forms not set now are cleared, so a flow that changes its form
  // of cursor never reads a stale one.
  ctx_.sql << "INSERT INTO sync_status (tenant_id, entity_type, read_upto_time, read_upto_id, "
              "read_upto_numeric, read_upto_marker, updated_at) VALUES (:tenant, :type, :time, "
              ":id, :numeric, :marker, :now) ON CONFLICT (tenant_id, entity_type) DO UPDATE SET "
              "read_upto_time = excluded.read_upto_time, read_upto_id = excluded.read_upto_id, "
              "read_upto_numeric = excluded.read_upto_numeric, "
              "read_upto_marker = excluded.read_upto_marker, updated_at = excluded.updated_at",
      soci::use(tenant), soci::use(entity_type), soci::use(time.value, time.ind),
      soci::use(read_upto_id), soci::use(numeric.value, numeric.ind),
      soci::use(marker.value, marker.ind), soci::use(now);
  auto stored = Get(status.entity_type);
  if (!stored) return Fail(stored.error());
  if (!*stored) {
    return Fail(Error::Internal(
        fmt::format("the watermark of {} vanished after it was written", status.entity_type)));
  }
  return std::move(**stored);
}

Status SyncStatusRepo::Remove(std::string_view entity_type) {
  if (Exec(ctx_.sql, "DELETE FROM sync_status WHERE tenant_id = :tenant AND entity_type = :type",
           tenant_.value, std::string(entity_type)) == 0) {
    return Fail(
        Error::NotFound(fmt::format("no watermark for {}; nothing to remove", entity_type)));
  }
  return {};
}

Result<bool> SyncStatusRepo::TryLock(std::string_view entity_type, std::string_view owner,
                                     std::chrono::milliseconds ttl) {
  if (auto ok = CheckLockArguments(entity_type, owner, ttl); !ok) return Fail(ok.error());
  // Asked first so that an unknown tenant is not_found rather than a foreign-key failure,
  // which would also spoil the rest of a PostgreSQL transaction.
  if (auto ok = CheckTenantExists(ctx_, tenant_); !ok) return Fail(ok.error());
  const long long now = ctx_.NowMillis();
  // The approach of JobRepo::TryAcquire: one statement inserts the row when absent, takes it
  // over when expired, extends it when already owner's, and leaves it alone otherwise.
  // PostgreSQL locks the conflicting row before evaluating the WHERE and SQLite holds the
  // write lock for the whole transaction, so the changed-row count says whether owner holds
  // the lock now. An owner extending its own live lock keeps its acquired_at.
  const long long changed = Exec(
      ctx_.sql,
      "INSERT INTO flow_locks (tenant_id, entity_type, owner, acquired_at, expires_at) VALUES "
      "(:tenant, :type, :owner, :now, :expires) ON CONFLICT (tenant_id, entity_type) DO UPDATE "
      "SET owner = excluded.owner, acquired_at = CASE WHEN flow_locks.owner = excluded.owner "
      "AND flow_locks.expires_at > :now2 THEN flow_locks.acquired_at ELSE excluded.acquired_at "
      "END, expires_at = excluded.expires_at "
      "WHERE flow_locks.owner = excluded.owner OR flow_locks.expires_at <= :now3",
      tenant_.value, std::string(entity_type), std::string(owner), now, now + ttl.count(), now,
      now);
  return changed > 0;
}

Result<bool> SyncStatusRepo::RenewLock(std::string_view entity_type, std::string_view owner,
                                       std::chrono::milliseconds ttl) {
  if (auto ok = CheckLockArguments(entity_type, owner, ttl); !ok) return Fail(ok.error());
  const long long now = ctx_.NowMillis();
  return Exec(ctx_.sql,
              "UPDATE flow_locks SET expires_at = :expires WHERE tenant_id = :tenant AND "
              "entity_type = :type AND owner = :owner AND expires_at > :now",
              now + ttl.count(), tenant_.value, std::string(entity_type), std::string(owner),
              now) > 0;
}

Status SyncStatusRepo::Unlock(std::string_view entity_type, std::string_view owner) {
  Exec(ctx_.sql,
       "DELETE FROM flow_locks WHERE tenant_id = :tenant AND entity_type = :type AND "
       "owner = :owner",
       tenant_.value, std::string(entity_type), std::string(owner));
  return {};
}

Result<std::optional<FlowLock>> SyncStatusRepo::GetLock(std::string_view entity_type) {
  auto row = QueryOne<LockRow>(ctx_.sql,
                               "SELECT tenant_id, entity_type, owner, acquired_at, expires_at "
                               "FROM flow_locks WHERE tenant_id = :tenant AND entity_type = :type",
                               tenant_.value, std::string(entity_type));
  if (!row) return std::optional<FlowLock>();
  return std::optional<FlowLock>(FlowLock{TenantId{row->tenant_id}, row->entity_type, row->owner,
                                          AtMillis(row->acquired_at), AtMillis(row->expires_at)});
}

}  // namespace avni::store
