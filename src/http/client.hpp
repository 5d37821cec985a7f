#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "http/target_policy.hpp"

// The outbound HTTP client every connector (Avni, OpenMRS, ...) talks through. libcurl stays an
// implementation detail: nothing here includes curl.h.
namespace avni::http {

using namespace std::chrono_literals;

// "avni-integrator/<version>", the default User-Agent.
std::string DefaultUserAgent();

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10s};
  // No byte received for this long ends the transfer as timed out (and total_timeout caps the
  // whole exchange), so a server that accepts and then hangs cannot hold a sync forever.
  std::chrono::milliseconds read_timeout{60s};
  std::chrono::milliseconds total_timeout{5min};
  bool verify_tls = true;
  std::string ca_bundle;  // a PEM file of trusted CAs; empty: the system's default store
  std::size_t max_response_bytes = std::size_t{64} * 1024 * 1024;
  double per_host_rate = 0;  // requests per second to one host, shared by all threads; 0: none
  int per_host_burst = 10;   // requests a host may receive at once before the rate applies
  std::string user_agent = DefaultUserAgent();
  // Where connections may go: by default no loopback, private, link-local or other
  // non-public address (see target_policy.hpp).
  TargetPolicy targets;
};

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case; the last of repeats wins
  std::string body;                            // decoded (gzip/deflate undone)
};

// Thread-safe: any number of threads may Send at once. Connections are reused across requests
// (a pool of idle curl handles, each keeping its own connection cache). Error messages name
// the host but never the query string, the request body or header values, which may carry
// secrets.
//
// Every connection the client opens is checked against `targets` after DNS resolution, on
// every redirect too (up to 3 are followed, http and https only; a 303, or a 301/302 answering
// a POST, is followed with a GET; Authorization and Cookie headers never go to another
// origin). A request through a proxy of the environment (http_proxy, https_proxy, all_proxy,
// no_proxy) connects to the proxy, which is the operator's choice and is not checked; its
// target's name is then resolved here and every address it has must be allowed (a name that
// does not resolve here is left to the proxy).
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Any HTTP answer, whatever its status, is a Response. Errors are transport failures only:
  // kUnavailable for no answer (refused, DNS, dropped connection, timeout, untrusted TLS
  // certificate, a target the policy refuses: IsRefusedTarget) and kInvalidArgument for an
  // answer larger than max_response_bytes or too many redirects. Waits for the host's rate
  // limit, never fails for it.
  Result<Response> Send(const Request& request);

  // Send, and a status >= 400 becomes ClassifyHttp(status, body): availability failures
  // (retry later) versus data errors (park the record), as the sync engine expects.
  Result<Response> SendChecked(const Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avni::http
