#include "mapping/tenant_mappings.hpp"

#include <bit>
#include <cstring>
#include <map>

namespace avni::mapping {
namespace {

std::uint64_t Avalanche(std::uint64_t x) {
  // MurmurHash3's fmix64: every input bit moves every output bit, so the low bits that pick a
  // slot are as good as the high ones.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

// A hash of text eight bytes at a step: keys are short (ids, concept names), where this takes
// a third of the instructions of std::hash. Not meant to resist chosen collisions: the keys
// are a tenant's own mappings.
std::uint64_t HashText(std::string_view text, std::uint64_t seed) {
  constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  std::uint64_t h = seed ^ (text.size() * kMul);
  const char* p = text.data();
  std::size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    h = std::rotl(h ^ (word * kMul), 29) * 0xbf58476d1ce4e5b9ULL;
  }
  if (n > 0) {
    // The last 1..7 bytes, read without a byte loop: the last eight bytes of the text (which
    // overlap bytes already taken) when it has eight, else two overlapping halves.
    std::uint64_t word;
    if (text.size() >= 8) {
      std::memcpy(&word, text.data() + text.size() - 8, 8);
    } else if (n >= 4) {
      std::uint32_t head, tail;
      std::memcpy(&head, p, 4);
      std::memcpy(&tail, p + n - 4, 4);
      word = (std::uint64_t{head} << 32) | tail;
    } else {
      const auto byte = [&](std::size_t i) {
        return std::uint64_t{static_cast<unsigned char>(p[i])};
      };
      word = (byte(0) << 16) | (byte(n / 2) << 8) | byte(n - 1);
    }
    h = std::rotl(h ^ (word * kMul), 29) * 0xbf58476d1ce4e5b9ULL;
  }
  return Avalanche(h);
}

std::uint64_t HashOf(std::uint32_t scope, std::string_view value) { return HashText(value, scope); }

}  // namespace

std::string_view TenantMappings::IntOf(const Slot& s) const {
  return std::string_view(text_.data() + s.offset + 1, s.int_size);
}

std::string_view TenantMappings::AvniOf(const Slot& s) const {
  return std::string_view(text_.data() + s.offset + 1 + s.int_size, s.avni_size);
}

void TenantMappings::Insert(std::vector<Slot>& index, const Slot& row, bool by_int) {
  const std::string_view key = by_int ? IntOf(row) : AvniOf(row);
  const std::uint64_t hash = HashOf(row.scope, key);
  for (std::size_t at = hash & mask_;; at = (at + 1) & mask_) {
    Slot& slot = index[at];
    if (slot.scope == kFree) {
      slot = row;
      slot.tag = static_cast<std::uint32_t>(hash >> 32);
      return;
    }
    // The schema keeps values unique per (group, type) among live rows; should two rows
    // share one anyway, the first wins.
    if (slot.scope == row.scope && (by_int ? IntOf(slot) : AvniOf(slot)) == key) return;
  }
}

Lookup TenantMappings::Find(const std::vector<Slot>& index, Scope scope, std::string_view value,
                            bool by_int) const {
  if (!scope.valid() || index.empty()) return {};
  const std::uint64_t hash = HashOf(scope.id_, value);
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t at = hash & mask_;; at = (at + 1) & mask_) {
    const Slot& slot = index[at];
    if (slot.scope == kFree) return {};
    if (slot.tag == tag && slot.scope == scope.id_ &&
        (by_int ? IntOf(slot) : AvniOf(slot)) == value) {
      return Lookup{true, by_int ? AvniOf(slot) : IntOf(slot),
                    static_cast<DataTypeHint>(text_[slot.offset])};
    }
  }
}

