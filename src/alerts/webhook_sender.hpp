#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/ids.hpp"
#include "http/target_policy.hpp"

namespace avni::http {
class Client;
}

namespace avni::alerts {

struct WebhookOptions {
  int threads = 4;  // deliveries at once, all tenants together
  // One attempt's connect, read and total timeout: a webhook that hangs holds one thread no
  // longer than this.
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
  int max_attempts = 6;
  // The wait before the second attempt; it doubles after each failure, up to max_backoff.
  std::chrono::milliseconds first_backoff{std::chrono::seconds(1)};
  std::chrono::milliseconds max_backoff{std::chrono::seconds(60)};
  // Alerts waiting for one tenant's webhook; past it the oldest waiting one is dropped (logged).
  std::size_t max_queued_per_tenant = 100;
  http::TargetPolicy targets;  // where webhooks may be; checked on every connection
};

// One alert to deliver. `what` names it in logs ("job_failed:main firing"); the URL and the
// secret never appear in a log line.
struct Outgoing {
  TenantId tenant;
  std::string tenant_name;
  std::string url;
  std::string secret;  // empty: unsigned
  std::string body;    // the JSON payload
  std::string what;
};

// "sha256=" and the hex HMAC-SHA256, keyed by `secret`, of "<timestamp>.<body>": what
// X-Avni-Signature carries, with the timestamp (Unix seconds) in X-Avni-Timestamp.
std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body);

// Delivers alerts as JSON POSTs on its own threads, so that nothing that enqueues ever waits
// for a webhook. Each tenant's alerts go out one at a time in the order enqueued (a resolved
// alert never overtakes its firing one); different tenants' go out in parallel, so a tenant
// whose webhook hangs or fails delays no other tenant beyond holding one thread for `timeout`.
// A failed attempt (no answer, timeout, or a status other than 2xx) is retried after a backoff
// (1 s, 2 s, 4 s, ... capped) without holding a thread meanwhile; after max_attempts the alert
// is logged and dropped, as is one whose target the outbound policy refuses (at once).
//
// Thread-safe. The destructor stops the threads; alerts still waiting are dropped (logged).
class WebhookSender {
 public:
  explicit WebhookSender(WebhookOptions options);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void Enqueue(Outgoing alert);
  // Waits until nothing is queued or being sent (tests); false after `timeout`.
  bool WaitIdle(std::chrono::milliseconds timeout);

  struct Counts {
    std::int64_t delivered = 0;
    std::int64_t dropped = 0;
  };
  Counts counts() const;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Pending {
    Outgoing alert;
    int attempts = 0;  // made so far
    SteadyTime due;
  };

  void Work();
  enum class Outcome { kDelivered, kRetry, kGiveUp };
  // One POST: delivered when answered 2xx; a target the policy refuses is not tried again.
  // Logs why not delivered.
  Outcome Attempt(const Pending& pending);

  WebhookOptions options_;
  std::unique_ptr<http::Client> client_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<RowId, std::deque<Pending>> queues_;  // guarded by mutex_; by tenant id
  std::set<RowId> sending_;                      // guarded by mutex_; tenants being sent now
  Counts counts_;                                // guarded by mutex_
  bool stopping_ = false;                        // guarded by mutex_
  std::vector<std::thread> threads_;
};

}  // namespace avni::alerts
