// A tenant's jobs (`main`, `errors`): their schedules and settings, the scheduler's state
// (paused and why, failures in a row, a run asked for, a run under way), and the actions on
// them: run now, pause, resume.
//
// Changes need no restart: the scheduler reads every schedule from the store each second, so a
// PATCH, a pause or a run request takes effect within a second of its commit.
//
// A job's ping_url (its health check's address) carries the check's secret id: it is shown to
// admins only ("***" to others when set) and never written to the audit log.
#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/sync_common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "scheduler/cron.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxCron = 200;  // the store's limits
constexpr std::size_t kMaxTimezone = 100;
constexpr std::size_t kMaxPingUrl = 500;
constexpr std::int64_t kMaxJobPageSize = 1000;
constexpr std::int64_t kMaxRunMinutes = 1440;
constexpr const char* kHidden = "***";

bool IsAdmin(const Request& request) {
  return request.tenant_role && *request.tenant_role == Role::kAdmin;
}

// The stored settings as an object; anything else (never written by this API) reads as none.
json SettingsOf(const Job& job) {
  json settings = json::parse(job.settings_json, nullptr, false);
  return settings.is_object() ? settings : json::object();
}

// The settings the API knows, each null when unset (the service's default applies).
json SettingsJson(const json& settings, bool show_ping_url) {
  auto value = [&](const char* key) { return settings.contains(key) ? settings[key] : json(); };
  json ping_url = value("ping_url");
  if (!show_ping_url && !ping_url.is_null()) ping_url = kHidden;
  return {{"page_size", value("page_size")},
          {"max_run_minutes", value("max_run_minutes")},
          {"ping_url", ping_url}};
}

// What the audit log keeps of a job: its definition, without the ping URL's secret.
std::string AuditJson(const Job& job) {
  return Dump({{"cron", job.cron},
               {"timezone", job.timezone},
               {"enabled", job.enabled},
               {"settings", SettingsJson(SettingsOf(job), false)}});
}

std::string PauseJson(const Job& job) {
  return Dump({{"paused", job.paused}, {"pause_reason", job.pause_reason}});
}

// A job with what its GET shows besides its row.
struct JobView {
  Job job;
  bool running = false;
  std::optional<Run> last_run;
};

constexpr int kNextFires = 5;  // what a job shows of its schedule ahead
constexpr int kMaxPreviewFires = 20;

// The schedule's next `count` fire times after `now`, as ISO 8601 instants (fewer when it
// stops matching within the cron's horizon; none for "-").
json FiresJson(const scheduler::CronSchedule& schedule, Timestamp now, int count) {
  json fires = json::array();
  for (Timestamp at = now; fires.size() < static_cast<std::size_t>(count);) {
    auto next = schedule.Next(at);
    if (!next) break;
    fires.push_back(TimeJson(*next));
    at = *next;
  }
  return fires;
}

json NextFireJson(const Job& job, Timestamp now) {
  if (!job.enabled || job.paused) return json();
  auto schedule = scheduler::CronSchedule::Parse(job.cron, job.timezone);
  if (!schedule || schedule->never()) return json();
  return TimeJson(schedule->Next(now));
}

// The next fire times of a job that fires: empty when disabled, paused or off.
json NextFiresJson(const Job& job, Timestamp now) {
  if (!job.enabled || job.paused) return json::array();
  auto schedule = scheduler::CronSchedule::Parse(job.cron, job.timezone);
  if (!schedule) return json::array();
  return FiresJson(*schedule, now, kNextFires);
}

json JobJson(const JobView& v, Timestamp now, bool admin) {
  const Job& job = v.job;
  json last_run;
  if (v.last_run) {
    const Run& r = *v.last_run;
    last_run = {{"id", r.id},
                {"status", ToString(r.status)},
                {"started_at", TimeJson(r.started_at)},
                {"finished_at", TimeJson(r.finished_at)},
                {"message", r.message}};
  }
  return {{"name", job.name},
          {"cron", job.cron},
          {"timezone", job.timezone},
          {"enabled", job.enabled},
          {"paused", job.paused},
          {"pause_reason", job.pause_reason},
          {"consecutive_failures", job.consecutive_failures},
          {"run_requested", job.run_requested_at.has_value()},
          {"running", v.running},
          {"next_fire_at", NextFireJson(job, now)},
          {"next_fires", NextFiresJson(job, now)},
          {"last_run", last_run},
          {"settings", SettingsJson(SettingsOf(job), admin)}};
}

