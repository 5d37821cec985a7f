// A tenant's config: list it (secrets masked), replace it whole, set or remove one key.
//
// Secret values are write-only: every response and audit entry shows them as "***". A secret
// item sent back with the value "***" keeps what is stored, so an admin app can GET the config,
// edit some values and PUT the whole list back without knowing (or wiping) the secrets.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "domain/alert_config.hpp"
#include "domain/retention_policy.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

constexpr const char* kMask = "***";
constexpr std::size_t kMaxKey = 200;  // the schema's limit
constexpr std::size_t kMaxValue = 10'000;
constexpr std::size_t kMaxItems = 1'000;

// A key named like a credential is stored sealed whatever the caller says: a forgotten
// is_secret must not leave a password in plain text.
bool NameSaysSecret(std::string_view key) {
  std::string lower(key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view word : {"password", "secret", "token"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

nlohmann::json EntryJson(const ConfigEntry& entry) {
  return {{"key", entry.key},
          {"value", entry.is_secret ? kMask : entry.value},
          {"is_secret", entry.is_secret},
          {"updated_at", TimeJson(entry.updated_at)}};
}

// What the audit log keeps of an entry: as the API shows it, without the time.
std::string AuditJson(const ConfigEntry& entry) {
  return Dump({{"key", entry.key},
               {"value", entry.is_secret ? kMask : entry.value},
               {"is_secret", entry.is_secret}});
}

nlohmann::json ListJson(const std::vector<ConfigEntry>& entries) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : entries) items.push_back(EntryJson(e));
  return {{"items", std::move(items)}};
}

// A key from a path or a body: required, UTF-8, at most kMaxKey characters. Checked here so
// that a bad key is a 400 naming `field` before any query sees it.
Status CheckKey(const std::string& key, const std::string& field) {
  if (key.empty()) return Fail(Error::InvalidArgument(field, field + " is required"));
  try {
    (void)nlohmann::json(key).dump();
  } catch (const nlohmann::json::exception&) {
    return Fail(Error::InvalidArgument(field, field + " is not valid UTF-8 text"));
  }
  std::size_t chars = 0;
  for (unsigned char c : key) chars += (c & 0xC0) != 0x80;
  if (chars > kMaxKey) {
    return Fail(Error::InvalidArgument(
        field, fmt::format("{} must have at most {} characters", field, kMaxKey)));
  }
  return {};
}

// One key as the caller wants it. `field` is the prefix of its fields in error messages
// ("items[2]." in a list, "" for a single key).
struct Wanted {
  std::string key;
  std::string value;
  std::optional<bool> is_secret;
  std::string field;
};

// A URL the service will call (a key ending in _url or _endpoint) whose host is a literal
// address the operator's target policy refuses, or localhost, is refused as it is written,
// naming the key, the address and the flag that would allow it. Names are not resolved here:
// the HTTP client checks every connection it opens.
Status CheckTarget(const Services& services, const Wanted& want) {
  std::string lower(want.key);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!(lower.ends_with("_url") || lower.ends_with("_endpoint")) || want.value == kMask) return {};
  auto checked = services.options.targets.CheckUrl(want.key, want.value);
  if (checked) return {};
  Error error = checked.error();
  error.field = want.field + "value";
  return Fail(std::move(error));
}

// The keys the service itself reads whose values it can judge as they are written (alert_*,
// retention_*): a bad value is refused naming the key and the form it must take, rather than
// found by the next check.
Status CheckKnownKey(const Wanted& want) {
  if (want.value == kMask) return {};
  const bool secret = want.is_secret.value_or(false) || NameSaysSecret(want.key);
  auto checked = CheckAlertConfigValue(want.key, want.value, secret);
  if (checked) checked = CheckKnownConfigValue(want.key, want.value);
  if (checked) return {};
  Error error = checked.error();
  error.field = want.field + "value";
  return Fail(std::move(error));
}

