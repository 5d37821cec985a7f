// The HTTP client against real loopback servers (cpp-httplib on port 0): what a connector
// relies on, each checked by what the server saw or what the caller got back.
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
#define CPPHTTPLIB_OPENSSL_SUPPORT
#endif
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/taxonomy.hpp"
#include "http/client.hpp"
#include "http/loopback.hpp"
#include "support/loopback_client.hpp"
#include "support/process.hpp"

namespace avni::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using testing::LoopbackClientOptions;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A server writing to a connection the client cut must get EPIPE, not kill the test.
    std::signal(SIGPIPE, SIG_IGN);
  }
};

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST_F(HttpClientTest, ReusesOneConnectionForSequentialRequests) {
  auto server = std::make_unique<httplib::Server>();
  std::mutex mutex;
  std::set<int> ports;
  server->set_keep_alive_max_count(100);  // httplib's default closes after 5 requests
  server->Get("/ping", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    ports.insert(req.remote_port);
    res.set_content("pong", "text/plain");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  for (int i = 0; i < 10; ++i) {
    auto response = client.Send({.url = running.Url("/ping")});
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "pong");
  }
  std::lock_guard lock(mutex);
  EXPECT_EQ(ports.size(), 1U) << "every request opened a new connection";
}

TEST_F(HttpClientTest, SendsMethodHeadersAndBodyAndReturnsLowerCaseHeaders) {
  auto server = std::make_unique<httplib::Server>();
  server->Put("/thing", [](const httplib::Request& req, httplib::Response& res) {
    res.status = 201;
    res.set_header("X-Echo-Token", req.get_header_value("AUTH-TOKEN"));
    res.set_header("X-Agent", req.get_header_value("User-Agent"));
    res.set_content(req.body, "application/json");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  auto response = client.Send({.method = "PUT",
                               .url = running.Url("/thing"),
                               .headers = {{"AUTH-TOKEN", "t1"}},
                               .body = R"({"a":1})"});
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"({"a":1})");
  EXPECT_EQ(response->headers["x-echo-token"], "t1");
  EXPECT_TRUE(response->headers["x-agent"].starts_with("avni-integrator/"));
  EXPECT_EQ(response->headers["content-type"], "application/json");
}

TEST_F(HttpClientTest, ReadTimeoutEndsAStalledAnswer) {
  auto server = std::make_unique<httplib::Server>();
  std::mutex mutex;
  std::condition_variable released;
  bool done = false;
  server->Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    std::unique_lock lock(mutex);
    released.wait_for(lock, 3s, [&] { return done; });
    res.set_content("late", "text/plain");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions({.read_timeout = 500ms}));
  const auto start = Clock::now();
  auto response = client.Send({.url = running.Url("/slow")});
  const double elapsed = SecondsSince(start);
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  released.notify_all();
  ASSERT_FALSE(response.has_value()) << "the 3 s answer arrived: no read timeout";
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos)
      << response.error().message;
  EXPECT_GE(elapsed, 0.45);
  EXPECT_LT(elapsed, 2.5);  // well before the server's 3 s answer
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailableAndNamesTheHost) {
  Client client(LoopbackClientOptions());
  auto response = client.Send({.url = "http://127.0.0.1:1/x"});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(IsAvailability(response.error()));
  EXPECT_NE(response.error().message.find("127.0.0.1:1"), std::string::npos)
      << response.error().message;
}

TEST_F(HttpClientTest, MessagesNeverCarryQueryBodyOrCredentials) {
  Client client(LoopbackClientOptions());
  auto response =
      client.SendChecked({.method = "POST",
                          .url = "http://127.0.0.1:1/x?token=SECRET",
                          .headers = {{"Authorization", "Bearer SECRET"}, {"AUTH-TOKEN", "SECRET"}},
                          .body = "password=SECRET"});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().message.find("SECRET"), std::string::npos) << response.error().message;
}

