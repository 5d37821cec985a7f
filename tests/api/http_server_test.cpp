// The HTTP front as an anonymous client meets it: body limits by route, no ranges, deadlines,
// connection caps, framing and pipelining. Raw sockets where a client library would hide the
// behaviour (it would send a body it announced, or wait for the server to read it).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "api/services.hpp"
#include "support/api_test.hpp"
#include "support/raw_http.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kJsonLimit = api::ApiOptions{}.max_json_body_bytes;

// The error code of an answer in the error shape ("" when it is not one).
std::string ErrorCode(const RawResponse& r) {
  const json body = json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

double MillisSince(steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(steady_clock::now() - t).count();
}

class HttpServerTest : public ApiTest {
 protected:
  // A connection from 127.0.0.1 (or `source`); fails the test when it cannot be made.
  RawConnection Connect(const std::string& source = "") {
    auto c = RawConnection::Open(port(), source);
    EXPECT_TRUE(c.has_value()) << "cannot connect from " << source;
    if (!c) throw std::runtime_error("cannot connect");
    return std::move(*c);
  }
};

TEST_P(HttpServerTest, AnAnnouncedOversizeBodyIsRefusedBeforeItIsSent) {
  RawConnection c = Connect();
  const auto sent = steady_clock::now();
  ASSERT_TRUE(
      c.Send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 8388608\r\n\r\n"));
  auto r = c.ReadResponse(1s);
  ASSERT_TRUE(r.has_value()) << "no answer within a second of the header";
  EXPECT_LT(MillisSince(sent), 1000);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(ErrorCode(*r), "invalid_argument") << r->body;
  EXPECT_NE(r->body.find(std::to_string(kJsonLimit)), std::string::npos) << r->body;
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.ClosedByServer(1s));
}

TEST_P(HttpServerTest, AChunkedBodyIsRefusedOnceItPassesTheLimit) {
  RawConnection c = Connect();
  ASSERT_TRUE(
      c.Send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"));
  std::string chunk(64 << 10, '0');
  for (std::size_t i = 0; i < chunk.size(); i += 2) chunk[i] = ',';
  const std::string framed = fmt::format("{:x}\r\n{}\r\n", chunk.size(), chunk);
  std::size_t sent = 0;
  // Up to 8 MiB, watching for an answer after each chunk.
  while (sent < (8u << 20) && !c.Readable(20ms)) {
    if (!c.Send(framed)) break;
    sent += chunk.size();
  }
  auto r = c.ReadResponse(1s);
  ASSERT_TRUE(r.has_value()) << "no answer after " << sent << " bytes of body";
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(ErrorCode(*r), "invalid_argument") << r->body;
  EXPECT_GT(sent, kJsonLimit);
  EXPECT_LT(sent, 2 * kJsonLimit) << "the server read on past its limit";
  EXPECT_TRUE(c.ClosedByServer(1s));
}

TEST_P(HttpServerTest, AnUploadRouteAsksForTheCallerBeforeTheBody) {
  // Announcing 16 MiB (under the upload limit) to the CSV import, signed in as nobody: refused
  // at once, without waiting for a body that would be thrown away.
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send(
      "POST /api/v1/tenants/1/mappings/import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
      "Content-Length: 16777216\r\n\r\n"));
  auto r = c.ReadResponse(1s);
  ASSERT_TRUE(r.has_value()) << "no answer within a second of the header";
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(ErrorCode(*r), "unauthenticated");
  EXPECT_TRUE(c.ClosedByServer(1s));
}

TEST_P(HttpServerTest, RangesAreIgnored) {
  Reply whole = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(whole.status, 200);
  std::string ranges = "bytes=0-";
  for (int i = 1; i < 300; ++i) ranges += ",0-";
  Reply ranged = Call("GET", "/api/v1/openapi.json", std::nullopt, "", {{"Range", ranges}});
  EXPECT_EQ(ranged.status, 200);
  EXPECT_EQ(ranged.raw.size(), whole.raw.size());
  EXPECT_TRUE(ranged.raw == whole.raw);  // not EXPECT_EQ: it would print megabytes
  EXPECT_EQ(ranged.headers.count("Content-Range"), 0u);
}

TEST_P(HttpServerTest, HealthAnswersWithinASecondWhile200SlowClientsTrickle) {
  ServerOptions options = TestServerOptions();
  options.header_timeout = 2s;
  ASSERT_TRUE(RestartServer(options));

  // 200 clients, each from its own loopback address, each sending one header line every
  // 100-200 ms and never finishing its header.
  struct Slow {
    RawConnection connection;
    milliseconds every;
    steady_clock::time_point opened, next;
    std::optional<double> closed_after_ms;
  };
  std::vector<Slow> slow;
  for (int i = 0; i < 200; ++i) {
    RawConnection c = Connect(fmt::format("127.0.1.{}", i + 1));
    ASSERT_TRUE(c.Send("GET /health HTTP/1.1\r\n"));
    const auto now = steady_clock::now();
    slow.push_back({std::move(c), milliseconds(100 + i % 101), now, now});
  }

  std::atomic<bool> done{false};
  std::vector<double> latencies;
  int failures = 0;
  std::thread prober([&] {
    while (!done) {
      const auto t0 = steady_clock::now();
      auto c = RawConnection::Open(port());
      auto r = c && c->Send(RawGet("/health")) ? c->ReadResponse(5s) : std::nullopt;
      if (!r || r->status != 200) ++failures;
      latencies.push_back(MillisSince(t0));
      std::this_thread::sleep_for(20ms);  // pacing of the probe, not a wait for a condition
    }
  });

  const auto until = steady_clock::now() + 3500ms;
  while (steady_clock::now() < until) {
    const auto now = steady_clock::now();
    for (std::size_t i = 0; i < slow.size(); ++i) {
      Slow& s = slow[i];
      if (s.closed_after_ms) continue;
      if (s.connection.ClosedNow()) {
        s.closed_after_ms = MillisSince(s.opened);
        continue;
      }
      if (now >= s.next) {
        s.connection.Send(fmt::format("X-Slow-{}: {}\r\n", i, now.time_since_epoch().count()));
        s.next = now + s.every;
      }
    }
    std::this_thread::sleep_for(5ms);  // the tick of the trickle
  }
  done = true;
  prober.join();

  ASSERT_FALSE(latencies.empty());
  std::sort(latencies.begin(), latencies.end());
  std::printf("/health under 200 slow connections: %zu probes, median %.1f ms, max %.1f ms\n",
              latencies.size(), latencies[latencies.size() / 2], latencies.back());
  EXPECT_EQ(failures, 0);
  EXPECT_LT(latencies.back(), 1000.0);
  EXPECT_GE(latencies.size(), 20u);
  // Every trickling connection was closed by the server once its header deadline passed.
  int open = 0;
  double earliest = 1e9;
  for (const Slow& s : slow) {
    if (!s.closed_after_ms) {
      ++open;
    } else {
      earliest = std::min(earliest, *s.closed_after_ms);
    }
  }
  EXPECT_EQ(open, 0) << "slow connections still open after 3.5 s with a 2 s header deadline";
  EXPECT_GE(earliest, 1900.0) << "a slow connection was closed before its deadline";
}

TEST_P(HttpServerTest, ConnectionsPerAddressAreCapped) {
  ServerOptions options = TestServerOptions();
  options.max_connections_per_address = 4;
  ASSERT_TRUE(RestartServer(options));
  std::vector<RawConnection> held;
  for (int i = 0; i < 4; ++i) held.push_back(Connect());
  // The four are served (and stay open).
  for (RawConnection& c : held) {
    ASSERT_TRUE(c.Send(RawGet("/health")));
    auto r = c.ReadResponse(1s);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 200);
  }
  RawConnection fifth = Connect();
  auto refused = fifth.ReadResponse(1s);
  ASSERT_TRUE(refused.has_value()) << "the fifth connection was neither answered nor closed";
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(ErrorCode(*refused), "unavailable") << refused->body;
  EXPECT_TRUE(fifth.ClosedByServer(1s));

  RawConnection elsewhere = Connect("127.0.1.1");
  ASSERT_TRUE(elsewhere.Send(RawGet("/health")));
  auto served = elsewhere.ReadResponse(1s);
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->status, 200);

  // Closing one frees its place (the server learns of it asynchronously: poll briefly).
  held.pop_back();
  bool admitted = false;
  for (const auto until = steady_clock::now() + 2s; !admitted && steady_clock::now() < until;) {
    RawConnection again = Connect();
    admitted = again.Send(RawGet("/health")) &&
               again.ReadResponse(1s).value_or(RawResponse{}).status == 200;
  }
  EXPECT_TRUE(admitted);
}

