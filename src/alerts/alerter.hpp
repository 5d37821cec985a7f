#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "alerts/webhook_sender.hpp"
#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::store {
class Store;
}

namespace avni::alerts {

struct AlerterOptions {
  std::chrono::milliseconds interval{std::chrono::seconds(15)};  // between two checks
  std::string instance;  // recorded with the conditions this instance opens
  // A test seam: called in Check after the facts are read, before any condition is opened or
  // cleared (e.g. to make two instances read the same facts before either writes).
  std::function<void()> after_observe;
};

// Finds the conditions that need a tenant's operators and tells them through the tenant's
// webhook (README, "Alerts"):
//   job_failed:<job>      the job's latest run failed; clears when a later run succeeds
//   job_paused:<job>      the scheduler paused the job after failed runs; clears when resumed
//   error_records         open error records above alert_error_records_threshold
//   cursor_lag:<entity>   a flow's cursor further behind than alert_cursor_lag_seconds
// One "firing" alert when a condition starts, one "resolved" when it clears.
//
// It polls the store (a handful of queries over all tenants per check) rather than hooking into
// the scheduler: a run never waits for it, conditions that arise on other instances or through
// the API (a resume, error records deleted) are seen all the same, and a restart loses nothing.
// Open conditions live in the store (alert_states), whose unique key lets one instance only
// open or clear each, so several instances on one database send each alert once.
//
// Thread-safe. Check runs on the caller's thread; Start runs it every `interval` on its own.
class Alerter {
 public:
  Alerter(store::Store& store, const Clock& clock, WebhookSender& sender, AlerterOptions options);
  ~Alerter();
  Alerter(const Alerter&) = delete;
  Alerter& operator=(const Alerter&) = delete;

  void Start();
  void Stop();
  // One pass: reads the conditions, opens and clears them in the store, and hands the alerts
  // of those this instance opened or cleared to the sender. Errors: the store's.
  Status Check();

 private:
  void Loop();

  store::Store& store_;
  const Clock& clock_;
  WebhookSender& sender_;
  AlerterOptions options_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread loop_;
};

}  // namespace avni::alerts
