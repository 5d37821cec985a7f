// Alerts end to end below the HTTP API: conditions made in a real store (both backends), the
// alerter's checks, and the alerts a webhook receiver on loopback gets.
#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <barrier>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "alerts/alerter.hpp"
#include "alerts/webhook_sender.hpp"
#include "http/loopback.hpp"
#include "scheduler/scheduler.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kSecret = "w3bhook-signing-k3y-7";
constexpr const char* kPathToken = "tok-5ecret-path-91";  // a token in the webhook's URL

// The expected signature, computed here with OpenSSL rather than with the code under test.
std::string ExpectedSignature(const std::string& timestamp, const std::string& body) {
  const std::string text = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), kSecret, static_cast<int>(std::string_view(kSecret).size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &size);
  std::string hex = "sha256=";
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

// A webhook on loopback. It answers the statuses it is given in turn (then 200), or holds every
// request while hanging; it keeps what it accepted with 2xx.
class Receiver {
 public:
  struct Hit {
    json body;
    std::string raw, timestamp, signature;
  };

  Receiver() {
    auto server = std::make_unique<httplib::Server>();
    server->Post(R"(/hook/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(mutex_);
      ++attempts_;
      changed_.notify_all();
      changed_.wait_for(lock, 20s, [&] { return !hang_; });
      int status = 200;
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.erase(statuses_.begin());
      }
      res.status = status;
      if (status >= 200 && status < 300) {
        hits_.push_back({json::parse(req.body, nullptr, false), req.body,
                         req.get_header_value("X-Avni-Timestamp"),
                         req.get_header_value("X-Avni-Signature")});
        changed_.notify_all();
      }
    });
    server_.emplace(std::move(server));
  }
  ~Receiver() { Hang(false); }

  std::string Url() const { return server_->Url(std::string("/hook/") + kPathToken); }
  void AnswerWith(std::vector<int> statuses) {
    std::lock_guard lock(mutex_);
    statuses_ = std::move(statuses);
  }
  void Hang(bool hang) {
    std::lock_guard lock(mutex_);
    hang_ = hang;
    changed_.notify_all();
  }
  bool WaitHits(std::size_t n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return hits_.size() >= n; });
  }
  bool WaitAttempts(int n, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return attempts_ >= n; });
  }
  std::vector<Hit> hits() {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  int attempts() {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> statuses_;
  std::vector<Hit> hits_;
  int attempts_ = 0;
  bool hang_ = false;
  std::optional<http::LoopbackServer<httplib::Server>> server_;
};

class AlertsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    options_.targets.allow_private = true;  // the receiver is on loopback
    options_.timeout = 5s;
    options_.first_backoff = 20ms;
    options_.max_attempts = 4;
    sender_ = std::make_unique<alerts::WebhookSender>(options_);
    alerter_ = std::make_unique<alerts::Alerter>(*store_, clock_, *sender_,
                                                 alerts::AlerterOptions{1s, "instance-a"});
  }
  void TearDown() override {
    alerter_.reset();
    sender_.reset();
    StoreTest::TearDown();
  }

  // A tenant whose alerts go to `receiver`, signed, with `config` besides.
  TenantId Tenant(const std::string& name, Receiver& receiver,
                  const std::vector<std::pair<std::string, std::string>>& config = {}) {
    const TenantId t = MakeTenant(name);
    SetConfig(t, "alert_webhook_url", receiver.Url());
    SetConfig(t, "alert_webhook_secret", kSecret, true);
    for (const auto& [key, value] : config) SetConfig(t, key, value);
    return t;
  }
  void SetConfig(TenantId t, const std::string& key, const std::string& value,
                 bool secret = false) {
    ASSERT_TRUE(store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(t).config().Set(key, value, secret); }));
  }
  // A run of the job that ends with `status` and `message`.
  void RecordRun(TenantId t, const std::string& job, RunStatus status,
                 const std::string& message = "") {
    auto ended = store_->Transact([&](store::Tx& tx) -> Result<avni::Run> {
      auto jobs = tx.tenant(t).jobs();
      auto found = jobs.Get(job);
      if (!found) return Fail(found.error());
      auto run = jobs.StartRun(found->id, "test");
      if (!run) return run;
      return jobs.EndRun(run->id, status, message);
    });
    ASSERT_TRUE(ended.has_value()) << ended.error().message;
  }
  // One check, then every alert it queued delivered (or given up).
  void Check(alerts::Alerter* alerter = nullptr) {
    auto checked = (alerter ? alerter : alerter_.get())->Check();
    ASSERT_TRUE(checked.has_value()) << checked.error().message;
    ASSERT_TRUE(sender_->WaitIdle(20s));
  }
  void RecordFailure(TenantId t, const std::string& entity_id) {
    ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
      return tx.tenant(t).errors().RecordFailure(
          {"Subject", entity_id, std::nullopt, "concept not mapped", "", std::nullopt});
    }));
  }

  alerts::WebhookOptions options_;
  std::unique_ptr<alerts::WebhookSender> sender_;
  std::unique_ptr<alerts::Alerter> alerter_;
};

