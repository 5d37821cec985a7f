#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "http/client.hpp"
#include "openmrs/config.hpp"

// Internal to the OpenMRS client: the signed-in session its requests carry.
namespace avni::openmrs {

// Signs in once with HTTP Basic (GET /openmrs/ws/rest/v1/session) and keeps the JSESSIONID
// cookie OpenMRS set, so that later requests carry the cookie only (webservices.rest refuses a
// dead cookie even when Basic credentials come with it). Thread-safe: one login at a time;
// callers waiting for it share its cookie.
class Session {
 public:
  Session(http::Client& http, const OpenmrsConfig& config);

  // "JSESSIONID=<id>", signing in first when there is none. A refused sign-in
  // ("authenticated": false, or a 401/403) is kUnauthenticated naming the user, never the
  // password.
  Result<std::string> Cookie();
  // OpenMRS refused `cookie` (expired, signed out): the next Cookie signs in again, unless
  // another caller already replaced it.
  void Invalidate(std::string_view cookie);
  std::int64_t Logins() const;

 private:
  Result<std::string> LoginLocked();

  http::Client& http_;
  const OpenmrsConfig& config_;
  mutable std::mutex mutex_;
  std::string cookie_;       // guarded by mutex_
  std::int64_t logins_ = 0;  // guarded by mutex_
};

// A failed call to `where` ("GET /openmrs/ws/rest/v1/patient"): "OpenMRS <where>: <message>",
// or, when the target policy refused the address, "openmrs_base_url: <message>" (still
// IsRefusedTarget), so that the setting to change comes first.
Error CallFailed(std::string_view where, const Error& error);

}  // namespace avni::openmrs
