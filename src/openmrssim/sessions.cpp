#include "openmrssim/sessions.hpp"

#include <fmt/format.h>

namespace avni::openmrssim {

SessionStore::SessionStore(std::uint64_t seed, std::chrono::seconds idle)
    : rng_(seed ^ 0x5E55105ULL), idle_(idle) {}

SessionStore::Found SessionStore::Touch(const std::string& id, Timestamp now) {
  std::lock_guard lock(mutex_);
  if (id.empty()) return {};
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return {Lookup::kExpired, ""};
  if (now - it->second.last_used > idle_) {
    sessions_.erase(it);
    ++expired_;
    return {Lookup::kExpired, ""};
  }
  it->second.last_used = now;
  return {Lookup::kValid, it->second.user};
}

std::string SessionStore::Create(const std::string& user, Timestamp now) {
  std::lock_guard lock(mutex_);
  // Tomcat's ids: 32 upper-case hex digits.
  std::string id = fmt::format("{:016X}{:016X}", rng_(), rng_());
  sessions_[id] = Session{user, now};
  if (++created_ % 1024 == 0) PruneLocked(now);
  return id;
}

void SessionStore::SignIn(const std::string& id, const std::string& user) {
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it != sessions_.end()) it->second.user = user;
}

void SessionStore::Invalidate(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

void SessionStore::ExpireAll() {
  std::lock_guard lock(mutex_);
  expired_ += sessions_.size();
  sessions_.clear();
}

void SessionStore::SetIdle(std::chrono::seconds idle) {
  std::lock_guard lock(mutex_);
  idle_ = idle;
}

void SessionStore::PruneLocked(Timestamp now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_used > idle_) {
      it = sessions_.erase(it);
      ++expired_;
    } else {
      ++it;
    }
  }
}

nlohmann::json SessionStore::Describe(Timestamp now) const {
  std::lock_guard lock(mutex_);
  std::size_t signed_in = 0;
  std::size_t live = 0;
  for (const auto& [id, session] : sessions_) {
    if (now - session.last_used > idle_) continue;
    ++live;
    if (!session.user.empty()) ++signed_in;
  }
  return {{"live", live},
          {"signed_in", signed_in},
          {"created", created_},
          {"expired", expired_},
          {"idle_seconds", idle_.count()}};
}

}  // namespace avni::openmrssim
