#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace avni::openmrssim {

// One row of ICT4H atomfeed's event_records: written when OpenMRS saves a patient or an
// encounter (the openmrs-atomfeed module's PatientAdvice and Encounter*SaveAdvice).
struct FeedEvent {
  std::int64_t id = 0;  // the table's serial id: the order of the feed
  std::string uuid;     // the entry's id is tag:atomfeed.ict4h.org:<uuid>
  std::string title;    // "Patient", "Encounter"
  Timestamp timestamp;
  std::string contents;  // the relative URL the entry points at
  std::string category;  // "patient", "Encounter"
};

// The event records of one category and how atomfeed's server pages them (NumberFeedGenerator
// with a single chunking_history row: fixed pages of `page_size`, default 5 as the module's
// liquibase inserts). Not thread-safe: the Simulator guards it with its data lock.
class FeedLog {
 public:
  FeedLog(std::string title, std::string category)
      : title_(std::move(title)), category_(std::move(category)) {}

  // An event of this log's title, or of `title` when given (another kind of event published on
  // the same feed).
  void Append(std::string uuid, Timestamp when, std::string contents, std::string title = "");
  void Clear() { events_.clear(); }
  std::size_t Size() const { return events_.size(); }
  const std::vector<FeedEvent>& Events() const { return events_; }

  // Pages that exist: ceil(events / page_size); 0 when there are no events.
  std::int64_t PageCount(std::int64_t page_size) const;

  // The Atom document of page `n` (1-based), or of the newest page for `recent`, as
  // EventFeedServiceImpl builds it and ROME writes it. `self` is the request's URL; links are
  // absolute, built from `service_base` (".../openmrs/ws/atomfeed/patient"). Empty when `n`
  // does not exist (atomfeed throws "feed does not exist": a 500).
  std::optional<std::string> Page(std::optional<std::int64_t> n, std::int64_t page_size,
                                  const std::string& self, const std::string& service_base,
                                  Timestamp now) const;

 private:
  std::string title_;
  std::string category_;
  std::vector<FeedEvent> events_;
};

}  // namespace avni::openmrssim
