// GET /tenants/{t}/jobs[/{job}], PATCH /jobs/{job}, POST /jobs/{job}/run|pause|resume, on both
// backends: schedules and settings change at once, in the store, audited; the scheduler's state
// shows; a running job is not asked to run again; the ping URL stays with admins.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sync_api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;
using V = std::vector<std::string>;

// The fake clock starts at 2023-11-14T22:13:20Z.
constexpr const char* kNow = "2023-11-14T22:13:20.000Z";

class JobsApiTest : public SyncApiTest {
 protected:
  RowId JobId(const std::string& name) {
    auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).jobs().Get(name); });
    EXPECT_TRUE(job.has_value()) << job.error().message;
    return job ? job->id : 0;
  }
  // A scheduler instance takes the job's lease, as it does to run it.
  bool Lease(const std::string& name, seconds ttl = seconds(60)) {
    const RowId id = JobId(name);
    auto taken = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant_).jobs().TryAcquire(id, "instance-1", ttl); });
    EXPECT_TRUE(taken.has_value()) << taken.error().message;
    return taken.value_or(false);
  }
  // "cron|timezone|enabled|settings|paused|pause_reason|failures|requested" of the raw row.
  std::string Row(const std::string& name) {
    const auto rows = db_->QueryColumn(
        "SELECT cron || '|' || timezone || '|' || CASE WHEN enabled THEN 1 ELSE 0 END || '|' || "
        "settings || '|' || CASE WHEN paused THEN 1 ELSE 0 END || '|' || pause_reason || '|' || "
        "consecutive_failures || '|' || COALESCE(CAST(run_requested_at AS TEXT), '-') FROM jobs" +
        Where() + " AND name = '" + name + "'");
    return rows.empty() ? "" : rows[0];
  }
  Reply Patch(const std::string& job, const json& body, const std::string& token = "") {
    return Call("PATCH", Path("/jobs/" + job), body, token.empty() ? token_ : token);
  }
  Reply Post(const std::string& job, const std::string& action, const std::string& token = "") {
    return Call("POST", Path("/jobs/" + job + "/" + action), std::nullopt,
                token.empty() ? token_ : token);
  }
};

