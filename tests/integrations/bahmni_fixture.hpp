#pragma once
// The Bahmni flows' test fixture: a tenant of the example configuration (examples/bahmni: its
// constants and mapping rows) on both in-process simulators (Avni with generated subjects,
// encounters, enrolments and program encounters; OpenMRS empty), run through the real engine,
// registry and runner, on the backend of the test's parameter.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <sstream>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "avnisim/simulator.hpp"
#include "integrations/registry.hpp"
#include "mapping/mapping_import.hpp"
#include "openmrssim/simulator.hpp"
#include "scheduler/flow_runner.hpp"
#include "store/store.hpp"
#include "support/loopback_client.hpp"
#include "support/store_test.hpp"

namespace avni::testing {

using nlohmann::json;

inline constexpr int kSubjects = 12;

inline std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(AVNI_EXAMPLES_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class BahmniFlowsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // The store's clock is the runs' clock: well after the generated data, so that the Avni
    // window (clock minus its lag) holds all of it.
    clock_.Set(*ParseIso8601("2024-06-01T00:00:00.000Z"));

    sim::SimOptions avni;
    avni.subjects = kSubjects;
    avni.observations = 3;
    avni.encounters_per_subject = 1;
    avni.enrolments_per_subject = 1;
    avni.program_encounters_per_enrolment = 1;
    avni.identifier_concept = "Registration Number";
    avni.metadata = json::parse(ReadExample("avni-metadata.json"));
    avni_ = std::make_unique<sim::Simulator>(avni);
    avni_->SetNow(clock_.Now());
    avni_port_ = avni_->Start();
    ASSERT_GT(avni_port_, 0);
    openmrs_ = std::make_unique<openmrssim::Simulator>(openmrssim::SimOptions{});
    openmrs_->SetNow(clock_.Now());
    openmrs_port_ = openmrs_->Start();
    ASSERT_GT(openmrs_port_, 0);

    cache_ = std::make_unique<mapping::MappingCache>(*store_);
    auto tenant =
        store_->Transact([&](store::Tx& tx) { return tx.tenants().Create("jss", "bahmni"); });
    ASSERT_TRUE(tenant) << tenant.error().message;
    tenant_ = tenant->id;
    ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
      auto scope = tx.tenant(tenant_);
      for (const char* name : {"main", "errors"}) {
        if (auto j = scope.jobs().Put(Job{0, tenant_, name, "-", true, "UTC", "{}"}); !j) {
          return Fail(j.error());
        }
      }
      std::vector<std::tuple<std::string, std::string, bool>> config = {
          {"avni_api_url", fmt::format("http://127.0.0.1:{}", avni_port_), false},
          {"avni_user", "admin@sim", false},
          {"avni_password", "password", true},
          {"openmrs_base_url", fmt::format("http://127.0.0.1:{}", openmrs_port_), false},
          {"openmrs_user", "superman", false},
          {"openmrs_password", "Admin123", true}};
      const json example = json::parse(ReadExample("config.json"));
      for (const auto& item : example.at("items")) {
        config.emplace_back(item.at("key"), item.at("value"), false);
      }
      for (const auto& [key, value, secret] : config) {
        if (auto set = scope.config().Set(key, value, secret); !set) return Fail(set.error());
      }
      return {};
    }));
    auto imported =
        mapping::ImportMappingsCsv(*store_, tenant_, ReadExample("mappings.csv"), {false, "test"});
    ASSERT_TRUE(imported) << imported.error().message;
    ASSERT_TRUE(imported->ok());
    registry_ = std::make_unique<integrations::Registry>(
        integrations::MakeRegistry({*store_, clock_, *cache_, LoopbackClientOptions()}));
  }

  void TearDown() override {
    if (avni_) avni_->Stop();
    if (openmrs_) openmrs_->Stop();
    StoreTest::TearDown();
  }

  avni::Run RunJob(const std::string& name) {
    auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).jobs().Get(name); });
    EXPECT_TRUE(job) << job.error().message;
    scheduler::FlowJobRunner runner(*store_, clock_, *registry_, "test", std::chrono::seconds(60));
    std::atomic<bool> stop{false};
    auto run = runner.RunJob(ScheduledJob{*job, "jss", "bahmni", true}, stop);
    EXPECT_TRUE(run) << run.error().message;
    return run.value_or(avni::Run{});
  }

  // The flows a run of the main job gets, for calling a transform or sink directly.
  std::unique_ptr<sync::FlowSet> Flows() {
    auto job = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).jobs().Get("main"); });
    EXPECT_TRUE(job) << job.error().message;
    auto flows = registry_->FlowsFor(ScheduledJob{*job, "jss", "bahmni", true});
    EXPECT_TRUE(flows) << flows.error().message;
    return flows ? std::move(*flows) : nullptr;
  }

  // A write to the OpenMRS simulator as Bahmni makes it (/_sim/patients, /_sim/encounters):
  // the new entity's uuid.
  std::string BahmniWrite(const std::string& kind, const json& body) {
    httplib::Client c("127.0.0.1", openmrs_port_);
    auto res = c.Post("/_sim/" + kind, body.dump(), "application/json");
    EXPECT_TRUE(res && res->status == 201) << (res ? res->body : "no answer");
    return res && res->status == 201 ? json::parse(res->body).value("uuid", "") : "";
  }

  json OpenmrsEntities(const std::string& kind) {
    httplib::Client c("127.0.0.1", openmrs_port_);
    auto res = c.Get("/_sim/entities/" + kind);
    EXPECT_TRUE(res && res->status == 200);
    return res ? json::parse(res->body).at("entities") : json::array();
  }

  // Avni's subjects and general encounters, as the simulator holds them.
  json AvniEntities(const std::string& kind) {
    httplib::Client c("127.0.0.1", avni_port_);
    auto res = c.Get("/_sim/entities/" + kind);
    EXPECT_TRUE(res && res->status == 200) << (res ? res->body : "");
    return res ? json::parse(res->body).at("entities") : json::array();
  }

  // Voids or restores the Observation / Concept mapping of `avni_value`, as an administrator
  // does through the API.
  Status SetAnswerVoided(const std::string& avni_value, bool voided) {
    return store_->Transact([&](store::Tx& tx) -> Status {
      auto repo = tx.tenant(tenant_).mappings();
      auto group = repo.FindGroup("Observation");
      if (!group) return Fail(group.error());
      auto type = repo.FindType("Concept");
      if (!type) return Fail(type.error());
      // A voided row is not found by its value: the id is kept from voiding it.
      if (!voided_ids_.contains(avni_value)) {
        auto row = repo.FindByAvniValue(group->id, type->id, avni_value);
        if (!row) return Fail(row.error());
        voided_ids_[avni_value] = row->id;
      }
      auto set = repo.SetVoided(voided_ids_[avni_value], voided);
      if (!set) return Fail(set.error());
      return {};
    });
  }

  std::string Column(const std::string& sql) {
    auto rows = db_->QueryColumn(sql);
    return rows.empty() ? "" : rows.front();
  }

  std::unique_ptr<sim::Simulator> avni_;
  std::unique_ptr<openmrssim::Simulator> openmrs_;
  int avni_port_ = 0, openmrs_port_ = 0;
  std::unique_ptr<mapping::MappingCache> cache_;
  std::unique_ptr<integrations::Registry> registry_;
  TenantId tenant_;
  std::map<std::string, RowId> voided_ids_;
};

}  // namespace avni::testing