TEST_P(AlertsTest, AFailedRunFiresOnceSignedAndALaterSuccessResolvesIt) {
  Receiver receiver;
  const TenantId t = Tenant("JSS Bahmni", receiver);
  RecordRun(t, "main", RunStatus::kFailed, "OpenMRS answered HTTP 503");
  Check();

  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  const json& body = hits[0].body;
  EXPECT_EQ(body["tenant"], "JSS Bahmni");
  EXPECT_EQ(body["condition"], "job_failed");
  EXPECT_EQ(body["job"], "main");
  EXPECT_EQ(body["state"], "firing");
  EXPECT_EQ(body["message"], "job main failed: OpenMRS answered HTTP 503");
  EXPECT_EQ(body["at"], FormatIso8601(clock_.Now()));
  EXPECT_EQ(body.size(), 6u) << hits[0].raw;
  ASSERT_FALSE(hits[0].timestamp.empty());
  const auto sent_at = std::stoll(hits[0].timestamp);
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  EXPECT_LE(std::abs(now - sent_at), 60);
  EXPECT_EQ(hits[0].signature, ExpectedSignature(hits[0].timestamp, hits[0].raw));

  // Still failing: nothing more, however often it is checked.
  RecordRun(t, "main", RunStatus::kFailed, "OpenMRS answered HTTP 503");
  Check();
  Check();
  EXPECT_EQ(receiver.hits().size(), 1u);
  // A cancelled run says nothing either way.
  RecordRun(t, "main", RunStatus::kCancelled, "stopped");
  Check();
  EXPECT_EQ(receiver.hits().size(), 1u);

  RecordRun(t, "main", RunStatus::kSucceeded);
  Check();
  Check();
  hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].body["condition"], "job_failed");
  EXPECT_EQ(hits[1].body["job"], "main");
  EXPECT_EQ(hits[1].body["state"], "resolved");
  EXPECT_EQ(hits[1].body["message"], "a later run of job main succeeded");
  EXPECT_EQ(hits[1].signature, ExpectedSignature(hits[1].timestamp, hits[1].raw));

  // A new failure is a new condition.
  RecordRun(t, "main", RunStatus::kFailed, "timeout");
  Check();
  ASSERT_EQ(receiver.hits().size(), 3u);
  EXPECT_EQ(receiver.hits()[2].body["state"], "firing");
}

TEST_P(AlertsTest, AJobPausedAfterFailuresAlertsUntilResumedButAManualPauseDoesNot) {
  Receiver receiver;
  const TenantId t = Tenant("JSS Bahmni", receiver);
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Result<Job> {
    auto jobs = tx.tenant(t).jobs();
    auto main = jobs.Get("main");
    if (!main) return main;
    auto noted = jobs.NoteRunOutcome(main->id, false, 1, "HTTP 503");
    if (!noted) return noted;
    return jobs.SetPaused("errors", true, "paused by ana@example.org");
  }));
  Check();
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].body["condition"], "job_paused");
  EXPECT_EQ(hits[0].body["job"], "main");
  EXPECT_EQ(hits[0].body["state"], "firing");
  EXPECT_NE(hits[0].body["message"].get<std::string>().find("paused after 1 failed runs"),
            std::string::npos)
      << hits[0].raw;

  Check();
  EXPECT_EQ(receiver.hits().size(), 1u);
  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(t).jobs().SetPaused("main", false, ""); }));
  Check();
  hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].body["condition"], "job_paused");
  EXPECT_EQ(hits[1].body["state"], "resolved");
}