TEST_P(JobsApiTest, ListShowsEveryJobWithItsScheduleStateAndNextFire) {
  Reply r = Call("GET", Path("/jobs"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 2);
  ASSERT_EQ(r.body["items"].size(), 2u);
  EXPECT_EQ(r.body["items"][0]["name"], "errors");
  EXPECT_EQ(r.body["items"][0]["next_fire_at"], "2023-11-14T22:30:00.000Z");
  EXPECT_EQ(
      r.body["items"][1],
      (json{{"name", "main"},
            {"cron", "0 */5 * * * ?"},
            {"timezone", "UTC"},
            {"enabled", true},
            {"paused", false},
            {"pause_reason", ""},
            {"consecutive_failures", 0},
            {"run_requested", false},
            {"running", false},
            {"next_fire_at", "2023-11-14T22:15:00.000Z"},
            {"next_fires",
             {"2023-11-14T22:15:00.000Z", "2023-11-14T22:20:00.000Z", "2023-11-14T22:25:00.000Z",
              "2023-11-14T22:30:00.000Z", "2023-11-14T22:35:00.000Z"}},
            {"last_run", nullptr},
            {"settings",
             {{"page_size", nullptr}, {"max_run_minutes", nullptr}, {"ping_url", nullptr}}}}));

  // The next fire follows the clock: strictly after now.
  clock_.Set(FromEpochMillis(1'700'000'100'000));  // 22:15:00 exactly
  r = Call("GET", Path("/jobs?sort=-name"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["items"][0]["name"], "main");
  EXPECT_EQ(r.body["items"][0]["next_fire_at"], "2023-11-14T22:20:00.000Z");
}

TEST_P(JobsApiTest, GetShowsTheLatestRunAndWhetherItRunsNow) {
  const RowId main = JobId("main");
  auto first = store_->Transact([&](store::Tx& tx) -> Result<avni::Run> {
    auto jobs = tx.tenant(tenant_).jobs();
    auto run = jobs.StartRun(main, "instance-1");
    if (!run) return run;
    return jobs.EndRun(run->id, RunStatus::kFailed, "Avni answered 503");
  });
  ASSERT_TRUE(first.has_value()) << first.error().message;
  clock_.Advance(minutes(1));
  auto second = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).jobs().StartRun(main, "instance-1"); });
  ASSERT_TRUE(second.has_value()) << second.error().message;
  ASSERT_TRUE(Lease("main"));

  Reply r = Call("GET", Path("/jobs/main"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["running"], true);
  EXPECT_EQ(r.body["last_run"], (json{{"id", second->id},
                                      {"status", "running"},
                                      {"started_at", "2023-11-14T22:14:20.000Z"},
                                      {"finished_at", nullptr},
                                      {"message", ""}}));
  r = Call("GET", Path("/jobs/errors"), std::nullopt, viewer_token_);
  EXPECT_EQ(r.body["running"], false);
  EXPECT_TRUE(r.body["last_run"].is_null());

  // A lease whose owner stopped renewing it has expired: not running.
  clock_.Advance(seconds(61));
  r = Call("GET", Path("/jobs/main"), std::nullopt, viewer_token_);
  EXPECT_EQ(r.body["running"], false);

  r = Call("GET", Path("/jobs/nightly"), std::nullopt, viewer_token_);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body["error"].value("message", "").find("nightly"), std::string::npos) << r.raw;
  // A job only another tenant has is not found either.
  const TenantId other = MakeTenant("Other");
  auto theirs = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(other).jobs().Put(Job{0, other, "theirs", "0 * * * *"});
  });
  ASSERT_TRUE(theirs.has_value()) << theirs.error().message;
  EXPECT_EQ(Call("GET", Path("/jobs/theirs"), std::nullopt, token_).status, 404);
  EXPECT_EQ(Patch("theirs", {{"enabled", false}}).status, 404);
  EXPECT_EQ(Post("theirs", "run").status, 404);
}

