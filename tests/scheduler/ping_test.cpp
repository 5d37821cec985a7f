// The scheduler's health pinger (HttpPinger) against a loopback server that counts what it is
// asked: a job's ping_url is a tenant admin's input, so the operator's target policy decides
// whether it is called.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>

#include "http/loopback.hpp"
#include "scheduler/scheduler.hpp"

namespace avni::scheduler {
namespace {

class HttpPingerTest : public ::testing::Test {
 protected:
  HttpPingerTest() {
    auto server = std::make_unique<httplib::Server>();
    server->Get(".*", [this](const httplib::Request&, httplib::Response& res) {
      ++pings_;
      res.set_content("OK", "text/plain");
    });
    server_ = std::make_unique<http::LoopbackServer<httplib::Server>>(std::move(server));
  }

  std::atomic<int> pings_{0};
  std::unique_ptr<http::LoopbackServer<httplib::Server>> server_;
};

TEST_F(HttpPingerTest, ALoopbackPingIsNotMadeUnderTheDefaultPolicy) {
  Pinger ping = HttpPinger(http::TargetPolicy{});
  auto pinged = ping(server_->Url("/check-id/start"));
  ASSERT_FALSE(pinged) << "the ping reached a loopback address";
  const std::string& message = pinged.error().message;
  EXPECT_TRUE(message.starts_with("settings.ping_url: ")) << message;
  EXPECT_NE(message.find("127.0.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find("--allow-private-targets"), std::string::npos) << message;
  EXPECT_EQ(message.find("check-id"), std::string::npos) << "the URL's secret id: " << message;
  EXPECT_EQ(pings_.load(), 0);
}

TEST_F(HttpPingerTest, ALoopbackPingIsMadeWhenTheOperatorAllowsIt) {
  auto networks = http::TargetPolicy::ParseList("127.0.0.0/8");
  ASSERT_TRUE(networks) << networks.error().message;
  for (const http::TargetPolicy& policy :
       {http::TargetPolicy{.allow_private = true}, http::TargetPolicy{.allowed = *networks}}) {
    Pinger ping = HttpPinger(policy);
    auto pinged = ping(server_->Url("/check-id"));
    EXPECT_TRUE(pinged) << pinged.error().message;
  }
  EXPECT_EQ(pings_.load(), 2);
}

}  // namespace
}  // namespace avni::scheduler
