#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "api/route.hpp"
#include "api/services.hpp"
#include "common/error.hpp"

namespace avni {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port; see HttpServer::port()
  int threads = 8;  // handlers (which wait on the database) running at once
  // A request's header must be complete within this of the connection's accept, or of the
  // first byte of a request on a kept-alive connection: the total, not a time between reads.
  std::chrono::milliseconds header_timeout{std::chrono::seconds(10)};
  // A request's body must be complete within this of the same start.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(60)};
  // A kept-alive connection that starts no new request within this is closed.
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(30)};
  // The client must take an answer within this.
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  // Connections open at once from one client address (0: no cap; a reverse proxy in front
  // is one address) and in all (also kept under the process's open-file limit). Over either,
  // a connection is answered 503 and closed before anything is read from it.
  int max_connections_per_address = 64;
  int max_connections = 4096;
};

// The service's HTTP front. Serves the route table (api::AllRoutes): authenticates each request,
// checks the caller's access to the route (and to the tenant it names), turns handler errors
// into the one error shape, and writes one access-log line per request. Owns its listening
// socket and worker threads; the services are not owned and must outlive it.
class HttpServer {
 public:
  HttpServer(api::Services services, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the port. Errors: unavailable naming the address when it is in use or not allowed.
  Status Bind();
  // The bound port (useful when options.port was 0). Valid after Bind.
  int port() const;
  // Serves until Stop; call after Bind. Blocks the calling thread.
  void Serve();
  // Makes Serve return; safe from any thread.
  void Stop();

  // The routes this server serves, in registration order.
  const std::vector<api::Route>& routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avni