TEST_P(AlertsTest, OpenErrorRecordsAboveTheThresholdFireAndClearAtOrBelowIt) {
  Receiver receiver;
  const TenantId t = Tenant("JSS Bahmni", receiver, {{"alert_error_records_threshold", "2"}});
  RecordFailure(t, "s-1");
  RecordFailure(t, "s-2");
  Check();
  EXPECT_TRUE(receiver.hits().empty());

  RecordFailure(t, "s-3");
  Check();
  Check();
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].body["condition"], "error_records");
  EXPECT_EQ(hits[0].body["state"], "firing");
  EXPECT_EQ(hits[0].body["message"], "3 open error records, more than the threshold of 2");
  EXPECT_FALSE(hits[0].body.contains("job"));

  ASSERT_TRUE(store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(t).errors().Resolve("Subject", "s-3"); }));
  Check();
  hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].body["state"], "resolved");
  EXPECT_EQ(hits[1].body["message"], "2 open error records, at or below the threshold of 2");
}

TEST_P(AlertsTest, ACursorLaggingPastTheThresholdFiresAndClearsWhenItCatchesUp) {
  Receiver receiver;
  const TenantId t = Tenant("JSS Bahmni", receiver, {{"alert_cursor_lag_seconds", "600"}});
  auto put = [&](Timestamp at) {
    ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
      SyncStatus status;
      status.tenant_id = t;
      status.entity_type = "Subject";
      status.read_upto_time = at;
      status.read_upto_id = "s-1";
      return tx.tenant(t).sync_status().Put(status);
    }));
  };
  put(clock_.Now() - 100s);
  Check();
  EXPECT_TRUE(receiver.hits().empty());

  clock_.Advance(600s);  // 700 s behind now
  Check();
  Check();
  auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].body["condition"], "cursor_lag");
  EXPECT_EQ(hits[0].body["entity_type"], "Subject");
  EXPECT_EQ(hits[0].body["state"], "firing");
  EXPECT_EQ(hits[0].body["message"], "the cursor of Subject is 700 s behind, more than 600 s");

  put(clock_.Now() - 5s);
  Check();
  hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[1].body["state"], "resolved");
  EXPECT_EQ(hits[1].body["entity_type"], "Subject");
}

TEST_P(AlertsTest, AWebhookThatFailsTwiceGetsTheAlertOnTheThirdAttempt) {
  Receiver receiver;
  receiver.AnswerWith({500, 500});
  const TenantId t = Tenant("JSS Bahmni", receiver);
  RecordRun(t, "main", RunStatus::kFailed, "HTTP 503");
  Check();
  EXPECT_EQ(receiver.attempts(), 3);
  ASSERT_EQ(receiver.hits().size(), 1u);
  EXPECT_EQ(receiver.hits()[0].body["state"], "firing");
  EXPECT_EQ(sender_->counts().delivered, 1);
  EXPECT_EQ(sender_->counts().dropped, 0);
}

TEST_P(AlertsTest, AWebhookThatNeverAnswersWellIsGivenUpAfterTheLastAttempt) {
  Receiver receiver;
  receiver.AnswerWith({500, 502, 503, 500, 500});
  const TenantId t = Tenant("JSS Bahmni", receiver);
  RecordRun(t, "main", RunStatus::kFailed, "HTTP 503");
  Check();
  EXPECT_EQ(receiver.attempts(), options_.max_attempts);
  EXPECT_TRUE(receiver.hits().empty());
  EXPECT_EQ(sender_->counts().dropped, 1);
  // Dropped, not repeated: the condition stays open, and its resolution is still told.
  Check();
  EXPECT_EQ(receiver.attempts(), options_.max_attempts);
  RecordRun(t, "main", RunStatus::kSucceeded);
  Check();
  ASSERT_EQ(receiver.hits().size(), 1u);
  EXPECT_EQ(receiver.hits()[0].body["state"], "resolved");
}

