#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.hpp"

namespace avni {

namespace store {
class Store;
}

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 picks a free port; see HttpServer::port()
  int threads = 8;
};

// The service's HTTP front: /health (process up), /ready (database reachable, schema current)
// and, as they are built, the /api/v1 routes. Owns its listening socket and worker threads;
// the Store is not owned and must outlive it.
class HttpServer {
 public:
  HttpServer(store::Store& store, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the port. Errors: unavailable naming the address when it is in use or not allowed.
  Status Bind();
  // The bound port (useful when options.port was 0). Valid after Bind.
  int port() const;
  // Serves until Stop; call after Bind. Blocks the calling thread.
  void Serve();
  // Makes Serve return; safe from any thread and from a signal-watching thread.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avni
