#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::Tx;

class SyncStatusTest : public StoreTest {
 protected:
  static SyncStatus AtTime(std::string type, Timestamp time, std::string id) {
    SyncStatus s;
    s.entity_type = std::move(type);
    s.read_upto_time = time;
    s.read_upto_id = std::move(id);
    return s;
  }

  Result<SyncStatus> Put(TenantId tenant, const SyncStatus& status) {
    return store_->Transact([&](Tx& tx) { return tx.tenant(tenant).sync_status().Put(status); });
  }
  Result<std::optional<SyncStatus>> Get(TenantId tenant, const std::string& type) {
    return store_->Read([&](Tx& tx) { return tx.tenant(tenant).sync_status().Get(type); });
  }
  std::string RawCount() const {
    return db_->QueryColumn("SELECT COUNT(*) FROM sync_status").at(0);
  }
};

TEST_P(SyncStatusTest, NeverReadIsNullopt) {
  const TenantId a = MakeTenant("A");
  auto got = Get(a, "Subject");
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_FALSE(got->has_value());
}

TEST_P(SyncStatusTest, TimeAndTieBreakIdRoundTripExactly) {
  const TenantId a = MakeTenant("A");
  const Timestamp read_upto = FromEpochMillis(1'706'695'200'123);  // millisecond precision
  const std::string tie_break = "c0ffee00-0000-4000-8000-000000000001 'é' \"x\"";
  auto put = Put(a, AtTime("Subject", read_upto, tie_break));
  ASSERT_TRUE(put.has_value()) << put.error().message;
  EXPECT_EQ(put->tenant_id, a);
  EXPECT_EQ(put->updated_at, clock_.Now());

  auto got = Get(a, "Subject");
  ASSERT_TRUE(got.has_value() && got->has_value());
  const SyncStatus& s = **got;
  EXPECT_EQ(s.tenant_id, a);
  EXPECT_EQ(s.entity_type, "Subject");
  EXPECT_EQ(s.read_upto_time, read_upto);
  EXPECT_EQ(s.read_upto_id, tie_break);
  EXPECT_FALSE(s.read_upto_numeric.has_value());
  EXPECT_FALSE(s.read_upto_marker.has_value());
  EXPECT_EQ(s.updated_at, clock_.Now());
  EXPECT_EQ(db_->QueryColumn("SELECT read_upto_time FROM sync_status").at(0), "1706695200123");
}

TEST_P(SyncStatusTest, NumericAndMarkerFormsRoundTrip) {
  const TenantId a = MakeTenant("A");
  SyncStatus numeric;
  numeric.entity_type = "PatientFeed";
  numeric.read_upto_numeric = 9'007'199'254'740'993;  // beyond a double's exact range
  ASSERT_TRUE(Put(a, numeric).has_value());
  SyncStatus marker;
  marker.entity_type = "EncounterFeed";
  marker.read_upto_marker = "tag:atomfeed.ict4h.org:8b7c1a2e-0d9e-4a3e-a0f1-1f6d9d3b2a77";
  ASSERT_TRUE(Put(a, marker).has_value());

  auto got_numeric = Get(a, "PatientFeed");
  ASSERT_TRUE(got_numeric.has_value() && got_numeric->has_value());
  EXPECT_EQ((*got_numeric)->read_upto_numeric, 9'007'199'254'740'993);
  EXPECT_FALSE((*got_numeric)->read_upto_time.has_value());
  EXPECT_FALSE((*got_numeric)->read_upto_marker.has_value());
  EXPECT_EQ((*got_numeric)->read_upto_id, "");

  auto got_marker = Get(a, "EncounterFeed");
  ASSERT_TRUE(got_marker.has_value() && got_marker->has_value());
  EXPECT_EQ((*got_marker)->read_upto_marker,
            "tag:atomfeed.ict4h.org:8b7c1a2e-0d9e-4a3e-a0f1-1f6d9d3b2a77");
  EXPECT_FALSE((*got_marker)->read_upto_time.has_value());
  EXPECT_FALSE((*got_marker)->read_upto_numeric.has_value());
}

TEST_P(SyncStatusTest, PutReplacesTheWholeWatermark) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, AtTime("Subject", FromEpochMillis(1000), "id-1")).has_value());
  clock_.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(Put(a, AtTime("Subject", FromEpochMillis(2000), "id-2")).has_value());
  auto moved = Get(a, "Subject");
  ASSERT_TRUE(moved.has_value() && moved->has_value());
  EXPECT_EQ((*moved)->read_upto_time, FromEpochMillis(2000));
  EXPECT_EQ((*moved)->read_upto_id, "id-2");
  EXPECT_EQ((*moved)->updated_at, clock_.Now());

  // Switching the form of cursor clears the old one.
  SyncStatus numeric;
  numeric.entity_type = "Subject";
  numeric.read_upto_numeric = 42;
  auto switched = Put(a, numeric);
  ASSERT_TRUE(switched.has_value());
  EXPECT_FALSE(switched->read_upto_time.has_value());
  EXPECT_EQ(switched->read_upto_id, "");
  EXPECT_EQ(switched->read_upto_numeric, 42);
  EXPECT_EQ(RawCount(), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM sync_status WHERE read_upto_time IS NULL").at(0),
            "1");
}

