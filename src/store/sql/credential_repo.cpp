#include "store/credential_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxKeyName = 200;
// Hashes are hex SHA-256 (64 characters) and prefixes a few characters; the limits only keep
// out what cannot be one.
constexpr std::size_t kMaxHash = 200;
constexpr std::size_t kMaxPrefix = 50;

constexpr const char* kSelectSession =
    "SELECT id, user_id, token_hash, created_at, last_seen_at, expires_at, address "
    "FROM sessions ";

constexpr const char* kSelectKey =
    "SELECT id, tenant_id, name, prefix, key_hash, role, created_by, created_at, last_used_at, "
    "revoked_at FROM api_keys ";

struct SessionRow {
  long long id = 0, user_id = 0;
  std::string token_hash;
  long long created_at = 0, last_seen_at = 0, expires_at = 0;
  std::string address;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(token_hash));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(last_seen_at));
    st.exchange(soci::into(expires_at));
    st.exchange(soci::into(address));
  }
  Session ToSession() const {
    return Session{id,
                   user_id,
                   token_hash,
                   AtMillis(created_at),
                   AtMillis(last_seen_at),
                   AtMillis(expires_at),
                   address};
  }
};

struct KeyRow {
  long long id = 0, tenant_id = 0;
  std::string name, prefix, key_hash, role;
  NullableInt64 created_by;
  long long created_at = 0;
  NullableInt64 last_used_at, revoked_at;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(prefix));
    st.exchange(soci::into(key_hash));
    st.exchange(soci::into(role));
    st.exchange(soci::into(created_by.value, created_by.ind));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(last_used_at.value, last_used_at.ind));
    st.exchange(soci::into(revoked_at.value, revoked_at.ind));
  }
  Result<ApiKey> ToApiKey() const {
    // The CHECK constraint of api_keys.role admits only the names ParseRole knows.
    auto parsed = ParseRole(role);
    if (!parsed) {
      return Fail(Error::Internal(fmt::format("API key {} has an unknown role '{}'", id, role)));
    }
    ApiKey key;
    key.id = id;
    key.tenant_id = TenantId{tenant_id};
    key.name = name;
    key.prefix = prefix;
    key.key_hash = key_hash;
    key.role = *parsed;
    key.created_by = created_by.get();
    key.created_at = AtMillis(created_at);
    if (auto used = last_used_at.get()) key.last_used_at = AtMillis(*used);
    if (auto revoked = revoked_at.get()) key.revoked_at = AtMillis(*revoked);
    return key;
  }
};

Error KeyNotFound(RowId id) { return Error::NotFound(fmt::format("no API key with id {}", id)); }
Error KeyNameTaken(std::string_view name) {
  return Error::Conflict(fmt::format(
      "an API key named '{}' already exists in this tenant; choose another name", name));
}

}  // namespace

// The user is looked for before inserting: on PostgreSQL a failed foreign key spoils the
// caller's whole transaction, and the answer should say what is missing.
Result<Session> CredentialRepo::CreateSession(RowId user_id, std::string_view token_hash,
                                              Timestamp expires_at, std::string_view address) {
  if (auto ok = CheckText("token_hash", token_hash, kMaxHash); !ok) return Fail(ok.error());
  if (auto ok = CheckUserExists(ctx_, user_id); !ok) return Fail(ok.error());
  const long long now = ctx_.NowMillis();
  auto id = QueryValue<long long>(ctx_.sql,
                                  "INSERT INTO sessions (token_hash, user_id, created_at, "
                                  "last_seen_at, expires_at, address) VALUES (:hash, :user, "
                                  ":created, :seen, :expires, :address) RETURNING id",
                                  std::string(token_hash), user_id, now, now, Millis(expires_at),
                                  std::string(address));
  // Read back by id, not by hash: a session made already expired is still the one made.
  auto row = QueryOne<SessionRow>(ctx_.sql, std::string(kSelectSession) + "WHERE id = :id", *id);
  if (!row) return Fail(Error::Internal(fmt::format("session {} vanished after insert", *id)));
  return row->ToSession();
}

Result<std::optional<Session>> CredentialRepo::FindSession(std::string_view token_hash) {
  auto row = QueryOne<SessionRow>(
      ctx_.sql, std::string(kSelectSession) + "WHERE token_hash = :hash AND expires_at > :now",
      std::string(token_hash), ctx_.NowMillis());
  if (!row) return std::optional<Session>();
  return std::optional<Session>(row->ToSession());
}

Status CredentialRepo::TouchSession(RowId session_id, Timestamp expires_at) {
  if (Exec(ctx_.sql,
           "UPDATE sessions SET last_seen_at = :now, expires_at = :expires WHERE id = :id",
           ctx_.NowMillis(), Millis(expires_at), session_id) == 0) {
    return Fail(Error::NotFound(fmt::format("no session with id {}", session_id)));
  }
  return {};
}

Status CredentialRepo::DeleteSession(std::string_view token_hash) {
  Exec(ctx_.sql, "DELETE FROM sessions WHERE token_hash = :hash", std::string(token_hash));
  return {};
}

