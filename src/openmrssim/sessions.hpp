#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "common/time.hpp"

namespace avni::openmrssim {

// The servlet container's HTTP sessions (JSESSIONID) and who is signed in to each, as Tomcat
// and OpenMRS keep them: a session is made for any request that brings no valid one, a Basic
// sign-in binds a user to it, and it expires after `idle` without a request.
// Thread-safe: every member locks.
class SessionStore {
 public:
  SessionStore(std::uint64_t seed, std::chrono::seconds idle);

  // What a request's cookie names.
  enum class Lookup { kNone, kValid, kExpired };
  struct Found {
    Lookup lookup = Lookup::kNone;
    std::string user;  // "" when the session has no signed-in user
  };
  // Finds (and touches) the session `id` at `now`.
  Found Touch(const std::string& id, Timestamp now);
  // A new session, signed in as `user` ("" for none).
  std::string Create(const std::string& user, Timestamp now);
  void SignIn(const std::string& id, const std::string& user);
  // DELETE /session: the session is gone; its id is then reported as expired.
  void Invalidate(const std::string& id);
  // Every session expires now (the /_sim switch that tests a client's re-login).
  void ExpireAll();
  void SetIdle(std::chrono::seconds idle);

  nlohmann::json Describe(Timestamp now) const;

 private:
  struct Session {
    std::string user;
    Timestamp last_used;
  };
  void PruneLocked(Timestamp now);

  mutable std::mutex mutex_;
  std::mt19937_64 rng_;                      // guarded by mutex_
  std::chrono::seconds idle_;                // guarded by mutex_
  std::map<std::string, Session> sessions_;  // guarded by mutex_
  std::uint64_t created_ = 0;                // guarded by mutex_
  std::uint64_t expired_ = 0;                // guarded by mutex_
};

}  // namespace avni::openmrssim
