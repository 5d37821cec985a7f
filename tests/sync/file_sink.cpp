#include "sync/file_sink.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <stdexcept>
#include <thread>

namespace avni::testing {
namespace {

// A prepared statement, finalized on scope exit.
struct Stmt {
  sqlite3_stmt* st = nullptr;
  Stmt(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db));
    }
  }
  ~Stmt() { sqlite3_finalize(st); }
  void Text(int i, std::string_view v) {
    sqlite3_bind_text(st, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
};

}  // namespace

FileSink::FileSink(const std::string& path, std::chrono::microseconds latency) : latency_(latency) {
  if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open " + path);
  sqlite3_busy_timeout(db_, 5000);
  // A killed process loses nothing the OS has: WAL without fsync is enough for SIGKILL.
  Exec("PRAGMA journal_mode=WAL");
  Exec("PRAGMA synchronous=OFF");
  Exec(
      "CREATE TABLE IF NOT EXISTS dest (id INTEGER PRIMARY KEY, key TEXT NOT NULL, "
      "body TEXT NOT NULL, writes INTEGER NOT NULL)");
  Exec("CREATE INDEX IF NOT EXISTS dest_key ON dest (key)");
}

FileSink::~FileSink() { sqlite3_close(db_); }

void FileSink::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db_));
  }
}

Result<std::optional<std::string>> FileSink::Find(const sync::Outgoing& out) {
  std::this_thread::sleep_for(latency_);
  Stmt st(db_, "SELECT id FROM dest WHERE key = ? ORDER BY id LIMIT 1");
  st.Text(1, out.key);
  if (sqlite3_step(st.st) != SQLITE_ROW) return std::optional<std::string>();
  return std::optional<std::string>(fmt::format("dest-{}", sqlite3_column_int64(st.st, 0)));
}

Result<std::string> FileSink::Create(const sync::Outgoing& out) {
  std::this_thread::sleep_for(latency_);
  Stmt st(db_, "INSERT INTO dest (key, body, writes) VALUES (?, ?, 1)");
  st.Text(1, out.key);
  st.Text(2, out.body);
  if (sqlite3_step(st.st) != SQLITE_DONE) return Fail(Error::Unavailable(sqlite3_errmsg(db_)));
  return fmt::format("dest-{}", sqlite3_last_insert_rowid(db_));
}

Status FileSink::Update(std::string_view destination_id, const sync::Outgoing& out) {
  std::this_thread::sleep_for(latency_);
  Stmt st(db_, "UPDATE dest SET body = ?, writes = writes + 1 WHERE id = ?");
  st.Text(1, out.body);
  sqlite3_bind_int64(st.st, 2, std::stoll(std::string(destination_id.substr(5))));
  if (sqlite3_step(st.st) != SQLITE_DONE) return Fail(Error::Unavailable(sqlite3_errmsg(db_)));
  if (sqlite3_changes(db_) == 0) return Fail(Error::NotFound("no such destination record"));
  return {};
}

Status FileSink::Void(std::string_view destination_id, const sync::Outgoing&) {
  Stmt st(db_, "DELETE FROM dest WHERE id = ?");
  sqlite3_bind_int64(st.st, 1, std::stoll(std::string(destination_id.substr(5))));
  if (sqlite3_step(st.st) != SQLITE_DONE) return Fail(Error::Unavailable(sqlite3_errmsg(db_)));
  return {};
}

}  // namespace avni::testing
