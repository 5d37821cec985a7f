#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"
#include "store/tx.hpp"

namespace avni::store {

// A database address taken apart: which backend, what SOCI is given to connect, and a form
// safe to print (no password).
struct Dsn {
  Backend backend = Backend::kSqlite;
  std::string connect;  // SOCI connect string: "db=PATH ..." or libpq "key='value' ..."
  std::string sqlite_path;
  std::string display;
};

// Errors: invalid_argument naming `--db` with the forms accepted.
Result<Dsn> ParseDsn(std::string_view dsn);

}  // namespace avni::store
