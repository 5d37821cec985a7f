// `avni check`: does this tenant's Avni configuration work? Logs in and reads one page.
#include <iostream>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "avni/client.hpp"

namespace avni::app {
namespace {

struct Step {
  bool ok;
  std::string text;
};

void Print(std::string_view name, const Step& step) {
  std::cout << fmt::format("  {:<7} {:<4} {}\n", name, step.ok ? "ok" : "FAIL", step.text);
}

// The tenant's configuration, read once.
Result<TenantConfig> LoadConfig(store::Store& store, const std::string& tenant_name) {
  return store.Read([&](store::Tx& tx) -> Result<TenantConfig> {
    auto tenant = tx.tenants().FindByName(tenant_name);
    if (!tenant) return Fail(tenant.error());
    return tx.tenant(tenant->id).config().Read();
  });
}

}  // namespace

int AvniCheck(const GlobalOptions& global, const AvniCheckOptions& options) {
  auto targets = TargetPolicyOf(options.targets);
  if (!targets) return Report(targets.error());
  auto ctx = OpenContext(global, /*migrate=*/false, 1);
  if (!ctx) return Report(ctx.error());
  auto values = LoadConfig(*ctx->store, options.tenant);
  if (!values) return Report(values.error());
  std::cout << fmt::format("Avni check for tenant \"{}\"\n", options.tenant);
  auto config = avniapi::ReadAvniConfig(*values);
  if (!config) {
    Print("config", {false, config.error().message});
    return 2;
  }
  Print("config", {true, fmt::format("{} as {}, auth {}", config->api_url, config->user,
                                     config->auth_enabled ? "enabled" : "disabled (USER-NAME)")});

  SystemClock clock;
  http::ClientOptions http_options;
  http_options.connect_timeout = std::chrono::seconds(options.timeout_seconds);
  http_options.read_timeout = std::chrono::seconds(options.timeout_seconds);
  http_options.total_timeout = std::chrono::seconds(options.timeout_seconds * 2);
  http_options.targets = *targets;
  avniapi::Client client(*config, clock, http_options);
  auto mode = client.Login();
  if (!mode) {
    Print("login", {false, mode.error().message});
    // A refused address is configuration to fix: the URL, or the flags that allow it.
    return http::IsRefusedTarget(mode.error()) ? 2 : 1;
  }
  Print("login",
        {true, *mode == "none" ? fmt::format("no identity provider: USER-NAME {}", config->user)
                               : fmt::format("{} token for {}", *mode, config->user)});

  avniapi::ListQuery query;
  query.since = Timestamp{};
  query.now = clock.Now() - config->read_lag;
  query.size = options.page_size;
  auto page = client.List(avniapi::Resource::kSubject, query);
  if (!page) {
    Print("read", {false, page.error().message});
    return http::IsRefusedTarget(page.error()) ? 2 : 1;
  }
  std::string text = fmt::format("GET /api/subjects: {} subject(s) on the first page of {}",
                                 page->records.size(), page->total_pages);
  if (!page->records.empty() && page->records.front().last_modified) {
    text +=
        fmt::format(", the oldest changed {}", FormatIso8601(*page->records.front().last_modified));
  }
  Print("read", {true, text});
  return 0;
}

}  // namespace avni::app
