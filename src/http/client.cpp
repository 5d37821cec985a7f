#include "http/client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "common/taxonomy.hpp"
#include "http/proxy.hpp"
#include "http/rate_limiter.hpp"
#include "http/url.hpp"

namespace avni::http {
namespace {

constexpr std::size_t kMaxIdleHandles = 32;
constexpr int kMaxRedirects = 3;

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// One transfer's state, shared with curl's callbacks.
struct Transfer {
  CURL* handle = nullptr;
  Response response;
  std::size_t max_bytes = 0;
  bool too_large = false;
  std::chrono::steady_clock::duration read_timeout{};
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  curl_off_t last_seen = -1;
  bool stalled = false;
  // The policy each connection is checked against; null when it goes to a proxy.
  const TargetPolicy* policy = nullptr;
  std::string display;           // the target, for messages
  std::optional<Error> refused;  // the first connection the policy refused
};

// One exchange's answer, and where it redirects to (absolute; "" when it does not).
struct Hop {
  Response response;
  std::string location;
};

std::optional<IpAddress> AddressOf(const curl_sockaddr& address) {
  if (address.family == AF_INET && address.addrlen >= sizeof(sockaddr_in)) {
    sockaddr_in in{};
    std::memcpy(&in, &address.addr, sizeof in);
    std::array<std::uint8_t, 4> bytes{};
    std::memcpy(bytes.data(), &in.sin_addr, bytes.size());
    return IpAddress::V4(bytes);
  }
  if (address.family == AF_INET6 && address.addrlen >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, &address.addr, sizeof in6);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), &in6.sin6_addr, bytes.size());
    return IpAddress::V6(bytes);
  }
  return std::nullopt;
}