// What to store for `want`, given what is stored now (nullopt: nothing to write).
//   - is_secret left out keeps the stored flag (a new key: not secret); a key named like a
//     credential is secret regardless;
//   - a secret whose value is "***" keeps its stored value; "***" cannot un-secret a value,
//     since that would reveal it, nor stand for a secret that is not stored.
Result<std::optional<ConfigEntry>> Resolve(const Wanted& want, const ConfigEntry* current) {
  ConfigEntry next{want.key, want.value, false, {}};
  next.is_secret =
      want.is_secret.value_or(current != nullptr && current->is_secret) || NameSaysSecret(want.key);
  if (want.value == kMask) {
    const std::string field = want.field + "value";
    if (current != nullptr && current->is_secret) {
      if (!next.is_secret) {
        return Fail(Error::InvalidArgument(
            field, fmt::format("{} is \"***\", the mask of secret '{}'; to make it not secret, "
                               "send its new value",
                               field, want.key)));
      }
      next.value = current->value;
    } else if (next.is_secret) {
      return Fail(Error::InvalidArgument(
          field, fmt::format("{} is \"***\", which keeps a stored secret, but '{}' has no "
                             "secret value stored; send the real value",
                             field, want.key)));
    }
  }
  if (current != nullptr && current->value == next.value && current->is_secret == next.is_secret) {
    return std::optional<ConfigEntry>();
  }
  return std::optional<ConfigEntry>(std::move(next));
}

// Writes `next` and audits it. `current` is what was stored (null: a new key).
Result<ConfigEntry> Write(store::Tx& tx, const Request& request, const ConfigEntry& next,
                          const ConfigEntry* current) {
  auto scope = tx.tenant(*request.tenant);
  auto stored = scope.config().Set(next.key, next.value, next.is_secret);
  if (!stored) return Fail(stored.error());
  auto audited =
      scope.audit().Append(Actor(request), current ? "config.update" : "config.create", "config",
                           next.key, current ? AuditJson(*current) : "", AuditJson(*stored));
  if (!audited) return Fail(audited.error());
  return stored;
}

Result<Response> GetConfig(Services& services, Request& request) {
  auto entries = services.store.Read(
      [&](store::Tx& tx) { return tx.tenant(*request.tenant).config().List(); });
  if (!entries) return Fail(entries.error());
  return JsonResponse(200, ListJson(*entries));
}

Result<std::vector<Wanted>> ReadItems(const Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto items = body->Array("items");
  if (!items) return Fail(items.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (items->size() > kMaxItems) {
    return Fail(Error::InvalidArgument(
        "items", fmt::format("items may hold at most {} config values", kMaxItems)));
  }
  std::vector<Wanted> wanted;
  std::map<std::string, std::size_t> seen;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const std::string prefix = fmt::format("items[{}].", i);
    const nlohmann::json& item = (*items)[i];
    if (!item.is_object()) {
      return Fail(Error::InvalidArgument(
          fmt::format("items[{}]", i),
          fmt::format("items[{}] must be an object {{key, value, is_secret}}, not {}", i,
                      item.type_name())));
    }
    JsonBody fields(item, prefix);
    auto key = fields.String("key", kMaxKey);
    if (!key) return Fail(key.error());
    if (auto ok = CheckKey(*key, prefix + "key"); !ok) return Fail(ok.error());
    auto value = fields.String("value", kMaxValue);
    if (!value) return Fail(value.error());
    auto is_secret = fields.OptionalBool("is_secret");
    if (!is_secret) return Fail(is_secret.error());
    // Read and ignored, so that the items of a GET can be sent back as they are.
    if (auto at = fields.OptionalString("updated_at", 100); !at) return Fail(at.error());
    if (auto done = fields.Finish(); !done) return Fail(done.error());
    if (auto [it, fresh] = seen.emplace(*key, i); !fresh) {
      return Fail(Error::InvalidArgument(
          prefix + "key", fmt::format("{}key '{}' repeats items[{}].key; each key may appear once",
                                      prefix, *key, it->second)));
    }
    wanted.push_back({std::move(*key), std::move(*value), *is_secret, prefix});
  }
  return wanted;
}