Result<bool> LeaseIsLive(store::JobRepo& repo, RowId job_id, Timestamp now) {
  auto lease = repo.GetLease(job_id);
  if (!lease) return Fail(lease.error());
  return lease->has_value() && (*lease)->expires_at > now;
}

Result<JobView> ViewOf(store::JobRepo& repo, Job job, Timestamp now) {
  JobView view;
  auto running = LeaseIsLive(repo, job.id, now);
  if (!running) return Fail(running.error());
  view.running = *running;
  store::RunFilter newest;
  newest.job_id = job.id;
  newest.limit = 1;
  auto runs = repo.ListRunsWhere(newest);
  if (!runs) return Fail(runs.error());
  if (!runs->empty()) view.last_run = std::move(runs->front());
  view.job = std::move(job);
  return view;
}

Result<JobView> ViewNamed(store::JobRepo& repo, const std::string& name, Timestamp now) {
  auto job = repo.Get(name);
  if (!job) return Fail(job.error());
  return ViewOf(repo, std::move(*job), now);
}

Result<Response> ListJobs(Services& services, Request& request) {
  auto page = ParsePage(request, {"name"}, "name");
  if (!page) return Fail(page.error());
  const Timestamp now = services.clock.Now();
  auto views = services.store.Read([&](store::Tx& tx) -> Result<std::vector<JobView>> {
    auto repo = tx.tenant(*request.tenant).jobs();
    auto jobs = repo.List();
    if (!jobs) return Fail(jobs.error());
    std::vector<JobView> out;
    for (auto& job : *jobs) {
      auto view = ViewOf(repo, std::move(job), now);
      if (!view) return Fail(view.error());
      out.push_back(std::move(*view));
    }
    return out;
  });
  if (!views) return Fail(views.error());
  std::vector<json> items;
  for (const auto& v : *views) items.push_back(JobJson(v, now, IsAdmin(request)));
  return JsonResponse(200, PageOf(std::move(items), *page));
}

Result<Response> GetJob(Services& services, Request& request) {
  const Timestamp now = services.clock.Now();
  auto view = services.store.Read([&](store::Tx& tx) {
    auto repo = tx.tenant(*request.tenant).jobs();
    return ViewNamed(repo, request.Param("job"), now);
  });
  if (!view) return Fail(view.error());
  return JsonResponse(200, JobJson(*view, now, IsAdmin(request)));
}

// A PATCH body: what it changes. Settings set to null are removed (their default applies).
struct JobPatch {
  std::optional<std::string> cron, timezone;
  std::optional<bool> enabled;
  json settings = json::object();  // the keys to change; null removes
};

// An absolute http(s) URL with a host, without spaces or control characters: what the
// scheduler can ping as it is.
bool IsHttpUrl(const std::string& url) {
  std::string_view rest = url;
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return false;
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7F) return false;
  }
  const auto host_end = rest.find_first_of("/?#");
  return host_end != 0 && !rest.empty();
}

// `targets`: a ping_url whose host is a literal address the operator's policy refuses (or
// localhost) is refused here, naming the address and the flag; the pinger checks every
// connection it opens whatever the URL.
Status ReadSettings(const json& object, const http::TargetPolicy& targets, JobPatch& patch) {
  if (!object.is_object()) {
    return Fail(Error::InvalidArgument(
        "settings", fmt::format("settings must be an object, not {}", object.type_name())));
  }
  JsonBody body(object, "settings.");
  auto bounded = [&](const char* key, std::int64_t max) -> Status {
    auto value = body.OptionalInt(key);
    if (!value) return Fail(value.error());
    if (*value && (**value < 1 || **value > max)) {
      return Fail(Error::InvalidArgument(
          fmt::format("settings.{}", key),
          fmt::format("settings.{} must be from 1 to {}, not {}", key, max, **value)));
    }
    if (object.contains(key)) patch.settings[key] = *value ? json(**value) : json();
    return {};
  };
  if (auto ok = bounded("page_size", kMaxJobPageSize); !ok) return ok;
  if (auto ok = bounded("max_run_minutes", kMaxRunMinutes); !ok) return ok;
  auto ping_url = body.OptionalString("ping_url", kMaxPingUrl);
  if (!ping_url) return Fail(ping_url.error());
  if (*ping_url && !IsHttpUrl(**ping_url)) {
    return Fail(Error::InvalidArgument(
        "settings.ping_url",
        "settings.ping_url must be an http:// or https:// URL without spaces, such as "
        "https://hc-ping.com/<check-uuid>; send null to remove it"));
  }
  if (*ping_url) {
    if (auto allowed = targets.CheckUrl("settings.ping_url", **ping_url); !allowed) return allowed;
  }
  if (object.contains("ping_url")) {
    patch.settings["ping_url"] = *ping_url ? json(**ping_url) : json();
  }
  return body.Finish();
}

