#pragma once

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
  int threads = 8;
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