TEST_P(HttpServerTest, APostWithoutContentLengthHasAnEmptyBody) {
  RawConnection c = Connect();
  const auto sent = steady_clock::now();
  ASSERT_TRUE(c.Send("POST /api/v1/tenants/1/jobs/main/pause HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.ReadResponse(1s);
  ASSERT_TRUE(r.has_value()) << "no answer within a second";
  EXPECT_LT(MillisSince(sent), 1000);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(ErrorCode(*r), "unauthenticated");
}

TEST_P(HttpServerTest, AmbiguousFramingIsRefused) {
  const std::string login = "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"two different Content-Length", "Content-Length: 2\r\nContent-Length: 30\r\n\r\n{}"},
      {"two equal Content-Length", "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"},
      {"Content-Length then Transfer-Encoding",
       "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"},
      {"Transfer-Encoding then Content-Length",
       "Transfer-Encoding: chunked\r\nContent-Length: 7\r\n\r\n2\r\n{}\r\n0\r\n\r\n"},
      {"a Transfer-Encoding other than chunked",
       "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}"},
      {"a coding before chunked", "Transfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"},
  };
  for (const auto& [what, rest] : cases) {
    SCOPED_TRACE(what);
    RawConnection c = Connect();
    ASSERT_TRUE(c.Send(login + rest));
    auto r = c.ReadResponse(1s);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(ErrorCode(*r), "invalid_argument") << r->body;
    EXPECT_TRUE(r->body.find("Content-Length") != std::string::npos ||
                r->body.find("Transfer-Encoding") != std::string::npos)
        << "the refusal does not name the header: " << r->body;
    EXPECT_TRUE(c.ClosedByServer(1s));
  }
}

TEST_P(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection c = Connect();
  const auto sent = steady_clock::now();
  ASSERT_TRUE(c.Send(RawGet("/health") + RawGet("/api/v1/nothing-here") + RawGet("/ready")));
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    auto r = c.ReadResponse(1s);
    if (!r) break;
    statuses.push_back(r->status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 404, 200}));
  EXPECT_LT(MillisSince(sent), 1000);
}

