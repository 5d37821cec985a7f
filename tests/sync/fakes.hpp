#pragma once

#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "sync/flow.hpp"

// In-process stand-ins for an integration's parts, with fault injection, for engine tests and
// the benchmark. They follow the contracts of sync/flow.hpp exactly; what they do wrong on
// purpose is switched on by their fault fields.
namespace avni::testing {

struct FakeEntity {
  std::string id;
  Timestamp modified;
  int revision = 1;  // the version: bumped by every change
  bool bad = false;  // the transform refuses it (a missing mapping)
};

// `n` entities whose ids sort with their order; every `same_time` consecutive ones share a
// modification time, so pages cut through groups of equal timestamps.
std::vector<FakeEntity> GenerateEntities(int n, int same_time, Timestamp base);

class FakeSource final : public sync::Source {
 public:
  explicit FakeSource(std::vector<FakeEntity> entities, std::uint64_t seed = 7);

  Result<sync::Page> Read(const sync::Cursor& after, int limit) override;
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view id) override;

  // A change in the source: the entity gets a new revision and modification time (so it
  // moves to the end of the order). `bad` is its new state.
  void Change(const std::string& id, Timestamp modified, bool bad);
  void Remove(const std::string& id);
  std::size_t size() const { return entities_.size(); }

  // Faults.
  double unavailable_rate = 0;  // of calls answering kUnavailable
  bool down = false;            // every call answers kUnavailable
  bool inclusive = false;       // Read also returns records at the cursor's time (like Avni >=)
  int reads = 0;
  std::vector<std::string> fetched;  // ids asked for by Fetch, in order

 private:
  static sync::SourceRecord ToRecord(const FakeEntity& entity);
  bool Unlucky();
  void Sort();

  std::vector<FakeEntity> entities_;  // sorted by (modified, id)
  std::mt19937_64 random_;
};

// Copies the record; refuses bad ones with a missing-mapping message naming the entity.
class FakeTransform final : public sync::Transform {
 public:
  Result<sync::Outgoing> Apply(const sync::SourceRecord& record) override;
  int calls = 0;
  // When set, the message that refuses a bad record, by its id.
  std::function<std::string(std::string_view id)> bad_message;
};

struct SinkRow {
  std::string destination_id;
  std::string key;
  std::string body;
  int writes = 0;
  bool voided = false;
};

// A destination in memory. Duplicates are kept, never merged, so a test can see them.
class MemorySink final : public sync::Sink {
 public:
  explicit MemorySink(std::uint64_t seed = 11) : random_(seed) {}

  Result<std::optional<std::string>> Find(const sync::Outgoing& out) override;
  Result<std::string> Create(const sync::Outgoing& out) override;
  Status Update(std::string_view destination_id, const sync::Outgoing& out) override;
  Status Void(std::string_view destination_id, const sync::Outgoing& out) override;

  // Rows written for a key (more than one is a duplicate).
  std::vector<const SinkRow*> RowsFor(const std::string& key) const;
  std::size_t size() const { return rows_.size(); }

  // Faults.
  double unavailable_rate = 0;  // calls refused with kUnavailable before doing anything
  double lost_answer_rate = 0;  // writes done, then answered with kUnavailable (a timeout)
  bool down = false;
  std::set<std::string> rejected_keys;  // answered like a 500 with a validation message
  int creates = 0, updates = 0, finds = 0, refusals = 0, voids = 0;

 private:
  bool Unlucky(double rate);

  std::vector<SinkRow> rows_;
  std::map<std::string, std::size_t> by_destination_;
  std::map<std::string, std::vector<std::size_t>> by_key_;
  std::mt19937_64 random_;
};

std::string KeyOf(std::string_view source_id);

}  // namespace avni::testing
