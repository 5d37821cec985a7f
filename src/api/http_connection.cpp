// One connection of the HTTP front, on Boost.Beast: the only translation unit that includes
// Beast (heavy to compile). Its reads and writes run on the I/O thread; its requests' handlers
// on the host's workers. While it reads or idles it costs a socket, a timer and its buffer,
// never a worker.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "api/http_error.hpp"
#include "api/http_front.hpp"

namespace avni::http_front {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using Parser = http::request_parser<http::string_body>;

// A request's header (request line and fields) may take this much; over it, 431.
constexpr std::uint32_t kHeaderLimit = 16 << 10;
// After refusing a request whose body was not read, the connection reads and drops what the
// client still sends for this long before closing, so that the client, still writing, reads
// the answer instead of a reset.
constexpr std::chrono::seconds kLinger{2};
// What an idle kept-alive connection reads at once while it waits for the next request.
constexpr std::size_t kIdleRead = 4 << 10;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A body's framing must say one thing: Content-Length once, or Transfer-Encoding "chunked"
// alone. Anything else could be read otherwise by a proxy in front (request smuggling).
// Beast refuses two different lengths and a length with "chunked" by itself (see OnHeader);
// this refuses what it lets through: repeated equal lengths, and other transfer codings.
std::optional<Error> FramingProblem(const Parser::value_type& request) {
  int lengths = 0;
  int encodings = 0;
  std::string_view encoding;
  for (const auto& field : request) {
    if (field.name() == http::field::content_length) ++lengths;
    if (field.name() == http::field::transfer_encoding) {
      ++encodings;
      encoding = TrimSpace(field.value());
    }
  }
  if (lengths > 1) {
    return Error::InvalidArgument("Content-Length",
                                  "more than one Content-Length header; send exactly one");
  }
  if (encodings > 0 && lengths > 0) {
    return Error::InvalidArgument(
        "Transfer-Encoding", "Content-Length and Transfer-Encoding together; send one of them");
  }
  if (encodings > 1 || (encodings == 1 && !beast::iequals(encoding, "chunked"))) {
    return Error::InvalidArgument(
        "Transfer-Encoding",
        fmt::format("Transfer-Encoding must be 'chunked' alone, not '{}'", encoding));
  }
  return std::nullopt;
}

// Why a request that Beast could not parse is refused; nullopt when there is nothing to answer
// (the client went away or ran out of time).
std::optional<std::pair<int, Error>> ParseRefusal(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_target).category() ||
      ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == http::error::need_more) {
    return std::nullopt;
  }
  if (ec == http::error::header_limit) {
    return std::pair{
        431, Error::InvalidArgument(
                 "headers", fmt::format("the request's header is over {} bytes", kHeaderLimit))};
  }
  if (ec == http::error::body_limit) return std::nullopt;  // answered with the route's limit
  if (ec == http::error::bad_content_length) {
    return std::pair{
        400, Error::InvalidArgument("Content-Length",
                                    "Content-Length is not a number, or disagrees with another "
                                    "Content-Length or with Transfer-Encoding; send exactly one")};
  }
  if (ec == http::error::bad_transfer_encoding) {
    return std::pair{
        400, Error::InvalidArgument("Transfer-Encoding",
                                    "Transfer-Encoding is repeated or comes with Content-Length; "
                                    "send 'chunked' once, or Content-Length alone")};
  }
  if (ec == http::error::bad_chunk || ec == http::error::bad_chunk_extension) {
    return std::pair{400, Error::InvalidArgument("Transfer-Encoding", "a malformed chunk")};
  }
  return std::pair{400, Error::InvalidArgument("request", "malformed HTTP request")};
}

