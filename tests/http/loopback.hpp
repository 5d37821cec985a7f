#pragma once

// Helpers of the HTTP client's tests: loopback servers, gzip bodies, environment variables.
// A test that serves TLS defines CPPHTTPLIB_OPENSSL_SUPPORT before including this.
#include <gtest/gtest.h>
#include <httplib.h>
#include <zlib.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace avni::http {

// A loopback server on a free port of `address` (any of 127.0.0.0/8), run on its own thread
// until destroyed.
template <typename ServerT>
class LoopbackServer {
 public:
  explicit LoopbackServer(std::unique_ptr<ServerT> server, std::string address = "127.0.0.1")
      : server_(std::move(server)), address_(std::move(address)) {
    port_ = server_->bind_to_any_port(address_);
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    server_->stop();
    thread_.join();
  }
  int port() const { return port_; }
  // http://ADDRESS:PORT/path, or another name for it (localhost).
  std::string Url(const std::string& path, const std::string& host = "") const {
    return "http://" + (host.empty() ? address_ : host) + ":" + std::to_string(port_) + path;
  }

 private:
  std::unique_ptr<ServerT> server_;
  std::string address_;
  int port_ = 0;
  std::thread thread_;
};

inline std::string Gzip(const std::string& text) {
  z_stream stream{};
  // 31 = 15 window bits + 16: a gzip wrapper, as servers send for Content-Encoding: gzip.
  EXPECT_EQ(deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace avni::http