TEST_P(AlertsTest, AWebhookTheOutboundPolicyRefusesIsNeitherCalledNorRetried) {
  Receiver receiver;
  const TenantId t = Tenant("JSS Bahmni", receiver);
  alerts::WebhookOptions strict = options_;
  strict.targets = {};  // the default: no loopback
  alerter_.reset();
  sender_ = std::make_unique<alerts::WebhookSender>(strict);
  alerter_ = std::make_unique<alerts::Alerter>(*store_, clock_, *sender_,
                                               alerts::AlerterOptions{1s, "instance-a", {}});
  RecordRun(t, "main", RunStatus::kFailed, "HTTP 503");
  Check();
  EXPECT_EQ(receiver.attempts(), 0);
  EXPECT_EQ(sender_->counts().dropped, 1);
  EXPECT_EQ(sender_->counts().delivered, 0);
}

// A run that always fails, recording its run as the production runner does.
class FailingRunner final : public scheduler::JobRunner {
 public:
  explicit FailingRunner(store::Store& store) : store_(store) {}
  Result<Run> RunJob(const ScheduledJob& sj, const std::atomic<bool>&) override {
    return store_.Transact([&](store::Tx& tx) -> Result<Run> {
      auto jobs = tx.tenant(sj.job.tenant_id).jobs();
      auto run = jobs.StartRun(sj.job.id, "instance-a");
      if (!run) return run;
      return jobs.EndRun(run->id, RunStatus::kFailed, "HTTP 503");
    });
  }

 private:
  store::Store& store_;
};

TEST_P(AlertsTest, AHangingWebhookDelaysNeitherARunOfItsTenantNorAnotherTenantsAlert) {
  Receiver hanging, healthy;
  hanging.Hang(true);
  const TenantId a = Tenant("Hanging", hanging);
  const TenantId b = Tenant("Healthy", healthy);
  RecordRun(a, "main", RunStatus::kFailed, "HTTP 503");
  ASSERT_TRUE(alerter_->Check());
  ASSERT_TRUE(hanging.WaitAttempts(1));

  // Tenant b's alert arrives while tenant a's webhook still holds its request, well before the
  // 5 s timeout ends that request (a sender that waited for it would deliver b's after it).
  const auto start = std::chrono::steady_clock::now();
  RecordRun(b, "main", RunStatus::kFailed, "HTTP 503");
  ASSERT_TRUE(alerter_->Check());
  ASSERT_TRUE(healthy.WaitHits(1, options_.timeout / 2));
  EXPECT_LT(std::chrono::steady_clock::now() - start, options_.timeout / 2);
  EXPECT_EQ(hanging.attempts(), 1);
  EXPECT_EQ(hanging.attempts(), 1);

  // A run of tenant a, with the alerter checking all the while: it starts and ends at once.
  FailingRunner runner(*store_);
  scheduler::SchedulerOptions scheduler_options;
  scheduler_options.instance = "instance-a";
  scheduler_options.pause_after = 0;
  scheduler::Scheduler scheduler(*store_, clock_, runner, scheduler_options);
  alerts::Alerter background(*store_, clock_, *sender_, {10ms, "instance-a"});
  background.Start();
  ASSERT_TRUE(
      store_->Transact([&](store::Tx& tx) { return tx.tenant(a).jobs().RequestRun("main"); }));
  const auto run_start = std::chrono::steady_clock::now();
  ASSERT_EQ(scheduler.Tick(), 1);
  ASSERT_TRUE(scheduler.WaitIdle(options_.timeout));
  EXPECT_LT(std::chrono::steady_clock::now() - run_start, options_.timeout);
  background.Stop();
  EXPECT_TRUE(scheduler.Stop(1s));
  EXPECT_EQ(hanging.attempts(), 1);  // still the first attempt, held
  hanging.Hang(false);
}

