#include "sync/worker.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_map>

#include "logging/log_context.hpp"

namespace avni::sync::detail {
namespace {

Sleeper SleeperOf(const EngineOptions& options) {
  return options.sleep ? options.sleep : StoppableSleeper(options.stop);
}

}  // namespace

std::string RecordLabel(const Flow& flow, std::string_view id) {
  return fmt::format("{} '{}'", flow.entity_type, id);
}

Worker::Worker(store::Store& store, TenantId tenant, const Clock& clock,
               const EngineOptions& options, const Flow& flow)
    : store_(store),
      tenant_(tenant),
      clock_(clock),
      options_(options),
      flow_(flow),
      // A record retried for longer than the lock lives must still be able to commit: each
      // wait between attempts first renews the lock when due. A lock that was lost ends the
      // retries (the page then cannot commit, and says so).
      retrier_(
          options.retry,
          [this, sleep = SleeperOf(options)](std::chrono::milliseconds d) {
            return RenewIfDue().has_value() && sleep(d);
          },
          options.seed) {}

Worker::~Worker() {
  if (!locked_) return;
  auto released = store_.Transact([&](store::Tx& tx) -> Status {
    return tx.tenant(tenant_).sync_status().Unlock(flow_.entity_type, options_.owner);
  });
  // The lock then expires by itself after lock_ttl; nothing is lost, the next run waits.
  if (!released) {
    spdlog::warn("tenant {}: could not release the {} flow lock: {}", tenant_.value,
                 flow_.entity_type, released.error().message);
  }
}

Result<bool> Worker::Begin() {
  if (options_.owner.empty()) {
    return Fail(Error::InvalidArgument("owner", "the engine needs an owner name for its locks"));
  }
  if (options_.page_size < 1 || options_.page_size > kMaxPageSize) {
    return Fail(Error::InvalidArgument(
        "page_size", fmt::format("the page size must be between 1 and {}, not {}", kMaxPageSize,
                                 options_.page_size)));
  }
  auto taken = store_.Transact([&](store::Tx& tx) -> Result<bool> {
    return tx.tenant(tenant_).sync_status().TryLock(flow_.entity_type, options_.owner,
                                                    options_.lock_ttl);
  });
  if (!taken) return Fail(taken.error());
  if (!*taken) return false;
  locked_ = true;
  renewed_at_ = clock_.Now();
  auto types = store_.Read([&](store::Tx& tx) -> Result<std::vector<ErrorType>> {
    return tx.tenant(tenant_).errors().ListTypes();
  });
  if (!types) return Fail(types.error());
  classifier_ = ErrorClassifier::Make(std::move(*types));
  return true;
}

Status Worker::LoadLinks(const std::vector<SourceRecord>& records) {
  links_.clear();  // only this page's: memory must not grow with the number of records
  std::vector<std::string> ids;
  ids.reserve(records.size());
  for (const auto& record : records) ids.push_back(record.id);
  auto links = store_.Read([&](store::Tx& tx) {
    return tx.tenant(tenant_).entity_links().FindMany(flow_.entity_type, ids);
  });
  if (!links) return Fail(links.error());
  for (auto& link : *links) links_.insert_or_assign(link.source_id, std::move(link));
  return {};
}

std::string Worker::Park(PageWork& work, const SourceRecord& record, const Error& error,
                         std::optional<RowId> error_record_id, int attempts) {
  std::string body = record.body.substr(0, options_.max_error_body);
  const ErrorType* type = classifier_.Match(error.message);
  work.parked.push_back({record.id, error.message, std::move(body),
                         type != nullptr ? std::optional<RowId>(type->id) : std::nullopt,
                         NextAttempt(type, attempts), error_record_id});
  ++work.counts.failed;
  // Not the message: a transform's may quote a record's values; the error record holds it.
  spdlog::warn("{} is parked as an error record ({}{}); its message is in the error record",
               RecordLabel(flow_, record.id), ToString(error.code),
               type != nullptr ? fmt::format(", error type '{}'", type->name) : "");
  return error.message;
}

Worker::Attempt Worker::Try(const SourceRecord& record, const EntityLink* link) {
  using Kind = Attempt::Kind;
  Attempt attempt;
  if (auto renewed = RenewIfDue(); !renewed) {
    attempt.error = renewed.error();
    return attempt;
  }
  if (link != nullptr && !record.version.empty() && link->source_version == record.version) {
    attempt.kind = Kind::kUnchanged;
    return attempt;
  }
  // Each step retries availability failures; a data error parks the record; what says the
  // setup is wrong stops the flow here.
  const auto failed = [&](const Error& error) {
    attempt.kind = StopsTheFlow(error) ? Kind::kStop : Kind::kParked;
    attempt.error = error;
    return attempt;
  };
  auto out = retrier_.Run([&] { return Guarded([&] { return flow_.transform->Apply(record); }); });
  if (!out) return failed(out.error());
  if (out->action == Outgoing::Action::kSkip) {
    attempt.kind = Kind::kSkipped;
    return attempt;
  }
  // Find and write retry as one unit: when a create's answer is lost (a timeout after the
  // destination wrote it), the retry finds the record by its key and updates it instead of
  // creating a second one.
  std::optional<std::string> linked;
  if (link != nullptr) linked = link->destination_id;
  const bool voiding = out->action == Outgoing::Action::kVoid;
  auto destination = retrier_.Run([&] {
    return Guarded([&]() -> Result<std::optional<std::string>> {
      std::optional<std::string> target = linked;
      if (!target) {
        auto found = flow_.sink->Find(*out);
        if (!found) return Fail(found.error());
        target = std::move(*found);
      }
      if (voiding) {
        // Never written: nothing to void.
        if (!target) return std::optional<std::string>();
        if (auto voided = flow_.sink->Void(*target, *out); !voided) return Fail(voided.error());
        return target;
      }
      if (!target) {
        auto created = flow_.sink->Create(*out);
        if (!created) return Fail(created.error());
        return std::optional<std::string>(std::move(*created));
      }
      if (auto updated = flow_.sink->Update(*target, *out); !updated) return Fail(updated.error());
      return target;
    });
  });
  if (!destination) return failed(destination.error());
  if (!*destination) {
    attempt.kind = Kind::kNothingToVoid;
    return attempt;
  }
  attempt.kind = Kind::kWritten;
  attempt.destination_id = std::move(**destination);
  return attempt;
}

void Worker::Note(const SourceRecord& record, Attempt attempt, PageWork& work,
                  std::optional<RowId> error_record_id, int attempts) {
  using Kind = Attempt::Kind;
  ++work.counts.read;
  switch (attempt.kind) {
    case Kind::kUnchanged:
    case Kind::kSkipped:
    case Kind::kNothingToVoid:
      ++work.counts.skipped;
      work.resolved.push_back(record.id);
      return;
    case Kind::kParked:
      Park(work, record, *attempt.error, error_record_id, attempts);
      return;
    case Kind::kWritten: {
      work.resolved.push_back(record.id);
      EntityLink done{tenant_,        flow_.entity_type,
                      record.id,      std::move(attempt.destination_id),
                      record.version, {}};
      links_.insert_or_assign(record.id, done);
      work.links.push_back(std::move(done));
      ++work.counts.written;
      return;
    }
    case Kind::kStop:
      return;  // the caller stops before it
  }
}

Status Worker::Process(const SourceRecord& record, PageWork& work,
                       std::optional<RowId> error_record_id, int attempts) {
  const EntityLink* link = nullptr;
  if (auto it = links_.find(record.id); it != links_.end()) link = &it->second;
  Attempt attempt = Try(record, link);
  if (attempt.kind == Attempt::Kind::kStop) {
    ++work.counts.read;
    return Fail(std::move(*attempt.error));
  }
  Note(record, std::move(attempt), work, error_record_id, attempts);
  return {};
}

std::optional<Worker::Stop> Worker::ProcessPage(const std::vector<SourceRecord>& records,
                                                PageWork& work) {
  const int concurrency = std::clamp(flow_.write_concurrency, 1, kMaxWriteConcurrency);
  if (concurrency == 1 || records.size() < 2) {
    for (const auto& record : records) {
      if (auto done = Process(record, work); !done) return Stop{record.id, done.error()};
      work.cursor = record.position;
    }
    return std::nullopt;
  }

  // Records of one entity form a group, done in page order by one thread: its second version
  // updates what its first wrote. Groups are taken in order of their first record.
  std::vector<std::vector<std::size_t>> groups;
  {
    std::unordered_map<std::string_view, std::size_t> group_of;
    group_of.reserve(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto [at, fresh] = group_of.try_emplace(records[i].id, groups.size());
      if (fresh) groups.emplace_back();
      groups[at->second].push_back(i);
    }
  }
  std::vector<std::optional<Attempt>> attempts(records.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> halt{false};  // a record stopped the flow: take no more groups
  // The helpers' lines name the run as this thread's do, and go to its log.
  const logging::LogContext* current = logging::CurrentContext();
  const std::optional<logging::LogContext> context =
      current != nullptr ? std::optional<logging::LogContext>(*current) : std::nullopt;
  const auto lane = [&] {
    for (;;) {
      if (halt.load()) return;
      const std::size_t g = next.fetch_add(1);
      if (g >= groups.size()) return;
      std::optional<EntityLink> link;  // links_ is only read while the page is in flight
      if (auto it = links_.find(records[groups[g].front()].id); it != links_.end()) {
        link = it->second;
      }
      for (const std::size_t i : groups[g]) {
        Attempt attempt;
        try {
          attempt = Try(records[i], link ? &*link : nullptr);
        } catch (const std::exception& e) {
          attempt.error = Error::Internal(fmt::format("internal error: {}", e.what()));
        } catch (...) {
          attempt.error = Error::Internal("internal error: an exception of unknown type");
        }
        const bool stop = attempt.kind == Attempt::Kind::kStop;
        if (attempt.kind == Attempt::Kind::kWritten) {
          link = EntityLink{
              tenant_, flow_.entity_type, records[i].id, attempt.destination_id, records[i].version,
              {}};
        }
        attempts[i] = std::move(attempt);
        if (stop) {
          halt = true;
          break;
        }
      }
    }
  };
  {
    const std::size_t threads = std::min<std::size_t>(concurrency, groups.size());
    std::vector<std::jthread> helpers;
    helpers.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t) {
      helpers.emplace_back([&] {
        std::optional<logging::ScopedLogContext> scope;
        if (context) scope.emplace(*context);
        lane();
      });
    }
    lane();
  }  // joined

  std::optional<Stop> stop;
  bool done_in_order = true;
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto& attempt = attempts[i];
    if (attempt && attempt->kind == Attempt::Kind::kStop) {
      if (!stop) stop = Stop{records[i].id, *attempt->error};
      if (done_in_order) ++work.counts.read;
      done_in_order = false;
      continue;
    }
    if (!attempt) {  // not tried: a record before it stopped the flow
      done_in_order = false;
      continue;
    }
    if (done_in_order) {
      Note(records[i], std::move(*attempt), work, std::nullopt, 0);
      work.cursor = records[i].position;
    } else if (attempt->kind == Attempt::Kind::kWritten) {
      work.links.push_back(EntityLink{tenant_,
                                      flow_.entity_type,
                                      records[i].id,
                                      std::move(attempt->destination_id),
                                      records[i].version,
                                      {}});
    }
  }
  return stop;
}