TEST_P(HttpServerTest, HeadAnswersWithTheLengthAndNoBody) {
  RawConnection c = Connect();
  ASSERT_TRUE(c.Send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n" + RawGet("/api/v1/nothing")));
  auto head = c.ReadResponse(1s, /*head=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->status, 200);
  EXPECT_NE(head->Header("content-length"), "0");
  // The next bytes are the next answer's: the HEAD answer carried no body.
  auto next = c.ReadResponse(1s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->status, 404);
}

TEST_P(HttpServerTest, ExpectContinueIsAnsweredOrRefusedByTheLimit) {
  RawConnection c = Connect();
  ASSERT_TRUE(
      c.Send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  auto go_on = c.ReadResponse(1s);
  ASSERT_TRUE(go_on.has_value());
  EXPECT_EQ(go_on->status, 100);
  ASSERT_TRUE(c.Send("{}"));
  auto answer = c.ReadResponse(1s);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 400);  // {} has no email: the body was read and judged

  RawConnection over = Connect();
  ASSERT_TRUE(over.Send(
      fmt::format("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                  "Content-Length: {}\r\n\r\n",
                  kJsonLimit + 1)));
  auto refused = over.ReadResponse(1s);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 413);
}

TEST_P(HttpServerTest, AnOversizeHeaderIs431) {
  RawConnection c = Connect();
  ASSERT_TRUE(
      c.Send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
  auto r = c.ReadResponse(1s);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(ErrorCode(*r), "invalid_argument") << r->body;
}

TEST_P(HttpServerTest, IdleAndSlowBodiedConnectionsAreClosed) {
  ServerOptions options = TestServerOptions();
  options.keep_alive_timeout = 300ms;
  options.header_timeout = 1s;
  options.request_timeout = 1s;
  ASSERT_TRUE(RestartServer(options));
  // Kept alive after an answer, then idle.
  RawConnection idle = Connect();
  ASSERT_TRUE(idle.Send(RawGet("/health")));
  ASSERT_TRUE(idle.ReadResponse(1s).has_value());
  const auto answered = steady_clock::now();
  EXPECT_TRUE(idle.ClosedByServer(2s));
  EXPECT_GE(MillisSince(answered), 250);
  // A body that does not all come within the request deadline.
  RawConnection slow = Connect();
  const auto started = steady_clock::now();
  ASSERT_TRUE(
      slow.Send("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
  EXPECT_TRUE(slow.ClosedByServer(3s));
  EXPECT_GE(MillisSince(started), 900);
}

TEST_P(HttpServerTest, StopReturnsPromptlyWithConnectionsOpen) {
  std::vector<RawConnection> open;
  for (int i = 0; i < 10; ++i) open.push_back(Connect());
  ASSERT_TRUE(open[0].Send(RawGet("/health")));
  ASSERT_TRUE(open[0].ReadResponse(1s).has_value());  // kept alive
  ASSERT_TRUE(open[1].Send("POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: 10\r\n\r\n{"));
  const auto asked = steady_clock::now();
  server_->Stop();
  serving_.join();
  EXPECT_LT(MillisSince(asked), 1000);
  for (RawConnection& c : open) EXPECT_TRUE(c.ClosedByServer(1s));
}

AVNI_ON_EVERY_BACKEND(HttpServerTest);

// A CSV of about 2 MiB (over the JSON limit, under the upload limit) is still taken.
class HttpUploadTest : public TenantAdminApiTest {};

TEST_P(HttpUploadTest, AnImportOverTheJsonLimitIsTaken) {
  std::string csv = "group,type,avni_value,int_system_value,data_type_hint,about\n";
  const std::string padding(900, 'x');
  for (int i = 0; csv.size() < (2u << 20); ++i) {
    csv += fmt::format("Observation,Concept,v{}-{},{},Coded,\n", i, padding, i);
  }
  ASSERT_GT(csv.size(), kJsonLimit);
  Reply r = CallRaw("POST", TenantPath(tenant_, "/mappings/import?dry_run=true"), csv, token_);
  EXPECT_EQ(r.status, 200) << r.raw.substr(0, 500);
  EXPECT_GT(r.body.value("created", 0), 2000);
}

AVNI_ON_EVERY_BACKEND(HttpUploadTest);

}  // namespace
}  // namespace avni::testing
