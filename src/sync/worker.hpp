#pragma once

// Private to the sync engine: what RunFlow and Reprocess share. Not installed for other modules.

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "domain/sync.hpp"
#include "store/store.hpp"
#include "sync/engine.hpp"
#include "sync/error_classifier.hpp"

namespace avni::sync::detail {

// Runs an integration's code (a source, transform or sink call) so that an exception it throws
// becomes the call's error: kInternal with the exception's message. An integration's bug (a
// JSON type error on a record of an unexpected shape) then parks that record, or fails that
// run, instead of reaching std::terminate on a job thread and stopping every tenant.
template <typename Fn>
auto Guarded(Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Fail(Error::Internal(fmt::format("internal error: {}", e.what())));
  } catch (...) {
    return Fail(Error::Internal("internal error: an exception of unknown type"));
  }
}

// What one page did, committed at once.
struct PageWork {
  // Classified when parked, outside any transaction: Commit only writes.
  struct Parked {
    std::string entity_id;
    std::string message;
    std::string body;
    std::optional<RowId> error_type_id;     // none: the default type
    std::optional<Timestamp> next_attempt;  // none: never (a Terminal type)
    std::optional<RowId> error_record_id;   // reprocessing: the record whose attempt this was
  };
  std::vector<EntityLink> links;
  std::vector<std::string> resolved;  // entity ids whose error record goes
  std::vector<Parked> parked;
  std::optional<Cursor> cursor;  // the main flow's new cursor
  RunCounts counts;
};

// One runner's hold on a flow: its lock, classifier, retrier and the record path.
class Worker {
 public:
  Worker(store::Store& store, TenantId tenant, const Clock& clock, const EngineOptions& options,
         const Flow& flow);
  ~Worker();  // releases the lock if held
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Takes the flow lock and loads the error types. false (with `busy`) when another runner
  // holds the lock.
  Result<bool> Begin();

  // Entity links of the records, by source id.
  Status LoadLinks(const std::vector<SourceRecord>& records);

  // Transforms and writes one record, noting the outcome in `work`. Fails only with an
  // availability error that outlasted the retries (or a lost lock): the caller stops there.
  Status Process(const SourceRecord& record, PageWork& work,
                 std::optional<RowId> error_record_id = std::nullopt, int attempts = 0);

  // A page's records (after LoadLinks), up to the flow's write_concurrency at once, the
  // records of one entity one after another in page order. Outcomes are noted in `work` in
  // page order and work.cursor stands at the last record before the first one not done. A
  // record written after that point keeps its link (the next run, reading it again, finds it
  // done). Returns the first record that stopped the flow, with why.
  struct Stop {
    std::string id;
    Error error;
  };
  std::optional<Stop> ProcessPage(const std::vector<SourceRecord>& records, PageWork& work);

  // Commits the page in one transaction: lock renewal, links, resolved and parked error
  // records, cursor (when set), run counts. Only writes: nothing in it takes time that a
  // tenant's rules or data could stretch while others wait on the write lock.
  Status Commit(const PageWork& work, RowId run_id);

  // Keeps the lock alive during a long page. Thread-safe.
  Status RenewIfDue();

  // Thread-safe: the records in flight share it.
  Retrier& retrier() { return retrier_; }
  const Flow& flow() const { return flow_; }
  // Notes a data error in `work`, classified by the tenant's error types, with its next
  // attempt (`attempts`: those before this one). Returns the message.
  std::string Park(PageWork& work, const SourceRecord& record, const Error& error,
                   std::optional<RowId> error_record_id, int attempts);

 private:
  // What trying one record came to, before it is noted in a page's work.
  struct Attempt {
    enum class Kind {
      kUnchanged,      // the link shows this version written already
      kSkipped,        // the transform said there is nothing to write
      kWritten,        // created, updated or voided: `destination_id`
      kNothingToVoid,  // a void of a record never written
      kParked,         // a data error: `error`
      kStop,           // what stops the flow (availability outlasting retries): `error`
    };
    Kind kind = Kind::kStop;
    std::string destination_id;
    std::optional<Error> error;
  };
  // Transforms and writes `record`; `linked` is its entity link, if any. Touches no state of
  // the page: safe to call from several threads at once (with the flow's parts thread-safe).
  Attempt Try(const SourceRecord& record, const EntityLink* linked);
  // Notes a finished attempt in `work` (not kStop).
  void Note(const SourceRecord& record, Attempt attempt, PageWork& work,
            std::optional<RowId> error_record_id, int attempts);
  std::optional<Timestamp> NextAttempt(const ErrorType* type, int attempts) const;

  store::Store& store_;
  TenantId tenant_;
  const Clock& clock_;
  const EngineOptions& options_;
  const Flow& flow_;
  Retrier retrier_;
  ErrorClassifier classifier_;
  bool locked_ = false;
  std::mutex renew_mutex_;
  Timestamp renewed_at_;  // guarded by renew_mutex_ while a page is in flight
  std::unordered_map<std::string, EntityLink> links_;
};

std::string RecordLabel(const Flow& flow, std::string_view id);

}  // namespace avni::sync::detail
