#include "store/sql/migrator.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace avni::store {
namespace {

bool HasMigrationsTable(soci::session& sql, Backend backend) {
  int n = 0;
  if (backend == Backend::kSqlite) {
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        soci::into(n);
  } else {
    sql << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_migrations' "
           "AND table_schema = current_schema()",
        soci::into(n);
  }
  return n > 0;
}

int MaxVersion(soci::session& sql) {
  soci::indicator ind = soci::i_null;
  int version = 0;
  sql << "SELECT MAX(version) FROM schema_migrations", soci::into(version, ind);
  return ind == soci::i_ok ? version : 0;
}

}  // namespace

void ExecScript(soci::session& sql, Backend backend, std::string_view script) {
  const std::string text(script);
  if (backend == Backend::kSqlite) {
    auto* be = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    char* err = nullptr;
    if (sqlite_api::sqlite3_exec(be->conn_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "unknown error";
      sqlite_api::sqlite3_free(err);
      throw soci::soci_error(why);
    }
    return;
  }
  auto* be = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  PGresult* res = PQexec(be->conn_, text.c_str());
  const auto status = PQresultStatus(res);
  std::string why = PQresultErrorMessage(res);
  PQclear(res);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw soci::soci_error(why);
}

int AppliedVersion(soci::session& sql, Backend backend) {
  return HasMigrationsTable(sql, backend) ? MaxVersion(sql) : 0;
}

SchemaState ApplyMigrations(soci::session& sql, Backend backend,
                            const std::vector<Migration>& migrations, Timestamp now) {
  ExecScript(sql, backend,
             "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
             "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  SchemaState state{MaxVersion(sql), migrations.empty() ? 0 : migrations.back().version};
  for (const Migration& m : migrations) {
    ExecScript(sql, backend, backend == Backend::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
    try {
      state.applied = MaxVersion(sql);
      if (m.version <= state.applied) {
        ExecScript(sql, backend, "ROLLBACK");
        continue;
      }
      ExecScript(sql, backend, backend == Backend::kSqlite ? m.sqlite_sql : m.postgres_sql);
      const std::string name(m.name);
      const long long at = ToEpochMillis(now);
      sql << "INSERT INTO schema_migrations (version, name, applied_at) VALUES (:v, :n, :t)",
          soci::use(m.version), soci::use(name), soci::use(at);
      ExecScript(sql, backend, "COMMIT");
      spdlog::info("applied migration {} ({})", m.version, m.name);
      state.applied = m.version;
    } catch (const std::exception& e) {
      try {
        ExecScript(sql, backend, "ROLLBACK");
      } catch (const std::exception&) {
        // The connection is gone; the server rolls the transaction back itself.
      }
      std::string why = e.what();
      while (!why.empty() && why.back() == '\n') why.pop_back();
      throw soci::soci_error(
          fmt::format("migration {} ({}) failed and was rolled back: {}", m.version, m.name, why));
    }
  }
  return state;
}

}  // namespace avni::store
