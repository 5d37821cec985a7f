#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace avni::testing {

// A fresh, empty database for one test, removed afterwards: a temporary SQLite file, or a new
// schema in the throwaway PostgreSQL that ctest starts (its DSN is read from the file named by
// AVNI_INT_TEST_PG_DSN_FILE, or taken from AVNI_INT_TEST_PG_DSN).
class TestDatabase {
 public:
  // nullopt when PostgreSQL was asked for but none is configured; `why` says so. Tests then
  // skip, unless AVNI_INT_REQUIRE_PG=1 (set by ctest), where they fail.
  static std::optional<TestDatabase> Create(store::Backend backend, std::string* why);

  TestDatabase(TestDatabase&&) noexcept;
  TestDatabase& operator=(TestDatabase&&) noexcept;
  ~TestDatabase();

  const std::string& dsn() const { return dsn_; }
  store::Backend backend() const { return backend_; }

  // Raw access, for asserting on what is really stored (bypassing the Store's own code).
  // Returns the first column of each row as text ("" for NULL).
  std::vector<std::string> QueryColumn(const std::string& sql) const;
  void Execute(const std::string& sql) const;

 private:
  TestDatabase() = default;
  store::Backend backend_ = store::Backend::kSqlite;
  std::string dsn_;
  std::string dir_;        // SQLite: the temporary folder
  std::string schema_;     // PostgreSQL: the schema made for this test
  std::string admin_dsn_;  // PostgreSQL: the server's own DSN
};

// "sqlite" / "postgres", for test names.
std::string BackendName(store::Backend backend);
bool PostgresRequired();

}  // namespace avni::testing

// Instantiates a value-parameterised suite once per backend: every case runs on both.
#define AVNI_ON_EVERY_BACKEND(Suite)                                                         \
  INSTANTIATE_TEST_SUITE_P(                                                                  \
      Backends, Suite,                                                                       \
      ::testing::Values(::avni::store::Backend::kSqlite, ::avni::store::Backend::kPostgres), \
      [](const ::testing::TestParamInfo<::avni::store::Backend>& info) {                     \
        return ::avni::testing::BackendName(info.param);                                     \
      })

namespace avni::store {
// Readable test names and failure messages.
inline void PrintTo(Backend b, std::ostream* os) { *os << avni::testing::BackendName(b); }
}  // namespace avni::store
namespace avni {
inline void PrintTo(ErrorCode c, std::ostream* os) { *os << ToString(c); }
}  // namespace avni
