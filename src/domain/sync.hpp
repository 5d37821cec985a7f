#pragma once

#include <optional>
#include <string>

#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni {

// Which record in the destination a source record became; makes every write an upsert.
struct EntityLink {
  TenantId tenant_id;
  std::string entity_type;
  std::string source_id;
  std::string destination_id;
  std::string source_version;  // the source's version (e.g. last modified) last synced
  Timestamp updated_at;
};

// How far a tenant's source of one entity type has been read. Exactly one form is used by a
// flow: a time with its tie-break id (records ordered by (time, id)), a number (feeds with
// sequence numbers), or an opaque marker (an Atom feed's last entry).
struct SyncStatus {
  TenantId tenant_id;
  std::string entity_type;
  std::optional<Timestamp> read_upto_time;
  std::string read_upto_id;  // tie-break among records sharing read_upto_time
  std::optional<std::int64_t> read_upto_numeric;
  std::optional<std::string> read_upto_marker;
  Timestamp updated_at;
};

// Lets one runner at a time (a main flow, reprocessing, a cursor change) work on a tenant's
// entity type, until expires_at; the runner renews it while it works.
struct FlowLock {
  TenantId tenant_id;
  std::string entity_type;
  std::string owner;
  Timestamp acquired_at;
  Timestamp expires_at;
};

}  // namespace avni
