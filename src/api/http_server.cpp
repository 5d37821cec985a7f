// The HTTP front's listener: accepts connections under the caps, and starts and stops the
// whole. One I/O thread (the caller of Serve) runs every connection (http_connection.cpp);
// handlers, which wait on the database, run on a pool of ServerOptions::threads.
#include "api/http_server.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "api/http_error.hpp"
#include "api/http_front.hpp"

namespace avni {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Open files kept for everything but connections (database, logs, the listener).
constexpr std::size_t kReservedFiles = 64;

}  // namespace

namespace http_front {

Host::Host(api::Services services, ServerOptions o)
    : options(std::move(o)),
      dispatcher(services),
      max_connections(static_cast<std::size_t>(std::max(1, options.max_connections))),
      workers(static_cast<std::size_t>(std::max(1, options.threads))) {
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
      files.rlim_cur < max_connections + kReservedFiles) {
    const std::size_t limit = files.rlim_cur;
    max_connections = limit > 2 * kReservedFiles ? limit - kReservedFiles : limit / 2;
    spdlog::warn(
        "serving at most {} connections at once, not {}: the open-file limit is {} (raise it "
        "with ulimit -n or LimitNOFILE)",
        max_connections, options.max_connections, limit);
  }
}

void Host::Accept() {
  acceptor.async_accept(asio::make_strand(io), [this](error_code ec, tcp::socket socket) {
    if (stopping || !acceptor.is_open()) return;
    if (ec) {
      // Out of open files, most likely: try again shortly rather than spin.
      spdlog::warn("accepting a connection failed: {}; trying again in 100 ms", ec.message());
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](error_code wait) {
        if (!wait && !stopping) Accept();
      });
      return;
    }
    Take(std::move(socket));
    Accept();
  });
}

void Host::Take(tcp::socket socket) {
  error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;  // gone already
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  // Small answers must not wait for a delayed ACK (40 ms each otherwise).
  socket.set_option(tcp::no_delay(true), ec);
  std::optional<Error> refusal;
  {
    std::lock_guard lock(mu);
    const int cap = options.max_connections_per_address;
    auto it = per_address.find(address);
    if (open.size() >= max_connections) {
      refusal = Error::Unavailable(fmt::format(
          "the server is at its limit of {} open connections; try again shortly", max_connections));
    } else if (cap > 0 && it != per_address.end() && it->second >= cap) {
      refusal = Error::Unavailable(
          fmt::format("too many connections from {} (at most {} at once); reuse or close idle "
                      "ones",
                      address.to_string(), cap));
    } else {
      ++per_address[address];
    }
    if (refusal) {
      ++refused;
      const auto now = std::chrono::steady_clock::now();
      if (now - last_refusal_log > std::chrono::seconds(10)) {
        spdlog::warn("refused {} connection(s) over the caps; the latest: {}", refused,
                     refusal->message);
        refused = 0;
        last_refusal_log = now;
      }
    }
  }
  if (refusal) {
    // One write into an empty send buffer, then close: a refused connection costs no read,
    // no timer and no worker. A client that has already sent its request may see a reset.
    api::Response body = api::ErrorResponse(*refusal);
    body.headers.emplace_back("Retry-After", "1");
    const std::string bytes = WireAnswer(std::move(body));
    socket.non_blocking(true, ec);
    socket.send(asio::buffer(bytes), 0, ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
    return;
  }
  auto connection = NewConnection(*this, std::move(socket), address);
  {
    std::lock_guard lock(mu);
    open.emplace(connection.get(), connection);
  }
  Start(connection);
}

void Host::Forget(Connection* connection, const asio::ip::address& address) {
  std::lock_guard lock(mu);
  open.erase(connection);
  if (auto it = per_address.find(address); it != per_address.end() && --it->second <= 0) {
    per_address.erase(it);
  }
}

void Host::CloseAll() {
  error_code ignored;
  acceptor.close(ignored);
  accept_retry.cancel();
  std::vector<std::shared_ptr<Connection>> closing;
  {
    std::lock_guard lock(mu);
    for (auto& [raw, weak] : open) {
      if (auto connection = weak.lock()) closing.push_back(std::move(connection));
    }
  }
  for (auto& connection : closing) Close(connection);
}

}  // namespace http_front

struct HttpServer::Impl : http_front::Host {
  using Host::Host;
};

HttpServer::HttpServer(api::Services services, ServerOptions options)
    : impl_(std::make_unique<Impl>(services, std::move(options))) {}

HttpServer::~HttpServer() {
  Stop();
  // Handlers still queued (Serve never ran, or has returned) finish before the rest goes.
  impl_->workers.join();
}

Status HttpServer::Bind() {
  const auto& o = impl_->options;
  auto& acceptor = impl_->acceptor;
  error_code ec;
  tcp::resolver resolver(impl_->io);
  const auto found = resolver.resolve(o.host, std::to_string(o.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (!ec && !found.empty()) {
    const tcp::endpoint endpoint = found.begin()->endpoint();
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) impl_->port = acceptor.local_endpoint(ec).port();
  }
  if (ec || found.empty() || impl_->port <= 0) {
    error_code ignored;
    acceptor.close(ignored);
    impl_->port = -1;
    return Fail(Error::Unavailable(fmt::format(
        "cannot listen on {}:{}: the port is in use or not allowed; stop what holds it or "
        "choose another with --port",
        o.host, o.port)));
  }
  return {};
}

int HttpServer::port() const { return impl_->port; }

void HttpServer::Serve() {
  Impl* impl = impl_.get();
  asio::post(impl->acceptor.get_executor(), [impl] {
    if (!impl->stopping) impl->Accept();
  });
  while (true) {
    try {
      impl->io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("HTTP front: {}; serving on", e.what());
    }
  }
}

void HttpServer::Stop() {
  if (impl_->stopping.exchange(true)) return;
  Impl* impl = impl_.get();
  asio::post(impl->acceptor.get_executor(), [impl] { impl->CloseAll(); });
}

const std::vector<api::Route>& HttpServer::routes() const { return impl_->dispatcher.routes(); }

}  // namespace avni