TEST_F(HttpClientTest, ConnectionDroppedMidBodyIsUnavailable) {
  auto server = std::make_unique<httplib::Server>();
  server->Get("/cut", [](const httplib::Request&, httplib::Response& res) {
    // Promises 100000 bytes, sends 1000, then gives up: the server closes the connection.
    res.set_content_provider(100000, "text/plain",
                             [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                               if (offset > 0) return false;
                               const std::string part(1000, 'x');
                               sink.write(part.data(), part.size());
                               return true;
                             });
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  auto response = client.Send({.url = running.Url("/cut")});
  ASSERT_FALSE(response.has_value()) << "a truncated body was returned as complete";
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message.find("dropped"), std::string::npos)
      << response.error().message;
}

// A connection whose answer is not HTTP at all (bytes left over from an answer cut short on a
// reused connection, a proxy's garbage) is a transport failure to retry, not a bad URL: curl
// reports it as an unsupported protocol (HTTP/0.9), which parked records as data errors.
TEST_F(HttpClientTest, AnAnswerThatIsNotHttpIsUnavailable) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  std::thread server([listener] {
    const int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) return;
    char buffer[4096];
    (void)::read(connection, buffer, sizeof(buffer));
    const std::string garbage = "xx\"uuid\":\"abc\"}]}\r\n\r\n";
    (void)::write(connection, garbage.data(), garbage.size());
    ::close(connection);
  });
  Client client(LoopbackClientOptions());
  auto response =
      client.Send({.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/x"});
  server.join();
  ::close(listener);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kUnavailable) << response.error().message;
  EXPECT_TRUE(IsAvailability(response.error())) << response.error().message;
}

