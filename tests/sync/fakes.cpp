#include "sync/fakes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "common/taxonomy.hpp"

namespace avni::testing {

std::vector<FakeEntity> GenerateEntities(int n, int same_time, Timestamp base) {
  std::vector<FakeEntity> out;
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.push_back(FakeEntity{fmt::format("subject-{:07}", i),
                             base + std::chrono::milliseconds(i / std::max(same_time, 1)), 1,
                             false});
  }
  return out;
}

std::string KeyOf(std::string_view source_id) { return fmt::format("ext-{}", source_id); }

FakeSource::FakeSource(std::vector<FakeEntity> entities, std::uint64_t seed)
    : entities_(std::move(entities)), random_(seed) {
  Sort();
}

void FakeSource::Sort() {
  std::sort(entities_.begin(), entities_.end(), [](const FakeEntity& a, const FakeEntity& b) {
    return std::tie(a.modified, a.id) < std::tie(b.modified, b.id);
  });
}

bool FakeSource::Unlucky() {
  if (down) return true;
  return unavailable_rate > 0 && std::uniform_real_distribution<>(0, 1)(random_) < unavailable_rate;
}

sync::SourceRecord FakeSource::ToRecord(const FakeEntity& entity) {
  sync::SourceRecord record;
  record.id = entity.id;
  record.version = std::to_string(entity.revision);
  record.position.time = entity.modified;
  record.position.id = entity.id;
  record.body = fmt::format(R"({{"ID":"{}","revision":{},"bad":{}}})", entity.id, entity.revision,
                            entity.bad ? "true" : "false");
  return record;
}

Result<sync::Page> FakeSource::Read(const sync::Cursor& after, int limit) {
  ++reads;
  if (Unlucky()) return Fail(Error::Unavailable("source: connection refused"));
  auto begin = entities_.begin();
  if (after.time) {
    begin = std::find_if(entities_.begin(), entities_.end(), [&](const FakeEntity& e) {
      if (inclusive) return e.modified >= *after.time;
      return std::tie(e.modified, e.id) > std::tie(*after.time, after.id);
    });
  }
  sync::Page page;
  auto end = begin;
  while (end != entities_.end() && static_cast<int>(page.records.size()) < limit) {
    page.records.push_back(ToRecord(*end));
    ++end;
  }
  page.last = end == entities_.end();
  return page;
}

Result<std::optional<sync::SourceRecord>> FakeSource::Fetch(std::string_view id) {
  fetched.emplace_back(id);
  if (Unlucky()) return Fail(Error::Unavailable("source: connection refused"));
  for (const auto& entity : entities_) {
    if (entity.id == id) return std::optional<sync::SourceRecord>(ToRecord(entity));
  }
  return std::optional<sync::SourceRecord>();
}

void FakeSource::Change(const std::string& id, Timestamp modified, bool bad) {
  for (auto& entity : entities_) {
    if (entity.id != id) continue;
    entity.modified = modified;
    entity.bad = bad;
    ++entity.revision;
  }
  Sort();
}

void FakeSource::Remove(const std::string& id) {
  std::erase_if(entities_, [&](const FakeEntity& e) { return e.id == id; });
}

Result<sync::Outgoing> FakeTransform::Apply(const sync::SourceRecord& record) {
  ++calls;
  if (record.body.find(R"("bad":true)") != std::string::npos) {
    if (bad_message) return Fail(Error::InvalidArgument("", bad_message(record.id)));
    return Fail(Error::InvalidArgument(
        "", fmt::format("no mapping for the Avni concept 'Blood group' of {} (group Observation, "
                        "type Concept): add it on the Mappings page",
                        record.id)));
  }
  return sync::Outgoing{record.body, KeyOf(record.id)};
}

bool MemorySink::Unlucky(double rate) {
  if (down) return true;
  return rate > 0 && std::uniform_real_distribution<>(0, 1)(random_) < rate;
}

Result<std::optional<std::string>> MemorySink::Find(const sync::Outgoing& out) {
  if (Unlucky(unavailable_rate)) return Fail(Error::Unavailable("sink: HTTP 503"));
  ++finds;
  auto it = by_key_.find(out.key);
  if (it == by_key_.end()) return std::optional<std::string>();
  return std::optional<std::string>(rows_[it->second.front()].destination_id);
}

Result<std::string> MemorySink::Create(const sync::Outgoing& out) {
  if (Unlucky(unavailable_rate)) return Fail(Error::Unavailable("sink: HTTP 503"));
  if (rejected_keys.contains(out.key)) {
    ++refusals;
    return Fail(ClassifyHttp(500, "Subject type 'Individual' not found"));
  }
  ++creates;
  std::string id = fmt::format("dest-{}", rows_.size() + 1);
  by_destination_[id] = rows_.size();
  by_key_[out.key].push_back(rows_.size());
  rows_.push_back(SinkRow{id, out.key, out.body, 1});
  if (Unlucky(lost_answer_rate)) return Fail(Error::Unavailable("sink: read timed out"));
  return id;
}

Status MemorySink::Update(std::string_view destination_id, const sync::Outgoing& out) {
  if (Unlucky(unavailable_rate)) return Fail(Error::Unavailable("sink: HTTP 503"));
  if (rejected_keys.contains(out.key)) {
    ++refusals;
    return Fail(ClassifyHttp(500, "Subject type 'Individual' not found"));
  }
  auto it = by_destination_.find(std::string(destination_id));
  if (it == by_destination_.end()) return Fail(Error::NotFound("sink: HTTP 404"));
  ++updates;
  rows_[it->second].body = out.body;
  ++rows_[it->second].writes;
  if (Unlucky(lost_answer_rate)) return Fail(Error::Unavailable("sink: read timed out"));
  return {};
}

Status MemorySink::Void(std::string_view destination_id, const sync::Outgoing&) {
  if (Unlucky(unavailable_rate)) return Fail(Error::Unavailable("sink: HTTP 503"));
  auto it = by_destination_.find(std::string(destination_id));
  if (it == by_destination_.end()) return Fail(Error::NotFound("sink: HTTP 404"));
  ++voids;
  rows_[it->second].voided = true;
  if (Unlucky(lost_answer_rate)) return Fail(Error::Unavailable("sink: read timed out"));
  return {};
}

std::vector<const SinkRow*> MemorySink::RowsFor(const std::string& key) const {
  std::vector<const SinkRow*> out;
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    for (std::size_t i : it->second) out.push_back(&rows_[i]);
  }
  return out;
}

}  // namespace avni::testing