Result<JobPatch> ReadPatch(const Request& request, const http::TargetPolicy& targets) {
  if (auto checked = JsonBody::Parse(request.body); !checked) return Fail(checked.error());
  // Parse has vouched for the text; the settings object is read apart from the rest.
  json object = json::parse(request.body);
  std::optional<json> settings;
  if (object.contains("settings") && !object["settings"].is_null()) settings = object["settings"];
  object.erase("settings");
  JsonBody body(std::move(object));
  JobPatch patch;
  auto cron = body.OptionalString("cron", kMaxCron);
  if (!cron) return Fail(cron.error());
  auto timezone = body.OptionalString("timezone", kMaxTimezone);
  if (!timezone) return Fail(timezone.error());
  auto enabled = body.OptionalBool("enabled");
  if (!enabled) return Fail(enabled.error());
  if (auto done = body.Finish(); !done) return Fail(done.error());
  patch.cron = std::move(*cron);
  patch.timezone = std::move(*timezone);
  patch.enabled = *enabled;
  if (settings) {
    if (auto ok = ReadSettings(*settings, targets, patch); !ok) return Fail(ok.error());
  }
  return patch;
}

// The job as the patch would leave it. Errors: invalid_argument naming timezone or cron.
Result<Job> Apply(Job job, const JobPatch& patch) {
  if (patch.timezone) {
    // Checked alone first, so that a bad zone is named as such whatever the cron.
    auto zone = scheduler::CronSchedule::Parse("-", *patch.timezone);
    if (!zone) return Fail(zone.error());
    job.timezone = *patch.timezone;
  }
  if (patch.cron || patch.timezone) {
    auto schedule = scheduler::CronSchedule::Parse(patch.cron.value_or(job.cron), job.timezone);
    if (!schedule) return Fail(schedule.error());
    job.cron = schedule->expression();
  }
  if (patch.enabled) job.enabled = *patch.enabled;
  json settings = SettingsOf(job);
  for (const auto& [key, value] : patch.settings.items()) {
    if (value.is_null()) {
      settings.erase(key);
    } else {
      settings[key] = value;
    }
  }
  job.settings_json = Dump(settings);
  return job;
}

Result<Response> PatchJob(Services& services, Request& request) {
  auto patch = ReadPatch(request, services.options.targets);
  if (!patch) return Fail(patch.error());
  const Timestamp now = services.clock.Now();
  auto view = services.store.Transact([&](store::Tx& tx) -> Result<JobView> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.jobs();
    auto before = repo.Get(request.Param("job"));
    if (!before) return Fail(before.error());
    auto wanted = Apply(*before, *patch);
    if (!wanted) return Fail(wanted.error());
    auto after = repo.Put(*wanted);
    if (!after) return Fail(after.error());
    const std::string before_json = AuditJson(*before), after_json = AuditJson(*after);
    // A ping URL replaced by another reads "***" both times: still a change worth recording.
    if (before_json != after_json || before->settings_json != after->settings_json) {
      auto audited = scope.audit().Append(Actor(request), "job.update", "job", after->name,
                                          before_json, after_json);
      if (!audited) return Fail(audited.error());
    }
    return ViewOf(repo, std::move(*after), now);
  });
  if (!view) return Fail(view.error());
  return JsonResponse(200, JobJson(*view, now, IsAdmin(request)));
}

// The actions take no body; one sent must be an empty object (unknown fields are refused).
Status NoBody(const Request& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) return {};
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  return body->Finish();
}

Result<Response> RunJob(Services& services, Request& request) {
  if (auto ok = NoBody(request); !ok) return Fail(ok.error());
  const Timestamp now = services.clock.Now();
  auto view = services.store.Transact([&](store::Tx& tx) -> Result<JobView> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.jobs();
    auto job = repo.Get(request.Param("job"));
    if (!job) return Fail(job.error());
    if (!job->enabled) {
      return Fail(Error::Conflict(fmt::format(
          "the {} job is disabled and would never run; enable it (PATCH enabled: true) first",
          job->name)));
    }
    auto running = LeaseIsLive(repo, job->id, now);
    if (!running) return Fail(running.error());
    if (*running) {
      return Fail(
          Error::Conflict(fmt::format("the {} job is running; wait for it to finish", job->name)));
    }
    auto requested = repo.RequestRun(job->name);
    if (!requested) return Fail(requested.error());
    auto audited =
        scope.audit().Append(Actor(request), "job.run", "job", job->name, "",
                             Dump({{"run_requested_at", TimeJson(requested->run_requested_at)}}));
    if (!audited) return Fail(audited.error());
    return ViewOf(repo, std::move(*requested), now);
  });
  if (!view) return Fail(view.error());
  return JsonResponse(202, JobJson(*view, now, IsAdmin(request)));
}