// libcurl calls this for every connection it opens, with the address it resolved (each
// candidate of a name in turn, the target of every redirect): the place to refuse an address
// before anything is sent to it.
curl_socket_t OnOpenSocket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  auto* transfer = static_cast<Transfer*>(user);
  if (purpose == CURLSOCKTYPE_IPCXN && transfer->policy != nullptr) {
    const auto ip = AddressOf(*address);
    if (!ip) return CURL_SOCKET_BAD;  // not an IP connection: nothing the policy allows
    if (const auto kind = transfer->policy->Refuses(*ip)) {
      try {
        if (!transfer->refused) transfer->refused = RefusedTarget(transfer->display, *ip, *kind);
      } catch (...) {
        // Out of memory for the message: refused all the same, with curl's own error.
      }
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The request a redirect asks for, as browsers make it: a 303 (or a 301/302 answering a POST)
// becomes a GET without the body; credentials stay with their origin.
Request Redirected(const Request& from, const UrlTarget& from_target, long status,
                   std::string location) {
  Request next;
  next.url = std::move(location);
  next.method = from.method;
  const bool to_get = (status == 303 && from.method != "HEAD") ||
                      ((status == 301 || status == 302) && from.method == "POST");
  if (to_get) {
    next.method = "GET";
  } else {
    next.body = from.body;
  }
  const auto to = ParseUrlTarget(next.url);
  const bool same_origin =
      to && to->scheme == from_target.scheme && to->display == from_target.display;
  for (const auto& [name, value] : from.headers) {
    const std::string lower = Lower(name);
    if (!same_origin && (lower == "authorization" || lower == "cookie")) continue;
    if (to_get && lower.starts_with("content-")) continue;
    next.headers.emplace_back(name, value);
  }
  return next;
}

std::size_t OnBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->max_bytes) {
    transfer->too_large = true;
    return 0;  // aborts the transfer: nothing more is read from the server
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

std::size_t OnHeader(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::string_view line(data, size * count);
  // A status line starts each response of a redirect chain; keep only the last one's headers.
  if (line.starts_with("HTTP/")) {
    transfer->response.headers.clear();
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    transfer->response.headers[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
  }
  return size * count;
}

// Enforces read_timeout with millisecond precision: CURLOPT_LOW_SPEED_TIME counts whole seconds.
int OnProgress(void* user, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t uploaded) {
  auto* transfer = static_cast<Transfer*>(user);
  const auto now = std::chrono::steady_clock::now();
  curl_off_t pretransfer = 0;
  curl_easy_getinfo(transfer->handle, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
  // Until the connection is up, connect_timeout is the one that applies.
  if (pretransfer == 0 || downloaded + uploaded != transfer->last_seen) {
    transfer->last_seen = downloaded + uploaded;
    transfer->last_activity = now;
    return 0;
  }
  if (now - transfer->last_activity > transfer->read_timeout) {
    transfer->stalled = true;
    return 1;
  }
  return 0;
}

long Millis(std::chrono::milliseconds duration) {
  return static_cast<long>(std::max<std::chrono::milliseconds::rep>(duration.count(), 1));
}

}  // namespace

std::string DefaultUserAgent() { return "avni-integrator/" AVNI_VERSION; }

struct Client::Impl {
  explicit Impl(ClientOptions opts)
      : options(std::move(opts)),
        limiter(options.per_host_rate, options.per_host_burst),
        proxies(ProxyEnvironment::FromEnvironment()) {}

  ~Impl() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);
  }

  // A handle from the pool, or a new one. Each handle keeps its own cache of open connections,
  // so taking a recently used one reuses its keep-alive connection.
  CURL* Take() {
    {
      std::lock_guard lock(mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }

  void Give(CURL* handle) {
    // Clears the options but keeps the live connections, DNS cache and TLS sessions.
    curl_easy_reset(handle);
    std::lock_guard lock(mutex);
    if (idle.size() < kMaxIdleHandles) {
      idle.push_back(handle);
      return;
    }
    curl_easy_cleanup(handle);
  }

  void Configure(Transfer& transfer, const Request& request, curl_slist* headers,
                 const std::string& proxy) const {
    CURL* h = transfer.handle;
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    // Redirects are followed by Send, one exchange at a time, so that each hop's proxy and
    // target are decided and checked as the first one's.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    // The proxy chosen from the environment ("": none), with no_proxy already applied.
    curl_easy_setopt(h, CURLOPT_PROXY, proxy.c_str());
    curl_easy_setopt(h, CURLOPT_NOPROXY, "");
    curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, OnOpenSocket);
    curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &transfer);
    // gzip only: offering every encoding libcurl knows ("") invites brotli, which servers may
    // compress at its slowest quality (cpp-httplib does: ~250 ms for a page of 100 subjects).
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, Millis(options.connect_timeout));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, Millis(options.total_timeout));
    const auto read_seconds = std::chrono::ceil<std::chrono::seconds>(options.read_timeout).count();
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(std::max<long>(read_seconds, 1)));
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    if (!options.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_bundle.c_str());
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options.max_response_bytes));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);

    if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }

  Error TransportError(CURLcode code, const Transfer& transfer, const std::string& host) const {
    if (transfer.refused && code == CURLE_COULDNT_CONNECT) return *transfer.refused;
    if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
      return Error::InvalidArgument(
          "max_response_bytes", fmt::format("the answer of {} is larger than the limit of {} bytes",
                                            host, options.max_response_bytes));
    }
    if (transfer.stalled) {
      return Error::Unavailable(fmt::format("request to {} timed out: no data for {} ms", host,
                                            options.read_timeout.count()));
    }
    switch (code) {
      case CURLE_COULDNT_RESOLVE_HOST:
        return Error::Unavailable(fmt::format("cannot resolve host {}", host));
      case CURLE_COULDNT_RESOLVE_PROXY:
        return Error::Unavailable(
            fmt::format("cannot resolve the proxy for {} (see http_proxy/https_proxy)", host));
      case CURLE_COULDNT_CONNECT:
        return Error::Unavailable(fmt::format("cannot connect to {}: connection refused", host));
      case CURLE_OPERATION_TIMEDOUT:
        return Error::Unavailable(fmt::format("request to {} timed out", host));
      case CURLE_PEER_FAILED_VERIFICATION:
        return Error::Unavailable(
            fmt::format("TLS certificate of {} not trusted; set the CA bundle", host));
      case CURLE_SSL_CACERT_BADFILE:
        return Error::Unavailable(
            fmt::format("the CA bundle {} cannot be read (calling {})", options.ca_bundle, host));
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR:
        return Error::Unavailable(
            fmt::format("connection to {} dropped before the answer was complete", host));
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_WEIRD_SERVER_REPLY:
        // Every URL's scheme is checked before it is sent and curl follows no redirect, so this
        // is an answer that is not HTTP (curl's "HTTP/0.9"): bytes left on a reused connection
        // by an answer cut short, or a broken proxy. Retried like a dropped connection.
        return Error::Unavailable(
            fmt::format("the answer from {} was not HTTP (a broken connection)", host));
      default:
        // curl's generic text for the code; its error buffer may quote the URL, so unused.
        return Error::Unavailable(
            fmt::format("request to {} failed: {}", host, curl_easy_strerror(code)));
    }
  }

  // Follows redirects, each hop sent and checked as the first.
  Result<Response> Send(const Request& request) {
    const Request* current = &request;
    Request redirected;
    std::string from;  // the host that redirected, for messages
    for (int redirects = 0;; ++redirects) {
      const auto target = ParseUrlTarget(current->url);
      if (!target) {
        return Fail(Error::InvalidArgument(
            "url", from.empty() ? "not a valid http or https URL"
                                : fmt::format("{} redirected to an invalid URL", from)));
      }
      if (target->scheme != "http" && target->scheme != "https") {
        return Fail(Error::InvalidArgument(
            "url", fmt::format("only http and https URLs are allowed (calling {}{})",
                               target->display, from.empty() ? "" : ", redirected from " + from)));
      }
      auto hop = SendOnce(*current, *target);
      if (!hop) return Fail(hop.error());
      if (hop->location.empty()) return std::move(hop->response);
      if (redirects == kMaxRedirects) {
        return Fail(Error::InvalidArgument("url", fmt::format("{} redirected more than {} times",
                                                              target->display, kMaxRedirects)));
      }
      Request next = Redirected(*current, *target, hop->response.status, std::move(hop->location));
      redirected = std::move(next);
      current = &redirected;
      from = target->display;
    }
  }

  // One exchange; a redirect is returned, not followed.
  Result<Hop> SendOnce(const Request& request, const UrlTarget& target) {
    const std::string proxy = proxies.For(target.scheme, target.host);
    // The proxy connects to the target: its name is checked here, as well as it can be.
    if (!proxy.empty()) {
      if (auto allowed = options.targets.CheckHostByName(target.host, target.display); !allowed) {
        return Fail(allowed.error());
      }
    }
    limiter.Acquire(target.host);

    curl_slist* headers = nullptr;
    bool has_expect = false;
    for (const auto& [name, value] : request.headers) {
      has_expect = has_expect || Lower(name) == "expect";
      // "Name;" is curl's way to send a header with an empty value.
      const std::string line =
          value.empty() ? fmt::format("{};", name) : fmt::format("{}: {}", name, value);
      headers = curl_slist_append(headers, line.c_str());
    }
    // Without this, curl waits up to a second for "100 Continue" before sending large bodies.
    if (!has_expect) headers = curl_slist_append(headers, "Expect:");

    Transfer transfer;
    transfer.handle = Take();
    if (transfer.handle == nullptr) {
      curl_slist_free_all(headers);
      return Fail(Error::Internal("curl_easy_init failed (out of memory?)"));
    }
    transfer.max_bytes = options.max_response_bytes;
    transfer.read_timeout = options.read_timeout;
    transfer.policy = proxy.empty() ? &options.targets : nullptr;
    transfer.display = target.display;
    Configure(transfer, request, headers, proxy);
    const CURLcode code = curl_easy_perform(transfer.handle);

    long status = 0;
    curl_easy_getinfo(transfer.handle, CURLINFO_RESPONSE_CODE, &status);
    Hop hop;
    char* location = nullptr;
    if (code == CURLE_OK && IsRedirect(status) &&
        curl_easy_getinfo(transfer.handle, CURLINFO_REDIRECT_URL, &location) == CURLE_OK &&
        location != nullptr) {
      hop.location = location;
    }
    Give(transfer.handle);
    curl_slist_free_all(headers);

    if (code != CURLE_OK) return Fail(TransportError(code, transfer, target.display));
    transfer.response.status = static_cast<int>(status);
    hop.response = std::move(transfer.response);
    return hop;
  }

  const ClientOptions options;
  HostRateLimiter limiter;
  const ProxyEnvironment proxies;  // read once, when the client is made
  std::mutex mutex;
  std::vector<CURL*> idle;  // guarded by mutex
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  InitCurlOnce();
}

Client::~Client() = default;

Result<Response> Client::Send(const Request& request) { return impl_->Send(request); }

Result<Response> Client::SendChecked(const Request& request) {
  auto response = impl_->Send(request);
  if (!response || response->status < 400) return response;
  Error error = ClassifyHttp(response->status, response->body);
  if (const auto target = ParseUrlTarget(request.url)) {
    error.message = fmt::format("{} answered {}", target->display, error.message);
  }
  return Fail(std::move(error));
}

}  // namespace avni::http
