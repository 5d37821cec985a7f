#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <string>

#include "store/sql/sql_context.hpp"

namespace avni::store {

SqlFailure Classify(const std::exception& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "23505") return SqlFailure::kUnique;
    if (state == "23503") return SqlFailure::kForeignKey;
    if (state == "23514" || state == "23502") return SqlFailure::kCheck;
    if (state.starts_with("08") || state.starts_with("57P")) return SqlFailure::kConnection;
    if (state == "40001" || state == "40P01" || state == "55P03") return SqlFailure::kBusy;
    return SqlFailure::kOther;
  }
  const std::string what = e.what();
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int code = lite->result() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return SqlFailure::kBusy;
    if (code == SQLITE_CONSTRAINT) {
      if (what.find("UNIQUE") != std::string::npos) return SqlFailure::kUnique;
      if (what.find("FOREIGN KEY") != std::string::npos) return SqlFailure::kForeignKey;
      return SqlFailure::kCheck;
    }
    if (code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_READONLY ||
        code == SQLITE_FULL) {
      return SqlFailure::kConnection;
    }
    return SqlFailure::kOther;
  }
  // Connection loss on PostgreSQL sometimes surfaces as a plain soci_error.
  if (what.find("server closed the connection") != std::string::npos ||
      what.find("no connection to the server") != std::string::npos ||
      what.find("Cannot establish connection") != std::string::npos) {
    return SqlFailure::kConnection;
  }
  return SqlFailure::kOther;
}

Error ToError(const std::exception& e) {
  std::string what = e.what();
  // SOCI appends the statement text; the first line is the database's own message.
  if (auto nl = what.find('\n'); nl != std::string::npos) what.resize(nl);
  switch (Classify(e)) {
    case SqlFailure::kUnique: return Error::Conflict("already exists: " + what);
    case SqlFailure::kForeignKey: return Error::Conflict("refers to a missing or used row: " + what);
    case SqlFailure::kCheck: return Error::InvalidArgument("", "rejected by the database: " + what);
    case SqlFailure::kConnection:
    case SqlFailure::kBusy: return Error::Unavailable("database unavailable: " + what);
    case SqlFailure::kOther: break;
  }
  return Error::Internal("database error: " + what);
}

}  // namespace avni::store

namespace avni::store {

Status CheckText(std::string_view field, std::string_view value, std::size_t max_chars) {
  if (value.empty()) {
    return Fail(Error::InvalidArgument(std::string(field), std::string(field) + " is required"));
  }
  if (value.size() > max_chars) {
    return Fail(Error::InvalidArgument(
        std::string(field),
        std::string(field) + " must have at most " + std::to_string(max_chars) + " characters"));
  }
  return {};
}

}  // namespace avni::store
