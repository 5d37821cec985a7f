#include "integrations/demo/demo.hpp"

#include <fmt/format.h>

#include <charconv>
#include <thread>

#include "store/store.hpp"

namespace avni::integrations {
namespace {

constexpr std::string_view kPrefix = "demo-";

struct DemoConfig {
  std::int64_t per_second = 1;
  std::int64_t write_ms = 0;
  std::int64_t bad_every = 0;
  Timestamp since;
};

std::string IdOf(std::int64_t i) { return fmt::format("{}{:012}", kPrefix, i); }

std::optional<std::int64_t> IndexOf(std::string_view id) {
  if (!id.starts_with(kPrefix)) return std::nullopt;
  std::int64_t i = 0;
  auto [end, ec] = std::from_chars(id.data() + kPrefix.size(), id.data() + id.size(), i);
  if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;
  return i;
}

class DemoSource final : public sync::Source {
 public:
  DemoSource(DemoConfig config, const Clock& clock) : config_(config), clock_(clock) {}

  Result<sync::Page> Read(const sync::Cursor& after, int limit) override {
    std::int64_t next = 0;
    if (!after.id.empty()) {
      auto i = IndexOf(after.id);
      if (!i) return Fail(Error::InvalidArgument("cursor", "not a demo cursor: " + after.id));
      next = *i + 1;
    }
    const std::int64_t available = Available();
    sync::Page page;
    for (; next < available && static_cast<int>(page.records.size()) < limit; ++next) {
      page.records.push_back(Make(next));
    }
    page.last = next >= available;
    return page;
  }
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view id) override {
    auto i = IndexOf(id);
    if (!i || *i >= Available()) return std::optional<sync::SourceRecord>();
    return std::optional<sync::SourceRecord>(Make(*i));
  }

 private:
  std::int64_t Available() const {
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - config_.since);
    return std::max<std::int64_t>(0, elapsed.count() * config_.per_second / 1000);
  }
  sync::SourceRecord Make(std::int64_t i) const {
    sync::SourceRecord r;
    r.id = IdOf(i);
    r.version = "1";
    r.position.time = config_.since + std::chrono::milliseconds(i * 1000 / config_.per_second);
    r.position.id = r.id;
    r.body = fmt::format(R"({{"ID":"{}","Subject type":"Individual","bad":{}}})", r.id,
                         config_.bad_every > 0 && i % config_.bad_every == 0);
    return r;
  }
  DemoConfig config_;
  const Clock& clock_;
};

class DemoTransform final : public sync::Transform {
 public:
  Result<sync::Outgoing> Apply(const sync::SourceRecord& r) override {
    if (r.body.find(R"("bad":true)") != std::string::npos) {
      return Fail(Error::InvalidArgument(
          "", fmt::format("demo: no mapping for the answer of concept 'Demo question' of {}; "
                          "add one on the Mappings page",
                          r.id)));
    }
    return sync::Outgoing{r.body, "demo-ext-" + r.id};
  }
};

class DemoSink final : public sync::Sink {
 public:
  explicit DemoSink(std::int64_t write_ms) : write_ms_(write_ms) {}
  Result<std::optional<std::string>> Find(const sync::Outgoing&) override {
    return std::optional<std::string>();
  }
  Result<std::string> Create(const sync::Outgoing& out) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(write_ms_));
    return "sink-" + out.key;
  }
  Status Update(std::string_view, const sync::Outgoing&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(write_ms_));
    return {};
  }
  Status Void(std::string_view, const sync::Outgoing&) override { return {}; }

 private:
  std::int64_t write_ms_;
};

struct DemoFlows final : sync::FlowSet {
  DemoFlows(DemoConfig config, const Clock& clock) : source(config, clock), sink(config.write_ms) {
    flows.push_back(sync::Flow{"DemoSubject", &source, &transform, &sink});
  }
  DemoSource source;
  DemoTransform transform;
  DemoSink sink;
};

}  // namespace

Result<std::unique_ptr<sync::FlowSet>> MakeDemoFlows(const Services& services,
                                                     const RunInputs& run) {
  auto tenant = services.store.Read(
      [&](store::Tx& tx) -> Result<Tenant> { return tx.tenants().Get(run.job.job.tenant_id); });
  if (!tenant) return Fail(tenant.error());
  DemoConfig c;
  c.since = tenant->created_at;
  auto per_second = run.config.Int("demo_records_per_second", 1, 1, 1000);
  if (!per_second) return Fail(per_second.error());
  auto write_ms = run.config.Int("demo_write_ms", 0, 0, 10000);
  if (!write_ms) return Fail(write_ms.error());
  auto bad_every = run.config.Int("demo_bad_every", 0, 0, 1000000);
  if (!bad_every) return Fail(bad_every.error());
  c.per_second = *per_second;
  c.write_ms = *write_ms;
  c.bad_every = *bad_every;
  return std::unique_ptr<sync::FlowSet>(std::make_unique<DemoFlows>(c, services.clock));
}

}  // namespace avni::integrations
