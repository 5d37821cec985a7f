#pragma once

#include <string>
#include <string_view>

namespace httplib {
struct Request;
}

namespace avni::openmrssim {

inline constexpr const char* kJsonType = "application/json;charset=UTF-8";
inline constexpr const char* kHtmlType = "text/html;charset=utf-8";
inline constexpr const char* kAtomType = "application/atom+xml;charset=UTF-8";

// Who the current request is signed in as ("" for nobody) and its session, set by the
// simulator before a handler runs on the same thread.
struct RequestAuth {
  std::string user;
  std::string session;
};
RequestAuth& CurrentAuth();

// Tomcat's error page for sendError(status, message).
std::string TomcatErrorPage(int status, std::string_view reason, std::string_view message);

// RFC 4648 base64 (Basic credentials); empty on anything that is not base64.
std::string DecodeBase64(std::string_view text);

// The value of cookie `name` in the request's Cookie headers; "" when absent.
std::string CookieValue(const httplib::Request& req, std::string_view name);

// java.net.URLEncoder.encode(value, "UTF-8"): space as '+', unreserved kept, others %XX.
std::string JavaUrlEncode(std::string_view value);

}  // namespace avni::openmrssim
