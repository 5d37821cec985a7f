#include "openmrs/feed_source.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http/url.hpp"

namespace avni::openmrs {

FeedSource::FeedSource(Client& client, FeedKind kind, std::string title)
    : client_(client), kind_(kind), title_(std::move(title)), reader_(client, kind) {}

Result<std::optional<std::string>> FeedSource::Entity(std::string_view uuid) {
  auto answer =
      client_.Get(fmt::format("{}/{}?v=full", FeedName(kind_), http::PercentEncode(uuid)));
  if (!answer) return Fail(answer.error());
  if (!answer->has_value()) return std::optional<std::string>();
  return std::optional<std::string>((*answer)->dump());
}

Result<sync::Page> FeedSource::Read(const sync::Cursor& after, int limit) {
  std::optional<FeedPosition> position;
  if (after.marker) {
    position = DecodeMarker(*after.marker);
    if (!position) {
      return Fail(Error::FailedPrecondition(fmt::format(
          "the {} feed's cursor is not a feed position ('<page> <entry id>')", FeedName(kind_))));
    }
  } else if (!after.empty()) {
    return Fail(Error::FailedPrecondition(
        fmt::format("the {} feed's cursor holds no feed position", FeedName(kind_))));
  }
  auto batch = reader_.ReadAfter(position, static_cast<std::size_t>(std::max(limit, 1)));
  if (!batch) return Fail(batch.error());
  sync::Page page;
  page.last = batch->at_end;
  page.records.reserve(batch->entries.size());
  for (const FeedEntry& entry : batch->entries) {
    sync::SourceRecord record;
    record.id = EntityUuid(entry.content);
    record.version = entry.id;
    record.position.marker = EncodeMarker(entry.position);
    if (!title_.empty() && entry.title != title_) {
      record.id = entry.id;  // not read: another kind of event on this feed
    } else if (record.id.empty()) {
      spdlog::warn("OpenMRS {} feed: entry {} names no entity; skipped", FeedName(kind_), entry.id);
      record.id = entry.id;
    } else {
      auto body = Entity(record.id);
      if (!body) return Fail(body.error());
      if (body->has_value()) {
        record.body = std::move(**body);
      } else {
        spdlog::warn(
            "OpenMRS {} feed: entry {} names {} {}, which no longer exists (404); "
            "skipped",
            FeedName(kind_), entry.id, FeedName(kind_), record.id);
      }
    }
    page.records.push_back(std::move(record));
  }
  return page;
}

Result<std::optional<sync::SourceRecord>> FeedSource::Fetch(std::string_view id) {
  auto body = Entity(id);
  if (!body) return Fail(body.error());
  if (!body->has_value()) return std::optional<sync::SourceRecord>();
  sync::SourceRecord record;
  record.id = std::string(id);
  record.body = std::move(**body);
  return std::optional<sync::SourceRecord>(std::move(record));
}

}  // namespace avni::openmrs
