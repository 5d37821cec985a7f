#pragma once
// Private to the HTTP front: included by http_server.cpp (listener, caps, lifetime) and
// http_connection.cpp (one connection's requests) only, since Asio is heavy to compile. Beast
// stays inside http_connection.cpp.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include "api/dispatcher.hpp"
#include "api/http_server.hpp"

namespace avni::http_front {

class Connection;

// What one server's connections share. Outlives them all: the io_context, which holds every
// pending operation (and so every connection), is destroyed before the members above it.
struct Host {
  Host(api::Services services, ServerOptions o);

  // Accepts the next connection; on the acceptor's strand.
  void Accept();
  // Admits an accepted connection under the caps, or answers 503 and closes it.
  void Take(boost::asio::ip::tcp::socket socket);
  // Called by each connection's destructor, from any thread.
  void Forget(Connection* connection, const boost::asio::ip::address& address);
  // Closes the listener and every connection; on the acceptor's strand.
  void CloseAll();

  const ServerOptions options;
  api::Dispatcher dispatcher;
  std::size_t max_connections;  // options.max_connections, kept under the open-file limit

  std::mutex mu;
  std::map<boost::asio::ip::address, int> per_address;              // guarded by mu
  std::unordered_map<Connection*, std::weak_ptr<Connection>> open;  // guarded by mu
  std::size_t refused = 0;                                          // guarded by mu
  std::chrono::steady_clock::time_point last_refusal_log;           // guarded by mu

  std::atomic<bool> stopping{false};
  int port = 0;  // set by Bind, before Serve
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor{boost::asio::make_strand(io)};  // on its strand only
  boost::asio::steady_timer accept_retry{acceptor.get_executor()};        // on its strand only
  boost::asio::thread_pool workers;  // runs the handlers; declared last, so joined first
};

// A connection to serve: reads a request, hands it to host.workers, writes the answer, and
// again, in order, until the client or a deadline ends it. It keeps itself alive while it has
// an operation pending and calls host.Forget from its destructor. Register it with the host
// before Start.
std::shared_ptr<Connection> NewConnection(Host& host, boost::asio::ip::tcp::socket socket,
                                          boost::asio::ip::address address);
void Start(const std::shared_ptr<Connection>& connection);
// Closes it, from any thread; an operation pending ends at once, a running handler finishes.
void Close(const std::shared_ptr<Connection>& connection);

// The bytes of an answer that closes the connection: status line, headers, body.
std::string WireAnswer(api::Response response);

}  // namespace avni::http_front
