#pragma once

#include <chrono>
#include <string>

#include "sync/flow.hpp"

struct sqlite3;

namespace avni::testing {

// A destination that outlives the process writing to it: a SQLite file of its own, each write
// committed on its own (as a remote server would), so a writer killed with SIGKILL leaves
// exactly what it had written. Keys are not unique: a duplicate would show.
class FileSink final : public sync::Sink {
 public:
  explicit FileSink(const std::string& path, std::chrono::microseconds latency = {});
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  // Deletes the row: the crash tests never void.
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

 private:
  void Exec(const char* sql);
  sqlite3* db_ = nullptr;
  std::chrono::microseconds latency_;
};

}  // namespace avni::testing
