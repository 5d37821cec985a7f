// The scheduler's cross-tenant side of the jobs table: the schedules, their revisions, and the
// claims of due jobs in batches.
#include <fmt/format.h>

#include <map>
#include <set>

#include "store/job_repo.hpp"
#include "store/sql/job_rows.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

using job_sql::JobRow;

constexpr std::size_t kMaxOwner = 200;

struct ScheduledRow {
  JobRow job;
  std::string tenant_name, tenant_type;
  int tenant_active = 1;
  void Bind(soci::statement& st) {
    job.Bind(st);
    st.exchange(soci::into(tenant_name));
    st.exchange(soci::into(tenant_type));
    st.exchange(soci::into(tenant_active));
  }
};

struct IdRow {
  long long id = 0;
  void Bind(soci::statement& st) { st.exchange(soci::into(id)); }
};

struct PairRow {
  long long a = 0, b = 0;
  void Bind(soci::statement& st) {
    st.exchange(soci::into(a));
    st.exchange(soci::into(b));
  }
};

struct LiveLeaseRow {
  long long tenant_id = 0, job_id = 0;
  std::string owner;
  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(job_id));
    st.exchange(soci::into(owner));
  }
};

struct FireRow {
  long long id = 0, tenant_id = 0;
  NullableInt64 last_fire_at;
  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(last_fire_at.value, last_fire_at.ind));
  }
};

const std::string kSelectScheduled = std::string("SELECT ") + job_sql::kJobColumns +
                                     ", tenants.name, tenants.type, tenants.active FROM jobs "
                                     "JOIN tenants ON tenants.id = jobs.tenant_id ";

// Lists of ids travel as one bound parameter, a JSON array of integers ("[1,2,3]"), so that a
// batch is one statement with bound values on both backends.
std::string IdArray(const std::vector<long long>& ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

// "column is one of the array's ids", probing the column's index once per id.
std::string IdIn(Backend backend, std::string_view column, std::string_view param) {
  if (backend == Backend::kSqlite) {
    return fmt::format("{} IN (SELECT value FROM json_each({}))", column, param);
  }
  return fmt::format(
      "{} = ANY(ARRAY(SELECT CAST(jsonb_array_elements_text(CAST({} AS jsonb)) AS BIGINT)))",
      column, param);
}

// A JSON array of [a, b] integer pairs as a table with columns a and b.
std::string PairTable(Backend backend, std::string_view param) {
  if (backend == Backend::kSqlite) {
    return fmt::format(
        "(SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b FROM "
        "json_each({}))",
        param);
  }
  return fmt::format(
      "(SELECT CAST(r ->> 0 AS BIGINT) AS a, CAST(r ->> 1 AS BIGINT) AS b FROM "
      "jsonb_array_elements(CAST({} AS jsonb)) AS r)",
      param);
}

std::string PairArray(const std::vector<std::pair<long long, long long>>& pairs) {
  std::string out = "[";
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("[{},{}]", pairs[i].first, pairs[i].second);
  }
  return out + "]";
}

std::vector<ScheduledJob> ToScheduled(const std::vector<ScheduledRow>& rows) {
  std::vector<ScheduledJob> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(
        ScheduledJob{row.job.ToJob(), row.tenant_name, row.tenant_type, row.tenant_active != 0});
  }
  return out;
}

}  // namespace

Result<std::vector<ScheduledJob>> ScheduleRepo::ListJobs() {
  return ToScheduled(
      QueryAll<ScheduledRow>(ctx_.sql, kSelectScheduled + "ORDER BY jobs.tenant_id, jobs.name"));
}

Result<std::vector<ScheduledJob>> ScheduleRepo::ListJobs(const std::vector<TenantId>& tenants) {
  if (tenants.empty()) return std::vector<ScheduledJob>{};
  std::vector<long long> ids;
  ids.reserve(tenants.size());
  for (TenantId t : tenants) ids.push_back(t.value);
  return ToScheduled(QueryAll<ScheduledRow>(ctx_.sql,
                                            kSelectScheduled + "WHERE " +
                                                IdIn(ctx_.backend, "jobs.tenant_id", ":tenants") +
                                                " ORDER BY jobs.tenant_id, jobs.name",
                                            IdArray(ids)));
}