TEST_P(JobsApiTest, PatchChangesTheScheduleAtOnceKeepsTheSchedulersStateAndIsAudited) {
  auto paused = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).jobs().SetPaused("main", true, "by hand"); });
  ASSERT_TRUE(paused.has_value()) << paused.error().message;

  Reply r = Patch("main", {{"cron", " 0 0 * * * ? "},
                           {"timezone", "Asia/Kolkata"},
                           {"settings",
                            {{"page_size", 250},
                             {"max_run_minutes", 30},
                             {"ping_url", "https://hc-ping.com/secret-check-id"}}}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["cron"], "0 0 * * * ?");
  EXPECT_EQ(r.body["timezone"], "Asia/Kolkata");
  EXPECT_EQ(r.body["paused"], true);
  EXPECT_TRUE(r.body["next_fire_at"].is_null()) << "paused jobs do not fire";
  EXPECT_EQ(r.body["settings"], (json{{"page_size", 250},
                                      {"max_run_minutes", 30},
                                      {"ping_url", "https://hc-ping.com/secret-check-id"}}));
  const std::string row = Row("main");
  EXPECT_TRUE(row.starts_with("0 0 * * * ?|Asia/Kolkata|1|")) << row;
  EXPECT_TRUE(row.ends_with("|1|by hand|0|-")) << row;
  EXPECT_EQ(json::parse(row.substr(row.find('{'), row.rfind('}') - row.find('{') + 1)),
            (json{{"page_size", 250},
                  {"max_run_minutes", 30},
                  {"ping_url", "https://hc-ping.com/secret-check-id"}}));

  // Top of the hour in Kolkata (+05:30) is half past in UTC.
  ASSERT_EQ(Post("main", "resume").status, 200);
  r = Call("GET", Path("/jobs/main"), std::nullopt, viewer_token_);
  EXPECT_EQ(r.body["next_fire_at"], "2023-11-14T22:30:00.000Z");

  // Fields left out keep their value; null removes a setting.
  r = Patch("main", {{"enabled", false}, {"settings", {{"ping_url", nullptr}}}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["cron"], "0 0 * * * ?");
  EXPECT_EQ(r.body["enabled"], false);
  EXPECT_TRUE(r.body["next_fire_at"].is_null()) << "disabled jobs do not fire";
  EXPECT_EQ(r.body["settings"],
            (json{{"page_size", 250}, {"max_run_minutes", 30}, {"ping_url", nullptr}}));
  r = Patch("main", {{"enabled", true}, {"cron", "-"}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_TRUE(r.body["next_fire_at"].is_null()) << "cron - never fires";

  // The audit log has each change, and the ping URL's value nowhere.
  const auto audit = AuditOf("job.update");
  ASSERT_EQ(audit.size(), 3u);
  const json before = json::parse(audit[0].substr(0, audit[0].find(" | ")));
  const json after = json::parse(audit[0].substr(audit[0].find(" | ") + 3));
  EXPECT_EQ(
      before,
      (json{{"cron", "0 */5 * * * ?"},
            {"timezone", "UTC"},
            {"enabled", true},
            {"settings",
             {{"page_size", nullptr}, {"max_run_minutes", nullptr}, {"ping_url", nullptr}}}}));
  EXPECT_EQ(after["settings"]["ping_url"], "***");
  EXPECT_EQ(after["cron"], "0 0 * * * ?");
  EXPECT_EQ(json::parse(audit[1].substr(audit[1].find(" | ") + 3))["settings"]["ping_url"],
            nullptr);
  EXPECT_EQ(Count("audit_log WHERE before_json LIKE '%secret-check-id%' OR after_json LIKE "
                  "'%secret-check-id%'"),
            "0");
  EXPECT_EQ(AuditActions(),
            (V{"job.update:main", "job.resume:main", "job.update:main", "job.update:main"}));
}

TEST_P(JobsApiTest, APingUrlToAnAddressTheOperatorRefusesIsA400NamingAddressAndFlag) {
  const std::string before = Row("main");
  const json body = {{"settings", {{"ping_url", "http://127.0.0.1:9/x"}}}};
  Reply r = Patch("main", body);
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.error_field(), "settings.ping_url") << r.raw;
  const std::string message = r.body["error"].value("message", "");
  EXPECT_TRUE(message.starts_with("settings.ping_url: ")) << message;
  EXPECT_NE(message.find("127.0.0.1:9 is a loopback address"), std::string::npos) << message;
  EXPECT_NE(message.find("--allow-private-targets"), std::string::npos) << message;
  EXPECT_EQ(Row("main"), before);
  EXPECT_TRUE(AuditActions().empty());

  // Allowed by the operator's list, the same URL is taken.
  auto networks = http::TargetPolicy::ParseList("127.0.0.0/8");
  ASSERT_TRUE(networks) << networks.error().message;
  api::ApiOptions allowing;
  allowing.targets.allowed = *networks;
  RestartServer(allowing);
  r = Patch("main", body);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["settings"]["ping_url"], "http://127.0.0.1:9/x");
}

TEST_P(JobsApiTest, PatchRefusesBadInputNamingTheFieldAndWritesNothing) {
  const std::string before = Row("main");
  const std::string long_url = "https://hc-ping.com/" + std::string(481, 'a');
  const std::vector<std::pair<json, std::string>> cases{
      {{{"cron", "0 0 25 * * ?"}}, "cron"},
      {{{"cron", "0 0 L * *"}}, "cron"},
      {{{"cron", ""}}, "cron"},
      {{{"cron", 5}}, "cron"},
      {{{"cron", std::string(201, '*')}}, "cron"},
      {{{"timezone", "Mars/Olympus_Mons"}}, "timezone"},
      {{{"cron", "0 0 * * * ?"}, {"timezone", "Nowhere"}}, "timezone"},
      {{{"enabled", "yes"}}, "enabled"},
      {{{"name", "renamed"}}, "name"},
      {{{"settings", json::array()}}, "settings"},
      {{{"settings", {{"page_size", 0}}}}, "settings.page_size"},
      {{{"settings", {{"page_size", 1001}}}}, "settings.page_size"},
      {{{"settings", {{"page_size", "100"}}}}, "settings.page_size"},
      {{{"settings", {{"max_run_minutes", 1441}}}}, "settings.max_run_minutes"},
      {{{"settings", {{"ping_url", "ftp://hc-ping.com/x"}}}}, "settings.ping_url"},
      {{{"settings", {{"ping_url", "https://"}}}}, "settings.ping_url"},
      {{{"settings", {{"ping_url", "https://hc-ping.com/a b"}}}}, "settings.ping_url"},
      {{{"settings", {{"ping_url", long_url}}}}, "settings.ping_url"},
      {{{"settings", {{"page_size", 10}, {"pagesize", 10}}}}, "settings.pagesize"},
  };
  for (const auto& [body, field] : cases) {
    Reply r = Patch("main", body);
    EXPECT_EQ(r.status, 400) << body.dump() << " -> " << r.raw;
    EXPECT_EQ(r.error_field(), field) << body.dump() << " -> " << r.raw;
  }
  Reply r = CallRaw("PATCH", Path("/jobs/main"), "{\"cron\": ", token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "body");
  // The longest URL allowed is taken: 500 characters.
  r = Patch("errors", {{"settings", {{"ping_url", long_url.substr(0, 500)}}}});
  EXPECT_EQ(r.status, 200) << r.raw;

  EXPECT_EQ(Row("main"), before);
  EXPECT_EQ(AuditActions(), V{"job.update:errors"});
}

TEST_P(JobsApiTest, RunNowAsksTheSchedulerAndIsRefusedWhileTheJobRuns) {
  ASSERT_TRUE(Lease("errors"));
  Reply r = Post("errors", "run", editor_token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.body["error"].value("message", ""),
            "the errors job is running; wait for it to finish");
  EXPECT_TRUE(Row("errors").ends_with("|-")) << Row("errors");

  // The other job of the tenant is not the one running: asked for.
  r = Post("main", "run", editor_token_);
  ASSERT_EQ(r.status, 202) << r.raw;
  EXPECT_EQ(r.body["name"], "main");
  EXPECT_EQ(r.body["run_requested"], true);
  EXPECT_TRUE(Row("main").ends_with("|1700000000000")) << Row("main");

  // Once the lease has expired (its instance died), the job may be run again.
  clock_.Advance(seconds(61));
  r = Post("errors", "run", editor_token_);
  ASSERT_EQ(r.status, 202) << r.raw;
  EXPECT_TRUE(Row("errors").ends_with("|1700000061000")) << Row("errors");

  EXPECT_EQ(AuditActions(), (V{"job.run:main", "job.run:errors"}));
  EXPECT_EQ(AuditOf("job.run")[0], " | {\"run_requested_at\":\"2023-11-14T22:13:20.000Z\"}");
  r = Call("POST", Path("/jobs/main/run"), json{{"now", true}}, editor_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "now");
  EXPECT_EQ(Post("nightly", "run").status, 404);

  // A disabled job would never run: refused, nothing asked for.
  r = Patch("errors", json{{"enabled", false}});
  ASSERT_EQ(r.status, 200) << r.raw;
  clock_.Advance(seconds(61));
  r = Post("errors", "run", editor_token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_NE(r.body["error"].value("message", "").find("disabled"), std::string::npos) << r.raw;
  EXPECT_TRUE(Row("errors").ends_with("|1700000061000")) << Row("errors");
}

TEST_P(JobsApiTest, PauseAndResumeSetTheStateAndSayWhy) {
  Reply r = Post("main", "pause");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["paused"], true);
  EXPECT_EQ(r.body["pause_reason"], "paused by admin@example.org");
  EXPECT_TRUE(r.body["next_fire_at"].is_null());
  EXPECT_TRUE(Row("main").ends_with("|1|paused by admin@example.org|0|-")) << Row("main");

  // Pausing a paused job is fine: the reason says who did it last.
  const std::string key = MakeApiKey(tenant_, Role::kAdmin, "ops");
  const std::string key_id = db_->QueryColumn("SELECT id FROM api_keys WHERE name = 'ops'").at(0);
  r = Post("main", "pause", key);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["pause_reason"], "paused by api-key:" + key_id + " (ops)");

  // Resuming clears the reason and the failures in a row.
  auto failed = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).jobs().NoteRunOutcome(JobId("main"), false, 0, "boom");
  });
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_EQ(
      Call("GET", Path("/jobs/main"), std::nullopt, viewer_token_).body["consecutive_failures"], 1);
  r = Post("main", "resume");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["paused"], false);
  EXPECT_EQ(r.body["pause_reason"], "");
  EXPECT_EQ(r.body["consecutive_failures"], 0);
  EXPECT_EQ(r.body["next_fire_at"], "2023-11-14T22:15:00.000Z");
  EXPECT_TRUE(Row("main").ends_with("|0||0|-")) << Row("main");

  EXPECT_EQ(AuditActions(), (V{"job.pause:main", "job.pause:main", "job.resume:main"}));
  EXPECT_EQ(AuditOf("job.pause")[0],
            "{\"pause_reason\":\"\",\"paused\":false} | "
            "{\"pause_reason\":\"paused by admin@example.org\",\"paused\":true}");
  EXPECT_EQ(db_->QueryColumn("SELECT actor FROM audit_log" + Where() +
                             " AND action = 'job.pause' ORDER BY id")
                .at(1),
            "api-key:" + key_id + " (ops)");
  EXPECT_EQ(Post("nightly", "pause").status, 404);
}

