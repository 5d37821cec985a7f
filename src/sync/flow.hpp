#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"

// What an integration supplies to the sync engine, per entity type: where records come from
// (Source), how one becomes the destination's form (Transform), and where it goes (Sink).
// The engine owns everything else: the cursor, entity links, retries, error records, counts.
//
// Error codes decide what the engine does with a failure (see taxonomy.hpp):
//   kUnavailable, kRateLimited, kUnauthenticated  availability: retried with backoff in the run;
//                                                  if it persists the run stops before the record
//   anything else                                  a data error: parked as an error record, the
//                                                  flow goes on with the next record
namespace avni::sync {

// How far a source has been read; one form per flow. Records are in a total order, and the
// cursor is the position of the last record done.
struct Cursor {
  std::optional<Timestamp> time;  // with `id` as tie-break: order by (time, id)
  std::string id;
  std::optional<std::int64_t> numeric;  // a feed's sequence number
  std::optional<std::string> marker;    // opaque (an Atom feed's last entry)

  bool empty() const { return !time && !numeric && !marker; }
  bool operator==(const Cursor&) const = default;
};

// True when `position` comes after `cursor` in source order. An empty cursor is before
// everything; a marker cannot be compared, so any position counts as after it.
bool After(const Cursor& position, const Cursor& cursor);

struct SourceRecord {
  std::string id;       // the source's id of the entity, stable across versions
  std::string version;  // changes whenever the entity changes (e.g. its last-modified time)
  Cursor position;      // where the cursor stands once this record is done
  std::string body;     // the entity, as the source gave it (usually JSON)
};

struct Page {
  std::vector<SourceRecord> records;  // in source order
  bool last = false;                  // nothing after this page (now)
};

class Source {
 public:
  virtual ~Source() = default;
  // Up to `limit` records after `after`, in source order. A source whose API can only filter
  // inclusively (e.g. by time alone) may return records at or before `after`: the engine
  // drops them, so returning them is safe and losing them is not.
  virtual Result<Page> Read(const Cursor& after, int limit) = 0;
  // The entity's current version by id, for reprocessing; nullopt when it no longer exists.
  virtual Result<std::optional<SourceRecord>> Fetch(std::string_view id) = 0;
};

// What the sink is given: the transformed entity and the key the destination can be searched
// by (derived from the source id, e.g. an External ID or an identifier attribute).
struct Outgoing {
  std::string body;
  std::string key;
};

class Transform {
 public:
  virtual ~Transform() = default;
  // Errors are data errors (e.g. a missing mapping): say what is missing and how to add it.
  virtual Result<Outgoing> Apply(const SourceRecord& record) = 0;
};

class Sink {
 public:
  virtual ~Sink() = default;
  // The destination id of the record written for `out.key` before, if any: how a write
  // retried after a crash (before its entity link was committed) becomes an update.
  virtual Result<std::optional<std::string>> Find(const Outgoing& out) = 0;
  // Returns the new destination id.
  virtual Result<std::string> Create(const Outgoing& out) = 0;
  virtual Status Update(std::string_view destination_id, const Outgoing& out) = 0;
};

// One entity type's flow: the integration's parts and its name in the store (sync status,
// entity links, error records, run counts).
struct Flow {
  std::string entity_type;
  Source* source = nullptr;
  Transform* transform = nullptr;
  Sink* sink = nullptr;
};

}  // namespace avni::sync
