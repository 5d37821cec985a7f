#include "api/http_server.hpp"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/access.hpp"
#include "api/http_error.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"

namespace avni {
namespace {

// "/api/v1/tenants/{tenant}/config" -> "/api/v1/tenants/([^/]+)/config" and ["tenant"].
std::pair<std::string, std::vector<std::string>> ToPattern(const std::string& path) {
  std::string pattern;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      const auto end = path.find('}', i);
      names.push_back(path.substr(i + 1, end - i - 1));
      pattern += "([^/]+)";
      i = end;
    } else if (std::string_view(".+*?()[]^$|\\").find(path[i]) != std::string_view::npos) {
      pattern += '\\';
      pattern += path[i];
    } else {
      pattern += path[i];
    }
  }
  return {pattern, names};
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void Send(const api::Response& from, httplib::Response& to) {
  to.status = from.status;
  for (const auto& [name, value] : from.headers) to.set_header(name, value);
  to.set_header("Cache-Control", "no-store");
  to.set_header("X-Content-Type-Options", "nosniff");
  if (!from.body.empty() || from.status != 204) to.set_content(from.body, from.content_type);
}

}  // namespace

struct HttpServer::Impl {
  api::Services services;
  ServerOptions options;
  std::vector<api::Route> routes;
  httplib::Server server;
  int port = 0;

  Impl(api::Services s, ServerOptions o) : services(s), options(std::move(o)) {
    routes = api::AllRoutes(services);
  }

  api::Request Build(const httplib::Request& req, const std::vector<std::string>& names) {
    api::Request r;
    r.method = req.method;
    r.path = req.path;
    for (std::size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i) {
      r.path_params[names[i]] = req.matches[i + 1];
    }
    for (const auto& [k, v] : req.params) r.query.emplace(k, v);
    for (const auto& [k, v] : req.headers) r.headers[Lower(k)] = v;
    r.body = req.body;
    r.address = req.remote_addr;
    return r;
  }

  void Handle(const api::Route& route, const std::vector<std::string>& names,
              const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    api::Request request = Build(req, names);
    api::Response response;
    try {
      auto checked = api::Admit(services, route, request);
      if (!checked) {
        response = api::ErrorResponse(checked.error());
      } else {
        auto result = route.handler(request);
        response = result ? std::move(*result) : api::ErrorResponse(result.error());
      }
    } catch (const std::exception& e) {
      spdlog::error("{} {} failed: {}", req.method, req.path, e.what());
      response = api::ErrorResponse(Error::Internal("internal error; see the service log"));
    }
    Send(response, res);
    const auto ms = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count() /
                    1000.0;
    // Never bodies, tokens or secrets: only what identifies the request.
    spdlog::info("{} {} {} {:.1f}ms tenant={} caller={}", req.method, req.path, response.status, ms,
                 request.tenant ? std::to_string(request.tenant->value) : "-",
                 request.principal.display());
  }

  void Install() {
    for (const auto& route : routes) {
      auto [pattern, names] = ToPattern(route.path);
      auto handler = [this, &route, names](const httplib::Request& req, httplib::Response& res) {
        Handle(route, names, req, res);
      };
      if (route.method == "GET") server.Get(pattern, handler);
      if (route.method == "POST") server.Post(pattern, handler);
      if (route.method == "PUT") server.Put(pattern, handler);
      if (route.method == "PATCH") server.Patch(pattern, handler);
      if (route.method == "DELETE") server.Delete(pattern, handler);
    }
    // What no route matched, and what httplib refused by itself (oversize bodies), in the
    // same error shape as everything else.
    server.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      Error error = Error::NotFound(fmt::format("no such endpoint: {} {}", req.method, req.path));
      if (res.status == 413) {
        error = Error::InvalidArgument(
            "body", fmt::format("request body over {} bytes", services.options.max_body_bytes));
      } else if (res.status == 400) {
        error = Error::InvalidArgument("request", "malformed HTTP request");
      } else if (res.status >= 500) {
        error = Error::Internal("internal error; see the service log");
      }
      const int status = res.status == 413 ? 413 : api::HttpStatus(error.code);
      api::Response body = api::ErrorResponse(error);
      body.status = status;
      Send(body, res);
      spdlog::info("{} {} {} tenant=- caller=-", req.method, req.path, status);
    });
    // Small JSON answers must not wait for a delayed ACK (40 ms per request otherwise).
    server.set_tcp_nodelay(true);
    server.set_payload_max_length(services.options.max_body_bytes);
    server.set_read_timeout(services.options.read_timeout.count(), 0);
    server.set_write_timeout(services.options.write_timeout.count(), 0);
    const int threads = options.threads;
    server.new_task_queue = [threads] {
      return new httplib::ThreadPool(static_cast<std::size_t>(threads));
    };
  }
};

HttpServer::HttpServer(api::Services services, ServerOptions options)
    : impl_(std::make_unique<Impl>(services, std::move(options))) {
  impl_->Install();
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Bind() {
  const auto& o = impl_->options;
  if (o.port == 0) {
    impl_->port = impl_->server.bind_to_any_port(o.host);
  } else if (impl_->server.bind_to_port(o.host, o.port)) {
    impl_->port = o.port;
  } else {
    impl_->port = -1;
  }
  if (impl_->port <= 0) {
    return Fail(Error::Unavailable(fmt::format(
        "cannot listen on {}:{}: the port is in use or not allowed; stop what holds it or "
        "choose another with --port",
        o.host, o.port)));
  }
  return {};
}

int HttpServer::port() const { return impl_->port; }

void HttpServer::Serve() { impl_->server.listen_after_bind(); }

void HttpServer::Stop() { impl_->server.stop(); }

const std::vector<api::Route>& HttpServer::routes() const { return impl_->routes; }

}  // namespace avni
