#pragma once
// What the OpenMRS client tests share: an in-process OpenMRS simulator on loopback, a client
// configured for it, and the simulator's control endpoints (/_sim/...) reached with a plain
// HTTP client.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "openmrs/client.hpp"
#include "openmrssim/simulator.hpp"
#include "support/loopback_client.hpp"

namespace avni::openmrs {

class OpenmrsClientTest : public ::testing::Test {
 protected:
  virtual openmrssim::SimOptions Options() { return openmrssim::SimOptions{}; }

  void SetUp() override {
    sim_ = std::make_unique<openmrssim::Simulator>(Options());
    sim_->SetNow(kNow);
    port_ = sim_->Start();
    ASSERT_GT(port_, 0);
    control_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    control_->set_read_timeout(10, 0);
  }
  void TearDown() override {
    client_.reset();
    if (sim_) sim_->Stop();
  }

  OpenmrsConfig Config() const {
    OpenmrsConfig config;
    config.base_url = "http://127.0.0.1:" + std::to_string(port_);
    config.user = "superman";
    config.password = "Admin123";
    return config;
  }
  // The simulator listens on loopback: the client is allowed it unless `options` say otherwise.
  Client& MakeClient(OpenmrsConfig config,
                     http::ClientOptions options = testing::LoopbackClientOptions()) {
    client_ = std::make_unique<Client>(std::move(config), options);
    return *client_;
  }
  Client& MakeClient() { return MakeClient(Config()); }

  nlohmann::json SimGet(const std::string& path) {
    auto res = control_->Get(path);
    EXPECT_TRUE(res) << path;
    if (!res) return nullptr;
    EXPECT_EQ(res->status, 200) << path << ": " << res->body;
    return nlohmann::json::parse(res->body);
  }
  void SimPost(const std::string& path, const nlohmann::json& body) {
    auto res = control_->Post(path, body.dump(), "application/json");
    ASSERT_TRUE(res) << path;
    ASSERT_EQ(res->status, 200) << path << ": " << res->body;
  }
  // Requests the simulator saw on a route, e.g. "GET /openmrs/ws/rest/v1/session".
  std::int64_t Requests(const std::string& route) { return sim_->Stats()[route]; }

  std::string Uuid(std::string_view resource, std::string_view name) const {
    return sim_->GetMetadata().UuidOf(resource, name);
  }
  std::string ConceptUuid(std::string_view name) const {
    return sim_->GetMetadata().ConceptUuid(name);
  }

  // A patient to create with one identifier at the simulator's location.
  NewPatient APatient(const std::string& identifier) const {
    NewPatient p;
    p.given_name = "Asha";
    p.family_name = "Patil";
    p.gender = "F";
    p.birthdate = "1990-01-02";
    PatientIdentifier id;
    id.identifier = identifier;
    id.identifier_type = Uuid("patientidentifiertype", openmrssim::kIdentifierType);
    id.location = Uuid("location", openmrssim::kLocation);
    id.preferred = true;
    p.identifiers.push_back(id);
    return p;
  }
  // An encounter of the Avni General Visit form: Concept 1 (text), Weight (numeric), Blood
  // group (coded) and the Avni uuid, in one form group obs.
  NewEncounter AnEncounter(const std::string& patient, const std::string& avni_uuid) const {
    NewEncounter e;
    e.patient = patient;
    e.encounter_type = Uuid("encountertype", "Avni General Visit");
    e.location = Uuid("location", openmrssim::kLocation);
    e.encounter_datetime = *ParseIso8601("2025-05-01T10:00:00.000Z");
    e.providers.push_back({Uuid("provider", openmrssim::kProvider),
                           Uuid("encounterrole", openmrssim::kEncounterRole)});
    e.obs.push_back(NewObs{.concept_uuid = ConceptUuid("Avni General Visit Form"),
                           .value = nullptr,
                           .group_members = Members(avni_uuid)});
    return e;
  }
  std::vector<NewObs> Members(const std::string& avni_uuid) const {
    return {NewObs{ConceptUuid("Concept 1"), "one", {}}, NewObs{ConceptUuid("Weight"), 61.5, {}},
            NewObs{ConceptUuid("Blood group"), ConceptUuid("O+"), {}},
            NewObs{ConceptUuid(openmrssim::kAvniUuidConcept), avni_uuid, {}}};
  }

  const Timestamp kNow = *ParseIso8601("2025-06-01T00:00:00.000Z");
  std::unique_ptr<openmrssim::Simulator> sim_;
  std::unique_ptr<httplib::Client> control_;
  std::unique_ptr<Client> client_;
  int port_ = 0;
};

}  // namespace avni::openmrs
