#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/route.hpp"
#include "api/router.hpp"
#include "api/services.hpp"
#include "common/error.hpp"

namespace avni::api {

// What the HTTP front does with a request apart from moving its bytes: finds its route, admits
// the caller, runs the handler, turns every failure into the one error shape, and writes the
// access-log line. Knows nothing of sockets. Thread-safe: requests run on many threads at once.
// The services are not owned and must outlive it.
class Dispatcher {
 public:
  explicit Dispatcher(Services services);
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // A request on its way: its route (null when none matches), the request as the handler will
  // see it, and the largest body it may carry.
  struct Exchange {
    const Route* route = nullptr;
    Request request;
    std::size_t max_body = 0;
    bool admitted = false;
  };
  // The route of `method` and `target`, with the path decoded and its parameters and query
  // filled in. The front adds headers, address and body.
  Exchange Resolve(std::string method, std::string_view target) const;

  // Admits the caller before the body is read (for the routes whose body may be large): the
  // refusal's answer, already logged, or nullopt when admitted.
  std::optional<Response> AdmitEarly(Exchange& exchange);
  // Runs a request whose body has been read: admits it (unless AdmitEarly did), runs the
  // handler; logs. Never throws: a handler's exception is an internal error.
  Response Run(Exchange& exchange);
  // An answer the front gives by itself (no route, bad framing, a body too large), in the
  // error shape with `status`; logged and counted like any answer (under `route`'s template
  // when the request's route is known, else "unmatched").
  Response Refuse(std::string_view method, std::string_view path, int status, const Error& error,
                  const Route* route = nullptr) const;

  // The admin app's answer to a GET or HEAD no route matched (a file of the app, or index.html
  // for a client-side route), logged like any answer; nullopt when there is no app or the path
  // is not the app's (then the caller answers 404).
  std::optional<Response> ServeWeb(const Exchange& exchange) const;

  const std::vector<Route>& routes() const { return routes_; }
  const ApiOptions& options() const { return services_.options; }

 private:
  // Writes the access-log line and counts the answer under `route_label` (a route's template,
  // "web" or "unmatched": never the raw path).
  void Log(const Exchange& exchange, int status, std::chrono::steady_clock::time_point started,
           std::string_view route_label) const;

  Services services_;
  std::vector<Route> routes_;
  Router router_;
};

}  // namespace avni::api
