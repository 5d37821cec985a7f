#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "avni/config.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "http/client.hpp"

// The client of one Avni server (avni-server's external API, /api/...), as one tenant's
// configuration reaches it. JSON stays inside: records are handed out as text.
namespace avni::avniapi {

enum class Resource {
  kSubject,
  kEncounter,
  kProgramEnrolment,
  kProgramEncounter,
  kGroupSubject,
  kLocation,
  kTask,
};
// "subject", "encounter", "programEnrolment", ... (the singular of Avni's path).
std::string_view ResourceName(Resource resource);

// One entity as Avni answered it.
struct Record {
  std::string id;                          // "ID" (a UUID)
  std::string external_id;                 // "External ID"; empty when none
  std::optional<Timestamp> last_modified;  // audit."Last modified at"
  bool voided = false;
  std::string body;  // the entity's JSON, keys exactly as Avni sent them
};

// One page of a read. `since` and `now` bound the window by last-modified time, both
// exclusive (avni-server's contract); keep `now` fixed while paging one window with `page`.
// Without `now`, the window ends at the client's clock minus avni_read_lag_seconds.
struct ListQuery {
  std::optional<Timestamp> since;
  std::optional<Timestamp> now;
  std::int64_t page = 0;
  std::int64_t size = 100;
  // The resource's own filters, e.g. {"subjectType", "Individual"}, {"concepts", R"({"X":"1"})"}.
  std::vector<std::pair<std::string, std::string>> filters;
};

struct RecordPage {
  std::vector<Record> records;  // in Avni's order: last modified, then its internal id
  std::int64_t total_pages = 0;
  bool last = true;  // no further page in this window
};

struct WriteOptions {
  std::optional<int> version;  // ?version=N on a subject POST (1..3)
  // A POST without an External ID always creates, so a retry duplicates the entity. Refused
  // unless the caller says it knows (there is no key to upsert by).
  bool allow_without_external_id = false;
};

struct ClientStats {
  std::int64_t requests = 0;
  std::int64_t logins = 0;
  std::int64_t refreshes = 0;
  std::int64_t retried_after_auth_failure = 0;
};

// Thread-safe. Every call authenticates (logging in first, or again once after a 401 or a
// TokenExpiredException), and classifies failures the way the sync engine reads them:
// kUnavailable / kUnauthenticated / kRateLimited are availability (retry later); other codes
// are about the data (kInvalidArgument for Avni's 400s and validation 500s, kConflict for 409).
// A server whose address `http_options.targets` refuses is an availability failure whose
// message starts with the setting to change ("avni_api_url: ..."): the run fails saying so,
// and no record is parked for it.
class Client {
 public:
  Client(AvniConfig config, const Clock& clock, http::ClientOptions http_options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Logs in (or reuses the cached token) and says how: "cognito", "keycloak" or "none".
  Result<std::string> Login();

  // One page of a resource. Filters the resource does not take, or a combination avni-server
  // refuses (program enrolments), are kInvalidArgument before anything is sent.
  Result<RecordPage> List(Resource resource, const ListQuery& query);
  // By UUID or External ID; nullopt when Avni has none (404).
  Result<std::optional<Record>> Get(Resource resource, std::string_view id_or_external_id);

  // POST: with a non-empty "External ID" in the body avni-server updates the entity that has
  // it, so a retried write never duplicates.
  Result<Record> Create(Resource resource, std::string_view body_json, WriteOptions options = {});
  // PUT: replaces the entity (by UUID or External ID).
  Result<Record> Replace(Resource resource, std::string_view id, std::string_view body_json);
  // PATCH: only the keys sent change; a null observation removes it.
  Result<Record> Patch(Resource resource, std::string_view id, std::string_view body_json);
  // DELETE: avni-server voids the entity (it stays, with "Voided": true).
  Result<Record> Void(Resource resource, std::string_view id);

  ClientStats Stats() const;
  const AvniConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avni::avniapi