// The wire form of an answer: the route's headers, then the ones every answer carries.
http::response<http::string_body> Serialize(api::Response&& from, bool head, bool close) {
  http::response<http::string_body> to;
  to.result(static_cast<unsigned>(from.status));
  to.version(11);
  bool cache_control = false;  // API answers are never cached; the admin app's files say
  for (const auto& [name, value] : from.headers) {
    if (name.find_first_of("\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      spdlog::warn("dropped the answer header {}: it holds a line break", Lower(name));
      continue;
    }
    if (beast::iequals(name, "cache-control")) cache_control = true;
    to.insert(name, value);
  }
  if (!cache_control) to.set(http::field::cache_control, "no-store");
  to.set("X-Content-Type-Options", "nosniff");
  if (close) to.set(http::field::connection, "close");
  const bool bodiless = from.status < 200 || from.status == 204 || from.status == 304;
  if (!bodiless || !from.body.empty()) {
    to.set(http::field::content_type, from.content_type);
    to.content_length(from.body.size());
    if (!head) to.body() = std::move(from.body);
  }
  return to;
}

Error BodyTooLarge(std::size_t limit) {
  return Error::InvalidArgument(
      "body", fmt::format("request body over {} bytes, the most this endpoint takes", limit));
}

}  // namespace

// One client connection: reads a request, hands it to the workers, writes the answer, and
// again, in order. Every member is used on the connection's strand only, except exchange_,
// which the worker running the request owns until it posts the answer back.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Host& server, tcp::socket socket, asio::ip::address address)
      : server_(server), stream_(std::move(socket)), address_(std::move(address)) {}
  ~Connection() { server_.Forget(this, address_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->started_ = SteadyClock::now();
      self->ReadHeader();
    });
  }
  // Safe from any thread.
  void Close() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->Shut(); });
  }

 private:
  // The header must be complete by started_ + header_timeout, whatever the pace of its bytes.
  void ReadHeader() {
    head_ = false;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The route's limit applies once the route is known. Not boost::none: Beast 1.74 compares
    // a Content-Length with an empty limit as over it.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_at(started_ + server_.options.header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (server_.stopping) return Shut();
    if (ec) {
      if (auto refusal = ParseRefusal(ec)) {
        return Refuse(refusal->first, refusal->second);
      }
      return Shut();  // timed out, or the client went away: nothing to answer
    }
    const auto& request = parser_->get();
    head_ = request.method() == http::verb::head;
    keep_alive_ = request.keep_alive();
    exchange_ = server_.dispatcher.Resolve(std::string(request.method_string()), request.target());
    for (const auto& field : request) {
      exchange_.request.headers[Lower(field.name_string())] = std::string(field.value());
    }
    exchange_.request.address = address_.to_string();
    if (auto problem = FramingProblem(request)) return Refuse(400, *problem);
    if (const auto length = parser_->content_length(); length && *length > exchange_.max_body) {
      return Refuse(413, BodyTooLarge(exchange_.max_body));
    }
    if (parser_->chunked()) parser_->body_limit(exchange_.max_body);
    if (parser_->is_done()) return Run();
    if (exchange_.route && exchange_.max_body > server_.dispatcher.options().max_json_body_bytes) {
      return AdmitThenReadBody();
    }
    ContinueThenReadBody();
  }

  // A large body is read only for a caller allowed to send it: an anonymous client must not
  // make the server hold 32 MiB per connection.
  void AdmitThenReadBody() {
    OnWorkers(
        [self = shared_from_this()] {
          return self->server_.dispatcher.AdmitEarly(self->exchange_);
        },
        [self = shared_from_this()](std::optional<api::Response> refusal) {
          if (refusal) return self->Answer(std::move(*refusal), false, true);
          self->ContinueThenReadBody();
        });
  }

  void ContinueThenReadBody() {
    stream_.expires_at(started_ + server_.options.request_timeout);
    if (!beast::iequals(parser_->get()[http::field::expect], "100-continue")) return ReadBody();
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || self->server_.stopping) return self->Shut();
                        self->ReadBody();
                      });
  }

  // The body must be complete by started_ + request_timeout.
  void ReadBody() {
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (server_.stopping) return Shut();
    if (ec == http::error::body_limit) return Refuse(413, BodyTooLarge(exchange_.max_body));
    if (ec) {
      if (auto refusal = ParseRefusal(ec)) return Refuse(refusal->first, refusal->second);
      return Shut();
    }
    Run();
  }

  void Run() {
    exchange_.request.body = std::move(parser_->get().body());
    parser_.reset();
    if (!exchange_.route) {
      if (auto web = server_.dispatcher.ServeWeb(exchange_)) {
        return Answer(std::move(*web), keep_alive_, false);
      }
      const api::Request& r = exchange_.request;
      return Answer(server_.dispatcher.Refuse(
                        r.method, r.path, 404,
                        Error::NotFound(fmt::format("no such endpoint: {} {}", r.method, r.path))),
                    keep_alive_, false);
    }
    OnWorkers([self = shared_from_this()] { return self->server_.dispatcher.Run(self->exchange_); },
              [self = shared_from_this()](api::Response response) {
                self->Answer(std::move(response), self->keep_alive_, false);
              });
  }

  // Runs `work` on a worker, then `then` with its result back on this connection's strand.
  // The work guard keeps Serve running until `then` has run.
  template <typename Work, typename Then>
  void OnWorkers(Work work, Then then) {
    stream_.expires_never();
    asio::post(server_.workers,
               [self = shared_from_this(), guard = asio::make_work_guard(server_.io),
                work = std::move(work), then = std::move(then)]() mutable {
                 auto result = work();
                 asio::post(self->stream_.get_executor(),
                            [self, then = std::move(then), result = std::move(result)]() mutable {
                              if (self->server_.stopping) return self->Shut();
                              then(std::move(result));
                            });
               });
  }

  // A request refused before it reached a handler: the connection closes after the answer,
  // since what follows it on the wire cannot be trusted.
  void Refuse(int status, const Error& error) {
    std::string method = "-", path = "-";
    const api::Route* route = nullptr;
    if (parser_ && parser_->is_header_done()) {
      method = std::string(parser_->get().method_string());
      path = std::string(parser_->get().target());
      path = path.substr(0, path.find('?'));
      route = exchange_.route;  // resolved as soon as the header was done
    }
    Answer(server_.dispatcher.Refuse(method, path, status, error, route), false, true);
  }

  // Writes the answer, within write_timeout. `unread`: the client may still be sending a body
  // the server will not read; it is drained (kLinger) before the connection closes.
  void Answer(api::Response response, bool keep_alive, bool unread) {
    keep_alive_ = keep_alive && !unread && !server_.stopping;
    unread_ = unread;
    response_ = Serialize(std::move(response), head_, !keep_alive_);
    stream_.expires_after(server_.options.write_timeout);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnWritten(ec); });
  }

  void OnWritten(beast::error_code ec) {
    response_ = {};
    if (ec || server_.stopping) return Shut();
    if (unread_) return Drain();
    if (!keep_alive_) return Shut();
    started_ = SteadyClock::now();
    if (buffer_.size() > 0) return ReadHeader();  // pipelined: the next request is here
    AwaitNext();
  }

  // A kept-alive connection waits keep_alive_timeout for the next request's first byte; its
  // header deadline starts then.
  void AwaitNext() {
    stream_.expires_after(server_.options.keep_alive_timeout);
    stream_.async_read_some(buffer_.prepare(kIdleRead),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec || self->server_.stopping) return self->Shut();
                              self->started_ = SteadyClock::now();
                              self->ReadHeader();
                            });
  }

  void Drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLinger);
    DrainSome();
  }

  void DrainSome() {
    buffer_.clear();
    stream_.async_read_some(buffer_.prepare(kIdleRead),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->server_.stopping) return self->Shut();
                              self->DrainSome();
                            });
  }

  void Shut() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  Host& server_;
  beast::tcp_stream stream_;
  const asio::ip::address address_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  api::Dispatcher::Exchange exchange_;
  http::response<http::string_body> response_;  // alive while it is written
  SteadyClock::time_point started_;             // of the request being read
  bool head_ = false;
  bool keep_alive_ = false;
  bool unread_ = false;
};

std::shared_ptr<Connection> NewConnection(Host& host, tcp::socket socket,
                                          asio::ip::address address) {
  return std::make_shared<Connection>(host, std::move(socket), std::move(address));
}

void Start(const std::shared_ptr<Connection>& connection) { connection->Start(); }

void Close(const std::shared_ptr<Connection>& connection) { connection->Close(); }

std::string WireAnswer(api::Response response) {
  std::ostringstream wire;
  wire << Serialize(std::move(response), /*head=*/false, /*close=*/true);
  return wire.str();
}

}  // namespace avni::http_front
