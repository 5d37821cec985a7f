#pragma once

#include <soci/soci.h>

#include <vector>

#include "common/time.hpp"
#include "store/sql/migrations.hpp"
#include "store/store.hpp"

namespace avni::store {

// Applies the migrations of `migrations` (ascending versions) that the database lacks, each in
// its own transaction together with its schema_migrations row: a failing one rolls back whole
// and throws soci::soci_error naming it; those before it stay applied. The applied version is
// read again inside each transaction, so an instance that waited for the migration lock skips
// what another applied meanwhile. Never downgrades: a database ahead of `migrations` is left
// alone (the caller reports it). The caller holds the migration lock (PostgreSQL).
SchemaState ApplyMigrations(soci::session& sql, Backend backend,
                            const std::vector<Migration>& migrations, Timestamp now);

// The highest applied version; 0 for a database never migrated.
int AppliedVersion(soci::session& sql, Backend backend);

// Runs a multi-statement script on the connection's native handle (SOCI prepares one
// statement at a time, and migrations are scripts).
void ExecScript(soci::session& sql, Backend backend, std::string_view script);

}  // namespace avni::store
