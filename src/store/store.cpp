#include "store/store.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "store/sql/dsn.hpp"
#include "store/sql/migrations.hpp"
#include "store/sql/migrator.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

// The advisory lock key every instance takes while migrating a PostgreSQL database.
constexpr long long kMigrationLockKey = 0x61766e69'6d696772;  // "avnimigr"

const SystemClock kSystemClock;

int KnownVersion() { return AllMigrations().empty() ? 0 : AllMigrations().back().version; }

void PrepareConnection(soci::session& sql, Backend backend) {
  if (backend == Backend::kSqlite) {
    sql << "PRAGMA busy_timeout = 10000";
    // WAL lets readers go on while one writer commits. Switching a new file to WAL needs an
    // exclusive lock that the busy handler does not wait for: instances opening the same new
    // file at once retry here.
    for (int attempt = 0;; ++attempt) {
      try {
        sql << "PRAGMA journal_mode = WAL";
        break;
      } catch (const std::exception& e) {
        if (attempt >= 200 || Classify(e) != SqlFailure::kBusy) throw;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    sql << "PRAGMA foreign_keys = ON";  // off by default in SQLite
    sql << "PRAGMA synchronous = NORMAL";
  } else {
    sql << "SET TIME ZONE 'UTC'";
    sql << "SET client_min_messages = WARNING";
  }
}

Error ConnectError(const Dsn& dsn, const std::exception& e) {
  std::string why = e.what();
  // libpq's message repeats "connection to server ... failed:"; keep its first real line.
  while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
  for (auto pos = why.find('\n'); pos != std::string::npos; pos = why.find('\n')) why[pos] = ' ';
  if (dsn.backend == Backend::kPostgres) {
    return Error::Unavailable(fmt::format(
        "cannot connect to PostgreSQL at {}: {}; check that the server runs and that --db is right",
        dsn.display, why));
  }
  return Error::Unavailable(fmt::format(
      "cannot open SQLite database {}: {}; check that its folder exists and is writable",
      dsn.sqlite_path, why));
}

Status CheckNotNewer(int applied) {
  if (applied > KnownVersion()) {
    return Fail(Error::FailedPrecondition(fmt::format(
        "the database schema is at version {} but this avni-integrator knows versions up to {}; "
        "run a newer avni-integrator against this database",
        applied, KnownVersion())));
  }
  return {};
}

}  // namespace

struct Store::Impl {
  Dsn dsn;
  StoreOptions options;
  const Clock* clock = &kSystemClock;
  soci::connection_pool pool;
  // Borrowers holding or waiting for a connection, and those that had to wait: counted around
  // each borrowing, an atomic add each.
  std::atomic<std::size_t> borrowers{0};
  std::atomic<std::int64_t> waits{0};

  Impl(Dsn d, StoreOptions o) : dsn(std::move(d)), options(o), pool(o.pool_size) {
    if (o.clock != nullptr) clock = o.clock;
  }

  // A connection that was lost (server restart) is reopened before its next use.
  void Revive(soci::session& sql) {
    try {
      sql.reconnect();
      PrepareConnection(sql, dsn.backend);
    } catch (const std::exception& e) {
      std::string why = e.what();
      if (auto nl = why.find('\n'); nl != std::string::npos) why.resize(nl);
      spdlog::warn("database reconnect failed: {}", why);
    }
  }
};

namespace {

// Counts one borrowing of a pooled connection for the whole of its use.
class Borrowing {
 public:
  explicit Borrowing(Store::Impl& impl) : impl_(impl) {
    if (impl_.borrowers.fetch_add(1, std::memory_order_relaxed) >= impl_.options.pool_size) {
      impl_.waits.fetch_add(1, std::memory_order_relaxed);
    }
  }
  ~Borrowing() { impl_.borrowers.fetch_sub(1, std::memory_order_relaxed); }
  Borrowing(const Borrowing&) = delete;
  Borrowing& operator=(const Borrowing&) = delete;

 private:
  Store::Impl& impl_;
};

}  // namespace

PoolStats Store::pool_stats() const {
  const std::size_t size = impl_->options.pool_size;
  return PoolStats{size, std::min(impl_->borrowers.load(std::memory_order_relaxed), size),
                   impl_->waits.load(std::memory_order_relaxed)};
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Backend Store::backend() const { return impl_->dsn.backend; }
const std::string& Store::display_dsn() const { return impl_->dsn.display; }

Status Store::CheckDsn(std::string_view dsn) {
  if (auto parsed = ParseDsn(dsn); !parsed) return Fail(parsed.error());
  return {};
}

Result<std::unique_ptr<Store>> Store::Open(std::string_view text, StoreOptions options) {
  auto dsn = ParseDsn(text);
  if (!dsn) return Fail(dsn.error());
  if (options.pool_size == 0) options.pool_size = 1;

  if (dsn->backend == Backend::kSqlite) {
    // SQLite needs to create the file, its -wal and -shm files beside it: the folder must be
    // writable. Say so plainly rather than with SQLite's "unable to open database file".
    const std::filesystem::path path(dsn->sqlite_path);
    const auto folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (!std::filesystem::is_directory(folder)) {
      return Fail(Error::Unavailable(
          fmt::format("cannot create the data folder {}: {}; create it or point --db elsewhere",
                      folder.string(), ec ? ec.message() : "not a folder")));
    }
    if (::access(folder.c_str(), W_OK) != 0) {
      return Fail(Error::Unavailable(fmt::format(
          "the data folder {} is not writable; fix its permissions or point --db elsewhere",
          folder.string())));
    }
    if (std::filesystem::exists(path) && ::access(path.c_str(), W_OK) != 0) {
      return Fail(Error::Unavailable(
          fmt::format("the database file {} is not writable; fix its permissions", path.string())));
    }
  }

  auto impl = std::make_unique<Impl>(std::move(*dsn), options);
  for (std::size_t i = 0; i < options.pool_size; ++i) {
    try {
      auto& sql = impl->pool.at(i);
      const soci::backend_factory& factory =
          impl->dsn.backend == Backend::kSqlite
              ? static_cast<const soci::backend_factory&>(soci::sqlite3)
              : soci::postgresql;
      sql.open(factory, impl->dsn.connect);
      PrepareConnection(sql, impl->dsn.backend);
    } catch (const std::exception& e) {
      return Fail(ConnectError(impl->dsn, e));
    }
  }
  std::unique_ptr<Store> store(new Store(std::move(impl)));

  auto state = options.migrate ? store->Migrate() : store->Schema();
  if (!state) return Fail(state.error());
  if (auto newer = CheckNotNewer(state->applied); !newer) return Fail(newer.error());
  return store;
}

Result<SchemaState> Store::Schema() {
  Borrowing borrowing(*impl_);
  soci::session sql(impl_->pool);
  try {
    return SchemaState{AppliedVersion(sql, backend()), KnownVersion()};
  } catch (const std::exception& e) {
    impl_->Revive(sql);
    return Fail(ToError(e));
  }
}

Result<SchemaState> Store::Migrate() {
  Borrowing borrowing(*impl_);
  soci::session sql(impl_->pool);
  const Backend be = backend();
  bool locked = false;
  try {
    if (be == Backend::kPostgres) {
      sql << "SELECT pg_advisory_lock(" << kMigrationLockKey << ")";
      locked = true;
    }
    const SchemaState state = ApplyMigrations(sql, be, AllMigrations(), impl_->clock->Now());
    if (locked) sql << "SELECT pg_advisory_unlock(" << kMigrationLockKey << ")";
    return state;
  } catch (const std::exception& e) {
    Error error = ToError(e);
    if (error.code == ErrorCode::kInternal) error.code = ErrorCode::kFailedPrecondition;
    impl_->Revive(sql);  // also drops a session-level advisory lock
    return Fail(error);
  }
}

Status Store::Ready() {
  auto state = Schema();
  if (!state) return Fail(state.error());
  if (state->applied < state->known) {
    return Fail(Error::FailedPrecondition(fmt::format(
        "database schema at version {}, this binary needs {}: run `avni-integrator migrate`",
        state->applied, state->known)));
  }
  return CheckNotNewer(state->applied);
}

Status Store::RunInTransaction(const std::function<Status(Tx&)>& body, bool write) {
  Borrowing borrowing(*impl_);
  soci::session sql(impl_->pool);
  const Backend be = backend();
  SqlContext ctx{sql, be, impl_->options.secrets, *impl_->clock};
  Tx tx(ctx);
  bool open = false;
  try {
    if (be == Backend::kSqlite) {
      // IMMEDIATE takes the write lock up front: a deferred transaction that later writes can
      // fail with SQLITE_BUSY without waiting.
      sql << (write ? "BEGIN IMMEDIATE" : "BEGIN");
    } else {
      sql << (write ? "BEGIN" : "BEGIN READ ONLY");
    }
    open = true;
    Status status = body(tx);
    if (!status) {
      open = false;
      sql << "ROLLBACK";
      return status;
    }
    open = false;
    sql << "COMMIT";
    return {};
  } catch (const std::exception& e) {
    Error error = ToError(e);
    if (open) {
      try {
        sql << "ROLLBACK";
      } catch (const std::exception&) {
      }
    }
    if (error.code == ErrorCode::kUnavailable) impl_->Revive(sql);
    return Fail(error);
  }
}

Backend Tx::backend() const { return ctx_.backend; }

}  // namespace avni::store
