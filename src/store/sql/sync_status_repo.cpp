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

}  // namespace avni::store
