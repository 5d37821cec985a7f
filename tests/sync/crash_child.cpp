// The process the crash test kills: runs the main flow of tenant ARGV[2] over a deterministic
// source of ARGV[4] subjects (every 97th refused by the transform) into the file sink ARGV[3],
// until the source is done. Exit 0 when completed; 3 when a run did not complete.
//   sync_crash_child DSN TENANT_ID SINK_FILE RECORDS
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

#include "store/store.hpp"
#include "sync/engine.hpp"
#include "sync/fakes.hpp"
#include "sync/file_sink.hpp"

using namespace avni;

std::vector<testing::FakeEntity> CrashEntities(int n) {
  auto entities = testing::GenerateEntities(n, 7, FromEpochMillis(1'700'000'000'000));
  for (std::size_t i = 0; i < entities.size(); i += 97) entities[i].bad = true;
  return entities;
}

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: sync_crash_child DSN TENANT_ID SINK_FILE RECORDS\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  const TenantId tenant{std::atoll(argv[2])};
  auto store = store::Store::Open(argv[1], {});
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  testing::FakeSource source(CrashEntities(std::atoi(argv[4])));
  testing::FakeTransform transform;
  testing::FileSink sink(argv[3], std::chrono::microseconds(100));
  SystemClock clock;
  sync::EngineOptions options;
  options.owner = "crash-child";  // the same after every restart: it takes its own lock back
  auto job = (*store)->Read([&](store::Tx& tx) { return tx.tenant(tenant).jobs().Get("main"); });
  if (!job) return 1;
  for (;;) {
    auto run = (*store)->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant).jobs().StartRun(job->id, "child"); });
    if (!run) return 1;
    sync::Engine engine(**store, tenant, clock, options);
    auto result = engine.RunFlow(sync::Flow{"Subject", &source, &transform, &sink}, run->id);
    if (result.outcome == sync::FlowOutcome::kCompleted) break;
    std::cerr << ToString(result.outcome) << ": " << result.message << "\n";
    return 3;
  }
  return 0;
}
