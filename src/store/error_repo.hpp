#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/error_record.hpp"

namespace avni::store {

struct SqlContext;

// One failure to record against a source entity.
struct Failure {
  std::string entity_type;
  std::string entity_id;
  std::optional<RowId> error_type_id;
  std::string message;
  std::string body;
  std::optional<Timestamp> next_attempt_at;
};

struct ErrorRecordFilter {
  std::optional<std::string> entity_type;
  std::optional<RowId> error_type_id;
  std::optional<bool> processing_disabled;
  int limit = 1000;
  int offset = 0;
};

// A tenant's error types, error records and their logs.
class ErrorRepo {
 public:
  ErrorRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Error types. Create ignores id and tenant_id; a uuid is generated when empty.
  // Errors: conflict (name or uuid taken), invalid_argument (empty name).
  Result<ErrorType> CreateType(const ErrorType& type);
  Result<ErrorType> UpdateType(const ErrorType& type);
  Result<ErrorType> GetType(RowId id);
  // Ordered by priority, then id: the order classification tries them in.
  Result<std::vector<ErrorType>> ListTypes();
  // Errors: conflict while error records or log entries refer to the type.
  Status DeleteType(RowId id);

  // Records a failure: creates the entity's error record or updates it (last seen, error type,
  // next attempt), and appends a log entry, unless the latest entry has the same message and
  // body, in which case only its time and count change. Returns the record.
  Result<ErrorRecord> RecordFailure(const Failure& failure);
  Result<ErrorRecord> Get(RowId id);
  Result<std::optional<ErrorRecord>> Find(std::string_view entity_type, std::string_view entity_id);
  // In the order first seen (then id).
  Result<std::vector<ErrorRecord>> List(const ErrorRecordFilter& filter);
  Result<std::int64_t> Count(const ErrorRecordFilter& filter);
  Status SetProcessingDisabled(RowId id, bool disabled);
  // Counts one more processing attempt and when the next one may be.
  Status NoteAttempt(RowId id, std::optional<Timestamp> next_attempt_at);
  // Deletes the record and, by cascade, its log. Errors: not_found.
  Status Delete(RowId id);
  // Deletes the record of a source entity that was processed successfully, if there is one.
  Status Resolve(std::string_view entity_type, std::string_view entity_id);
  // The record's log, newest first.
  Result<std::vector<ErrorLogEntry>> Log(RowId error_record_id);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
