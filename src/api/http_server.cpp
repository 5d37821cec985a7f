#include "api/http_server.hpp"

#include <httplib.h>

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "store/store.hpp"

namespace avni {
namespace {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

struct HttpServer::Impl {
  store::Store& store;
  ServerOptions options;
  httplib::Server server;
  int port = 0;

  Impl(store::Store& s, ServerOptions o) : store(s), options(std::move(o)) {}

  void Routes() {
    server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      SendJson(res, 200, {{"status", "up"}});
    });
    server.Get("/ready", [this](const httplib::Request&, httplib::Response& res) {
      if (auto ready = store.Ready(); !ready) {
        SendJson(res, 503, {{"status", "not_ready"}, {"reason", ready.error().message}});
        return;
      }
      SendJson(res, 200, {{"status", "ready"}});
    });
    server.set_logger([](const httplib::Request& req, const httplib::Response& res) {
      spdlog::info("{} {} {}", req.method, req.path, res.status);
    });
  }
};

HttpServer::HttpServer(store::Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {
  impl_->Routes();
  const int threads = impl_->options.threads;
  impl_->server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
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

}  // namespace avni