TEST_P(SyncStatusTest, AWatermarkWithoutACursorIsRefused) {
  const TenantId a = MakeTenant("A");
  SyncStatus none;
  none.entity_type = "Subject";
  none.read_upto_id = "id-without-time";
  auto refused = Put(a, none);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().field, "read_upto");
  EXPECT_NE(refused.error().message.find("Subject"), std::string::npos);

  auto no_type = Put(a, AtTime("", FromEpochMillis(1), "x"));
  ASSERT_FALSE(no_type.has_value());
  EXPECT_EQ(no_type.error().field, "entity_type");
  EXPECT_EQ(RawCount(), "0");

  // A refusal leaves an existing watermark as it was.
  ASSERT_TRUE(Put(a, AtTime("Subject", FromEpochMillis(5000), "kept")).has_value());
  ASSERT_FALSE(Put(a, none).has_value());
  auto kept = Get(a, "Subject");
  ASSERT_TRUE(kept.has_value() && kept->has_value());
  EXPECT_EQ((*kept)->read_upto_id, "kept");
}

TEST_P(SyncStatusTest, ListIsOrderedByEntityType) {
  const TenantId a = MakeTenant("A");
  for (const char* type : {"subject", "encounter", "program_enrolment"}) {
    ASSERT_TRUE(Put(a, AtTime(type, FromEpochMillis(1), "x")).has_value());
  }
  auto all = store_->Read([&](Tx& tx) { return tx.tenant(a).sync_status().List(); });
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].entity_type, "encounter");
  EXPECT_EQ((*all)[1].entity_type, "program_enrolment");
  EXPECT_EQ((*all)[2].entity_type, "subject");
}

TEST_P(SyncStatusTest, RemoveForgetsTheWatermark) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, AtTime("Subject", FromEpochMillis(1), "x")).has_value());
  ASSERT_TRUE(Put(a, AtTime("Encounter", FromEpochMillis(1), "x")).has_value());
  auto removed =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).sync_status().Remove("Subject"); });
  ASSERT_TRUE(removed.has_value()) << removed.error().message;
  auto got = Get(a, "Subject");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(db_->QueryColumn("SELECT entity_type FROM sync_status"),
            std::vector<std::string>{"Encounter"});
  auto again =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).sync_status().Remove("Subject"); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_P(SyncStatusTest, TenantsNeverSeeOrChangeEachOthersWatermarks) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  ASSERT_TRUE(Put(b, AtTime("Subject", FromEpochMillis(7000), "b-id")).has_value());
  ASSERT_TRUE(Put(b, AtTime("Encounter", FromEpochMillis(8000), "b-enc")).has_value());

  auto got = Get(a, "Subject");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
  auto list = store_->Read([&](Tx& tx) { return tx.tenant(a).sync_status().List(); });
  ASSERT_TRUE(list.has_value());
  EXPECT_TRUE(list->empty());
  auto removed =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).sync_status().Remove("Encounter"); });
  ASSERT_FALSE(removed.has_value());
  EXPECT_EQ(removed.error().code, ErrorCode::kNotFound);

  // A's own watermark of the same entity type is a separate row.
  auto put = Put(a, AtTime("Subject", FromEpochMillis(1000), "a-id"));
  ASSERT_TRUE(put.has_value());
  EXPECT_EQ(put->tenant_id, a);
  auto a_list = store_->Read([&](Tx& tx) { return tx.tenant(a).sync_status().List(); });
  ASSERT_TRUE(a_list.has_value());
  ASSERT_EQ(a_list->size(), 1u);
  EXPECT_EQ((*a_list)[0].read_upto_id, "a-id");
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.tenant(a).sync_status().Remove("Subject"); })
                  .has_value());

  const std::string b_rows =
      "SELECT entity_type || '@' || read_upto_time || '#' || read_upto_id "
      "FROM sync_status WHERE tenant_id = " +
      std::to_string(b.value) + " ORDER BY entity_type";
  EXPECT_EQ(db_->QueryColumn(b_rows),
            (std::vector<std::string>{"Encounter@8000#b-enc", "Subject@7000#b-id"}));
  EXPECT_EQ(RawCount(), "2");
}

AVNI_ON_EVERY_BACKEND(SyncStatusTest);

}  // namespace
}  // namespace avni::testing
