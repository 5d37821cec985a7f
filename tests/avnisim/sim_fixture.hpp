#pragma once

// A started simulator and a cpp-httplib client to it, for the simulator's contract tests.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "avnisim/simulator.hpp"
#include "common/time.hpp"

namespace avni::sim {

inline Timestamp At(const std::string& iso) { return *ParseIso8601(iso); }

// A subject write the simulator's default metadata accepts, keyed by `external_id` if given.
inline nlohmann::json NewSubject(const std::string& external_id = "") {
  nlohmann::json body = {{"Subject type", "Individual"},
                         {"Address", "State 1, District 1, Block 1, Village 2"},
                         {"First name", "Asha"},
                         {"Last name", "Patil"},
                         {"Gender", "Female"},
                         {"Date of birth", "1990-01-02"},
                         {"Registration date", "2025-05-01"},
                         {"observations", {{"Concept 1", "one"}, {"Blood group", "O+"}}}};
  if (!external_id.empty()) body["External ID"] = external_id;
  return body;
}

class SimFixture : public ::testing::Test {
 protected:
  virtual SimOptions Options() { return SimOptions{}; }

  void SetUp() override {
    sim_ = std::make_unique<Simulator>(Options());
    sim_->SetNow(kNow);
    port_ = sim_->Start();
    ASSERT_GT(port_, 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(5, 0);
  }
  void TearDown() override { sim_->Stop(); }

  httplib::Result Get(const std::string& path, const httplib::Params& params = {},
                      const httplib::Headers& headers = {}) {
    return client_->Get(path, params, headers);
  }
  httplib::Result Send(const std::string& method, const std::string& path,
                       const nlohmann::json& body, const httplib::Headers& headers = {}) {
    const std::string text = body.dump();
    if (method == "POST") return client_->Post(path, headers, text, "application/json");
    if (method == "PUT") return client_->Put(path, headers, text, "application/json");
    if (method == "PATCH") return client_->Patch(path, headers, text, "application/json");
    return client_->Delete(path, headers, text, "application/json");
  }
  // A 200 answer as JSON; fails the test on anything else.
  nlohmann::json Json(const httplib::Result& res) {
    EXPECT_TRUE(res);
    if (!res) return nlohmann::json::object();
    EXPECT_EQ(res->status, 200) << res->body;
    return nlohmann::json::parse(res->body, nullptr, false);
  }
  nlohmann::json Entities(const std::string& kind) {
    return Json(Get("/_sim/entities/" + kind)).at("entities");
  }
  static std::vector<std::string> Ids(const nlohmann::json& page) {
    std::vector<std::string> ids;
    for (const auto& entity : page.at("content")) ids.push_back(entity.at("ID"));
    return ids;
  }

  const Timestamp kNow = At("2025-06-01T00:00:00.000Z");
  std::unique_ptr<Simulator> sim_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace avni::sim
