#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"
#include "openmrs/client.hpp"

// OpenMRS's change feeds, as the openmrs-atomfeed module publishes them with ICT4H atomfeed:
// /openmrs/ws/atomfeed/{patient|encounter}/recent (the newest page), fixed-size pages /{n}
// linked oldest to newest by prev-archive (older) and next-archive (newer), entries with the id
// tag:atomfeed.ict4h.org:<event uuid> and a CDATA content holding the changed entity's URL.
namespace avni::openmrs {

enum class FeedKind { kPatient, kEncounter };
// "patient" or "encounter": the feed's path segment.
std::string_view FeedName(FeedKind kind);

// Where a reader stands: the canonical page (its /{n} path, never `recent`, which moves when the
// page fills) and the id of the last entry read on it. Pages are immutable once archived and
// the newest only grows at its end, so this position stays valid while the feed grows.
struct FeedPosition {
  std::string page;   // "/openmrs/ws/atomfeed/patient/3"
  std::string entry;  // "tag:atomfeed.ict4h.org:<uuid>"
  bool operator==(const FeedPosition&) const = default;
};
// The sync cursor's marker: "<page> <entry>".
std::string EncodeMarker(const FeedPosition& position);
// nullopt when `marker` is not one EncodeMarker wrote.
std::optional<FeedPosition> DecodeMarker(std::string_view marker);

struct FeedEntry {
  std::string id;       // the entry's id
  std::string title;    // "Patient", "Encounter"
  std::string content;  // the entity's URL, e.g. /openmrs/ws/rest/v1/patient/<uuid>?v=full
  std::optional<Timestamp> updated;
  FeedPosition position;  // the reader's position once this entry is read
};

// One Atom page as read; links are paths under /openmrs (the host OpenMRS wrote is dropped).
struct AtomPage {
  std::string self;
  std::string via;                 // the canonical page; empty when absent
  std::string prev_archive;        // older; empty for the first page
  std::string next_archive;        // newer; empty for the newest page
  std::vector<FeedEntry> entries;  // in feed order (oldest first); positions unset
};
// Errors: kUnavailable for a document that is not an Atom feed (a proxy's page, a cut answer).
Result<AtomPage> ParseAtomPage(std::string_view xml);

// The entity uuid an entry's content URL names (its last path segment), or "".
std::string EntityUuid(std::string_view content_url);

// Reads a feed forward from a position, page by page, oldest first. Without a position it
// starts at the first (oldest) page, as ICT4H's client does. Thread-compatible (one reader per
// flow); the client it reads through is thread-safe.
class FeedReader {
 public:
  FeedReader(Client& client, FeedKind kind);

  struct Batch {
    std::vector<FeedEntry> entries;  // after the position, in feed order, each with its position
    bool at_end = false;             // the newest entry was read (for now)
  };
  // Up to `limit` entries after `after` (from the start when nullopt); never one at or before
  // it. Errors: the client's; kFailedPrecondition when `after`'s entry is not on its page (a
  // position from another server or feed); kUnavailable when a page cannot be read.
  Result<Batch> ReadAfter(const std::optional<FeedPosition>& after, std::size_t limit);

 private:
  // The page at `path`, with `via` filled in (the path itself when it is canonical).
  Result<AtomPage> Page(const std::string& path);
  Result<AtomPage> FirstPage();

  Client& client_;
  FeedKind kind_;
  std::string base_;  // "/openmrs/ws/atomfeed/<kind>"
};

}  // namespace avni::openmrs
