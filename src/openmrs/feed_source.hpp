#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "openmrs/client.hpp"
#include "openmrs/feed.hpp"
#include "sync/flow.hpp"

namespace avni::openmrs {

// An OpenMRS feed as a sync source. Each entry becomes a record:
//   id        the entity's uuid, from the entry's content URL
//   version   the entry's id (one per change)
//   body      the entity as `GET patient/{uuid}?v=full` or `GET encounter/{uuid}?v=full` answers
//             it (an encounter's bahmnicore URL is read through plain REST, as the Java service
//             did); EMPTY when the entity no longer exists (404): the transform skips such a
//             record, and a warning is logged, so a purged entity never stops the feed
//   position  the feed position after the entry, as the cursor's `marker` (EncodeMarker)
// With `title` set, an entry of another title is not read: it becomes a record whose id is the
// entry's id and whose body is EMPTY (skipped like a purged entity, so the cursor moves past it).
// The engine cannot compare markers, so the source itself never returns an entry at or before
// `after`. Errors: the client's; kFailedPrecondition for a cursor that holds no feed position.
class FeedSource final : public sync::Source {
 public:
  FeedSource(Client& client, FeedKind kind, std::string title = "");

  Result<sync::Page> Read(const sync::Cursor& after, int limit) override;
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view id) override;

 private:
  // The entity's JSON, or nullopt when OpenMRS has none.
  Result<std::optional<std::string>> Entity(std::string_view uuid);

  Client& client_;
  FeedKind kind_;
  std::string title_;  // empty: every entry
  FeedReader reader_;
};

}  // namespace avni::openmrs
