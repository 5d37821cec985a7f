#include "store/config_repo.hpp"

#include <fmt/format.h>

#include "crypto/secret_box.hpp"
#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxKey = 200;

constexpr const char* kSelect =
    "SELECT key, value, is_secret, updated_at FROM tenant_config WHERE tenant_id = :tenant ";

struct ConfigRow {
  std::string key, value;
  int is_secret = 0;
  long long updated_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(key));
    st.exchange(soci::into(value));
    st.exchange(soci::into(is_secret));
    st.exchange(soci::into(updated_at));
  }
};

Error NoSecretBox(std::string_view key) {
  return Error::FailedPrecondition(fmt::format(
      "config value '{}' is secret and this store has no secret key to seal or open it; start "
      "the service with its secret key (AVNI_INT_SECRET_KEY or the key file)",
      key));
}

// Opens a stored secret. A value sealed under another key is an error for the person who
// configured the keys, never a crash.
Result<ConfigEntry> ToEntry(const SecretBox* secrets, const ConfigRow& row) {
  ConfigEntry entry{row.key, row.value, row.is_secret != 0, AtMillis(row.updated_at)};
  if (!entry.is_secret) return entry;
  if (secrets == nullptr) return Fail(NoSecretBox(row.key));
  auto plain = secrets->Open(row.value);
  if (!plain) {
    return Fail(Error::FailedPrecondition(
        fmt::format("config value '{}' cannot be read: {}", row.key, plain.error().message)));
  }
  entry.value = std::move(*plain);
  return entry;
}

}  // namespace

Result<ConfigEntry> ConfigRepo::Get(std::string_view key) {
  auto row = QueryOne<ConfigRow>(ctx_.sql, std::string(kSelect) + "AND key = :key", tenant_.value,
                                 std::string(key));
  if (!row) return Fail(Error::NotFound(fmt::format("no config value named '{}'", key)));
  return ToEntry(ctx_.secrets, *row);
}

Result<std::vector<ConfigEntry>> ConfigRepo::List() {
  std::vector<ConfigEntry> out;
  for (const auto& row :
       QueryAll<ConfigRow>(ctx_.sql, std::string(kSelect) + "ORDER BY key", tenant_.value)) {
    auto entry = ToEntry(ctx_.secrets, row);
    if (!entry) return Fail(entry.error());
    out.push_back(std::move(*entry));
  }
  return out;
}

Result<TenantConfig> ConfigRepo::Read() {
  auto entries = List();
  if (!entries) return Fail(entries.error());
  TenantConfig::Values values;
  for (auto& entry : *entries) {
    values.emplace(std::move(entry.key),
                   TenantConfig::Value{std::move(entry.value), entry.is_secret});
  }
  return TenantConfig(std::move(values));
}

Result<ConfigEntry> ConfigRepo::Set(std::string_view key, std::string_view value, bool is_secret) {
  if (auto ok = CheckText("key", key, kMaxKey); !ok) return Fail(ok.error());
  if (is_secret && ctx_.secrets == nullptr) return Fail(NoSecretBox(key));
  if (auto ok = CheckTenantExists(ctx_, tenant_); !ok) return Fail(ok.error());
  const std::string stored = is_secret ? ctx_.secrets->Seal(value) : std::string(value);
  const long long now = ctx_.NowMillis();
  Exec(ctx_.sql,
       "INSERT INTO tenant_config (tenant_id, key, value, is_secret, updated_at) "
       "VALUES (:tenant, :key, :value, :secret, :now) ON CONFLICT (tenant_id, key) DO UPDATE "
       "SET value = excluded.value, is_secret = excluded.is_secret, "
       "updated_at = excluded.updated_at",
       tenant_.value, std::string(key), stored, is_secret ? 1 : 0, now);
  return ConfigEntry{std::string(key), std::string(value), is_secret, AtMillis(now)};
}

Status ConfigRepo::Remove(std::string_view key) {
  if (Exec(ctx_.sql, "DELETE FROM tenant_config WHERE tenant_id = :tenant AND key = :key",
           tenant_.value, std::string(key)) == 0) {
    return Fail(Error::NotFound(fmt::format("no config value named '{}'", key)));
  }
  return {};
}

}  // namespace avni::store