TEST_F(HttpClientTest, DecodesGzipBodies) {
  const std::string text = std::string(5000, 'a') + "the end";
  std::string accept_encoding;
  auto server = std::make_unique<httplib::Server>();
  server->Get("/gz", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    res.set_content(Gzip(text), "text/plain");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  auto response = client.Send({.url = running.Url("/gz")});
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_NE(accept_encoding.find("gzip"), std::string::npos) << accept_encoding;
  EXPECT_EQ(response->body, text);
}

TEST_F(HttpClientTest, AnswerOverTheLimitIsRefusedAndCutShort) {
  constexpr std::size_t kChunk = 64 * 1024;
  constexpr std::size_t kTotal = 2 * 1024 * 1024;
  std::atomic<std::size_t> sent{0};
  std::atomic<bool> finished{false};
  auto server = std::make_unique<httplib::Server>();
  server->Get("/big", [&](const httplib::Request&, httplib::Response& res) {
    // Slow enough that the client's abort is seen long before 2 MiB could have been sent.
    // Not text: httplib would gzip text, and the compressed answer would be tiny.
    res.set_chunked_content_provider("application/octet-stream",
                                     [&](std::size_t, httplib::DataSink& sink) {
                                       if (sent >= kTotal) {
                                         finished = true;
                                         sink.done();
                                         return true;
                                       }
                                       std::this_thread::sleep_for(20ms);
                                       const std::string chunk(kChunk, 'x');
                                       if (!sink.write(chunk.data(), chunk.size())) return false;
                                       sent += kChunk;
                                       return true;
                                     });
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions({.max_response_bytes = 1024 * 1024}));
  auto response = client.Send({.url = running.Url("/big")});
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(response.error().message.find("1048576"), std::string::npos)
      << response.error().message;
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(finished.load()) << "the whole answer was read despite the limit";
  EXPECT_LT(sent.load(), kTotal);
}

TEST_F(HttpClientTest, SendCheckedClassifiesFailuresAsTheTaxonomySays) {
  auto server = std::make_unique<httplib::Server>();
  server->Get(R"(/status/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.status = std::stoi(req.matches[1]);
    res.set_content(req.has_param("body") ? req.get_param_value("body") : "nope", "text/plain");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  struct Case {
    std::string path;
    ErrorCode code;
    bool availability;
  };
  const std::vector<Case> cases = {
      {"/status/400", ErrorCode::kInvalidArgument, false},
      {"/status/404", ErrorCode::kNotFound, false},
      {"/status/409", ErrorCode::kConflict, false},
      {"/status/429", ErrorCode::kRateLimited, true},
      {"/status/500?body=Subject%20type%20not%20found", ErrorCode::kInvalidArgument, false},
      {"/status/500?body=boom", ErrorCode::kUnavailable, true},
      {"/status/503", ErrorCode::kUnavailable, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    auto checked = client.SendChecked({.url = running.Url(c.path)});
    ASSERT_FALSE(checked.has_value());
    EXPECT_EQ(checked.error().code, c.code) << checked.error().message;
    EXPECT_EQ(IsAvailability(checked.error()), c.availability);
    // Send itself treats any answer as an answer.
    auto plain = client.Send({.url = running.Url(c.path)});
    ASSERT_TRUE(plain.has_value());
    EXPECT_GE(plain->status, 400);
  }
  auto ok = client.SendChecked({.url = running.Url("/status/200")});
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpClientTest, FollowsProxyFromTheEnvironmentAndNoProxy) {
  std::string proxy_target;
  auto proxy = std::make_unique<httplib::Server>();
  proxy->Get(".*", [&](const httplib::Request& req, httplib::Response& res) {
    proxy_target = req.target;
    res.set_content("via proxy", "text/plain");
  });
  auto origin = std::make_unique<httplib::Server>();
  origin->Get("/where", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("direct", "text/plain");
  });
  LoopbackServer running_proxy(std::move(proxy));
  LoopbackServer running_origin(std::move(origin));
  const std::string proxy_url = "http://127.0.0.1:" + std::to_string(running_proxy.port());
  const std::string target = running_origin.Url("/where?x=1");
  {
    ScopedEnv http_proxy("http_proxy", proxy_url.c_str());
    ScopedEnv no_proxy("no_proxy", nullptr);
    ScopedEnv no_proxy_upper("NO_PROXY", nullptr);
    Client client(LoopbackClientOptions());
    auto response = client.Send({.url = target});
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "via proxy");
    EXPECT_EQ(proxy_target, target) << "a proxy receives the absolute URL";
  }
  {
    ScopedEnv http_proxy("http_proxy", proxy_url.c_str());
    ScopedEnv no_proxy("no_proxy", "127.0.0.1");
    proxy_target.clear();
    Client client(LoopbackClientOptions());
    auto response = client.Send({.url = target});
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "direct");
    EXPECT_TRUE(proxy_target.empty());
  }
}

TEST_F(HttpClientTest, RateLimitsEachHostOnItsOwn) {
  auto server = std::make_unique<httplib::Server>();
  server->Get("/r", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok", "text/plain");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions({.per_host_rate = 20, .per_host_burst = 1}));
  const auto start = Clock::now();
  for (int i = 0; i < 21; ++i) {
    auto response = client.Send({.url = running.Url("/r")});
    ASSERT_TRUE(response.has_value()) << response.error().message;
  }
  EXPECT_GE(SecondsSince(start), 0.9) << "21 requests at 20/s with burst 1 went too fast";

  // At 2/s a host's second request waits 0.5 s; another host's first one must not. The wait is
  // counted from the first request (the token's time): the other host's request in between
  // may take a while on a loaded machine and uses up part of the wait.
  Client slow(LoopbackClientOptions({.per_host_rate = 2, .per_host_burst = 1}));
  const auto first = Clock::now();
  ASSERT_TRUE(slow.Send({.url = running.Url("/r")}).has_value());
  const auto other = Clock::now();
  auto response = slow.Send({.url = running.Url("/r", "localhost")});
  ASSERT_TRUE(response.has_value()) << response.error().message;
  EXPECT_LT(SecondsSince(other), 0.25) << "a second host waited for the first host's tokens";
  ASSERT_TRUE(slow.Send({.url = running.Url("/r")}).has_value());
  EXPECT_GE(SecondsSince(first), 0.45) << "the first host's second request was not limited";
}

TEST_F(HttpClientTest, ServesManyThreadsAtOnce) {
  auto server = std::make_unique<httplib::Server>();
  server->Get(R"(/echo/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_content(req.matches[1], "text/plain");
  });
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  std::atomic<int> correct{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string id = std::to_string(t * 100 + i);
        auto response = client.Send({.url = running.Url("/echo/" + id)});
        if (response && response->status == 200 && response->body == id) ++correct;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(correct.load(), 40);
}

TEST_F(HttpClientTest, VerifiesTlsCertificatesAgainstTheConfiguredBundle) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("avni-http-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string key = (dir / "key.pem").string();
  const std::string cert = (dir / "cert.pem").string();
  auto made =
      testing::RunProcess({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                           "-days", "1", "-keyout", key, "-out", cert});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto server = std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str());
  ASSERT_TRUE(server->is_valid());
  server->Get("/secure", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("secret handshake", "text/plain");
  });
  LoopbackServer running(std::move(server));
  const std::string url = "https://127.0.0.1:" + std::to_string(running.port()) + "/secure";

  Client strict(LoopbackClientOptions());
  auto refused = strict.Send({.url = url});
  ASSERT_FALSE(refused.has_value()) << "a self-signed certificate was trusted by default";
  EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(refused.error().message.find("TLS certificate of 127.0.0.1"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("not trusted"), std::string::npos);

  Client trusting(LoopbackClientOptions({.ca_bundle = cert}));
  auto accepted = trusting.Send({.url = url});
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message;
  EXPECT_EQ(accepted->status, 200);
  EXPECT_EQ(accepted->body, "secret handshake");
  std::filesystem::remove_all(dir);
}

// The outbound target policy: tenant admins write the URLs, the operator says where calls go.

constexpr auto kNpos = std::string::npos;

// A server that answers every GET with "ok" and counts the requests it saw.
std::unique_ptr<httplib::Server> Counting(std::atomic<int>& requests) {
  auto server = std::make_unique<httplib::Server>();
  server->Get(".*", [&requests](const httplib::Request&, httplib::Response& res) {
    ++requests;
    res.set_content("ok", "text/plain");
  });
  return server;
}

// Says whether `error` is a refusal by the target policy naming `what` and how to allow it.
::testing::AssertionResult RefusedNaming(const Error& error, const std::string& what) {
  if (!IsRefusedTarget(error) || error.code != ErrorCode::kUnavailable) {
    return ::testing::AssertionFailure() << "not a refused target: " << error.message;
  }
  for (const std::string& part :
       {what, std::string("--allow-private-targets"), std::string("--allowed-targets CIDR")}) {
    if (error.message.find(part) == kNpos) {
      return ::testing::AssertionFailure() << "no '" << part << "' in: " << error.message;
    }
  }
  return ::testing::AssertionSuccess();
}

TEST_F(HttpClientTest, TheDefaultPolicyRefusesALoopbackServerWithoutCallingIt) {
  std::atomic<int> requests{0};
  LoopbackServer running(Counting(requests));
  Client client(ClientOptions{});
  auto response = client.Send({.url = running.Url("/x")});
  ASSERT_FALSE(response.has_value()) << "a loopback server was called under the default policy";
  EXPECT_TRUE(RefusedNaming(response.error(), "127.0.0.1"));
  EXPECT_NE(response.error().message.find("loopback"), kNpos) << response.error().message;
  EXPECT_TRUE(IsAvailability(response.error()));
  EXPECT_EQ(requests.load(), 0);
}

TEST_F(HttpClientTest, ANameThatResolvesToLoopbackIsRefusedToo) {
  std::atomic<int> requests{0};
  LoopbackServer running(Counting(requests));
  Client client(ClientOptions{});
  auto response = client.Send({.url = running.Url("/x", "localhost")});
  ASSERT_FALSE(response.has_value()) << "localhost was called under the default policy";
  EXPECT_TRUE(RefusedNaming(response.error(),
                            "localhost:" + std::to_string(running.port()) + " resolves to "));
  EXPECT_NE(response.error().message.find("loopback"), kNpos) << response.error().message;
  EXPECT_EQ(requests.load(), 0);
}

TEST_F(HttpClientTest, TheMetadataAddressIsRefusedAtOnce) {
  Client client(ClientOptions{.connect_timeout = 5s});
  const auto start = Clock::now();
  // Port 9 (discard): were the check ever lost, nothing would answer there either.
  auto response = client.Send({.url = "http://169.254.169.254:9/latest/meta-data/"});
  ASSERT_FALSE(response.has_value());
  EXPECT_TRUE(RefusedNaming(response.error(), "169.254.169.254:9 is a link-local address"));
  EXPECT_LT(SecondsSince(start), 1.0) << "the refusal waited for a connection attempt";
}

TEST_F(HttpClientTest, AllowPrivateTargetsLetsEveryAddressThrough) {
  std::atomic<int> requests{0};
  LoopbackServer running(Counting(requests));
  Client client(ClientOptions{.targets = {.allow_private = true}});
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    auto response = client.Send({.url = running.Url("/x", host)});
    ASSERT_TRUE(response.has_value()) << response.error().message;
    EXPECT_EQ(response->body, "ok");
  }
  EXPECT_EQ(requests.load(), 2);
}

