// The cross-tenant aggregates of /metrics: one statement each.
#include "store/fleet_repo.hpp"

#include "store/sql/sql_context.hpp"

namespace avni::store {

Result<std::vector<CursorAge>> FleetRepo::CursorAges() {
  struct Row {
    std::string tenant, entity_type;
    NullableInt64 read_upto_time;
    long long updated_at = 0;
    void Bind(soci::statement& st) {
      st.exchange(soci::into(tenant));
      st.exchange(soci::into(entity_type));
      st.exchange(soci::into(read_upto_time.value, read_upto_time.ind));
      st.exchange(soci::into(updated_at));
    }
  };
  std::vector<CursorAge> out;
  for (const auto& row :
       QueryAll<Row>(ctx_.sql,
                     "SELECT tenants.name, sync_status.entity_type, sync_status.read_upto_time, "
                     "sync_status.updated_at FROM sync_status JOIN tenants ON tenants.id = "
                     "sync_status.tenant_id ORDER BY tenants.name, sync_status.entity_type")) {
    const auto time = row.read_upto_time.get();
    out.push_back(CursorAge{row.tenant, row.entity_type,
                            time ? std::optional<Timestamp>(AtMillis(*time)) : std::nullopt,
                            AtMillis(row.updated_at)});
  }
  return out;
}

Result<std::vector<OpenErrorCount>> FleetRepo::OpenErrorCounts() {
  struct Row {
    std::string tenant;
    NullableText error_type;
    long long count = 0;
    void Bind(soci::statement& st) {
      st.exchange(soci::into(tenant));
      st.exchange(soci::into(error_type.value, error_type.ind));
      st.exchange(soci::into(count));
    }
  };
  std::vector<OpenErrorCount> out;
  for (const auto& row : QueryAll<Row>(
           ctx_.sql,
           "SELECT tenants.name, error_types.name, COUNT(*) FROM error_records JOIN tenants ON "
           "tenants.id = error_records.tenant_id LEFT JOIN error_types ON "
           "error_types.tenant_id = error_records.tenant_id AND error_types.id = "
           "error_records.error_type_id GROUP BY tenants.name, error_types.name "
           "ORDER BY tenants.name, error_types.name")) {
    out.push_back(OpenErrorCount{row.tenant, row.error_type.get(), row.count});
  }
  return out;
}

Result<std::vector<JobPauseState>> FleetRepo::JobPauses() {
  struct Row {
    std::string tenant, job;
    int paused = 0;
    void Bind(soci::statement& st) {
      st.exchange(soci::into(tenant));
      st.exchange(soci::into(job));
      st.exchange(soci::into(paused));
    }
  };
  std::vector<JobPauseState> out;
  for (const auto& row :
       QueryAll<Row>(ctx_.sql,
                     "SELECT tenants.name, jobs.name, jobs.paused FROM jobs JOIN tenants ON "
                     "tenants.id = jobs.tenant_id ORDER BY tenants.name, jobs.name")) {
    out.push_back(JobPauseState{row.tenant, row.job, row.paused != 0});
  }
  return out;
}

}  // namespace avni::store
