#include "store/sql/dsn.hpp"

#include <libpq-fe.h>

#include <memory>

#include <fmt/format.h>

namespace avni::store {
namespace {

constexpr std::string_view kForms =
    "use sqlite:PATH (e.g. sqlite:var/integrator.db) or "
    "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE";

std::string Quote(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

Result<Dsn> ParsePostgres(std::string_view text) {
  // libpq itself understands both URIs and key=value strings; we re-emit key=value because
  // SOCI appends its own options to the string it is given.
  char* err = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(std::string(text).c_str(), &err), &PQconninfoFree);
  if (!options) {
    std::string why = err ? err : "cannot parse";
    if (err) PQfreemem(err);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return Fail(
        Error::InvalidArgument("--db", fmt::format("bad PostgreSQL address: {}; {}", why, kForms)));
  }
  Dsn dsn;
  dsn.backend = Backend::kPostgres;
  std::string host = "localhost", port = "5432", db, user;
  for (auto* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr || *o->val == '\0') continue;
    const std::string_view key = o->keyword;
    if (!dsn.connect.empty()) dsn.connect += ' ';
    dsn.connect += fmt::format("{}={}", key, Quote(o->val));
    if (key == "host") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") db = o->val;
    if (key == "user") user = o->val;
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) == 0 ||
      std::stoi(port) > 65535) {
    return Fail(Error::InvalidArgument(
        "--db", fmt::format("the PostgreSQL port '{}' is not a port number (1-65535)", port)));
  }
  if (dsn.connect.find("connect_timeout=") == std::string::npos) {
    dsn.connect += " connect_timeout='10'";
  }
  dsn.display = fmt::format("postgresql://{}{}{}:{}/{}", user, user.empty() ? "" : "@", host, port,
                            db.empty() ? user : db);
  return dsn;
}

}  // namespace

Result<Dsn> ParseDsn(std::string_view text) {
  if (text.starts_with("sqlite:")) {
    std::string_view path = text.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) {
      return Fail(
          Error::InvalidArgument("--db", fmt::format("sqlite DSN without a path; {}", kForms)));
    }
    if (path == ":memory:") {
      return Fail(Error::InvalidArgument(
          "--db", "sqlite::memory: cannot be shared by the connection pool; use a file path"));
    }
    Dsn dsn;
    dsn.backend = Backend::kSqlite;
    dsn.sqlite_path = std::string(path);
    if (path.find_first_of(" '\"") != std::string_view::npos) {
      return Fail(Error::InvalidArgument(
          "--db", "the SQLite path must not contain spaces or quotes; choose another folder"));
    }
    dsn.connect = fmt::format("db={} timeout=10", path);
    dsn.display = fmt::format("sqlite:{}", path);
    return dsn;
  }
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    return ParsePostgres(text);
  }
  if (text.starts_with("postgresql:")) return ParsePostgres(text.substr(11));
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Fail(Error::InvalidArgument(
        "--db", fmt::format("'{}' names no database kind; {}", text, kForms)));
  }
  return Fail(Error::InvalidArgument(
      "--db", fmt::format("unknown database kind '{}'; {}", text.substr(0, colon), kForms)));
}

}  // namespace avni::store