Result<std::vector<ScheduleRevision>> ScheduleRepo::ListRevisions() {
  std::vector<ScheduleRevision> out;
  for (const auto& row : QueryAll<PairRow>(
           ctx_.sql, "SELECT tenant_id, revision FROM schedule_revisions ORDER BY tenant_id")) {
    out.push_back(ScheduleRevision{TenantId{row.a}, row.b});
  }
  return out;
}

Result<std::vector<RowId>> ScheduleRepo::ClaimDue(std::string_view owner,
                                                  std::chrono::milliseconds ttl,
                                                  const std::vector<ClaimCandidate>& candidates,
                                                  int limit, std::vector<RowId>* taken_over) {
  if (auto ok = CheckText("owner", owner, kMaxOwner); !ok) return Fail(ok.error());
  if (ttl.count() <= 0) return Fail(Error::InvalidArgument("ttl", "ttl must be positive"));
  if (candidates.empty() || limit <= 0) return std::vector<RowId>{};
  const Backend backend = ctx_.backend;
  const long long now = ctx_.NowMillis();
  const long long expires = now + ttl.count();

  std::vector<long long> tenant_ids, job_ids;
  for (const auto& c : candidates) {
    tenant_ids.push_back(c.tenant.value);
    job_ids.push_back(c.job_id);
  }
  // The tenants this transaction may claim for. PostgreSQL: their rows locked, so that the
  // live-lease check below sees any lease another instance is taking; a tenant another
  // transaction holds is skipped rather than waited for. SQLite holds the database's write
  // lock for the whole transaction already.
  std::set<long long> tenants;
  for (const auto& row : QueryAll<IdRow>(
           ctx_.sql,
           "SELECT id FROM tenants WHERE " + IdIn(backend, "id", ":tenants") +
               (backend == Backend::kPostgres ? " ORDER BY id FOR UPDATE SKIP LOCKED" : ""),
           IdArray(tenant_ids))) {
    tenants.insert(row.id);
  }
  if (tenants.empty()) return std::vector<RowId>{};
  const std::string locked = IdArray(std::vector<long long>(tenants.begin(), tenants.end()));
  std::map<long long, std::vector<LiveLeaseRow>> live;  // by tenant
  for (const auto& row :
       QueryAll<LiveLeaseRow>(ctx_.sql,
                              "SELECT tenant_id, job_id, owner FROM leases WHERE " +
                                  IdIn(backend, "tenant_id", ":tenants") + " AND expires_at > :now",
                              locked, now)) {
    live[row.tenant_id].push_back(row);
  }
  std::map<long long, FireRow> jobs;
  for (const auto& row : QueryAll<FireRow>(
           ctx_.sql,
           "SELECT id, tenant_id, last_fire_at FROM jobs WHERE " + IdIn(backend, "id", ":jobs"),
           IdArray(job_ids))) {
    jobs.emplace(row.id, row);
  }

  std::vector<const ClaimCandidate*> chosen;
  std::set<long long> chosen_tenants;
  for (const auto& c : candidates) {
    if (static_cast<int>(chosen.size()) >= limit) break;
    if (!tenants.contains(c.tenant.value) || chosen_tenants.contains(c.tenant.value)) continue;
    auto job = jobs.find(c.job_id);
    if (job == jobs.end() || job->second.tenant_id != c.tenant.value) continue;
    bool blocked = false;
    for (const auto& lease : live[c.tenant.value]) {
      // Another job of the tenant runs somewhere, or this one does for another owner.
      if (lease.job_id != c.job_id || lease.owner != owner) blocked = true;
    }
    if (blocked) continue;
    const auto last = job->second.last_fire_at.get();
    if (c.fire && last && *last >= Millis(*c.fire)) continue;
    chosen.push_back(&c);
    chosen_tenants.insert(c.tenant.value);
  }
  if (chosen.empty()) return std::vector<RowId>{};

  std::vector<std::pair<long long, long long>> leases;  // (tenant, job)
  for (const auto* c : chosen) leases.emplace_back(c->tenant.value, c->job_id);
  const std::string claimed_tenants =
      IdArray(std::vector<long long>(chosen_tenants.begin(), chosen_tenants.end()));
  // Runs still marked running whose job holds no live lease lost their instance (it died, or
  // stalled past its lease): end them now, before this claim's own leases are live, so that
  // the run records never show two of a tenant's runs at once.
  Exec(ctx_.sql,
       "UPDATE runs SET status = 'failed', finished_at = :now, message = :message WHERE " +
           IdIn(backend, "tenant_id", ":tenants") +
           " AND status = 'running' AND NOT EXISTS (SELECT 1 FROM leases WHERE "
           "leases.tenant_id = runs.tenant_id AND leases.job_id = runs.job_id AND "
           "leases.expires_at > :now2)",
       now,
       std::string("abandoned: the instance running it stopped before the run ended; the next "
                   "run goes on from the committed cursor"),
       claimed_tenants, now);
  std::set<long long> expired_elsewhere;  // another owner's lease, expired: taken over below
  if (taken_over != nullptr) {
    for (const auto& row :
         QueryAll<IdRow>(ctx_.sql,
                         "SELECT job_id FROM leases WHERE " + IdIn(backend, "job_id", ":jobs") +
                             " AND owner <> :owner AND expires_at <= :now",
                         IdArray([&] {
                           std::vector<long long> ids;
                           for (const auto* c : chosen) ids.push_back(c->job_id);
                           return ids;
                         }()),
                         std::string(owner), now)) {
      expired_elsewhere.insert(row.id);
    }
  }
  // As TryAcquire, for the whole batch: inserted when absent, taken over when expired,
  // extended when already owner's (keeping its acquired_at), left alone otherwise.
  Exec(ctx_.sql,
       "INSERT INTO leases (tenant_id, job_id, owner, acquired_at, expires_at) SELECT a, b, "
       "CAST(:owner AS TEXT), CAST(:now AS BIGINT), CAST(:expires AS BIGINT) FROM " +
           PairTable(backend, ":leases") +
           " AS v WHERE TRUE ON CONFLICT (tenant_id, job_id) DO UPDATE SET owner = "
           "excluded.owner, acquired_at = CASE WHEN leases.owner = excluded.owner AND "
           "leases.expires_at > :now2 THEN leases.acquired_at ELSE excluded.acquired_at END, "
           "expires_at = excluded.expires_at WHERE leases.owner = excluded.owner OR "
           "leases.expires_at <= :now3",
       std::string(owner), now, expires, PairArray(leases), now, now);
  std::vector<long long> chosen_jobs;
  for (const auto* c : chosen) chosen_jobs.push_back(c->job_id);
  std::set<long long> held;
  for (const auto& row :
       QueryAll<IdRow>(ctx_.sql,
                       "SELECT job_id FROM leases WHERE " + IdIn(backend, "job_id", ":jobs") +
                           " AND owner = :owner AND expires_at = :expires",
                       IdArray(chosen_jobs), std::string(owner), expires)) {
    held.insert(row.id);
  }
  std::vector<RowId> claimed;
  std::vector<std::pair<long long, long long>> fires;  // (job, fire)
  std::vector<long long> requested;
  for (const auto* c : chosen) {
    if (!held.contains(c->job_id)) continue;
    claimed.push_back(c->job_id);
    if (taken_over != nullptr && expired_elsewhere.contains(c->job_id)) {
      taken_over->push_back(c->job_id);
    }
    if (c->fire) fires.emplace_back(c->job_id, Millis(*c->fire));
    if (c->requested) requested.push_back(c->job_id);
  }
  if (!fires.empty()) {
    Exec(ctx_.sql,
         "UPDATE jobs SET last_fire_at = v.b FROM " + PairTable(backend, ":fires") +
             " AS v WHERE jobs.id = v.a",
         PairArray(fires));
  }
  if (!requested.empty()) {
    Exec(ctx_.sql, "UPDATE jobs SET run_requested_at = NULL WHERE " + IdIn(backend, "id", ":jobs"),
         IdArray(requested));
  }
  return claimed;
}

}  // namespace avni::store
