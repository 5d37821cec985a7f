#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>
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
  const SqlFailure failure = Classify(e);
  // The database's own words (driver function names, addresses, constraint names) are for the
  // operator's log, never for an API answer: they say how the service is built and where its
  // database is. Bound values never appear in them (every statement binds its parameters).
  if (failure == SqlFailure::kOther) {
    spdlog::error("database error: {}", what);
  } else {
    spdlog::warn("database: {}", what);
  }
  switch (failure) {
    case SqlFailure::kUnique:
      return Error::Conflict("already exists: a value that must be unique is taken");
    case SqlFailure::kForeignKey:
      return Error::Conflict("refers to a row that does not exist, or is still referred to");
    case SqlFailure::kCheck:
      return Error::InvalidArgument("", "a value breaks a rule of the database schema");
    case SqlFailure::kConnection:
    case SqlFailure::kBusy:
      return Error::Unavailable(
          "the database is unavailable (busy or unreachable); try again shortly (the service log "
          "says why)");
    case SqlFailure::kOther:
      break;
  }
  return Error::Internal("database error; see the service log");
}

}  // namespace avni::store

namespace avni::store {

namespace {

// The number of code points in well-formed UTF-8, or nullopt when `text` is not well formed
// (overlong forms, surrogates and values past U+10FFFF included).
std::optional<std::size_t> Utf8Length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size(); ++count) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + len > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    i += len;
  }
  return count;
}

}  // namespace

Status CheckText(std::string_view field, std::string_view value, std::size_t max_chars) {
  if (value.empty()) {
    return Fail(Error::InvalidArgument(std::string(field), std::string(field) + " is required"));
  }
  const auto length = Utf8Length(value);
  if (!length) {
    return Fail(Error::InvalidArgument(std::string(field),
                                       std::string(field) + " is not valid UTF-8 text"));
  }
  if (*length > max_chars) {
    return Fail(Error::InvalidArgument(
        std::string(field),
        std::string(field) + " must have at most " + std::to_string(max_chars) + " characters"));
  }
  return CheckNoNul(field, value);
}

Status CheckNoNul(std::string_view field, std::string_view value) {
  if (value.find('\0') == std::string_view::npos) return {};
  // SQLite's text functions and LIKE stop at a NUL, PostgreSQL refuses it: a value holding one
  // would be stored or compared as something else than was sent.
  return Fail(Error::InvalidArgument(std::string(field),
                                     std::string(field) + " must not contain a NUL character"));
}

Status CheckTenantExists(SqlContext& ctx, TenantId tenant) {
  if (QueryValue<long long>(ctx.sql, "SELECT COUNT(*) FROM tenants WHERE id = :id", tenant.value)
          .value_or(0) == 0) {
    return Fail(Error::NotFound("no tenant with id " + std::to_string(tenant.value)));
  }
  return {};
}

Status CheckUserExists(SqlContext& ctx, RowId user_id) {
  if (QueryValue<long long>(ctx.sql, "SELECT COUNT(*) FROM users WHERE id = :id", user_id)
          .value_or(0) == 0) {
    return Fail(Error::NotFound("no user with id " + std::to_string(user_id)));
  }
  return {};
}

namespace {

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string ContainsPattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') out += '\\';
    out += c;
  }
  out += '%';
  return out;
}

std::string JsonArray(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, items[i]);
  }
  return out + "]";
}

std::string JsonRows(const std::vector<std::vector<std::string_view>>& rows) {
  std::string out = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    out += '[';
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      if (j > 0) out += ',';
      AppendJsonString(out, rows[i][j]);
    }
    out += ']';
  }
  return out + "]";
}

std::string JsonIn(Backend backend, std::string_view column, std::string_view param) {
  if (backend == Backend::kSqlite) {
    return fmt::format("{} IN (SELECT value FROM json_each({}))", column, param);
  }
  // "IN (SELECT jsonb_array_elements_text(...))" makes PostgreSQL scan the column's rows and
  // expand the array for each; an array it computes once is an index condition.
  return fmt::format("{} = ANY(ARRAY(SELECT jsonb_array_elements_text(CAST({} AS jsonb))))", column,
                     param);
}

std::string JsonTable(Backend backend, std::string_view param, std::string_view alias) {
  if (backend == Backend::kSqlite) return fmt::format("json_each({}) AS {}", param, alias);
  return fmt::format("jsonb_array_elements_text(CAST({} AS jsonb)) AS {}(value)", param, alias);
}

std::string JsonRowColumns(Backend backend, std::string_view param, int columns) {
  std::string select = "SELECT ";
  for (int i = 0; i < columns; ++i) {
    if (i > 0) select += ", ";
    select += backend == Backend::kSqlite ? fmt::format("json_extract(value, '$[{}]') AS c{}", i, i)
                                          : fmt::format("r ->> {} AS c{}", i, i);
  }
  if (backend == Backend::kSqlite) return fmt::format("{} FROM json_each({})", select, param);
  return fmt::format("{} FROM jsonb_array_elements(CAST({} AS jsonb)) AS r", select, param);
}

}  // namespace avni::store
