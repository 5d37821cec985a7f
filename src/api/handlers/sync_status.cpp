// The cursors (sync status, watermark) of a tenant's flows: how far each entity type's source
// has been read. Administrators rewind or set one, or remove it so that the next run reads from
// the beginning.
//
// A cursor never changes under a running flow: the change takes the flow's lock (the one its
// runner holds while it runs) inside its own transaction, and is refused with 409 while the flow
// holds it. A flow commits its cursor with each page, so a change made meanwhile would be lost.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/handlers/sync_common.hpp"
#include "api/json_body.hpp"
#include "api/paging.hpp"
#include "api/routes.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

using nlohmann::json;

constexpr const char* kLockOwner = "api";
constexpr std::chrono::seconds kLockTtl{30};
constexpr std::size_t kMaxCursorText = 1000;

json StatusJson(const SyncStatus& s, bool running) {
  return {{"entity_type", s.entity_type},
          {"read_upto_time", TimeJson(s.read_upto_time)},
          {"read_upto_id", s.read_upto_id},
          {"read_upto_numeric", s.read_upto_numeric ? json(*s.read_upto_numeric) : json()},
          {"read_upto_marker", s.read_upto_marker ? json(*s.read_upto_marker) : json()},
          {"updated_at", TimeJson(s.updated_at)},
          {"running", running}};
}

// What the audit log keeps: the cursor without the time it was written.
std::string AuditJson(const SyncStatus& s) {
  json out = StatusJson(s, false);
  out.erase("updated_at");
  out.erase("running");
  return Dump(out);
}

// The entity type of the path: what flows name their cursors by.
Status CheckEntityType(const std::string& entity_type) {
  std::size_t chars = 0;
  for (unsigned char c : entity_type) chars += (c & 0xC0) != 0x80;
  if (entity_type.empty() || chars > kMaxEntityType) {
    return Fail(Error::InvalidArgument(
        "entity_type", fmt::format("entity_type must have 1 to {} characters", kMaxEntityType)));
  }
  try {
    (void)json(entity_type).dump();
  } catch (const json::exception&) {
    return Fail(Error::InvalidArgument("entity_type", "entity_type is not valid UTF-8 text"));
  }
  return {};
}

struct StatusRow {
  SyncStatus status;
  bool running = false;
};

Result<Response> ListSyncStatus(Services& services, Request& request) {
  auto page = ParsePage(request, {"entity_type", "updated_at"}, "entity_type");
  if (!page) return Fail(page.error());
  const Timestamp now = services.clock.Now();
  auto rows = services.store.Read([&](store::Tx& tx) -> Result<std::vector<StatusRow>> {
    auto repo = tx.tenant(*request.tenant).sync_status();
    auto statuses = repo.List();
    if (!statuses) return Fail(statuses.error());
    std::vector<StatusRow> out;
    for (auto& s : *statuses) {
      auto lock = repo.GetLock(s.entity_type);
      if (!lock) return Fail(lock.error());
      const bool running = lock->has_value() && (*lock)->expires_at > now;
      out.push_back({std::move(s), running});
    }
    return out;
  });
  if (!rows) return Fail(rows.error());
  std::vector<json> items;
  for (const auto& row : *rows) items.push_back(StatusJson(row.status, row.running));
  return JsonResponse(200, PageOf(std::move(items), *page));
}

// The body of a PUT: the cursor as it is to be, whole (fields left out are cleared).
Result<SyncStatus> ReadCursor(const Request& request, const std::string& entity_type) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  SyncStatus s;
  s.entity_type = entity_type;
  auto time = body->OptionalString("read_upto_time", 100);
  if (!time) return Fail(time.error());
  auto id = body->OptionalString("read_upto_id", kMaxCursorText);
  if (!id) return Fail(id.error());
  auto numeric = body->OptionalInt("read_upto_numeric");
  if (!numeric) return Fail(numeric.error());
  auto marker = body->OptionalString("read_upto_marker", kMaxCursorText);
  if (!marker) return Fail(marker.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (*time) {
    auto t = ParseIsoTime(**time, "read_upto_time");
    if (!t) return Fail(t.error());
    s.read_upto_time = *t;
  }
  if (*id && !s.read_upto_time) {
    return Fail(
        Error::InvalidArgument("read_upto_id",
                               "read_upto_id breaks ties among records of read_upto_time; send "
                               "read_upto_time with it"));
  }
  s.read_upto_id = id->value_or("");
  s.read_upto_numeric = *numeric;
  s.read_upto_marker = std::move(*marker);
  if (!s.read_upto_time && !s.read_upto_numeric && !s.read_upto_marker) {
    return Fail(Error::InvalidArgument(
        "read_upto_time",
        "send the cursor: read_upto_time (with read_upto_id), read_upto_numeric or "
        "read_upto_marker; to read from the beginning, DELETE the sync status instead"));
  }
  return s;
}

