#include "auth/authenticator.hpp"

#include <sodium.h>

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "crypto/password.hpp"
#include "crypto/secret_box.hpp"
#include "store/store.hpp"
#include "store/user_repo.hpp"

namespace avni::auth {
namespace {

constexpr std::string_view kApiKeyPrefix = "avk_";

std::string Hex(const unsigned char* data, std::size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return Hex(digest, sizeof digest);
}

Error BadCredentials() { return Error{ErrorCode::kUnauthenticated, "wrong email or password", {}}; }

}  // namespace

std::string Principal::display() const {
  if (api_key) return fmt::format("api-key:{}", api_key->id);
  if (user) return fmt::format("user:{}", user->email);
  return "anonymous";
}

Authenticator::Authenticator(store::Store& store, const Clock& clock, AuthOptions options)
    : store_(store),
      clock_(clock),
      options_(options),
      by_email_(clock, options.max_failures_per_email, options.failure_window),
      by_address_(clock, options.max_failures_per_address, options.failure_window),
      dummy_hash_(HashPassword("not a password of anyone").value_or("")) {}

std::string Authenticator::HashToken(std::string_view token) { return Sha256Hex(token); }

std::string Authenticator::CsrfToken(std::string_view session_token) {
  return Sha256Hex(fmt::format("csrf:{}", session_token)).substr(0, 43);
}

bool Authenticator::CsrfMatches(std::string_view session_token, std::string_view presented) {
  const std::string expected = CsrfToken(session_token);
  return presented.size() == expected.size() &&
         sodium_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

std::pair<std::string, std::string> Authenticator::NewApiKey() {
  std::string key = std::string(kApiKeyPrefix) + NewToken(32);
  std::string prefix = key.substr(0, kApiKeyPrefix.size() + 6);
  return {std::move(key), std::move(prefix)};
}

Result<LoginResult> Authenticator::Login(std::string_view email, std::string_view password,
                                         std::string_view address,
                                         std::chrono::seconds* retry_after) {
  auto normalised = store::NormaliseEmail(email);
  const std::string email_key = normalised ? *normalised : std::string(email);
  const std::string address_key(address);
  if (auto wait = Throttled(email_key, address_key)) {
    if (retry_after) *retry_after = *wait;
    return Fail(
        Error{ErrorCode::kRateLimited,
              fmt::format("too many failed sign-ins; try again in {} seconds", wait->count()),
              {}});
  }

  std::optional<User> user;
  if (normalised) {
    auto found = store_.Read([&](store::Tx& tx) { return tx.users().FindByEmail(*normalised); });
    if (found) {
      user = *found;
    } else if (found.error().code != ErrorCode::kNotFound) {
      return Fail(found.error());
    }
  }
  // Verify even when there is no such user, so that the answer takes as long either way.
  const bool ok = VerifyPassword(user ? user->password_hash : dummy_hash_, password);
  if (!user || !ok || !user->active) {
    CountFailure(email_key, address_key);
    return Fail(BadCredentials());
  }
  by_email_.Reset(email_key);

  LoginResult result;
  result.token = NewToken(32);
  result.csrf_token = CsrfToken(result.token);
  result.user = *user;
  const Timestamp expires = clock_.Now() + options_.session_idle;
  auto session = store_.Transact([&](store::Tx& tx) {
    return tx.credentials().CreateSession(user->id, HashToken(result.token), expires, address);
  });
  if (!session) return Fail(session.error());
  result.session = *session;
  return result;
}

Status Authenticator::CheckCurrentPassword(const User& user, std::string_view password,
                                           std::string_view address,
                                           std::chrono::seconds* retry_after) {
  const std::string address_key(address);
  if (auto wait = Throttled(user.email, address_key)) {
    if (retry_after) *retry_after = *wait;
    return Fail(
        Error{ErrorCode::kRateLimited,
              fmt::format("too many wrong passwords; try again in {} seconds", wait->count()),
              {}});
  }
  if (!VerifyPassword(user.password_hash, password)) {
    CountFailure(user.email, address_key);
    return Fail(Error::InvalidArgument("current_password", "current_password is wrong"));
  }
  return {};
}

std::optional<std::chrono::seconds> Authenticator::Throttled(const std::string& email,
                                                             const std::string& address) {
  auto wait = by_email_.RetryAfter(email);
  if (!wait) wait = by_address_.RetryAfter(address);
  return wait;
}

void Authenticator::CountFailure(const std::string& email, const std::string& address) {
  by_email_.RecordFailure(email);
  by_address_.RecordFailure(address);
}

Result<Principal> Authenticator::Authenticate(std::string_view token, bool via_cookie) {
  if (token.empty()) return Fail(Error{ErrorCode::kUnauthenticated, "sign in first", {}});
  const std::string hash = HashToken(token);
  Principal principal;
  if (token.starts_with(kApiKeyPrefix) && !via_cookie) {
    auto key = store_.Read([&](store::Tx& tx) { return tx.credentials().FindApiKey(hash); });
    if (!key) return Fail(key.error());
    if (!*key) {
      return Fail(Error{ErrorCode::kUnauthenticated, "unknown or revoked API key", {}});
    }
    principal.kind = Principal::Kind::kApiKey;
    principal.api_key = **key;
    // Recording use is best effort: a failure here must not refuse the request.
    if (auto touched = store_.Transact(
            [&](store::Tx& tx) { return tx.credentials().TouchApiKey((*key)->id); });
        !touched) {
      spdlog::warn("could not record the use of API key {}: {}", (*key)->id,
                   touched.error().message);
    }
    return principal;
  }

  auto found = store_.Read([&](store::Tx& tx) -> Result<std::pair<Session, User>> {
    auto session = tx.credentials().FindSession(hash);
    if (!session) return Fail(session.error());
    if (!*session)
      return Fail(Error{ErrorCode::kUnauthenticated, "session expired; sign in again", {}});
    auto user = tx.users().Get((*session)->user_id);
    if (!user) return Fail(user.error());
    return std::make_pair(**session, *user);
  });
  if (!found) {
    if (found.error().code == ErrorCode::kNotFound) {
      return Fail(Error{ErrorCode::kUnauthenticated, "session expired; sign in again", {}});
    }
    return Fail(found.error());
  }
  auto& [session, user] = *found;
  if (!user.active) return Fail(Error{ErrorCode::kUnauthenticated, "this user is deactivated", {}});

  // Slide the expiry, at most once a minute per session so that reads stay reads.
  const Timestamp now = clock_.Now();
  if (now - session.last_seen_at >= std::chrono::minutes(1)) {
    const Timestamp expires =
        std::min(now + options_.session_idle, session.created_at + options_.session_max);
    if (auto touched = store_.Transact(
            [&](store::Tx& tx) { return tx.credentials().TouchSession(session.id, expires); });
        touched) {
      session.last_seen_at = now;
      session.expires_at = expires;
    }
  }
  principal.kind = Principal::Kind::kUser;
  principal.user = user;
  principal.session = session;
  principal.via_cookie = via_cookie;
  return principal;
}

Status Authenticator::Logout(std::string_view token) {
  const std::string hash = HashToken(token);
  return store_.Transact([&](store::Tx& tx) { return tx.credentials().DeleteSession(hash); });
}

}  // namespace avni::auth
