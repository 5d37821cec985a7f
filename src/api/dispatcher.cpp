#include "api/dispatcher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/access.hpp"
#include "api/http_error.hpp"
#include "api/request_target.hpp"
#include "api/routes.hpp"
#include "api/web_assets.hpp"
#include "metrics/service_metrics.hpp"

namespace avni::api {
namespace {

// The route labels of answers that have no route template.
constexpr std::string_view kWebRoute = "web";
constexpr std::string_view kUnmatchedRoute = "unmatched";

}  // namespace

Dispatcher::Dispatcher(Services services)
    : services_(services), routes_(AllRoutes(services_)), router_(routes_) {}

Dispatcher::Exchange Dispatcher::Resolve(std::string method, std::string_view target) const {
  Exchange exchange;
  RequestTarget parsed = ParseTarget(target);
  if (auto match = router_.Find(method, parsed.path)) {
    exchange.route = match->route;
    exchange.request.path_params = std::move(match->params);
    exchange.max_body = match->route->max_body;
  } else {
    exchange.max_body = services_.options.max_json_body_bytes;
  }
  exchange.request.method = std::move(method);
  exchange.request.path = std::move(parsed.path);
  exchange.request.query = std::move(parsed.query);
  return exchange;
}

std::optional<Response> Dispatcher::AdmitEarly(Exchange& exchange) {
  const auto started = std::chrono::steady_clock::now();
  Response refusal;
  try {
    auto admitted = Admit(services_, *exchange.route, exchange.request);
    if (admitted) {
      exchange.admitted = true;
      return std::nullopt;
    }
    refusal = ErrorResponse(admitted.error());
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", exchange.request.method, exchange.request.path, e.what());
    refusal = ErrorResponse(Error::Internal("internal error; see the service log"));
  }
  Log(exchange, refusal.status, started, exchange.route->path);
  return refusal;
}

Response Dispatcher::Run(Exchange& exchange) {
  const auto started = std::chrono::steady_clock::now();
  Request& request = exchange.request;
  Response response;
  try {
    auto admitted = exchange.admitted ? Status{} : Admit(services_, *exchange.route, request);
    if (!admitted) {
      response = ErrorResponse(admitted.error());
    } else {
      auto result = exchange.route->handler(request);
      response = result ? std::move(*result) : ErrorResponse(result.error());
    }
  } catch (const std::exception& e) {
    spdlog::error("{} {} failed: {}", request.method, request.path, e.what());
    response = ErrorResponse(Error::Internal("internal error; see the service log"));
  }
  Log(exchange, response.status, started, exchange.route->path);
  return response;
}

std::optional<Response> Dispatcher::ServeWeb(const Exchange& exchange) const {
  const Request& request = exchange.request;
  if (!services_.web_assets || (request.method != "GET" && request.method != "HEAD")) {
    return std::nullopt;
  }
  const auto started = std::chrono::steady_clock::now();
  auto response = services_.web_assets->Serve(request.path, request.headers);
  if (response) Log(exchange, response->status, started, kWebRoute);
  return response;
}

Response Dispatcher::Refuse(std::string_view method, std::string_view path, int status,
                            const Error& error, const Route* route) const {
  Response response = ErrorResponse(error);
  response.status = status;
  spdlog::info("{} {} {} tenant=- caller=-", method, path, status);
  if (services_.metrics != nullptr) {
    services_.metrics->CountHttp(route != nullptr ? std::string_view(route->path) : kUnmatchedRoute,
                                 method, status, std::chrono::duration<double>(0));
  }
  return response;
}

void Dispatcher::Log(const Exchange& exchange, int status,
                     std::chrono::steady_clock::time_point started,
                     std::string_view route_label) const {
  const Request& request = exchange.request;
  const auto elapsed = std::chrono::steady_clock::now() - started;
  if (services_.metrics != nullptr) {
    services_.metrics->CountHttp(route_label, request.method, status, elapsed);
  }
  const auto ms = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() / 1000.0;
  // Never bodies, tokens or secrets: only what identifies the request.
  spdlog::info("{} {} {} {:.1f}ms tenant={} caller={}", request.method, request.path, status, ms,
               request.tenant ? std::to_string(request.tenant->value) : "-",
               request.principal.display());
}

}  // namespace avni::api
