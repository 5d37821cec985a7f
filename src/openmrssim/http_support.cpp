#include "openmrssim/http_support.hpp"

#include <cctype>

#include <fmt/format.h>
#include <httplib.h>

namespace avni::openmrssim {

RequestAuth& CurrentAuth() {
  thread_local RequestAuth auth;
  return auth;
}

std::string TomcatErrorPage(int status, std::string_view reason, std::string_view message) {
  return fmt::format(
      "<!doctype html><html lang=\"en\"><head><title>HTTP Status {0} – {1}</title></head>"
      "<body><h1>HTTP Status {0} – {1}</h1><hr class=\"line\" /><p><b>Type</b> Status Report</p>"
      "<p><b>Message</b> {2}</p><hr class=\"line\" /><h3>Apache Tomcat</h3></body></html>",
      status, reason, message);
}

std::string DecodeBase64(std::string_view text) {
  const auto value_of = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  int bits = 0;
  int buffer = 0;
  for (const char c : text) {
    if (c == '=') break;
    const int v = value_of(c);
    if (v < 0) return "";
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

std::string CookieValue(const httplib::Request& req, std::string_view name) {
  const std::size_t count = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < count; ++i) {
    const std::string header = req.get_header_value("Cookie", i);
    std::size_t pos = 0;
    while (pos < header.size()) {
      std::size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      std::string_view pair(header.data() + pos, end - pos);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
      pos = end + 1;
    }
  }
  return "";
}

std::string JavaUrlEncode(std::string_view value) {
  std::string out;
  for (const unsigned char c : value) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '*' || c == '_') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

}  // namespace avni::openmrssim