TEST_F(HttpClientTest, AnAllowedNetworkLetsItsOwnAddressesThroughAndNoOthers) {
  std::atomic<int> first{0}, second{0};
  LoopbackServer allowed(Counting(first), "127.0.0.1");
  LoopbackServer other(Counting(second), "127.0.0.2");
  auto networks = TargetPolicy::ParseList("127.0.0.1/32");
  ASSERT_TRUE(networks) << networks.error().message;
  Client client(ClientOptions{.targets = {.allowed = *networks}});
  auto ok = client.Send({.url = allowed.Url("/x")});
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->body, "ok");
  auto refused = client.Send({.url = other.Url("/x")});
  ASSERT_FALSE(refused.has_value()) << "127.0.0.2 is outside 127.0.0.1/32";
  EXPECT_TRUE(RefusedNaming(refused.error(), "127.0.0.2"));
  EXPECT_EQ(first.load(), 1);
  EXPECT_EQ(second.load(), 0);
}

TEST_F(HttpClientTest, ARedirectToARefusedAddressIsRefusedBeforeItIsCalled) {
  std::atomic<int> redirected{0};
  LoopbackServer inside(Counting(redirected), "127.0.0.2");
  std::atomic<int> asked{0};
  auto server = std::make_unique<httplib::Server>();
  server->Get("/go", [&](const httplib::Request&, httplib::Response& res) {
    ++asked;
    res.set_redirect(inside.Url("/secret"), 302);
  });
  LoopbackServer allowed(std::move(server), "127.0.0.1");
  auto networks = TargetPolicy::ParseList("127.0.0.1/32");
  ASSERT_TRUE(networks) << networks.error().message;
  Client client(ClientOptions{.targets = {.allowed = *networks}});
  auto response = client.Send({.url = allowed.Url("/go")});
  ASSERT_FALSE(response.has_value()) << "the redirect to 127.0.0.2 was followed";
  EXPECT_TRUE(RefusedNaming(response.error(), "127.0.0.2"));
  EXPECT_EQ(asked.load(), 1);
  EXPECT_EQ(redirected.load(), 0);
}

