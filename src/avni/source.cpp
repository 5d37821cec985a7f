#include "avni/source.hpp"

#include <charconv>

#include <fmt/format.h>

namespace avni::avniapi {
namespace {

using namespace std::chrono_literals;

// Ordinals are zero-padded so that the engine's (time, id) string order is Avni's order.
std::string PositionId(std::int64_t ordinal, std::string_view id) {
  return fmt::format("{:010}:{}", ordinal, id);
}

struct CursorParts {
  std::int64_t ordinal = -1;  // -1: before every record of the millisecond
  std::string id;
};

Result<CursorParts> ParseCursor(const sync::Cursor& cursor) {
  CursorParts parts;
  if (!cursor.time || cursor.id.empty()) return parts;
  const auto colon = cursor.id.find(':');
  const char* end = nullptr;
  std::errc ec = std::errc::invalid_argument;
  if (colon != std::string::npos) {
    const auto parsed = std::from_chars(cursor.id.data(), cursor.id.data() + colon, parts.ordinal);
    end = parsed.ptr;
    ec = parsed.ec;
  }
  if (ec != std::errc() || end != cursor.id.data() + colon || parts.ordinal < 0) {
    return Fail(Error::InvalidArgument(
        "cursor", fmt::format("'{}' is not an Avni cursor (ordinal:ID); reset the sync status "
                              "of this entity type to a time",
                              cursor.id)));
  }
  parts.id = cursor.id.substr(colon + 1);
  return parts;
}

sync::SourceRecord ToSource(Record record, std::int64_t ordinal) {
  sync::SourceRecord out;
  out.position.time = record.last_modified;
  out.position.id = PositionId(ordinal, record.id);
  out.version = record.last_modified ? FormatIso8601(*record.last_modified) : std::string();
  out.id = std::move(record.id);
  out.body = std::move(record.body);
  return out;
}

}  // namespace

WatermarkSource::WatermarkSource(Client& client, Resource resource,
                                 std::vector<std::pair<std::string, std::string>> filters,
                                 const Clock& clock)
    : client_(client),
      resource_(resource),
      filters_(std::move(filters)),
      now_(clock.Now() - client.config().read_lag) {}

Result<sync::Page> WatermarkSource::Read(const sync::Cursor& after, int limit) {
  auto cursor = ParseCursor(after);
  if (!cursor) return Fail(cursor.error());
  // The cursor's millisecond is read again (Avni's `>` is strict), to find where in it we are.
  const Timestamp since = after.time ? *after.time - 1ms : Timestamp{};
  const bool resuming = after.time && cursor->ordinal >= 0;

  sync::Page out;
  std::vector<Record> unresolved;  // the cursor's millisecond, before its ID was found
  bool found = !resuming;
  std::optional<Timestamp> group;  // the millisecond being numbered, and its next ordinal
  std::int64_t next = 0;

  auto emit = [&](Record record) {
    if (record.last_modified != group) {
      group = record.last_modified;
      next = 0;
    }
    out.records.push_back(ToSource(std::move(record), next++));
  };
  // The cursor's ID left its millisecond (edited since): hand the whole millisecond out again,
  // numbered after the cursor so that the engine takes it.
  auto release = [&] {
    group = after.time;
    next = cursor->ordinal + 1;
    for (auto& record : unresolved) out.records.push_back(ToSource(std::move(record), next++));
    unresolved.clear();
    found = true;
  };

  ListQuery query;
  query.since = since;
  query.now = now_;
  query.size = std::max(limit, 1);
  query.filters = filters_;
  for (;; ++query.page) {
    auto page = client_.List(resource_, query);
    if (!page) return Fail(page.error());
    for (auto& record : page->records) {
      if (!record.last_modified) {
        return Fail(Error::Unavailable(fmt::format(
            "Avni {} '{}' has no audit \"Last modified at\"; it cannot be placed in a window",
            ResourceName(resource_), record.id)));
      }
      if (!found) {
        if (*record.last_modified == *after.time) {
          if (record.id == cursor->id) {
            unresolved.clear();  // done before: the cursor stands on it
            found = true;
            group = after.time;
            next = cursor->ordinal + 1;
          } else {
            unresolved.push_back(std::move(record));
          }
          continue;
        }
        release();
      }
      emit(std::move(record));
    }
    if (page->last) {
      if (!found) release();
      out.last = true;
      return out;
    }
    if (static_cast<int>(out.records.size()) >= limit) return out;
  }
}

Result<std::optional<sync::SourceRecord>> WatermarkSource::Fetch(std::string_view id) {
  auto record = client_.Get(resource_, id);
  if (!record) return Fail(record.error());
  if (!*record) return std::optional<sync::SourceRecord>();
  return std::optional<sync::SourceRecord>(ToSource(std::move(**record), 0));
}

}  // namespace avni::avniapi
