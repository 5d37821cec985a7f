#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/credential.hpp"

namespace avni::store {

struct SqlContext;

// Sign-in sessions, and the look-up of any credential by its token hash. These are the only
// queries that find a row before the tenant is known: the hash is what identifies the caller
// (and, for an API key, its tenant).
class CredentialRepo {
 public:
  explicit CredentialRepo(SqlContext& ctx) : ctx_(ctx) {}

  // Errors: not_found (no such user).
  Result<Session> CreateSession(RowId user_id, std::string_view token_hash, Timestamp expires_at,
                                std::string_view address);
  // nullopt when there is no such session or it has expired (as of the store's clock).
  Result<std::optional<Session>> FindSession(std::string_view token_hash);
  // Moves last_seen_at to now and expires_at to `expires_at`.
  Status TouchSession(RowId session_id, Timestamp expires_at);
  Status DeleteSession(std::string_view token_hash);
  // Every session of the user but `keep_id` (after a password change); answers how many.
  Result<std::int64_t> DeleteUserSessions(RowId user_id, std::optional<RowId> keep_id);
  Result<std::int64_t> DeleteExpiredSessions();

  // nullopt when no key has that hash or it was revoked.
  Result<std::optional<ApiKey>> FindApiKey(std::string_view key_hash);
  Status TouchApiKey(RowId key_id);

 private:
  SqlContext& ctx_;
};

// A tenant's API keys.
class ApiKeyRepo {
 public:
  ApiKeyRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Errors: invalid_argument (empty name), conflict (name taken in this tenant).
  Result<ApiKey> Create(std::string_view name, std::string_view prefix, std::string_view key_hash,
                        Role role, std::optional<RowId> created_by);
  Result<ApiKey> Get(RowId id);
  // Newest first, revoked ones included.
  Result<std::vector<ApiKey>> List();
  // Errors: not_found. Revoking a revoked key changes nothing.
  Result<ApiKey> Revoke(RowId id);

 private:
  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
