#include "alerts/alerter.hpp"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "domain/alert_config.hpp"
#include "store/store.hpp"

namespace avni::alerts {
namespace {

constexpr std::size_t kMaxMessage = 1000;

// A condition of one tenant: its kind, what it is about (a job or an entity type; empty for
// tenant-wide ones) and what the alert says.
struct Condition {
  std::string kind;
  std::string subject;
  std::string message;

  std::string Key() const { return subject.empty() ? kind : kind + ":" + subject; }
};

std::pair<std::string, std::string> SplitKey(const std::string& key) {
  const auto colon = key.find(':');
  if (colon == std::string::npos) return {key, ""};
  return {key.substr(0, colon), key.substr(colon + 1)};
}

// The payload's field for the subject of a kind.
std::string_view SubjectField(std::string_view kind) {
  if (kind == "job_failed" || kind == "job_paused") return "job";
  if (kind == "cursor_lag") return "entity_type";
  return "";
}

// At most kMaxMessage bytes, cut at a character boundary.
std::string Clip(std::string text) {
  if (text.size() <= kMaxMessage) return text;
  std::size_t end = kMaxMessage;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text + "...";
}

std::string Payload(const std::string& tenant, const std::string& kind, const std::string& subject,
                    std::string_view state, const std::string& message, Timestamp at) {
  nlohmann::json body = {{"tenant", tenant}, {"condition", kind}};
  const auto field = SubjectField(kind);
  if (!field.empty()) body[std::string(field)] = subject;
  body["state"] = state;
  body["message"] = Clip(message);
  body["at"] = FormatIso8601(at);
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct TenantFacts {
  const store::AlertFacts::Tenant* tenant = nullptr;
  AlertConfig config;
  std::map<std::string, const store::AlertFacts::LatestRun*> runs;  // by job
  std::map<std::string, Timestamp> cursors;                         // by entity type
  std::int64_t open_errors = 0;
  std::vector<Condition> current;
};

// The message of a resolved alert, from what this pass saw.
std::string ResolvedMessage(const TenantFacts& facts, const std::string& kind,
                            const std::string& subject, Timestamp now) {
  if (kind == "job_failed") {
    const auto it = facts.runs.find(subject);
    if (it != facts.runs.end() && it->second->status == RunStatus::kSucceeded) {
      return fmt::format("a later run of job {} succeeded", subject);
    }
  } else if (kind == "job_paused") {
    return fmt::format("job {} is no longer paused", subject);
  } else if (kind == "error_records" && facts.config.error_records_threshold) {
    return fmt::format("{} open error records, at or below the threshold of {}", facts.open_errors,
                       *facts.config.error_records_threshold);
  } else if (kind == "cursor_lag" && facts.config.cursor_lag_seconds) {
    const auto it = facts.cursors.find(subject);
    if (it != facts.cursors.end()) {
      return fmt::format("the cursor of {} is {} s behind, within {} s", subject,
                         std::chrono::duration_cast<std::chrono::seconds>(now - it->second).count(),
                         *facts.config.cursor_lag_seconds);
    }
  }
  return "the condition cleared";
}

}  // namespace

Alerter::Alerter(store::Store& store, const Clock& clock, WebhookSender& sender,
                 AlerterOptions options)
    : store_(store), clock_(clock), sender_(sender), options_(std::move(options)) {}

Alerter::~Alerter() { Stop(); }

void Alerter::Start() {
  std::lock_guard lock(mutex_);
  if (loop_.joinable() || stopping_) return;
  loop_ = std::thread([this] { Loop(); });
}

void Alerter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (loop_.joinable()) loop_.join();
}

void Alerter::Loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (auto checked = Check(); !checked) {
        spdlog::warn("alerts: check failed: {}", checked.error().message);
      }
    } catch (const std::exception& e) {
      spdlog::error("alerts: check failed: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, options_.interval, [&] { return stopping_; });
  }
}