TEST_P(JobsApiTest, RolesLimitWhoChangesJobs) {
  const std::string before = Row("main");
  // Viewers read only.
  EXPECT_EQ(Call("GET", Path("/jobs"), std::nullopt, viewer_token_).status, 200);
  EXPECT_EQ(Call("GET", Path("/jobs/main"), std::nullopt, viewer_token_).status, 200);
  EXPECT_EQ(Patch("main", {{"enabled", false}}, viewer_token_).status, 403);
  EXPECT_EQ(Post("main", "run", viewer_token_).status, 403);
  EXPECT_EQ(Post("main", "pause", viewer_token_).status, 403);
  EXPECT_EQ(Post("main", "resume", viewer_token_).status, 403);
  // Editors run jobs; changing or pausing them is for admins.
  EXPECT_EQ(Patch("main", {{"enabled", false}}, editor_token_).status, 403);
  EXPECT_EQ(Post("main", "pause", editor_token_).status, 403);
  EXPECT_EQ(Post("main", "resume", editor_token_).status, 403);
  EXPECT_EQ(Row("main"), before);
  EXPECT_TRUE(AuditActions().empty());
  const std::string editor_key = MakeApiKey(tenant_, Role::kEditor, "ci");
  EXPECT_EQ(Post("main", "run", editor_key).status, 202);
}

