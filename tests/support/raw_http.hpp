#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace avni::testing {

// An answer as it came over the wire.
struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; the last of a repeated one
  std::string body;

  std::string Header(const std::string& lower_name) const;
};

// A plain TCP connection to a local server, for the behaviour a client library hides: bytes
// sent piecemeal, framing it would never write, pipelining, what the server does while the
// client is silent. Owns its socket (closed on destruction); not thread-safe.
class RawConnection {
 public:
  // Connects to 127.0.0.1:port from `source` (any loopback address, e.g. "127.0.1.7", so that
  // many connections count as many clients) or from the default address when empty. nullopt
  // when it cannot connect.
  static std::optional<RawConnection> Open(int port, const std::string& source = "");

  RawConnection(RawConnection&& other) noexcept;
  RawConnection& operator=(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection();

  // Writes all of `bytes`; false when the server has closed or reset the connection.
  bool Send(std::string_view bytes);
  // Whether anything (bytes, end of stream or reset) is waiting to be read within `timeout`.
  bool Readable(std::chrono::milliseconds timeout);
  // Reads one answer (status line, headers, a Content-Length body unless it answers a HEAD)
  // within `timeout`; bytes of a following answer stay for the next call. nullopt when none
  // came complete in time.
  std::optional<RawResponse> ReadResponse(std::chrono::milliseconds timeout,
                                          bool answers_head = false);
  // Whether the server closed (end of stream or reset) within `timeout`; what it sent before is
  // read and dropped.
  bool ClosedByServer(std::chrono::milliseconds timeout);
  // Whether the server has closed, without waiting.
  bool ClosedNow() { return ClosedByServer(std::chrono::milliseconds(0)); }

  int fd() const { return fd_; }

 private:
  explicit RawConnection(int fd) : fd_(fd) {}
  // Reads what is there within `timeout` into pending_; false at end of stream, reset or time.
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string pending_;
  bool closed_ = false;
};

// "GET /path HTTP/1.1" with a Host header and nothing else.
std::string RawGet(const std::string& path);

}  // namespace avni::testing
