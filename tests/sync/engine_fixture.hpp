#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "support/store_test.hpp"
#include "sync/engine.hpp"
#include "sync/fakes.hpp"

namespace avni::testing {

// A tenant with a `main` job, a fake source/transform/sink flow of "Subject", and an engine
// whose retries do not sleep (the delays are recorded instead).
class EngineTest : public StoreTest {
 protected:
  static constexpr const char* kType = "Subject";

  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    tenant_ = MakeTenant("ngo");
    auto job = store_->Transact([&](store::Tx& tx) {
      return tx.tenant(tenant_).jobs().Put(
          Job{0, tenant_, "main", "0 * * * * ?", true, "UTC", "{}"});
    });
    ASSERT_TRUE(job) << job.error().message;
    job_id_ = job->id;
    options_.page_size = 100;
    options_.owner = "test-runner";
    options_.retry.max_attempts = 8;
    options_.retry.initial_delay = std::chrono::milliseconds(10);
    options_.retry.max_delay = std::chrono::milliseconds(1000);
    options_.sleep = [this](std::chrono::milliseconds d) {
      slept_.push_back(d);
      return true;
    };
  }

  // A source of n entities, `same_time` sharing each timestamp.
  void MakeSource(int n, int same_time) {
    source_ = std::make_unique<FakeSource>(GenerateEntities(n, same_time, clock_.Now()));
  }
  sync::Flow MakeFlow() { return sync::Flow{kType, source_.get(), &transform_, &sink_}; }

  RowId StartRun() {
    auto run = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant_).jobs().StartRun(job_id_, "test"); });
    EXPECT_TRUE(run) << run.error().message;
    return run ? run->id : 0;
  }
  sync::FlowResult RunMain() {
    sync::Engine engine(*store_, tenant_, clock_, options_);
    return engine.RunFlow(MakeFlow(), StartRun());
  }
  sync::FlowResult RunErrors() {
    sync::Engine engine(*store_, tenant_, clock_, options_);
    return engine.Reprocess(MakeFlow(), StartRun());
  }

  std::string Raw(const std::string& sql) {
    auto column = db_->QueryColumn(sql);
    return column.empty() ? "" : column.front();
  }
  std::string Tenant() const { return std::to_string(tenant_.value); }
  std::vector<std::string> ErrorEntityIds() {
    return db_->QueryColumn("SELECT entity_id FROM error_records WHERE tenant_id = " + Tenant() +
                            " ORDER BY entity_id");
  }
  std::string CursorId() {
    return Raw("SELECT read_upto_id FROM sync_status WHERE tenant_id = " + Tenant());
  }
  long long LinkCount() {
    return std::stoll(Raw("SELECT COUNT(*) FROM entity_links WHERE tenant_id = " + Tenant()));
  }

  // Every entity of the source is in the sink exactly once, with its current body.
  void ExpectSinkHoldsEachOnce(const std::set<std::string>& except = {}) {
    auto page = source_->Read(sync::Cursor{}, static_cast<int>(source_->size()) + 1);
    ASSERT_TRUE(page);
    for (const auto& record : page->records) {
      auto rows = sink_.RowsFor(KeyOf(record.id));
      if (except.contains(record.id)) {
        EXPECT_TRUE(rows.empty()) << record.id;
        continue;
      }
      ASSERT_EQ(rows.size(), 1u) << record.id;
      EXPECT_EQ(rows.front()->body, record.body) << record.id;
    }
  }

  TenantId tenant_;
  RowId job_id_ = 0;
  sync::EngineOptions options_;
  std::vector<std::chrono::milliseconds> slept_;
  std::unique_ptr<FakeSource> source_;
  FakeTransform transform_;
  MemorySink sink_;
};

}  // namespace avni::testing
