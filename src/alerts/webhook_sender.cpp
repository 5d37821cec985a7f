#include "alerts/webhook_sender.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/client.hpp"

namespace avni::alerts {
namespace {

// A webhook answers a few bytes; anything bigger is not read.
constexpr std::size_t kMaxAnswer = 64 * 1024;

std::string UnixSeconds() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

}  // namespace

std::string WebhookSignature(std::string_view secret, std::string_view timestamp,
                             std::string_view body) {
  std::string signed_text;
  signed_text.reserve(timestamp.size() + 1 + body.size());
  signed_text.append(timestamp).append(".").append(body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
           &mac_size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  std::string out = "sha256=";
  for (unsigned int i = 0; i < mac_size; ++i) out += fmt::format("{:02x}", mac[i]);
  return out;
}

WebhookSender::WebhookSender(WebhookOptions options) : options_(std::move(options)) {
  http::ClientOptions client;
  client.connect_timeout = options_.timeout;
  client.read_timeout = options_.timeout;
  client.total_timeout = options_.timeout;
  client.max_response_bytes = kMaxAnswer;
  client.targets = options_.targets;
  client_ = std::make_unique<http::Client>(std::move(client));
  const int threads = std::max(1, options_.threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

WebhookSender::~WebhookSender() {
  std::size_t waiting = 0;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const auto& [tenant, queue] : queues_) waiting += queue.size();
  }
  changed_.notify_all();
  for (auto& t : threads_) t.join();
  if (waiting > 0) spdlog::warn("alerts: stopping with {} alert(s) not delivered", waiting);
}

void WebhookSender::Enqueue(Outgoing alert) {
  {
    std::lock_guard lock(mutex_);
    auto& queue = queues_[alert.tenant.value];
    if (queue.size() >= std::max<std::size_t>(1, options_.max_queued_per_tenant)) {
      // The oldest waiting alert goes; one on the wire (the front, while sending) stays.
      const bool front_busy = sending_.contains(alert.tenant.value);
      if (!(front_busy && queue.size() == 1)) {
        const auto victim = front_busy ? queue.begin() + 1 : queue.begin();
        spdlog::warn("alerts: tenant {}: too many alerts waiting for its webhook; dropped {}",
                     victim->alert.tenant_name, victim->alert.what);
        ++counts_.dropped;
        queue.erase(victim);
      }
    }
    queue.push_back({std::move(alert), 0, std::chrono::steady_clock::now()});
  }
  changed_.notify_all();
}

bool WebhookSender::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return queues_.empty() && sending_.empty(); });
}

WebhookSender::Counts WebhookSender::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

void WebhookSender::Work() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // The tenant whose next alert is due first, among those no other thread is sending.
    const auto now = std::chrono::steady_clock::now();
    RowId ready = 0;
    bool found = false;
    std::optional<SteadyTime> next_due;
    for (const auto& [tenant, queue] : queues_) {
      if (queue.empty() || sending_.contains(tenant)) continue;
      const SteadyTime due = queue.front().due;
      if (due <= now) {
        ready = tenant;
        found = true;
        break;
      }
      if (!next_due || due < *next_due) next_due = due;
    }
    if (!found) {
      if (next_due) {
        changed_.wait_until(lock, *next_due);
      } else {
        changed_.wait(lock);
      }
      continue;
    }
    sending_.insert(ready);
    Pending pending = queues_[ready].front();
    lock.unlock();
    Outcome outcome = Outcome::kRetry;
    try {
      outcome = Attempt(pending);
    } catch (const std::exception& e) {
      spdlog::error("alerts: tenant {}: {} failed: {}", pending.alert.tenant_name,
                    pending.alert.what, e.what());
    }
    lock.lock();
    sending_.erase(ready);
    auto& queue = queues_[ready];
    Pending& front = queue.front();
    ++front.attempts;
    if (outcome == Outcome::kDelivered) {
      ++counts_.delivered;
      queue.pop_front();
    } else if (outcome == Outcome::kGiveUp || front.attempts >= options_.max_attempts) {
      spdlog::warn("alerts: tenant {}: {} not delivered after {} attempts; dropped",
                   front.alert.tenant_name, front.alert.what, front.attempts);
      ++counts_.dropped;
      queue.pop_front();
    } else {
      auto backoff = options_.first_backoff;
      for (int i = 1; i < front.attempts && backoff < options_.max_backoff; ++i) backoff *= 2;
      front.due = std::chrono::steady_clock::now() + std::min(backoff, options_.max_backoff);
    }
    if (queue.empty()) queues_.erase(ready);
    changed_.notify_all();
  }
}

WebhookSender::Outcome WebhookSender::Attempt(const Pending& pending) {
  const Outgoing& alert = pending.alert;
  http::Request request;
  request.method = "POST";
  request.url = alert.url;
  request.body = alert.body;
  request.headers.emplace_back("Content-Type", "application/json");
  if (!alert.secret.empty()) {
    const std::string timestamp = UnixSeconds();
    request.headers.emplace_back("X-Avni-Timestamp", timestamp);
    request.headers.emplace_back("X-Avni-Signature",
                                 WebhookSignature(alert.secret, timestamp, alert.body));
  }
  auto answer = client_->Send(request);
  if (!answer) {
    // The client's messages name the host, never the path or query (which may carry a token).
    spdlog::warn("alerts: tenant {}: {} attempt {} failed: {}", alert.tenant_name, alert.what,
                 pending.attempts + 1,
                 http::NameSetting("alert_webhook_url", answer.error()).message);
    return http::IsRefusedTarget(answer.error()) ? Outcome::kGiveUp : Outcome::kRetry;
  }
  if (answer->status < 200 || answer->status >= 300) {
    spdlog::warn("alerts: tenant {}: {} attempt {}: the webhook answered HTTP {}",
                 alert.tenant_name, alert.what, pending.attempts + 1, answer->status);
    return Outcome::kRetry;
  }
  return Outcome::kDelivered;
}

}  // namespace avni::alerts
