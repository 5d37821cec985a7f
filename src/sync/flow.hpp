#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"
#include "domain/job.hpp"

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
// by (derived from the source id, e.g. an External ID or an identifier attribute), and what to
// do with it.
struct Outgoing {
  enum class Action {
    kUpsert,  // create it, or update the destination record linked to it (or found by key)
    kVoid,    // the source voided or deleted it: void the destination record, if there is one
    kSkip,    // nothing to write (e.g. a record the other system made); counted as skipped
  };
  std::string body;
  std::string key;
  Action action = Action::kUpsert;
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
  // Voids (or deletes, where the destination cannot void) the record written for this source
  // record before. Voiding one already voided succeeds.
  virtual Status Void(std::string_view destination_id, const Outgoing& out) = 0;
};

// One entity type's flow: the integration's parts and its name in the store (sync status,
// entity links, error records, run counts).
//
// A flow may need records of other flows written first (an encounter needs its patient):
// `depends_on` names their entity types, and a run goes through its flows in an order that
// puts each after those it depends on (the errors job too). A record whose parent has not been
// written yet is a data error that names the parent (e.g. "NoPatientWithId: ..."): it is
// parked, and reprocessing delivers it once the parent's flow has written the parent.
//
// `write_concurrency`: how many records of a page the engine may have in flight at once (an
// integration waits on the network most of the time). Above 1, the transform and sink are
// called from that many threads at once and must be thread-safe; records of one entity in a
// page still go one after another, in order, and the cursor is still committed once per page,
// after every record before it is written or parked. 1 (the default): one record at a time.
struct Flow {
  std::string entity_type;
  Source* source = nullptr;
  Transform* transform = nullptr;
  Sink* sink = nullptr;
  std::vector<std::string> depends_on;
  int write_concurrency = 1;
};

// The most records one flow may have in flight (Flow::write_concurrency).
inline constexpr int kMaxWriteConcurrency = 64;

// The flows an integration made for one run, and the objects they point into (owned by the
// subclass an integration defines), destroyed when the run ends.
struct FlowSet {
  virtual ~FlowSet() = default;
  std::vector<Flow> flows;
};

// Where a tenant's flows come from: its integration, by tenant type.
class FlowProvider {
 public:
  virtual ~FlowProvider() = default;
  // nullptr when this build has no integration of the tenant's type. Errors (e.g. its config
  // is incomplete) fail the run with their message.
  virtual Result<std::unique_ptr<FlowSet>> FlowsFor(const ScheduledJob& job) = 0;
};

// `flows` ordered so that each comes after the flows it depends on, keeping the given order
// otherwise. Errors: invalid_argument naming the entity type when a flow depends on one that is
// not there, or on itself through others (a cycle).
Result<std::vector<Flow>> InDependencyOrder(std::vector<Flow> flows);

}  // namespace avni::sync
