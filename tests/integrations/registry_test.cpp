// The integration seam as the scheduler's runner uses it, on both backends: a factory gets the
// tenant's config and a mapping snapshot that follows writes made elsewhere; a factory that
// fails or throws fails its own run, and another tenant's run goes on.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "integrations/registry.hpp"
#include "scheduler/flow_runner.hpp"
#include "store/store.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using integrations::RunInputs;
using integrations::Services;

// No records: what a factory saw is what the test looks at.
class EmptySource final : public sync::Source {
 public:
  Result<sync::Page> Read(const sync::Cursor&, int) override { return sync::Page{{}, true}; }
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view) override {
    return std::optional<sync::SourceRecord>();
  }
};

struct EmptyFlows final : sync::FlowSet {
  EmptyFlows() { flows.push_back(sync::Flow{"Nothing", &source, nullptr, nullptr}); }
  EmptySource source;
};

class RegistryTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    cache_ = std::make_unique<mapping::MappingCache>(*store_);
    a_ = MakeTenant("A", "probe");
    b_ = MakeTenant("B", "probe");
    ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
      for (TenantId t : {a_, b_}) {
        auto jobs = tx.tenant(t).jobs();
        if (auto j = jobs.Put(Job{0, t, "main", "0 * * * * ?", true, "UTC", "{}"}); !j) {
          return Fail(j.error());
        }
      }
      auto repo = tx.tenant(a_).mappings();
      auto g = repo.CreateGroup("Observation");
      if (!g) return Fail(g.error());
      group_ = g->id;
      auto t = repo.CreateType("Concept");
      if (!t) return Fail(t.error());
      type_ = t->id;
      if (auto c = tx.tenant(a_).config().Set("probe_password", "s3cret-pass", true); !c) {
        return Fail(c.error());
      }
      return {};
    }));
  }

  TenantId MakeTenant(const std::string& name, const std::string& type) {
    auto t = store_->Transact([&](store::Tx& tx) { return tx.tenants().Create(name, type); });
    EXPECT_TRUE(t) << t.error().message;
    return t ? t->id : TenantId{};
  }

  ScheduledJob JobOf(TenantId t) {
    auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(t).jobs().Get("main"); });
    EXPECT_TRUE(job) << job.error().message;
    return ScheduledJob{job.value_or(Job{}), t == a_ ? "A" : "B", "probe", true};
  }

  // Adds a mapping through a second Store on the same database: another instance's write.
  void AddElsewhere(const std::string& avni, const std::string& other_value) {
    store::StoreOptions options;
    options.secrets = &secrets_;
    options.clock = &clock_;
    options.pool_size = 1;
    auto other = store::Store::Open(db_->dsn(), options);
    ASSERT_TRUE(other) << other.error().message;
    Mapping m;
    m.group_id = group_;
    m.type_id = type_;
    m.avni_value = avni;
    m.int_system_value = other_value;
    ASSERT_TRUE(
        (*other)->Transact([&](store::Tx& tx) { return tx.tenant(a_).mappings().Create(m); }));
  }

  Result<avni::Run> RunOf(integrations::Registry& registry, TenantId t) {
    scheduler::FlowJobRunner runner(*store_, clock_, registry, "test", std::chrono::seconds(30));
    std::atomic<bool> stop{false};
    return runner.RunJob(JobOf(t), stop);
  }

  std::unique_ptr<mapping::MappingCache> cache_;
  TenantId a_, b_;
  RowId group_ = 0, type_ = 0;
};

TEST_P(RegistryTest, EachRunReadsTheConfigAndAFreshMappingSnapshot) {
  integrations::Registry registry(Services{*store_, clock_, *cache_, {}});
  std::vector<std::string> seen;
  registry.Add("probe", [&](const Services&, const RunInputs& run) {
    auto password = run.config.Secret("probe_password", "the probe's password");
    const auto weight = run.mappings->IntValueFor("Observation", "Concept", "Weight");
    seen.push_back(fmt::format("{}|{}", password ? *password : password.error().message,
                               weight ? std::string(*weight) : "-"));
    return Result<std::unique_ptr<sync::FlowSet>>(std::make_unique<EmptyFlows>());
  });
  auto first = RunOf(registry, a_);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->status, RunStatus::kSucceeded) << first->message;
  // Written on another instance, after this instance cached the tenant's mappings: the next
  // run sees it without anyone invalidating the cache here.
  AddElsewhere("Weight", "5089AAAA");
  auto second = RunOf(registry, a_);
  ASSERT_TRUE(second);
  EXPECT_EQ(seen, (std::vector<std::string>{"s3cret-pass|-", "s3cret-pass|5089AAAA"}));
}

TEST_P(RegistryTest, AFactoryThatFailsOrThrowsFailsOnlyItsOwnRun) {
  integrations::Registry registry(Services{*store_, clock_, *cache_, {}});
  registry.Add("probe", [&](const Services&, const RunInputs& run) {
    if (run.job.job.tenant_id == a_) {
      // A JSON type error, as integration code with a bug throws it.
      (void)nlohmann::json::parse(R"({"x": "text"})").at("x").get<int>();
    }
    auto key = run.config.Text("probe_url", "https://probe.example.org");
    if (!key) return Result<std::unique_ptr<sync::FlowSet>>(Fail(key.error()));
    return Result<std::unique_ptr<sync::FlowSet>>(std::make_unique<EmptyFlows>());
  });
  auto thrown = RunOf(registry, a_);
  ASSERT_TRUE(thrown) << thrown.error().message;
  EXPECT_EQ(thrown->status, RunStatus::kFailed);
  EXPECT_NE(thrown->message.find("internal error while setting up the run: "
                                 "[json.exception.type_error"),
            std::string::npos)
      << thrown->message;
  auto refused = RunOf(registry, b_);
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(refused->status, RunStatus::kFailed);
  EXPECT_EQ(refused->message,
            "config probe_url is not set; set it, e.g. https://probe.example.org");
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) {
    return tx.tenant(b_).config().Set("probe_url", "https://probe.example.org", false);
  }));
  auto fine = RunOf(registry, b_);
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, RunStatus::kSucceeded) << fine->message;
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM runs WHERE status = 'running'").at(0), "0");
}

AVNI_ON_EVERY_BACKEND(RegistryTest);

}  // namespace
}  // namespace avni::testing