std::shared_ptr<const TenantMappings> TenantMappings::Build(TenantId tenant,
                                                            const std::vector<MappingGroup>& groups,
                                                            const std::vector<MappingType>& types,
                                                            std::vector<Mapping> mappings,
                                                            std::int64_t revision) {
  std::map<RowId, const std::string*> group_names, type_names;
  for (const auto& g : groups) group_names[g.id] = &g.name;
  for (const auto& t : types) type_names[t.id] = &t.name;

  // Not make_shared: the constructor is private.
  std::shared_ptr<TenantMappings> out(new TenantMappings());
  out->tenant_ = tenant;
  out->revision_ = revision;

  std::map<std::pair<RowId, RowId>, std::uint32_t> scope_of_ids;
  std::vector<Slot> rows;
  std::size_t text_size = 0;
  for (const auto& m : mappings) {
    if (!m.voided) text_size += 1 + m.int_system_value.size() + m.avni_value.size();
  }
  out->text_.reserve(text_size);
  for (const auto& m : mappings) {
    if (m.voided) continue;
    auto group = group_names.find(m.group_id);
    auto type = type_names.find(m.type_id);
    if (group == group_names.end() || type == type_names.end()) continue;
    auto [it, added] = scope_of_ids.try_emplace({m.group_id, m.type_id},
                                                static_cast<std::uint32_t>(scope_of_ids.size()));
    if (added) out->scope_names_.emplace_back(*group->second, *type->second);
    rows.push_back(Slot{out->text_.size(), 0, it->second,
                        static_cast<std::uint32_t>(m.int_system_value.size()),
                        static_cast<std::uint32_t>(m.avni_value.size())});
    out->text_ += static_cast<char>(m.data_type_hint);
    out->text_ += m.int_system_value;
    out->text_ += m.avni_value;
  }

  out->size_ = rows.size();
  if (!rows.empty()) {
    const std::size_t slots = std::bit_ceil(rows.size() * 2);
    out->mask_ = slots - 1;
    out->by_int_.resize(slots);
    out->by_avni_.resize(slots);
    for (const Slot& row : rows) {
      out->Insert(out->by_int_, row, /*by_int=*/true);
      out->Insert(out->by_avni_, row, /*by_int=*/false);
    }
  }
  return out;
}

TenantMappings::Scope TenantMappings::ScopeOf(std::string_view group, std::string_view type) const {
  for (std::uint32_t i = 0; i < scope_names_.size(); ++i) {
    if (scope_names_[i].first == group && scope_names_[i].second == type) return Scope(i);
  }
  return Scope();
}

Lookup TenantMappings::FindByIntValue(Scope scope, std::string_view int_value) const {
  return Find(by_int_, scope, int_value, /*by_int=*/true);
}

Lookup TenantMappings::FindByAvniValue(Scope scope, std::string_view avni_value) const {
  return Find(by_avni_, scope, avni_value, /*by_int=*/false);
}

Lookup TenantMappings::FindByIntValue(std::string_view group, std::string_view type,
                                      std::string_view int_value) const {
  return FindByIntValue(ScopeOf(group, type), int_value);
}

Lookup TenantMappings::FindByAvniValue(std::string_view group, std::string_view type,
                                       std::string_view avni_value) const {
  return FindByAvniValue(ScopeOf(group, type), avni_value);
}

std::vector<TenantMappings::Row> TenantMappings::RowsOf(std::string_view group,
                                                        std::string_view type) const {
  std::vector<Row> rows;
  const Scope scope = ScopeOf(group, type);
  if (!scope.valid()) return rows;
  for (const Slot& slot : by_avni_) {
    if (slot.scope != scope.id_) continue;
    rows.push_back(Row{AvniOf(slot), IntOf(slot), static_cast<DataTypeHint>(text_[slot.offset])});
  }
  return rows;
}

std::optional<std::string_view> TenantMappings::AvniValueFor(std::string_view group,
                                                             std::string_view type,
                                                             std::string_view int_value) const {
  Lookup l = FindByIntValue(group, type, int_value);
  return l ? std::optional<std::string_view>(l.value) : std::nullopt;
}

std::optional<std::string_view> TenantMappings::IntValueFor(std::string_view group,
                                                            std::string_view type,
                                                            std::string_view avni_value) const {
  Lookup l = FindByAvniValue(group, type, avni_value);
  return l ? std::optional<std::string_view>(l.value) : std::nullopt;
}

}  // namespace avni::mapping