// Takes the flow's lock for the length of the caller's transaction. Errors: conflict while the
// flow runs.
Status LockFlow(store::SyncStatusRepo& repo, const std::string& entity_type) {
  auto locked = repo.TryLock(entity_type, kLockOwner, kLockTtl);
  if (!locked) return Fail(locked.error());
  if (!*locked) {
    return Fail(Error::Conflict(fmt::format(
        "the {} flow is running; set its cursor when the run has finished", entity_type)));
  }
  return {};
}

// 201 when the entity type had no cursor, 200 otherwise.
Result<Response> PutSyncStatus(Services& services, Request& request) {
  const std::string& entity_type = request.Param("entity_type");
  if (auto ok = CheckEntityType(entity_type); !ok) return Fail(ok.error());
  auto wanted = ReadCursor(request, entity_type);
  if (!wanted) return Fail(wanted.error());
  bool created = false;
  auto stored = services.store.Transact([&](store::Tx& tx) -> Result<SyncStatus> {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.sync_status();
    if (auto ok = LockFlow(repo, entity_type); !ok) return Fail(ok.error());
    auto before = repo.Get(entity_type);
    if (!before) return Fail(before.error());
    created = !before->has_value();
    auto put = repo.Put(*wanted);
    if (!put) return Fail(put.error());
    if (auto ok = repo.Unlock(entity_type, kLockOwner); !ok) return Fail(ok.error());
    auto audited =
        scope.audit().Append(Actor(request), "sync_status.update", "sync_status", entity_type,
                             created ? "" : AuditJson(**before), AuditJson(*put));
    if (!audited) return Fail(audited.error());
    return put;
  });
  if (!stored) return Fail(stored.error());
  return JsonResponse(created ? 201 : 200, StatusJson(*stored, false));
}

Result<Response> DeleteSyncStatus(Services& services, Request& request) {
  const std::string& entity_type = request.Param("entity_type");
  if (auto ok = CheckEntityType(entity_type); !ok) return Fail(ok.error());
  auto done = services.store.Transact([&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(*request.tenant);
    auto repo = scope.sync_status();
    auto before = repo.Get(entity_type);
    if (!before) return Fail(before.error());
    if (!*before) {
      return Fail(Error::NotFound(fmt::format(
          "no sync status for entity type '{}': its source has not been read", entity_type)));
    }
    if (auto ok = LockFlow(repo, entity_type); !ok) return Fail(ok.error());
    if (auto ok = repo.Remove(entity_type); !ok) return Fail(ok.error());
    if (auto ok = repo.Unlock(entity_type, kLockOwner); !ok) return Fail(ok.error());
    auto audited = scope.audit().Append(Actor(request), "sync_status.delete", "sync_status",
                                        entity_type, AuditJson(**before), "");
    if (!audited) return Fail(audited.error());
    return {};
  });
  if (!done) return Fail(done.error());
  return Response{204, ""};
}

}  // namespace

void AddSyncStatusRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/sync-status", Access::kTenantViewer,
                    bind(ListSyncStatus),
                    "How far each entity type's source has been read, and whether its flow runs"});
  routes.push_back({"PUT", "/api/v1/tenants/{tenant}/sync-status/{entity_type}",
                    Access::kTenantAdmin, bind(PutSyncStatus),
                    "Set or rewind an entity type's cursor (409 while its flow runs)"});
  routes.push_back({"DELETE", "/api/v1/tenants/{tenant}/sync-status/{entity_type}",
                    Access::kTenantAdmin, bind(DeleteSyncStatus),
                    "Remove an entity type's cursor: its next run reads from the beginning"});
}

}  // namespace avni::api
