#include "sync/engine.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "logging/log_context.hpp"
#include "sync/worker.hpp"

namespace avni::sync {
namespace {

Cursor CursorOf(const std::optional<SyncStatus>& status) {
  Cursor cursor;
  if (!status) return cursor;
  cursor.time = status->read_upto_time;
  cursor.id = status->read_upto_id;
  cursor.numeric = status->read_upto_numeric;
  cursor.marker = status->read_upto_marker;
  return cursor;
}

void Add(RunCounts& total, const RunCounts& part) {
  total.read += part.read;
  total.written += part.written;
  total.skipped += part.skipped;
  total.failed += part.failed;
}

FlowResult Failed(FlowResult result, std::string message) {
  result.outcome = FlowOutcome::kFailed;
  result.message = std::move(message);
  return result;
}

}  // namespace

std::string_view ToString(FlowOutcome outcome) {
  switch (outcome) {
    case FlowOutcome::kCompleted:
      return "completed";
    case FlowOutcome::kStopped:
      return "stopped";
    case FlowOutcome::kBusy:
      return "busy";
    case FlowOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

Engine::Engine(store::Store& store, TenantId tenant, const Clock& clock, EngineOptions options)
    : store_(store), tenant_(tenant), clock_(clock), options_(std::move(options)) {}

FlowResult Engine::RunFlow(const Flow& flow, RowId run_id) {
  FlowResult result;
  detail::Worker worker(store_, tenant_, clock_, options_, flow);
  auto began = worker.Begin();
  if (!began) return Failed(result, began.error().message);
  if (!*began) {
    result.outcome = FlowOutcome::kBusy;
    result.message = fmt::format("the {} flow is already running elsewhere", flow.entity_type);
    return result;
  }
  // Read once: this runner holds the lock, so nobody else moves the cursor until it is done.
  auto status = store_.Read([&](store::Tx& tx) -> Result<std::optional<SyncStatus>> {
    return tx.tenant(tenant_).sync_status().Get(flow.entity_type);
  });
  if (!status) return Failed(result, status.error().message);
  Cursor cursor = CursorOf(*status);
  const auto started = clock_.Now();

  for (;;) {
    if (options_.stop != nullptr && options_.stop->load()) {
      result.outcome = FlowOutcome::kStopped;
      result.message = "stop requested; the next run goes on from the cursor";
      break;
    }
    if (options_.max_run_time.count() > 0 && clock_.Now() - started >= options_.max_run_time) {
      result.outcome = FlowOutcome::kStopped;
      result.message = "the run's time is up; the next run goes on from the cursor";
      break;
    }
    auto page = worker.retrier().Run([&] {
      return detail::Guarded([&] { return flow.source->Read(cursor, options_.page_size); });
    });
    if (!page) {
      result = Failed(result, fmt::format("reading {} after the cursor failed: {}",
                                          flow.entity_type, page.error().message));
      break;
    }
    // Sources that can only filter inclusively send records again; the order must be strict,
    // or the cursor could move backwards and records be read twice or never.
    std::vector<SourceRecord> fresh;
    fresh.reserve(page->records.size());
    Cursor last = cursor;
    bool out_of_order = false;
    for (auto& record : page->records) {
      if (!After(record.position, cursor)) continue;
      if (!fresh.empty() && !After(record.position, last)) {
        out_of_order = true;
        break;
      }
      last = record.position;
      fresh.push_back(std::move(record));
    }
    if (out_of_order) {
      result = Failed(result, fmt::format("the {} source returned records out of order after "
                                          "'{}'; nothing of that page was processed",
                                          flow.entity_type, last.id));
      break;
    }
    if (fresh.empty()) {
      if (!page->last && !page->records.empty()) {
        result = Failed(result, fmt::format("the {} source returned a full page of records "
                                            "already read; it does not move past the cursor",
                                            flow.entity_type));
      }
      break;
    }
    if (auto loaded = worker.LoadLinks(fresh); !loaded) {
      result = Failed(result, loaded.error().message);
      break;
    }
    detail::PageWork work;
    const auto stopped = worker.ProcessPage(fresh, work);
    if (auto committed = worker.Commit(work, run_id); !committed) {
      result = Failed(result, fmt::format("committing a page of {} failed: {}", flow.entity_type,
                                          committed.error().message));
      break;
    }
    Add(result.counts, work.counts);
    if (stopped) {
      result = Failed(result,
                      fmt::format("stopped before {}: {}; the next run starts there",
                                  detail::RecordLabel(flow, stopped->id), stopped->error.message));
      break;
    }
    if (work.cursor) cursor = *work.cursor;
    if (page->last) break;
  }
  result.retries = worker.retrier().retries();
  return result;
}

FlowResult Engine::RunEach(const std::vector<Flow>& flows, RowId run_id,
                           FlowResult (Engine::*one)(const Flow&, RowId)) {
  FlowResult total;
  auto ordered = InDependencyOrder(flows);
  if (!ordered) return Failed(total, ordered.error().message);
  for (const auto& flow : *ordered) {
    FlowResult result = (this->*one)(flow, run_id);
    Add(total.counts, result.counts);
    total.retries += result.retries;
    if (result.outcome != FlowOutcome::kCompleted) {
      total.outcome = result.outcome;
      total.message = fmt::format("{}: {}", flow.entity_type, result.message);
      break;
    }
  }
  return total;
}

FlowResult Engine::RunFlows(const std::vector<Flow>& flows, RowId run_id) {
  return RunEach(flows, run_id, &Engine::RunFlow);
}

FlowResult Engine::ReprocessAll(const std::vector<Flow>& flows, RowId run_id) {
  return RunEach(flows, run_id, &Engine::Reprocess);
}

Result<Run> Engine::RunJob(RowId job_id, std::string_view instance, const std::vector<Flow>& flows,
                           JobKind kind) {
  auto run = store_.Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).jobs().StartRun(job_id, instance); });
  if (!run) return Fail(run.error());
  // Every line logged from here on (on the worker threads too) names the run.
  const logging::ScopedLogContext context(
      logging::ScopedLogContext::WithRun(tenant_.value, run->id));
  // The run is a boundary: whatever escapes it (a bug, an exception of a library) fails this
  // run with its message and leaves the service, and every other tenant, running.
  FlowResult result;
  try {
    result = kind == JobKind::kMain ? RunFlows(flows, run->id) : ReprocessAll(flows, run->id);
  } catch (const std::exception& e) {
    result = Failed(result, fmt::format("internal error: {}", e.what()));
  } catch (...) {
    result = Failed(result, "internal error: an exception of unknown type");
  }
  RunStatus status = RunStatus::kSucceeded;
  if (result.outcome == FlowOutcome::kFailed) status = RunStatus::kFailed;
  if (result.outcome == FlowOutcome::kStopped || result.outcome == FlowOutcome::kBusy) {
    status = RunStatus::kCancelled;
  }
  if (status != RunStatus::kSucceeded) {
    spdlog::warn("tenant {}: run {} {}: {}", tenant_.value, run->id, ToString(status),
                 result.message);
  }
  {
    const logging::KeepInfoLines keep;
    spdlog::info("run {} {}: read {}, written {}, skipped {}, failed {}; {} retries", run->id,
                 ToString(status), result.counts.read, result.counts.written, result.counts.skipped,
                 result.counts.failed, result.retries);
  }
  return store_.Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).jobs().EndRun(run->id, status, result.message);
  });
}

}  // namespace avni::sync