TEST_P(JobsApiTest, ThePingUrlIsShownToAdminsOnly) {
  const std::string url = "https://hc-ping.com/5f0e0c1a-secret";
  ASSERT_EQ(Patch("main", {{"settings", {{"ping_url", url}}}}).status, 200);
  for (const auto& token : {viewer_token_, editor_token_}) {
    for (const std::string path : {"/jobs", "/jobs/main"}) {
      Reply r = Call("GET", Path(path), std::nullopt, token);
      ASSERT_EQ(r.status, 200) << r.raw;
      EXPECT_EQ(r.raw.find("5f0e0c1a"), std::string::npos) << path << ": " << r.raw;
    }
    Reply r = Call("GET", Path("/jobs/main"), std::nullopt, token);
    EXPECT_EQ(r.body["settings"]["ping_url"], "***");
    EXPECT_TRUE(Call("GET", Path("/jobs/errors"), std::nullopt, token)
                    .body["settings"]["ping_url"]
                    .is_null());
    // Nor does running the job show it.
    clock_.Advance(seconds(1));
    r = Post("main", "run", editor_token_);
    ASSERT_EQ(r.status, 202) << r.raw;
    EXPECT_EQ(r.raw.find("5f0e0c1a"), std::string::npos) << r.raw;
  }
  EXPECT_EQ(Call("GET", Path("/jobs/main"), std::nullopt, token_).body["settings"]["ping_url"],
            url);
  const std::string admin_key = MakeApiKey(tenant_, Role::kAdmin, "ops");
  EXPECT_EQ(
      Call("GET", Path("/jobs"), std::nullopt, admin_key).body["items"][1]["settings"]["ping_url"],
      url);
}

