#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <unordered_set>

#include "sync/engine.hpp"
#include "sync/worker.hpp"

namespace avni::sync {

FlowResult Engine::Reprocess(const Flow& flow, RowId run_id) {
  FlowResult result;
  detail::Worker worker(store_, tenant_, clock_, options_, flow);
  auto began = worker.Begin();
  if (!began) {
    result.outcome = FlowOutcome::kFailed;
    result.message = began.error().message;
    return result;
  }
  if (!*began) {
    result.outcome = FlowOutcome::kBusy;
    result.message = fmt::format(
        "the {} flow is running; its error records wait for the next "
        "errors run",
        flow.entity_type);
    return result;
  }
  // Every record tried is deleted (success) or given a later next attempt, so asking for the
  // due ones again yields the rest; `tried` guards against a zero backoff looping forever.
  std::unordered_set<RowId> tried;
  for (;;) {
    if (options_.stop != nullptr && options_.stop->load()) {
      result.outcome = FlowOutcome::kStopped;
      result.message = "stop requested";
      break;
    }
    auto due = store_.Read([&](store::Tx& tx) -> Result<std::vector<ErrorRecord>> {
      return tx.tenant(tenant_).errors().ListDue(flow.entity_type, clock_.Now(),
                                                 options_.page_size);
    });
    if (!due) {
      result.outcome = FlowOutcome::kFailed;
      result.message = due.error().message;
      break;
    }
    std::erase_if(*due, [&](const ErrorRecord& r) { return tried.contains(r.id); });
    if (due->empty()) break;

    detail::PageWork work;
    std::optional<Error> stopped_at;
    std::string stopped_id;
    for (const auto& record : *due) {
      tried.insert(record.id);
      auto fetched = worker.retrier().Run(
          [&] { return detail::Guarded([&] { return flow.source->Fetch(record.entity_id); }); });
      if (!fetched && StopsTheFlow(fetched.error())) {
        stopped_at = fetched.error();
        stopped_id = record.entity_id;
        break;
      }
      if (!fetched) {
        SourceRecord missing{record.entity_id, "", {}, ""};
        worker.Park(work, missing, fetched.error(), record.id, record.attempts);
        ++work.counts.read;
        continue;
      }
      if (!*fetched) {
        // Nothing left to sync: the entity was deleted in the source.
        spdlog::info("tenant {}: {} no longer exists in the source; its error record is removed",
                     tenant_.value, detail::RecordLabel(flow, record.entity_id));
        work.resolved.push_back(record.entity_id);
        ++work.counts.read;
        ++work.counts.skipped;
        continue;
      }
      if (auto loaded = worker.LoadLinks({**fetched}); !loaded) {
        stopped_at = loaded.error();
        stopped_id = record.entity_id;
        break;
      }
      if (auto done = worker.Process(**fetched, work, record.id, record.attempts); !done) {
        stopped_at = done.error();
        stopped_id = record.entity_id;
        break;
      }
    }
    if (auto committed = worker.Commit(work, run_id); !committed) {
      result.outcome = FlowOutcome::kFailed;
      result.message = fmt::format("committing reprocessed {} records failed: {}", flow.entity_type,
                                   committed.error().message);
      break;
    }
    result.counts.read += work.counts.read;
    result.counts.written += work.counts.written;
    result.counts.skipped += work.counts.skipped;
    result.counts.failed += work.counts.failed;
    if (stopped_at) {
      result.outcome = FlowOutcome::kFailed;
      result.message = fmt::format("stopped at {}: {}", detail::RecordLabel(flow, stopped_id),
                                   stopped_at->message);
      break;
    }
  }
  result.retries = worker.retrier().retries();
  return result;
}

}  // namespace avni::sync
