// TenantMappings built from rows, without a database: indexing, voided rows, scopes, and
// lookups that allocate nothing.
#include "mapping/tenant_mappings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

// Every allocation of this program is counted, so that a test can assert that some code made
// none. malloc/free underneath keep the address sanitizer's bookkeeping consistent.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace avni::mapping {
namespace {

MappingGroup Group(RowId id, std::string name) { return {id, TenantId{1}, "", std::move(name)}; }
MappingType Type(RowId id, std::string name) { return {id, TenantId{1}, "", std::move(name)}; }

Mapping Row(RowId group, RowId type, std::string avni, std::string int_value,
            DataTypeHint hint = DataTypeHint::kNA, bool voided = false) {
  Mapping m;
  m.group_id = group;
  m.type_id = type;
  m.avni_value = std::move(avni);
  m.int_system_value = std::move(int_value);
  m.data_type_hint = hint;
  m.voided = voided;
  return m;
}

class TenantMappingsTest : public ::testing::Test {
 protected:
  std::vector<MappingGroup> groups_{Group(1, "Observation"), Group(2, "Encounter")};
  std::vector<MappingType> types_{Type(10, "Concept"), Type(11, "EncounterType")};
};

TEST_F(TenantMappingsTest, LooksUpBothWaysWithTheRowsHint) {
  auto m = TenantMappings::Build(
      TenantId{1}, groups_, types_,
      {Row(1, 10, "Weight", "5089AAAA", DataTypeHint::kNumeric), Row(2, 11, "ANC visit", "enc-1")},
      1234);
  EXPECT_EQ(m->AvniValueFor("Observation", "Concept", "5089AAAA"), "Weight");
  EXPECT_EQ(m->IntValueFor("Observation", "Concept", "Weight"), "5089AAAA");
  EXPECT_EQ(m->AvniValueFor("Encounter", "EncounterType", "enc-1"), "ANC visit");

  Lookup by_int = m->FindByIntValue("Observation", "Concept", "5089AAAA");
  EXPECT_TRUE(by_int.found);
  EXPECT_EQ(by_int.value, "Weight");
  EXPECT_EQ(by_int.data_type_hint, DataTypeHint::kNumeric);
  Lookup by_avni = m->FindByAvniValue("Observation", "Concept", "Weight");
  EXPECT_EQ(by_avni.value, "5089AAAA");
  EXPECT_EQ(by_avni.data_type_hint, DataTypeHint::kNumeric);

  EXPECT_EQ(m->size(), 2u);
  EXPECT_EQ(m->tenant(), TenantId{1});
  EXPECT_EQ(m->revision(), 1234);
}

TEST_F(TenantMappingsTest, MissingIsNotFoundInEveryWayItCanBeMissing) {
  auto m = TenantMappings::Build(TenantId{1}, groups_, types_, {Row(1, 10, "Weight", "5089AAAA")});
  // The value on the wrong side, an unknown value, another group or type, an unknown group.
  EXPECT_EQ(m->AvniValueFor("Observation", "Concept", "Weight"), std::nullopt);
  EXPECT_EQ(m->IntValueFor("Observation", "Concept", "5089AAAA"), std::nullopt);
  EXPECT_EQ(m->AvniValueFor("Observation", "Concept", "5089aaaa"), std::nullopt);
  EXPECT_EQ(m->AvniValueFor("Encounter", "Concept", "5089AAAA"), std::nullopt);
  EXPECT_EQ(m->AvniValueFor("Observation", "EncounterType", "5089AAAA"), std::nullopt);
  EXPECT_EQ(m->AvniValueFor("Nope", "Concept", "5089AAAA"), std::nullopt);
  Lookup missing = m->FindByIntValue("Observation", "Concept", "");
  EXPECT_FALSE(missing.found);
  EXPECT_FALSE(static_cast<bool>(missing));
  EXPECT_TRUE(missing.value.empty());
  EXPECT_FALSE(m->ScopeOf("Observation", "EncounterType").valid());
  EXPECT_TRUE(m->ScopeOf("Observation", "Concept").valid());
}

TEST_F(TenantMappingsTest, VoidedRowsAndRowsOfUnknownGroupsAreLeftOut) {
  auto m = TenantMappings::Build(
      TenantId{1}, groups_, types_,
      {Row(1, 10, "Old weight", "5089", DataTypeHint::kNumeric, /*voided=*/true),
       Row(1, 10, "Weight", "5089", DataTypeHint::kText), Row(99, 10, "Stray", "stray")});
  EXPECT_EQ(m->size(), 1u);
  EXPECT_EQ(m->AvniValueFor("Observation", "Concept", "5089"), "Weight");
  EXPECT_EQ(m->FindByIntValue("Observation", "Concept", "5089").data_type_hint,
            DataTypeHint::kText);
  EXPECT_EQ(m->IntValueFor("Observation", "Concept", "Old weight"), std::nullopt);
  EXPECT_EQ(m->IntValueFor("Observation", "Concept", "Stray"), std::nullopt);
}

TEST_F(TenantMappingsTest, RowsOfAScopeAreEveryLiveRowOfItAndNoOther) {
  auto m = TenantMappings::Build(
      TenantId{1}, groups_, types_,
      {Row(1, 10, "Weight", "5089", DataTypeHint::kNumeric), Row(1, 10, "Height", "5090"),
       Row(1, 10, "Old", "5091", DataTypeHint::kText, /*voided=*/true),
       Row(2, 11, "ANC visit", "enc-1")});
  auto rows = m->RowsOf("Observation", "Concept");
  ASSERT_EQ(rows.size(), 2u);
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.avni_value < b.avni_value; });
  EXPECT_EQ(rows[0].avni_value, "Height");
  EXPECT_EQ(rows[0].int_value, "5090");
  EXPECT_EQ(rows[1].avni_value, "Weight");
  EXPECT_EQ(rows[1].data_type_hint, DataTypeHint::kNumeric);
  ASSERT_EQ(m->RowsOf("Encounter", "EncounterType").size(), 1u);
  EXPECT_EQ(m->RowsOf("Encounter", "EncounterType")[0].int_value, "enc-1");
  EXPECT_TRUE(m->RowsOf("Encounter", "Concept").empty());
}