Result<Response> SetPaused(Services& services, Request& request, bool paused) {
  if (auto ok = NoBody(request); !ok) return Fail(ok.error());
  const Timestamp now = services.clock.Now();
  auto view = services.store.Transact([&](store::Tx& tx) -> Result<JobView> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.jobs();
    auto before = repo.Get(request.Param("job"));
    if (!before) return Fail(before.error());
    const std::string actor = Actor(request);
    auto after = repo.SetPaused(before->name, paused, paused ? "paused by " + actor : "");
    if (!after) return Fail(after.error());
    auto audited = scope.audit().Append(actor, paused ? "job.pause" : "job.resume", "job",
                                        after->name, PauseJson(*before), PauseJson(*after));
    if (!audited) return Fail(audited.error());
    return ViewOf(repo, std::move(*after), now);
  });
  if (!view) return Fail(view.error());
  return JsonResponse(200, JobJson(*view, now, IsAdmin(request)));
}

Result<Response> PauseJob(Services& services, Request& request) {
  return SetPaused(services, request, true);
}

Result<Response> ResumeJob(Services& services, Request& request) {
  return SetPaused(services, request, false);
}

// GET /cron/preview?cron=&timezone=&count=: what a schedule would do before it is saved (the
// admin app's job form); the errors name the field as a PATCH would.
Result<Response> PreviewCron(Services& services, Request& request) {
  auto cron = QueryString(request, "cron", kMaxCron);
  if (!cron) return Fail(cron.error());
  if (!*cron || (*cron)->empty()) {
    return Fail(Error::InvalidArgument("cron", "give the cron expression to preview as ?cron="));
  }
  auto zone_text = QueryString(request, "timezone", kMaxTimezone);
  if (!zone_text) return Fail(zone_text.error());
  const std::string timezone = zone_text->value_or("UTC");
  int count = kNextFires;
  if (auto text = request.QueryValue("count")) {
    const char* end = text->data() + text->size();
    auto [at, ec] = std::from_chars(text->data(), end, count);
    if (ec != std::errc() || at != end || count < 1 || count > kMaxPreviewFires) {
      return Fail(Error::InvalidArgument(
          "count", fmt::format("count must be a whole number from 1 to {}", kMaxPreviewFires)));
    }
  }
  if (auto zone = scheduler::CronSchedule::Parse("-", timezone); !zone) return Fail(zone.error());
  auto schedule = scheduler::CronSchedule::Parse(**cron, timezone);
  if (!schedule) return Fail(schedule.error());
  return JsonResponse(200, {{"cron", **cron},
                            {"timezone", timezone},
                            {"never", schedule->never()},
                            {"next_fires", FiresJson(*schedule, services.clock.Now(), count)}});
}

}  // namespace

void AddJobRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  const std::string base = "/api/v1/tenants/{tenant}/jobs";
  routes.push_back({"GET", base, Access::kTenantViewer, bind(ListJobs),
                    "The tenant's jobs: schedules, settings and the scheduler's state"});
  routes.push_back(
      {"GET", base + "/{job}", Access::kTenantViewer, bind(GetJob), "One of the tenant's jobs"});
  routes.push_back({"PATCH", base + "/{job}", Access::kTenantAdmin, bind(PatchJob),
                    "Change a job's cron, time zone, enabled flag or settings"});
  routes.push_back({"POST", base + "/{job}/run", Access::kTenantEditor, bind(RunJob),
                    "Run a job now (409 while it runs)"});
  routes.push_back({"POST", base + "/{job}/pause", Access::kTenantAdmin, bind(PauseJob),
                    "Pause a job: it does not fire until resumed"});
  routes.push_back({"POST", base + "/{job}/resume", Access::kTenantAdmin, bind(ResumeJob),
                    "Resume a paused job, clearing its failures in a row"});
  routes.push_back({"GET", "/api/v1/cron/preview", Access::kSignedIn, bind(PreviewCron),
                    "The next fire times of a cron expression in a time zone, before saving it"});
}

}  // namespace avni::api