TEST_P(AlertsTest, TwoEvaluatorsOnOneStoreSendEachAlertOnce) {
  Receiver receiver;
  std::vector<TenantId> tenants;
  for (int i = 0; i < 3; ++i) {
    tenants.push_back(
        Tenant(fmt::format("Tenant {}", i), receiver, {{"alert_error_records_threshold", "0"}}));
  }
  // The second instance: its own store connection pool, sender and alerter.
  store::StoreOptions store_options;
  store_options.secrets = &secrets_;
  store_options.clock = &clock_;
  auto other_store = store::Store::Open(db_->dsn(), store_options);
  ASSERT_TRUE(other_store.has_value()) << other_store.error().message;
  alerts::WebhookSender other_sender(options_);
  // Both read the facts before either writes: each sees every condition as new, and only the
  // store's unique key keeps the second from sending it again.
  std::barrier observed(2);
  alerts::AlerterOptions a_options{1s, "instance-a", [&] { observed.arrive_and_wait(); }};
  alerts::AlerterOptions b_options{1s, "instance-b", [&] { observed.arrive_and_wait(); }};
  alerter_ = std::make_unique<alerts::Alerter>(*store_, clock_, *sender_, a_options);
  alerts::Alerter other(**other_store, clock_, other_sender, b_options);

  auto both = [&] {
    Status first, second;
    std::thread t1([&] { first = alerter_->Check(); });
    std::thread t2([&] { second = other.Check(); });
    t1.join();
    t2.join();
    ASSERT_TRUE(first.has_value()) << first.error().message;
    ASSERT_TRUE(second.has_value()) << second.error().message;
    ASSERT_TRUE(sender_->WaitIdle(20s));
    ASSERT_TRUE(other_sender.WaitIdle(20s));
  };
  for (const TenantId t : tenants) {
    RecordRun(t, "main", RunStatus::kFailed, "HTTP 503");
    RecordFailure(t, "s-1");
  }
  both();
  both();
  auto hits = receiver.hits();
  EXPECT_EQ(hits.size(), 6u);  // a failed job and an error record, for each of 3 tenants
  for (const TenantId t : tenants) RecordRun(t, "main", RunStatus::kSucceeded);
  both();
  both();
  hits = receiver.hits();
  ASSERT_EQ(hits.size(), 9u);
  std::map<std::string, int> seen;
  for (const auto& hit : hits) {
    ++seen[hit.body["tenant"].get<std::string>() + " " + hit.body["condition"].get<std::string>() +
           " " + hit.body["state"].get<std::string>()];
  }
  for (const auto& [what, count] : seen) EXPECT_EQ(count, 1) << what;
}

TEST_P(AlertsTest, TheSecretAndTheWebhookUrlAreNeverInABodyOrTheLog) {
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(sink);
  const auto level = logger->level();
  logger->set_level(spdlog::level::trace);

  Receiver receiver;
  receiver.AnswerWith({500, 500, 500, 500});  // every attempt of the first alert fails
  const TenantId t = Tenant("JSS Bahmni", receiver, {{"alert_error_records_threshold", "0"}});
  RecordRun(t, "main", RunStatus::kFailed, "HTTP 503");
  Check();
  RecordFailure(t, "s-1");
  Check();
  RecordRun(t, "main", RunStatus::kSucceeded);
  Check();
  // A tenant whose stored threshold is bad is left alone, saying why.
  SetConfig(t, "alert_cursor_lag_seconds", "soon");
  Check();

  logger->set_level(level);
  logger->sinks().pop_back();
  const auto hits = receiver.hits();
  ASSERT_EQ(hits.size(), 2u);  // the error records firing, the failed job resolved
  for (const auto& hit : hits) {
    EXPECT_EQ(hit.raw.find(kSecret), std::string::npos) << hit.raw;
    EXPECT_EQ(hit.raw.find(kPathToken), std::string::npos) << hit.raw;
  }
  const std::string text = log.str();
  EXPECT_NE(text.find("alerts: tenant JSS Bahmni"), std::string::npos) << text;
  EXPECT_NE(text.find("alert_cursor_lag_seconds"), std::string::npos) << text;
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(text.find(kPathToken), std::string::npos) << text;
}

AVNI_ON_EVERY_BACKEND(AlertsTest);

}  // namespace
}  // namespace avni::testing
