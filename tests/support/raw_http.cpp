#include "support/raw_http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>

namespace avni::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string RawResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

std::optional<RawConnection> RawConnection::Open(int port, const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  RawConnection connection(fd);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    if (::inet_pton(AF_INET, source.c_str(), &from.sin_addr) != 1) return std::nullopt;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) return std::nullopt;
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return std::nullopt;
  return connection;
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(other.fd_), pending_(std::move(other.pending_)), closed_(other.closed_) {
  other.fd_ = -1;
}

RawConnection& RawConnection::operator=(RawConnection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    pending_ = std::move(other.pending_);
    closed_ = other.closed_;
    other.fd_ = -1;
  }
  return *this;
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawConnection::Readable(milliseconds timeout) {
  if (!pending_.empty() || closed_) return true;
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

bool RawConnection::Fill(steady_clock::time_point deadline) {
  if (closed_) return false;
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(std::max<milliseconds::rep>(0, left.count()))) <= 0) {
    return false;
  }
  char buffer[65536];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    closed_ = true;
    return false;
  }
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<RawResponse> RawConnection::ReadResponse(milliseconds timeout, bool answers_head) {
  const auto deadline = steady_clock::now() + timeout;
  std::size_t header_end = std::string::npos;
  while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return std::nullopt;
  }
  RawResponse response;
  std::string_view head(pending_.data(), header_end + 2);
  const auto first_line_end = head.find("\r\n");
  const std::string_view status_line = head.substr(0, first_line_end);
  const auto space = status_line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::from_chars(status_line.data() + space + 1, status_line.data() + status_line.size(),
                  response.status);
  std::size_t at = first_line_end + 2;
  while (at < head.size()) {
    const auto end = head.find("\r\n", at);
    const std::string_view line = head.substr(at, end - at);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
      response.headers[Lower(std::string(Trim(line.substr(0, colon))))] =
          std::string(Trim(line.substr(colon + 1)));
    }
    at = end + 2;
  }
  std::size_t length = 0;
  const std::string declared = response.Header("content-length");
  if (!answers_head) std::from_chars(declared.data(), declared.data() + declared.size(), length);
  const std::size_t body_start = header_end + 4;
  while (pending_.size() < body_start + length) {
    if (!Fill(deadline)) return std::nullopt;
  }
  response.body = pending_.substr(body_start, length);
  pending_.erase(0, body_start + length);
  return response;
}

bool RawConnection::ClosedByServer(milliseconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (!closed_) {
    pending_.clear();
    if (!Fill(deadline) && !closed_) return false;
  }
  return true;
}

std::string RawGet(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
}

}  // namespace avni::testing
