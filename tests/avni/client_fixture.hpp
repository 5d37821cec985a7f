#pragma once
// What the Avni client tests share: an in-process simulator on loopback, a client configured
// for it, and the simulator's control endpoints (/_sim/...) reached with a plain HTTP client.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "avni/client.hpp"
#include "avnisim/simulator.hpp"
#include "support/fake_clock.hpp"
#include "support/loopback_client.hpp"

namespace avni::avniapi {

class AvniClientTest : public ::testing::Test {
 protected:
  // Starts a simulator with these options; a client is made by MakeClient.
  void StartSim(sim::SimOptions options) {
    sim_ = std::make_unique<sim::Simulator>(std::move(options));
    port_ = sim_->Start();
    ASSERT_GT(port_, 0);
    control_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }
  void TearDown() override {
    client_.reset();
    if (sim_) sim_->Stop();
  }

  AvniConfig Config(bool auth_enabled = true) const {
    AvniConfig config;
    config.api_url = "http://127.0.0.1:" + std::to_string(port_);
    config.user = "admin@sim";
    config.password = "password";
    config.auth_enabled = auth_enabled;
    return config;
  }
  // The simulator listens on loopback: the client is allowed it unless `options` say otherwise.
  Client& MakeClient(AvniConfig config,
                     http::ClientOptions options = testing::LoopbackClientOptions()) {
    client_ = std::make_unique<Client>(std::move(config), clock_, options);
    return *client_;
  }

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
  // The last request the simulator saw to an /api or auth path.
  nlohmann::json LastRequest() {
    const auto log = SimGet("/_sim/requests?limit=1");
    const auto& list = log.is_array() ? log : log.at("requests");
    EXPECT_FALSE(list.empty());
    return list.empty() ? nlohmann::json() : list.back();
  }

  testing::FakeClock clock_{SystemClock().Now()};
  std::unique_ptr<sim::Simulator> sim_;
  std::unique_ptr<httplib::Client> control_;
  std::unique_ptr<Client> client_;
  int port_ = 0;
};

}  // namespace avni::avniapi
