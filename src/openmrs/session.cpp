#include "openmrs/session.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "common/taxonomy.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

constexpr const char* kSessionPath = "/openmrs/ws/rest/v1/session";

std::string Base64(std::string_view text) {
  std::string out(sodium_base64_encoded_len(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.find('\0'));
  return out;
}

// The JSESSIONID value a Set-Cookie header sets, or "".
std::string SessionIdFrom(std::string_view set_cookie) {
  const auto start = set_cookie.find("JSESSIONID=");
  if (start == std::string_view::npos) return "";
  const auto value = set_cookie.substr(start + 11);
  return std::string(value.substr(0, value.find(';')));
}

}  // namespace

Error CallFailed(std::string_view where, const Error& error) {
  if (http::IsRefusedTarget(error)) return http::NameSetting("openmrs_base_url", error);
  return Error{error.code, fmt::format("OpenMRS {}: {}", where, error.message), ""};
}

Session::Session(http::Client& http, const OpenmrsConfig& config) : http_(http), config_(config) {}

Result<std::string> Session::Cookie() {
  std::lock_guard lock(mutex_);
  if (!cookie_.empty()) return cookie_;
  auto fresh = LoginLocked();
  if (!fresh) return Fail(fresh.error());
  cookie_ = std::move(*fresh);
  return cookie_;
}

void Session::Invalidate(std::string_view cookie) {
  std::lock_guard lock(mutex_);
  if (cookie_ == cookie) cookie_.clear();
}

std::int64_t Session::Logins() const {
  std::lock_guard lock(mutex_);
  return logins_;
}

Result<std::string> Session::LoginLocked() {
  ++logins_;
  http::Request request;
  request.url = config_.base_url + kSessionPath;
  request.headers = {{"Authorization", "Basic " + Base64(config_.user + ":" + config_.password)},
                     {"Accept", "application/json"}};
  auto response = http_.Send(request);
  const std::string where = fmt::format("GET {}", kSessionPath);
  if (!response) return Fail(CallFailed(where, response.error()));
  const auto refused = [&](std::string_view how) {
    return Error{ErrorCode::kUnauthenticated,
                 fmt::format("OpenMRS refused to sign in user '{}' ({}); check openmrs_user and "
                             "openmrs_password",
                             config_.user, how),
                 "openmrs_password"};
  };
  if (response->status == 401 || response->status == 403) {
    return Fail(refused(fmt::format("HTTP {}", response->status)));
  }
  if (response->status >= 300) {
    Error error = ClassifyHttp(response->status, "");
    return Fail(Error{error.code,
                      fmt::format("OpenMRS {}: HTTP {} while signing in", where, response->status),
                      ""});
  }
  const json body = json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("authenticated") || !body["authenticated"].is_boolean()) {
    return Fail(Error::Unavailable(fmt::format(
        "OpenMRS {}: the answer is not a session (no \"authenticated\"); is openmrs_base_url "
        "the address before /openmrs?",
        where)));
  }
  if (!body["authenticated"].get<bool>()) return Fail(refused("\"authenticated\": false"));
  std::string id;
  if (const auto it = response->headers.find("set-cookie"); it != response->headers.end()) {
    id = SessionIdFrom(it->second);
  }
  // OpenMRS's sessionId is the servlet session's id, which is the cookie's value.
  if (id.empty() && body.contains("sessionId") && body["sessionId"].is_string()) {
    id = body["sessionId"].get<std::string>();
  }
  if (id.empty()) {
    return Fail(Error::Unavailable(
        fmt::format("OpenMRS {}: signed in, but no JSESSIONID cookie came back", where)));
  }
  return "JSESSIONID=" + id;
}

}  // namespace avni::openmrs