TEST_P(JobsApiTest, NextFiresFollowTheJobsZoneAndStopWhenPaused) {
  // 09:00 in Kolkata (UTC+5:30) on weekdays: from Tuesday 22:13 UTC (Wednesday 03:43 there).
  ASSERT_EQ(Patch("errors", {{"cron", "0 9 * * MON-FRI"}, {"timezone", "Asia/Kolkata"}}).status,
            200);
  Reply r = Call("GET", Path("/jobs/errors"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["next_fires"], (json{"2023-11-15T03:30:00.000Z", "2023-11-16T03:30:00.000Z",
                                        "2023-11-17T03:30:00.000Z", "2023-11-20T03:30:00.000Z",
                                        "2023-11-21T03:30:00.000Z"}));
  EXPECT_EQ(r.body["next_fire_at"], r.body["next_fires"][0]);

  ASSERT_EQ(Post("errors", "pause").status, 200);
  r = Call("GET", Path("/jobs/errors"), std::nullopt, viewer_token_);
  EXPECT_EQ(r.body["next_fires"], json::array()) << "a paused job does not fire";
  ASSERT_EQ(Patch("main", {{"cron", "-"}}).status, 200);
  r = Call("GET", Path("/jobs/main"), std::nullopt, viewer_token_);
  EXPECT_EQ(r.body["next_fires"], json::array()) << "'-' never fires";
}

TEST_P(JobsApiTest, CronPreviewShowsFireTimesBeforeASaveAndNamesWhatIsWrong) {
  Reply r =
      Call("GET", "/api/v1/cron/preview?cron=30%202%20*%20*%20SUN&timezone=Asia/Kolkata&count=2",
           std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body,
            (json{{"cron", "30 2 * * SUN"},
                  {"timezone", "Asia/Kolkata"},
                  {"never", false},
                  {"next_fires", {"2023-11-18T21:00:00.000Z", "2023-11-25T21:00:00.000Z"}}}));

  r = Call("GET", "/api/v1/cron/preview?cron=-", std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["never"], true);
  EXPECT_EQ(r.body["next_fires"], json::array());
  EXPECT_EQ(r.body["timezone"], "UTC");

  r = Call("GET", "/api/v1/cron/preview?cron=0%2025%20*%20*%20*", std::nullopt, viewer_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "cron");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("hour 25"), std::string::npos)
      << r.raw;
  r = Call("GET", "/api/v1/cron/preview?cron=*%20*%20*%20*%20*&timezone=Mars/Olympus", std::nullopt,
           viewer_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "timezone");
  r = Call("GET", "/api/v1/cron/preview?cron=*%20*%20*%20*%20*&count=21", std::nullopt,
           viewer_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "count");
  r = Call("GET", "/api/v1/cron/preview", std::nullopt, viewer_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_field(), "cron");
  EXPECT_EQ(Call("GET", "/api/v1/cron/preview?cron=-").status, 401);
}

AVNI_ON_EVERY_BACKEND(JobsApiTest);

}  // namespace
}  // namespace avni::testing