TEST_F(HttpClientTest, ThroughAProxyTheTargetIsCheckedByNameAndTheProxyIsNot) {
  std::atomic<int> proxied{0};
  auto proxy = std::make_unique<httplib::Server>();
  proxy->Get(".*", [&](const httplib::Request&, httplib::Response& res) {
    ++proxied;
    res.set_content("via proxy", "text/plain");
  });
  // The proxy is on 127.0.0.1, which the policy does not allow: the operator chose it.
  LoopbackServer running_proxy(std::move(proxy), "127.0.0.1");
  ScopedEnv http_proxy("http_proxy", running_proxy.Url("").c_str());
  ScopedEnv no_proxy("no_proxy", nullptr);
  ScopedEnv no_proxy_upper("NO_PROXY", nullptr);
  auto networks = TargetPolicy::ParseList("127.0.0.2/32");
  ASSERT_TRUE(networks) << networks.error().message;
  Client client(ClientOptions{.targets = {.allowed = *networks}});

  auto allowed = client.Send({.url = "http://127.0.0.2:9/x"});
  ASSERT_TRUE(allowed.has_value()) << allowed.error().message;
  EXPECT_EQ(allowed->body, "via proxy");
  for (const std::string url : {"http://127.0.0.3:9/x", "http://localhost:9/x"}) {
    SCOPED_TRACE(url);
    auto refused = client.Send({.url = url});
    ASSERT_FALSE(refused.has_value()) << "the proxy was asked for a refused target";
    EXPECT_TRUE(RefusedNaming(refused.error(), "loopback"));
  }
  EXPECT_EQ(proxied.load(), 1);
}