TEST_F(TenantMappingsTest, ManyRowsWithLongValuesAllAnswer) {
  // Long values live on the heap and short ones inside the string (SSO): the index must hold
  // on to both after the rows were moved into the snapshot.
  std::vector<Mapping> rows;
  for (int i = 0; i < 2000; ++i) {
    std::string tail = i % 2 ? std::string(40, 'x') : "";
    rows.push_back(Row(1 + i % 2, 10 + i % 2, "avni-" + std::to_string(i) + tail,
                       "int-" + std::to_string(i) + tail));
  }
  auto m = TenantMappings::Build(TenantId{1}, groups_, types_, rows);
  ASSERT_EQ(m->size(), 2000u);
  for (int i = 0; i < 2000; ++i) {
    std::string tail = i % 2 ? std::string(40, 'x') : "";
    const char* group = i % 2 ? "Encounter" : "Observation";
    const char* type = i % 2 ? "EncounterType" : "Concept";
    ASSERT_EQ(m->AvniValueFor(group, type, "int-" + std::to_string(i) + tail),
              "avni-" + std::to_string(i) + tail);
    ASSERT_EQ(m->IntValueFor(group, type, "avni-" + std::to_string(i) + tail),
              "int-" + std::to_string(i) + tail);
  }
}

TEST_F(TenantMappingsTest, KeysOfEveryLengthThatDifferInOneByteAreTold) {
  // Values of 1..40 bytes, each also with one byte changed at every position: all distinct
  // rows, each found with its own answer (the hash reads texts in 8-byte steps and tails).
  std::vector<Mapping> rows;
  for (std::size_t length = 1; length <= 40; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {
      std::string key(length, 'k');
      if (at < length) key[at] = 'j';
      rows.push_back(Row(1, 10, "avni:" + key, key));
    }
  }
  auto m = TenantMappings::Build(TenantId{1}, groups_, types_, rows);
  ASSERT_EQ(m->size(), rows.size());
  for (const Mapping& row : rows) {
    ASSERT_EQ(m->AvniValueFor("Observation", "Concept", row.int_system_value), row.avni_value);
    ASSERT_EQ(m->IntValueFor("Observation", "Concept", row.avni_value), row.int_system_value);
  }
  EXPECT_EQ(m->AvniValueFor("Observation", "Concept", std::string(41, 'k')), std::nullopt);
}

TEST_F(TenantMappingsTest, AnEmptyTenantAnswersNothing) {
  auto m = TenantMappings::Build(TenantId{1}, groups_, types_, {});
  EXPECT_EQ(m->size(), 0u);
  EXPECT_EQ(m->AvniValueFor("Observation", "Concept", "x"), std::nullopt);
  EXPECT_FALSE(m->ScopeOf("Observation", "Concept").valid());
}

TEST_F(TenantMappingsTest, LookupsDoNotAllocate) {
  auto m = TenantMappings::Build(
      TenantId{1}, groups_, types_,
      {Row(1, 10, "A rather long Avni concept name, past any small-string buffer",
           "5089AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")});
  const std::string key(40, 'Z');  // made before counting
  std::size_t found = 0;
  const long before = g_allocations.load();
  for (int i = 0; i < 1000; ++i) {
    found += m->AvniValueFor("Observation", "Concept", "5089AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
                 ->size();
    found += m->IntValueFor("Observation", "Concept",
                            "A rather long Avni concept name, past any small-string buffer")
                 ->size();
    found += m->FindByIntValue("Observation", "Concept", key).found ? 1 : 0;
    found += m->FindByAvniValue(m->ScopeOf("Observation", "Concept"), key).found ? 1 : 0;
  }
  const long during = g_allocations.load() - before;
  EXPECT_EQ(during, 0);
  // The counter does count: a lookup through a key made on the spot allocates (the key).
  const long control = g_allocations.load();
  found += m->IntValueFor("Observation", "Concept", std::string(80, 'q')).has_value() ? 1 : 0;
  EXPECT_GT(g_allocations.load(), control);
  EXPECT_EQ(found, 1000u * (61 + 40));
}

}  // namespace
}  // namespace avni::mapping