// Listed keys are set, absent ones removed, in one transaction; unchanged keys are not
// rewritten (their updated_at and sealed value stay as they were).
Result<Response> ReplaceConfig(Services& services, Request& request) {
  auto wanted = ReadItems(request);
  if (!wanted) return Fail(wanted.error());
  for (const auto& want : *wanted) {
    if (auto ok = CheckTarget(services, want); !ok) return Fail(ok.error());
    if (auto ok = CheckKnownKey(want); !ok) return Fail(ok.error());
  }
  auto entries = services.store.Transact([&](store::Tx& tx) -> Result<std::vector<ConfigEntry>> {
    auto config = tx.tenant(*request.tenant).config();
    auto listed = config.List();
    if (!listed) return Fail(listed.error());
    std::map<std::string, ConfigEntry> current;
    for (auto& e : *listed) current.emplace(e.key, std::move(e));
    // Every item is resolved before anything is written: a refused item writes nothing.
    std::vector<std::pair<ConfigEntry, const ConfigEntry*>> writes;
    for (const auto& want : *wanted) {
      auto it = current.find(want.key);
      const ConfigEntry* now = it == current.end() ? nullptr : &it->second;
      auto next = Resolve(want, now);
      if (!next) return Fail(next.error());
      if (*next) writes.emplace_back(std::move(**next), now);
    }
    for (const auto& [next, now] : writes) {
      if (auto ok = Write(tx, request, next, now); !ok) return Fail(ok.error());
    }
    for (const auto& [key, entry] : current) {
      const bool kept = std::any_of(wanted->begin(), wanted->end(),
                                    [&](const Wanted& w) { return w.key == key; });
      if (kept) continue;
      if (auto ok = config.Remove(key); !ok) return Fail(ok.error());
      auto audited =
          tx.tenant(*request.tenant)
              .audit()
              .Append(Actor(request), "config.delete", "config", key, AuditJson(entry), "");
      if (!audited) return Fail(audited.error());
    }
    return config.List();
  });
  if (!entries) return Fail(entries.error());
  return JsonResponse(200, ListJson(*entries));
}

// 201 when the key is new, 200 otherwise.
Result<Response> PutConfigValue(Services& services, Request& request) {
  const std::string& key = request.Param("key");
  if (auto ok = CheckKey(key, "key"); !ok) return Fail(ok.error());
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto value = body->String("value", kMaxValue);
  if (!value) return Fail(value.error());
  auto is_secret = body->OptionalBool("is_secret");
  if (!is_secret) return Fail(is_secret.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  const Wanted want{key, std::move(*value), *is_secret, ""};
  if (auto ok = CheckTarget(services, want); !ok) return Fail(ok.error());
  if (auto ok = CheckKnownKey(want); !ok) return Fail(ok.error());

  bool created = false;
  auto entry = services.store.Transact([&](store::Tx& tx) -> Result<ConfigEntry> {
    auto config = tx.tenant(*request.tenant).config();
    std::optional<ConfigEntry> current;
    if (auto got = config.Get(key); got) {
      current = std::move(*got);
    } else if (got.error().code != ErrorCode::kNotFound) {
      return Fail(got.error());
    }
    created = !current;
    auto next = Resolve(want, current ? &*current : nullptr);
    if (!next) return Fail(next.error());
    if (!*next) return *current;
    return Write(tx, request, **next, current ? &*current : nullptr);
  });
  if (!entry) return Fail(entry.error());
  return JsonResponse(created ? 201 : 200, EntryJson(*entry));
}

Result<Response> DeleteConfigValue(Services& services, Request& request) {
  const std::string& key = request.Param("key");
  if (auto ok = CheckKey(key, "key"); !ok) return Fail(ok.error());
  auto done = services.store.Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(*request.tenant);
    auto current = scope.config().Get(key);
    if (!current) return Fail(current.error());
    if (auto ok = scope.config().Remove(key); !ok) return ok;
    auto audited = scope.audit().Append(Actor(request), "config.delete", "config", key,
                                        AuditJson(*current), "");
    if (!audited) return Fail(audited.error());
    return {};
  });
  if (!done) return Fail(done.error());
  return Response{204, ""};
}

}  // namespace

void AddConfigRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/config", Access::kTenantViewer,
                    bind(GetConfig), "The tenant's config, sorted by key; secret values as ***"});
  routes.push_back({"PUT", "/api/v1/tenants/{tenant}/config", Access::kTenantAdmin,
                    bind(ReplaceConfig),
                    "Replace the tenant's config: listed keys are set, absent keys removed; a "
                    "secret sent as *** keeps its stored value"});
  routes.push_back({"PUT", "/api/v1/tenants/{tenant}/config/{key}", Access::kTenantAdmin,
                    bind(PutConfigValue), "Set one config value"});
  routes.push_back({"DELETE", "/api/v1/tenants/{tenant}/config/{key}", Access::kTenantAdmin,
                    bind(DeleteConfigValue), "Remove one config value"});
}

}  // namespace avni::api
