// The Avni watermark source: reading a resource page by page after a cursor, the way the sync
// engine does, never loses or repeats a record, even when many share a millisecond across
// page boundaries, when the cursor's own entity is edited meanwhile, or when records arrive
// inside the read lag.

#include <map>
#include <set>

#include "avni/source.hpp"
#include "client_fixture.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

json Subject(const std::string& id, Timestamp modified) {
  return {
      {"Subject type", "Individual"},   {"ID", id},
      {"External ID", nullptr},         {"Voided", false},
      {"observations", json::object()}, {"audit", {{"Last modified at", FormatIso8601(modified)}}}};
}

// Reads everything after `cursor` as the engine would: page after page, each record's position
// must be after the previous one, the cursor moves to the last record of every page.
std::vector<sync::SourceRecord> Drain(WatermarkSource& source, sync::Cursor& cursor, int limit,
                                      int max_pages = 1000) {
  std::vector<sync::SourceRecord> done;
  for (int i = 0; i < max_pages; ++i) {
    auto page = source.Read(cursor, limit);
    EXPECT_TRUE(page) << page.error().message;
    if (!page) break;
    for (auto& record : page->records) {
      if (!sync::After(record.position, cursor)) continue;  // the engine drops these
      cursor = record.position;
      done.push_back(std::move(record));
    }
    if (page->last) break;
  }
  return done;
}

class AvniSourceTest : public AvniClientTest {
 protected:
  void SetUp() override {
    StartSim({});
    MakeClient(Config(/*auth_enabled=*/false));
  }
};

TEST_F(AvniSourceTest, RecordsSharingAMillisecondAcrossPagesAreReadOnceEach) {
  sim_->Generate(500, /*seed=*/7, /*same_time=*/23);  // 23 per millisecond; pages of 10
  WatermarkSource source(*client_, Resource::kSubject, {}, clock_);
  sync::Cursor cursor;
  const auto done = Drain(source, cursor, 10);
  std::set<std::string> ids;
  for (const auto& r : done) ids.insert(r.id);
  EXPECT_EQ(done.size(), 500u);
  EXPECT_EQ(ids.size(), 500u);
  // Nothing more after the end.
  auto after = source.Read(cursor, 10);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->records.empty());
  EXPECT_TRUE(after->last);
}

TEST_F(AvniSourceTest, ANewRunResumesFromTheCursorMidMillisecond) {
  sim_->Generate(100, 3, /*same_time=*/50);
  sync::Cursor cursor;
  std::set<std::string> ids;
  {
    WatermarkSource first(*client_, Resource::kSubject, {}, clock_);
    for (const auto& r : Drain(first, cursor, 15, /*max_pages=*/2)) ids.insert(r.id);
  }
  EXPECT_EQ(ids.size(), 30u);  // stopped inside the first millisecond of 50
  WatermarkSource second(*client_, Resource::kSubject, {}, clock_);
  const auto rest = Drain(second, cursor, 15);
  for (const auto& r : rest) EXPECT_TRUE(ids.insert(r.id).second) << "read twice: " << r.id;
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(AvniSourceTest, WhenTheCursorsEntityIsEditedItsMillisecondIsReadAgainNotSkipped) {
  const Timestamp t = FromEpochMillis(1'750'000'000'000);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(sim_->AddSubject(Subject("s" + std::to_string(i), t)));
  }
  ASSERT_TRUE(sim_->AddSubject(Subject("later", t + seconds(1))));
  sync::Cursor cursor;
  std::vector<std::string> first_ids;
  {
    WatermarkSource first(*client_, Resource::kSubject, {}, clock_);
    for (const auto& r : Drain(first, cursor, 3, /*max_pages=*/1)) first_ids.push_back(r.id);
  }
  ASSERT_EQ(first_ids.size(), 3u);
  // The entity the cursor stands on is edited: it leaves the millisecond.
  ASSERT_TRUE(sim_->Touch(first_ids.back(), t + seconds(2)));
  WatermarkSource second(*client_, Resource::kSubject, {}, clock_);
  std::multiset<std::string> seen(first_ids.begin(), first_ids.end());
  for (const auto& r : Drain(second, cursor, 3)) seen.insert(r.id);
  for (int i = 0; i < 6; ++i) EXPECT_GE(seen.count("s" + std::to_string(i)), 1u) << i;
  EXPECT_EQ(seen.count("later"), 1u);
  EXPECT_EQ(seen.count(first_ids.back()), 2u);  // its edit is read as a new version
}

TEST_F(AvniSourceTest, RecordsInsideTheReadLagWaitForTheNextRun) {
  const Timestamp now = SystemClock().Now();
  ASSERT_TRUE(sim_->AddSubject(Subject("old", now - seconds(60))));
  ASSERT_TRUE(sim_->AddSubject(Subject("fresh", now - seconds(3))));
  sync::Cursor cursor;
  WatermarkSource source(*client_, Resource::kSubject, {}, clock_);
  const auto done = Drain(source, cursor, 10);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].id, "old");
  EXPECT_EQ(source.window_end(), clock_.Now() - seconds(10));
  clock_.Advance(seconds(20));
  WatermarkSource next(*client_, Resource::kSubject, {}, clock_);
  const auto later = Drain(next, cursor, 10);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].id, "fresh");
}

TEST_F(AvniSourceTest, FetchReadsOneEntityForReprocessing) {
  const Timestamp t = FromEpochMillis(1'750'000'000'000);
  ASSERT_TRUE(sim_->AddSubject(Subject("s-1", t)));
  WatermarkSource source(*client_, Resource::kSubject, {}, clock_);
  auto found = source.Fetch("s-1");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  EXPECT_EQ((*found)->id, "s-1");
  EXPECT_EQ((*found)->version, FormatIso8601(t));
  auto gone = source.Fetch("s-2");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(AvniSourceTest, ACursorThatIsNotAnAvniCursorIsRefusedNamingIt) {
  WatermarkSource source(*client_, Resource::kSubject, {}, clock_);
  sync::Cursor cursor;
  cursor.time = FromEpochMillis(1'750'000'000'000);
  cursor.id = "not-ours";
  auto page = source.Read(cursor, 10);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().field, "cursor");
}

}  // namespace
}  // namespace avni::avniapi
