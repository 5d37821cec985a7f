#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/error.hpp"
#include "common/time.hpp"
#include "store/tx.hpp"

namespace avni {

class SecretBox;

namespace store {

struct StoreOptions {
  std::size_t pool_size = 4;
  // Seals and opens secret config values. Not owned; must outlive the Store. A store without
  // one refuses to write or read secret values.
  const SecretBox* secrets = nullptr;
  // Not owned; must outlive the Store. The system clock when null.
  const Clock* clock = nullptr;
  // Apply pending migrations while opening (what `serve` does). When false, Open still refuses
  // a schema newer than this binary.
  bool migrate = true;
};

// The connection pool's figures, for /metrics.
struct PoolStats {
  std::size_t size = 0;    // connections in the pool
  std::size_t in_use = 0;  // lent out now
  std::int64_t waits = 0;  // borrowers that found every connection lent out, since Open
};

struct SchemaState {
  int applied = 0;  // highest migration applied to the database
  int known = 0;    // highest migration this binary carries
};

// The service's database: SQLite (embedded default, one file) or PostgreSQL (production),
// picked by the DSN, behind one interface. All access goes through transactions (Transact,
// Read), which hand out a Tx whose repositories run on one pooled connection.
//
// Thread-safe: each call borrows its own connection from a pool of `pool_size`.
// Errors: invalid_argument for a bad DSN, unavailable when the database cannot be reached,
// failed_precondition for a schema newer than this binary, conflict for broken uniqueness.
class Store {
 public:
  // DSN forms: "sqlite:PATH" (the file and its folder are created) or "postgresql://USER[:PASS]
  // @HOST[:PORT]/DB[?param=value...]" (any libpq URI or "key=value" string after "postgresql:").
  static Result<std::unique_ptr<Store>> Open(std::string_view dsn, StoreOptions options = {});
  // Checks a DSN's form without touching the database. Errors: invalid_argument on "--db".
  static Status CheckDsn(std::string_view dsn);

  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Backend backend() const;
  // The DSN with any password replaced by "***", for messages and logs.
  const std::string& display_dsn() const;

  // Applies pending migrations, each in its own transaction (a failing one rolls back whole).
  // Safe when several instances run it at once: PostgreSQL takes an advisory lock, SQLite a
  // write lock. Returns the state afterwards.
  Result<SchemaState> Migrate();
  // Cheap (two atomic loads); thread-safe.
  PoolStats pool_stats() const;
  Result<SchemaState> Schema();
  // The readiness check: database reachable and every known migration applied.
  Status Ready();

  // Runs fn(Tx&) in one write transaction: committed when fn returns a value, rolled back when
  // it returns an error or throws. fn must return a Result<T> or a Status.
  template <typename Fn>
  auto Transact(Fn&& fn) -> std::invoke_result_t<Fn&, Tx&> {
    return Run(std::forward<Fn>(fn), /*write=*/true);
  }
  // As Transact, for work that only reads (SQLite then lets writers go on meanwhile).
  template <typename Fn>
  auto Read(Fn&& fn) -> std::invoke_result_t<Fn&, Tx&> {
    return Run(std::forward<Fn>(fn), /*write=*/false);
  }

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);

  template <typename Fn>
  auto Run(Fn&& fn, bool write) -> std::invoke_result_t<Fn&, Tx&> {
    using R = std::invoke_result_t<Fn&, Tx&>;
    std::optional<R> out;
    Status status = RunInTransaction(
        [&](Tx& tx) -> Status {
          out.emplace(fn(tx));
          if (!out->has_value()) return Fail(out->error());
          return {};
        },
        write);
    if (!status) return Fail(status.error());
    return std::move(*out);
  }

  Status RunInTransaction(const std::function<Status(Tx&)>& body, bool write);

  std::unique_ptr<Impl> impl_;
};

}  // namespace store
}  // namespace avni