Result<std::int64_t> CredentialRepo::DeleteUserSessions(RowId user_id,
                                                        std::optional<RowId> keep_id) {
  // One statement for both cases: the kept id is ignored when the flag says there is none.
  return Exec(ctx_.sql,
              "DELETE FROM sessions WHERE user_id = :user AND (:keep_none = 1 OR id <> :keep)",
              user_id, keep_id ? 0 : 1, keep_id.value_or(0));
}

Result<std::int64_t> CredentialRepo::DeleteExpiredSessions() {
  return Exec(ctx_.sql, "DELETE FROM sessions WHERE expires_at <= :now", ctx_.NowMillis());
}

Result<std::optional<ApiKey>> CredentialRepo::FindApiKey(std::string_view key_hash) {
  auto row = QueryOne<KeyRow>(
      ctx_.sql, std::string(kSelectKey) + "WHERE key_hash = :hash AND revoked_at IS NULL",
      std::string(key_hash));
  if (!row) return std::optional<ApiKey>();
  auto key = row->ToApiKey();
  if (!key) return Fail(key.error());
  return std::optional<ApiKey>(std::move(*key));
}

Status CredentialRepo::TouchApiKey(RowId key_id) {
  if (Exec(ctx_.sql, "UPDATE api_keys SET last_used_at = :now WHERE id = :id", ctx_.NowMillis(),
           key_id) == 0) {
    return Fail(KeyNotFound(key_id));
  }
  return {};
}

// Clashes and missing rows are looked for before writing, for the same reason as in
// CreateSession; the unique constraints still guard a key made meanwhile.
Result<ApiKey> ApiKeyRepo::Create(std::string_view name, std::string_view prefix,
                                  std::string_view key_hash, Role role,
                                  std::optional<RowId> created_by) {
  if (auto ok = CheckText("name", name, kMaxKeyName); !ok) return Fail(ok.error());
  if (auto ok = CheckText("prefix", prefix, kMaxPrefix); !ok) return Fail(ok.error());
  if (auto ok = CheckText("key_hash", key_hash, kMaxHash); !ok) return Fail(ok.error());
  if (auto ok = CheckTenantExists(ctx_, tenant_); !ok) return Fail(ok.error());
  if (created_by) {
    if (auto ok = CheckUserExists(ctx_, *created_by); !ok) return Fail(ok.error());
  }
  // Named locals: SOCI binds by reference and runs the statement after the full expression.
  long long tenant = tenant_.value, now = ctx_.NowMillis(), id = 0;
  std::string n(name), p(prefix), h(key_hash), r(ToString(role));
  if (QueryValue<long long>(ctx_.sql,
                            "SELECT COUNT(*) FROM api_keys WHERE tenant_id = :tenant AND "
                            "name = :name",
                            tenant, n)
          .value_or(0) > 0) {
    return Fail(KeyNameTaken(name));
  }
  NullableInt64 creator = created_by ? NullableInt64{*created_by, soci::i_ok} : NullableInt64{};
  try {
    ctx_.sql << "INSERT INTO api_keys (tenant_id, name, prefix, key_hash, role, created_by, "
                "created_at) VALUES (:tenant, :name, :prefix, :hash, :role, :created_by, :now) "
                "RETURNING id",
        soci::into(id), soci::use(tenant), soci::use(n), soci::use(p), soci::use(h), soci::use(r),
        soci::use(creator.value, creator.ind), soci::use(now);
  } catch (const std::exception& e) {
    if (Classify(e) == SqlFailure::kUnique) {
      return Fail(Error::Conflict(
          fmt::format("an API key named '{}' was created meanwhile, or its key is already in use; "
                      "choose another name or make a new key",
                      name)));
    }
    throw;
  }
  return Get(id);
}

Result<ApiKey> ApiKeyRepo::Get(RowId id) {
  auto row =
      QueryOne<KeyRow>(ctx_.sql, std::string(kSelectKey) + "WHERE tenant_id = :tenant AND id = :id",
                       tenant_.value, id);
  if (!row) return Fail(KeyNotFound(id));
  return row->ToApiKey();
}

Result<std::vector<ApiKey>> ApiKeyRepo::List() {
  std::vector<ApiKey> out;
  for (const auto& row : QueryAll<KeyRow>(
           ctx_.sql,
           std::string(kSelectKey) + "WHERE tenant_id = :tenant ORDER BY created_at DESC, id DESC",
           tenant_.value)) {
    auto key = row.ToApiKey();
    if (!key) return Fail(key.error());
    out.push_back(std::move(*key));
  }
  return out;
}

Result<ApiKey> ApiKeyRepo::Revoke(RowId id) {
  // The first revocation's time is kept: revoking again changes nothing.
  Exec(ctx_.sql,
       "UPDATE api_keys SET revoked_at = :now WHERE tenant_id = :tenant AND id = :id AND "
       "revoked_at IS NULL",
       ctx_.NowMillis(), tenant_.value, id);
  return Get(id);
}

}  // namespace avni::store
