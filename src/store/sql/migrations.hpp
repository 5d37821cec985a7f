#pragma once

#include <string_view>
#include <vector>

namespace avni::store {

// One schema version, in both dialects. Versions start at 1 and have no gaps.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sqlite_sql;
  std::string_view postgres_sql;
};

// Every migration this binary carries, oldest first (generated from migrations/*/*.sql).
const std::vector<Migration>& AllMigrations();

}  // namespace avni::store
