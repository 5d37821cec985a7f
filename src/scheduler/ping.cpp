#include <memory>

#include <fmt/format.h>

#include "http/client.hpp"
#include "scheduler/scheduler.hpp"

namespace avni::scheduler {

Pinger HttpPinger(http::TargetPolicy targets, std::chrono::milliseconds timeout) {
  http::ClientOptions options;
  options.connect_timeout = timeout;
  options.read_timeout = timeout;
  options.total_timeout = timeout;
  // A health check answers a few bytes; anything bigger is not one.
  options.max_response_bytes = 64 * 1024;
  options.targets = std::move(targets);
  // One client for every ping: its connections are reused, and the pinger may be copied.
  auto client = std::make_shared<http::Client>(std::move(options));
  return [client](const std::string& url) -> Status {
    auto answer = client->Send({.url = url});
    if (!answer) return Fail(http::NameSetting("settings.ping_url", answer.error()));
    if (answer->status >= 400) {
      return Fail(
          Error::Unavailable(fmt::format("the health check answered HTTP {}", answer->status)));
    }
    return {};
  };
}

}  // namespace avni::scheduler
