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

// Which error records a list, count or bulk action covers. Every field narrows; none set
// means all of the tenant's records.
struct ErrorRecordFilter {
  std::optional<std::string> entity_type;
  std::optional<RowId> error_type_id;
  bool unclassified = false;  // only records of no error type (the default type)
  std::optional<bool> processing_disabled;
  // Contained in one of the record's log messages, case-insensitive; % and _ match themselves.
  std::optional<std::string> text;
  std::optional<Timestamp> seen_from;  // last_seen_at >= seen_from
  std::optional<Timestamp> seen_to;    // last_seen_at < seen_to
  std::vector<RowId> ids;              // when not empty, only these (at most 1000)
  int limit = 1000;
  int offset = 0;
};

// An error record as administrators see it: with its type and latest log entry.
struct ErrorRecordDetail {
  ErrorRecord record;
  std::string error_type_name;                           // empty when unclassified
  FollowUpStep follow_up_step = FollowUpStep::kProcess;  // kProcess when unclassified
  std::string message;                                   // the latest log entry's
  std::string body;                                      // the latest log entry's
  std::int64_t occurrences = 0;                          // sum of the log entries' counts
};

// What reclassification reads of an error record: its type and the part of its latest log
// entry's message that is classified (the first kClassifiedBytes characters or fewer).
struct ErrorRecordMessage {
  RowId id = 0;
  std::optional<RowId> error_type_id;
  std::string message;
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
  // Held until the transaction ends: serializes every change of the tenant's error types with
  // the writes of a reclassification, which check under it that the types they classified
  // against are still the tenant's. PostgreSQL: a lock on the tenant's row (FOR NO KEY UPDATE,
  // which inserts referring to the tenant do not wait for); SQLite: nothing to do, its write
  // transactions are serialized already.
  Status LockTypes();

  // Records a failure: creates the entity's error record or updates it (last seen, error type,
  // next attempt), and appends a log entry, unless the latest entry has the same message and
  // body, in which case only its time and count change. Returns the record.
  Result<ErrorRecord> RecordFailure(const Failure& failure);
  Result<ErrorRecord> Get(RowId id);
  Result<std::optional<ErrorRecord>> Find(std::string_view entity_type, std::string_view entity_id);
  // In the order first seen (then id).
  Result<std::vector<ErrorRecord>> List(const ErrorRecordFilter& filter);
  Result<std::int64_t> Count(const ErrorRecordFilter& filter);
  // As List (same order, limit and offset), with type and latest log entry.
  Result<std::vector<ErrorRecordDetail>> ListDetailed(const ErrorRecordFilter& filter);
  // Records the errors job should retry now: of the entity type, processing enabled, not of a
  // Terminal type, next_attempt_at absent or <= now; in the order first seen, then id.
  Result<std::vector<ErrorRecord>> ListDue(std::string_view entity_type, Timestamp now, int limit);

  // Bulk actions over a filter (limit and offset ignored); each answers how many records it
  // changed. ScheduleNowWhere makes the enabled matching records due now (next_attempt_at =
  // now); disabled ones and those of a Terminal type (never retried) are left alone.
  Result<std::int64_t> SetProcessingDisabledWhere(const ErrorRecordFilter& filter, bool disabled);
  Result<std::int64_t> ScheduleNowWhere(const ErrorRecordFilter& filter);
  Result<std::int64_t> DeleteWhere(const ErrorRecordFilter& filter);

  // Reclassification after the tenant's error types changed, in keyset pages: the records of
  // id greater than `after_id`, by id, at most `limit` (1-10000). ListMessagesAfter reads
  // only, so it runs in a read transaction that writers do not wait for.
  Result<std::vector<ErrorRecordMessage>> ListMessagesAfter(RowId after_id, int limit);
  // Sets the type of the listed records (at most 1000; nullopt: unclassified) in one
  // statement; records that are gone are passed over. Returns how many records it set.
  // Errors: not_found for a type that is not the tenant's.
  Result<std::int64_t> SetTypes(const std::vector<RowId>& ids, std::optional<RowId> error_type_id);
  // SetType sets a record's type
  // (nullopt: unclassified); DetachType unlinks a type from every record and log entry so
  // that it can be deleted. Errors: not_found (record or type).
  Status SetType(RowId id, std::optional<RowId> error_type_id);
  Status DetachType(RowId error_type_id);
  Status SetProcessingDisabled(RowId id, bool disabled);
  // Counts one more processing attempt and when the next one may be.
  Status NoteAttempt(RowId id, std::optional<Timestamp> next_attempt_at);
  // Deletes the record and, by cascade, its log. Errors: not_found.
  Status Delete(RowId id);
  // Deletes the record of a source entity that was processed successfully, if there is one.
  Status Resolve(std::string_view entity_type, std::string_view entity_id);
  // Resolve for many entities in one statement (at most 1000); answers how many records went.
  Result<std::int64_t> ResolveMany(std::string_view entity_type,
                                   const std::vector<std::string>& entity_ids);
  // The record's log, newest first.
  Result<std::vector<ErrorLogEntry>> Log(RowId error_record_id);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