Status Alerter::Check() {
  auto facts = store_.Read([](store::Tx& tx) { return tx.alerts().Observe(); });
  if (!facts) return Fail(facts.error());
  if (options_.after_observe) options_.after_observe();
  const Timestamp now = clock_.Now();

  std::map<RowId, TenantFacts> tenants;
  std::set<RowId> skipped;  // tenants whose conditions this pass leaves as they are
  for (const auto& tenant : facts->tenants) {
    if (tenant.config_error) {
      spdlog::warn("alerts: tenant {}: {}", tenant.name, tenant.config_error->message);
      skipped.insert(tenant.id.value);
      continue;
    }
    auto config = ReadAlertConfig(tenant.config);
    if (!config) {
      spdlog::warn("alerts: tenant {}: {}", tenant.name, config.error().message);
      skipped.insert(tenant.id.value);
      continue;
    }
    tenants[tenant.id.value] = TenantFacts{&tenant, std::move(*config), {}, {}, 0, {}};
  }
  auto find = [&](TenantId id) -> TenantFacts* {
    const auto it = tenants.find(id.value);
    return it == tenants.end() ? nullptr : &it->second;
  };

  for (const auto& run : facts->runs) {
    TenantFacts* t = find(run.tenant);
    if (t == nullptr) continue;
    t->runs[run.job] = &run;
    if (run.status == RunStatus::kFailed) {
      t->current.push_back(
          {"job_failed", run.job, fmt::format("job {} failed: {}", run.job, run.message)});
    }
  }
  for (const auto& paused : facts->paused) {
    if (TenantFacts* t = find(paused.tenant)) {
      t->current.push_back(
          {"job_paused", paused.job, fmt::format("job {} is {}", paused.job, paused.reason)});
    }
  }
  for (const auto& count : facts->errors) {
    if (TenantFacts* t = find(count.tenant)) t->open_errors = count.open;
  }
  for (auto& [id, t] : tenants) {
    const auto& threshold = t.config.error_records_threshold;
    if (threshold && t.open_errors > *threshold) {
      t.current.push_back({"error_records", "",
                           fmt::format("{} open error records, more than the threshold of {}",
                                       t.open_errors, *threshold)});
    }
  }
  for (const auto& cursor : facts->cursors) {
    TenantFacts* t = find(cursor.tenant);
    if (t == nullptr) continue;
    t->cursors[cursor.entity_type] = cursor.read_upto;
    const auto lag = std::chrono::duration_cast<std::chrono::seconds>(now - cursor.read_upto);
    if (t->config.cursor_lag_seconds && lag.count() > *t->config.cursor_lag_seconds) {
      t->current.push_back(
          {"cursor_lag", cursor.entity_type,
           fmt::format("the cursor of {} is {} s behind, more than {} s", cursor.entity_type,
                       lag.count(), *t->config.cursor_lag_seconds)});
    }
  }

  Status result;
  auto note = [&](const Error& error) {
    if (result) result = Fail(error);
  };
  auto send = [&](const TenantFacts& t, const std::string& kind, const std::string& subject,
                  std::string_view state, const std::string& message) {
    const std::string key = subject.empty() ? kind : kind + ":" + subject;
    sender_.Enqueue({t.tenant->id, t.tenant->name, t.config.webhook_url, t.config.secret,
                     Payload(t.tenant->name, kind, subject, state, message, now),
                     fmt::format("{} {}", key, state)});
  };

  // Conditions that started: the instance whose insert makes the row sends the firing alert.
  std::set<std::pair<RowId, std::string>> open;
  for (const auto& state : facts->open) open.emplace(state.tenant.value, state.condition_key);
  std::set<std::pair<RowId, std::string>> current;
  for (const auto& [id, t] : tenants) {
    for (const auto& condition : t.current) {
      const std::string key = condition.Key();
      current.emplace(id, key);
      if (open.contains({id, key})) continue;
      auto opened = store_.Transact([&](store::Tx& tx) {
        return tx.alerts().Open(t.tenant->id, key, condition.message, options_.instance);
      });
      if (!opened) {
        note(opened.error());
      } else if (*opened) {
        send(t, condition.kind, condition.subject, "firing", condition.message);
      }
    }
  }
  // Conditions that cleared: the instance whose delete removes the row sends the resolved
  // alert. A tenant without a webhook now (removed, or the tenant deactivated) has its
  // conditions cleared without one.
  for (const auto& state : facts->open) {
    const RowId id = state.tenant.value;
    if (skipped.contains(id) || current.contains({id, state.condition_key})) continue;
    auto closed = store_.Transact(
        [&](store::Tx& tx) { return tx.alerts().Close(state.tenant, state.condition_key); });
    if (!closed) {
      note(closed.error());
      continue;
    }
    const TenantFacts* t = find(state.tenant);
    if (!*closed || t == nullptr) continue;
    const auto [kind, subject] = SplitKey(state.condition_key);
    send(*t, kind, subject, "resolved", ResolvedMessage(*t, kind, subject, now));
  }
  return result;
}

}  // namespace avni::alerts
