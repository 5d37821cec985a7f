#pragma once

// Private to the sync engine: what RunFlow and Reprocess share. Not installed for other modules.

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

  // Commits the page in one transaction: lock renewal, links, resolved and parked error
  // records, cursor (when set), run counts. Only writes: nothing in it takes time that a
  // tenant's rules or data could stretch while others wait on the write lock.
  Status Commit(const PageWork& work, RowId run_id);

  // Keeps the lock alive during a long page.
  Status RenewIfDue();

  Retrier& retrier() { return retrier_; }
  const Flow& flow() const { return flow_; }
  // Notes a data error in `work`, classified by the tenant's error types, with its next
  // attempt (`attempts`: those before this one). Returns the message.
  std::string Park(PageWork& work, const SourceRecord& record, const Error& error,
                   std::optional<RowId> error_record_id, int attempts);

 private:
  std::optional<Timestamp> NextAttempt(const ErrorType* type, int attempts) const;

  store::Store& store_;
  TenantId tenant_;
  const Clock& clock_;
  const EngineOptions& options_;
  const Flow& flow_;
  Retrier retrier_;
  ErrorClassifier classifier_;
  bool locked_ = false;
  Timestamp renewed_at_;
  std::unordered_map<std::string, EntityLink> links_;
};

std::string RecordLabel(const Flow& flow, std::string_view id);

}  // namespace avni::sync::detail