std::optional<Timestamp> Worker::NextAttempt(const ErrorType* type, int attempts) const {
  if (type != nullptr && type->follow_up_step == FollowUpStep::kTerminal) return std::nullopt;
  auto delay = options_.error_backoff_initial;
  for (int i = 0; i < attempts && delay < options_.error_backoff_max; ++i) delay *= 2;
  return clock_.Now() + std::min(delay, options_.error_backoff_max);
}

Status Worker::Commit(const PageWork& work, RowId run_id) {
  auto committed = store_.Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(tenant_);
    auto held = scope.sync_status().RenewLock(flow_.entity_type, options_.owner, options_.lock_ttl);
    if (!held) return Fail(held.error());
    if (!*held) {
      return Fail(Error::Conflict(fmt::format(
          "the {} flow lock expired and was taken over; this page is not committed and will be "
          "read again",
          flow_.entity_type)));
    }
    if (auto ok = scope.entity_links().PutMany(work.links); !ok) return ok;
    auto errors = scope.errors();
    if (auto ok = errors.ResolveMany(flow_.entity_type, work.resolved); !ok) {
      return Fail(ok.error());
    }
    for (const auto& parked : work.parked) {
      store::Failure failure{flow_.entity_type, parked.entity_id, parked.error_type_id,
                             parked.message,    parked.body,      parked.next_attempt};
      auto record = errors.RecordFailure(failure);
      if (!record) return Fail(record.error());
      if (parked.error_record_id) {
        if (auto ok = errors.NoteAttempt(record->id, parked.next_attempt); !ok) return ok;
      }
    }
    if (work.cursor) {
      SyncStatus status;
      status.entity_type = flow_.entity_type;
      status.read_upto_time = work.cursor->time;
      status.read_upto_id = work.cursor->id;
      status.read_upto_numeric = work.cursor->numeric;
      status.read_upto_marker = work.cursor->marker;
      if (auto ok = scope.sync_status().Put(status); !ok) return Fail(ok.error());
    }
    return scope.jobs().AddRunCounts(run_id, flow_.entity_type, work.counts);
  });
  if (committed) {
    {
      std::lock_guard lock(renew_mutex_);
      renewed_at_ = clock_.Now();
    }
    if (options_.on_commit) options_.on_commit(flow_.entity_type, work.counts);
  }
  return committed;
}

Status Worker::RenewIfDue() {
  std::lock_guard lock(renew_mutex_);
  if (clock_.Now() - renewed_at_ < options_.lock_ttl / 3) return {};
  auto held = store_.Transact([&](store::Tx& tx) -> Result<bool> {
    return tx.tenant(tenant_).sync_status().RenewLock(flow_.entity_type, options_.owner,
                                                      options_.lock_ttl);
  });
  if (!held) return Fail(held.error());
  if (!*held) {
    return Fail(Error::Conflict(
        fmt::format("the {} flow lock expired and was taken over", flow_.entity_type)));
  }
  renewed_at_ = clock_.Now();
  return {};
}

}  // namespace avni::sync::detail