TEST_F(HttpClientTest, FollowsRedirectsAsBrowsersDoAndKeepsCredentialsWithTheirOrigin) {
  std::mutex mutex;
  std::vector<std::string> seen;  // "METHOD path body auth"
  auto record = [&](const httplib::Request& req) {
    std::lock_guard lock(mutex);
    seen.push_back(req.method + " " + req.path + " " + req.body + " " +
                   req.get_header_value("Authorization"));
  };
  auto other = std::make_unique<httplib::Server>();
  other->Get("/elsewhere", [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    res.set_content("there", "text/plain");
  });
  LoopbackServer running_other(std::move(other));
  auto server = std::make_unique<httplib::Server>();
  server->Post("/see-other", [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    res.set_redirect("/landing", 303);
  });
  server->Post("/temporary", [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    res.set_redirect("/landing", 307);
  });
  server->Get("/away", [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    res.set_redirect(running_other.Url("/elsewhere"), 302);
  });
  server->Get("/loop", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/loop", 302);
  });
  auto landing = [&](const httplib::Request& req, httplib::Response& res) {
    record(req);
    res.set_content("landed", "text/plain");
  };
  server->Get("/landing", landing);
  server->Post("/landing", landing);
  LoopbackServer running(std::move(server));
  Client client(LoopbackClientOptions());
  const std::vector<std::pair<std::string, std::string>> auth = {{"Authorization", "Bearer t"}};

  auto get = client.Send(
      {.method = "POST", .url = running.Url("/see-other"), .headers = auth, .body = "b1"});
  ASSERT_TRUE(get.has_value()) << get.error().message;
  EXPECT_EQ(get->body, "landed");
  auto kept = client.Send(
      {.method = "POST", .url = running.Url("/temporary"), .headers = auth, .body = "b2"});
  ASSERT_TRUE(kept.has_value()) << kept.error().message;
  auto away = client.Send({.url = running.Url("/away"), .headers = auth});
  ASSERT_TRUE(away.has_value()) << away.error().message;
  EXPECT_EQ(away->body, "there");
  {
    std::lock_guard lock(mutex);
    EXPECT_EQ(seen,
              (std::vector<std::string>{"POST /see-other b1 Bearer t", "GET /landing  Bearer t",
                                        "POST /temporary b2 Bearer t", "POST /landing b2 Bearer t",
                                        "GET /away  Bearer t", "GET /elsewhere  "}));
  }
  auto loop = client.Send({.url = running.Url("/loop")});
  ASSERT_FALSE(loop.has_value());
  EXPECT_EQ(loop.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(loop.error().message.find("redirected more than 3 times"), kNpos)
      << loop.error().message;
}

}  // namespace
}  // namespace avni::http
