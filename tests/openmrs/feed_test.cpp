// The Atom feed reader and the feed as a sync source: every page oldest first, a position in
// the middle of a page, a `recent` page that filled and was archived, a purged entity, and a
// feed of hundreds of entries read record by record while it grows.

#include <random>

#include "client_fixture.hpp"
#include "openmrs/feed.hpp"
#include "openmrs/feed_source.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

constexpr const char* kPatientPage = "GET /openmrs/ws/atomfeed/patient/{n}";
constexpr const char* kPatientRecent = "GET /openmrs/ws/atomfeed/patient/recent";

TEST(AtomPageTest, ReadsLinksAsPathsAndEntriesWithTheirCdataContent) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Patient AOP</title>
  <link rel="self" type="application/atom+xml" href="http://10.0.0.5:8050/openmrs/ws/atomfeed/patient/recent" />
  <link rel="via" type="application/atom+xml" href="http://10.0.0.5:8050/openmrs/ws/atomfeed/patient/3" />
  <link rel="prev-archive" type="application/atom+xml" href="http://10.0.0.5:8050/openmrs/ws/atomfeed/patient/2" />
  <id>bec795b1-3d17-451d-b43e-a094019f6984+3</id>
  <entry>
    <title>Patient</title>
    <id>tag:atomfeed.ict4h.org:6f1f7a2a-0000-4000-8000-000000000001</id>
    <updated>2025-05-01T10:00:00Z</updated>
    <content type="application/vnd.atomfeed+xml"><![CDATA[/openmrs/ws/rest/v1/patient/aaaa-1?v=full]]></content>
  </entry>
</feed>)";
  auto page = ParseAtomPage(xml);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->self, "/openmrs/ws/atomfeed/patient/recent");
  EXPECT_EQ(page->via, "/openmrs/ws/atomfeed/patient/3");
  EXPECT_EQ(page->prev_archive, "/openmrs/ws/atomfeed/patient/2");
  EXPECT_EQ(page->next_archive, "");
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].id, "tag:atomfeed.ict4h.org:6f1f7a2a-0000-4000-8000-000000000001");
  EXPECT_EQ(page->entries[0].title, "Patient");
  EXPECT_EQ(page->entries[0].content, "/openmrs/ws/rest/v1/patient/aaaa-1?v=full");
  EXPECT_EQ(EntityUuid(page->entries[0].content), "aaaa-1");
  EXPECT_EQ(EntityUuid("/openmrs/ws/rest/v1/bahmnicore/bahmniencounter/bbbb-2?includeAll=true"),
            "bbbb-2");
  EXPECT_FALSE(ParseAtomPage("<html><body>Bad gateway</body></html>"));
  EXPECT_FALSE(ParseAtomPage("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry>"));
}

TEST(AtomPageTest, MarkersRoundTripAndForeignOnesAreRefused) {
  const FeedPosition position{"/openmrs/ws/atomfeed/patient/12", "tag:atomfeed.ict4h.org:x-1"};
  EXPECT_EQ(DecodeMarker(EncodeMarker(position)), position);
  EXPECT_FALSE(DecodeMarker("/openmrs/ws/atomfeed/patient/recent tag:x"));
  EXPECT_FALSE(DecodeMarker("2025-01-01T00:00:00Z"));
  EXPECT_FALSE(DecodeMarker(""));
}

class OpenmrsFeedTest : public OpenmrsClientTest {
 protected:
  // Creates `n` patients through the client; their uuids in order.
  std::vector<std::string> CreatePatients(int n) {
    std::vector<std::string> uuids;
    for (int i = 0; i < n; ++i) {
      auto p = client_->CreatePatient(APatient("GAN5" + std::to_string(10000 + next_++)));
      EXPECT_TRUE(p) << p.error().message;
      if (p) uuids.push_back(p->uuid);
    }
    return uuids;
  }
  static std::vector<std::string> Entities(const std::vector<FeedEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(EntityUuid(e.content));
    return out;
  }
  int next_ = 0;
};

TEST_F(OpenmrsFeedTest, ReadsEveryPageOldestFirstFromTheFirst) {
  Client& client = MakeClient();
  const auto created = CreatePatients(12);  // pages of 5: 5, 5, 2
  FeedReader reader(client, FeedKind::kPatient);
  auto batch = reader.ReadAfter(std::nullopt, 100);
  ASSERT_TRUE(batch) << batch.error().message;
  EXPECT_TRUE(batch->at_end);
  EXPECT_EQ(Entities(batch->entries), created);
  EXPECT_EQ(batch->entries[0].position.page, "/openmrs/ws/atomfeed/patient/1");
  EXPECT_EQ(batch->entries[11].position.page, "/openmrs/ws/atomfeed/patient/3");
  EXPECT_EQ(Requests(kPatientRecent), 1);
  EXPECT_EQ(Requests(kPatientPage), 3);  // /1, /2, /3: never `recent` as a position

  // A limit stops mid-page; the next read goes on from there.
  auto first = reader.ReadAfter(std::nullopt, 7);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->at_end);
  ASSERT_EQ(first->entries.size(), 7u);
  auto rest = reader.ReadAfter(first->entries.back().position, 100);
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(Entities(rest->entries), std::vector<std::string>(created.begin() + 7, created.end()));
  // At the end, nothing more.
  auto none = reader.ReadAfter(rest->entries.back().position, 100);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->entries.empty());
  EXPECT_TRUE(none->at_end);
}

TEST_F(OpenmrsFeedTest, APositionOnTheRecentPageSurvivesItFillingAndBeingArchived) {
  Client& client = MakeClient();
  auto created = CreatePatients(7);  // /1 full, /2 (recent) holds 2
  FeedReader reader(client, FeedKind::kPatient);
  auto batch = reader.ReadAfter(std::nullopt, 100);
  ASSERT_TRUE(batch);
  const FeedPosition last = batch->entries.back().position;
  EXPECT_EQ(last.page, "/openmrs/ws/atomfeed/patient/2");
  const auto more = CreatePatients(6);  // /2 fills, /3 holds 3 and is recent now
  auto next = reader.ReadAfter(last, 100);
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(Entities(next->entries), more);
  EXPECT_EQ(next->entries.back().position.page, "/openmrs/ws/atomfeed/patient/3");
}

TEST_F(OpenmrsFeedTest, APositionFromAnotherFeedIsRefused) {
  Client& client = MakeClient();
  CreatePatients(2);
  FeedReader reader(client, FeedKind::kPatient);
  auto wrong = reader.ReadAfter(FeedPosition{"/openmrs/ws/atomfeed/patient/1", "tag:nope"}, 10);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kFailedPrecondition);
  auto other = reader.ReadAfter(FeedPosition{"/openmrs/ws/atomfeed/encounter/1", "tag:x"}, 10);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::kFailedPrecondition);
}

TEST_F(OpenmrsFeedTest, AGoneEntityIsARecordWithoutBodyAndTheFeedGoesOn) {
  Client& client = MakeClient();
  const auto created = CreatePatients(4);
  ASSERT_EQ(control_->Delete("/_sim/patients/" + created[1])->status, 204);
  FeedSource source(client, FeedKind::kPatient);
  auto page = source.Read(sync::Cursor{}, 10);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->records.size(), 4u);
  EXPECT_TRUE(page->last);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(page->records[i].id, created[i]);
    EXPECT_EQ(page->records[i].body.empty(), i == 1) << i;
    ASSERT_TRUE(page->records[i].position.marker);
  }
  EXPECT_EQ(json::parse(page->records[2].body).at("uuid"), created[2]);
  auto gone = source.Fetch(created[1]);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  auto there = source.Fetch(created[3]);
  ASSERT_TRUE(there && there->has_value());
  EXPECT_EQ((*there)->id, created[3]);
}

TEST_F(OpenmrsFeedTest, EncounterEntriesAreReadThroughRestNotBahmnicore) {
  Client& client = MakeClient();
  auto patient = client.CreatePatient(APatient("GAN300001"));
  ASSERT_TRUE(patient);
  auto encounter = client.CreateEncounter(AnEncounter(patient->uuid, "avni-1"));
  ASSERT_TRUE(encounter);
  FeedSource source(client, FeedKind::kEncounter);
  auto page = source.Read(sync::Cursor{}, 10);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(page->records[0].id, *encounter);
  const json body = json::parse(page->records[0].body);
  EXPECT_EQ(body.at("uuid"), *encounter);
  EXPECT_TRUE(body.contains("obs"));
}

// Bahmni publishes more than "Encounter" events on the encounter feed: a source reading one
// title makes another title's entry a record without a body (skipped), naming the entry, and
// never reads what it points at.
TEST_F(OpenmrsFeedTest, EntriesOfAnotherTitleAreRecordsWithoutBodyWhenATitleIsGiven) {
  Client& client = MakeClient();
  auto patient = client.CreatePatient(APatient("GAN300002"));
  ASSERT_TRUE(patient);
  sim_->PublishOtherEncounterEvent("Bed-Assignment",
                                   "/openmrs/ws/rest/v1/encounter/" + patient->uuid + "?v=full");
  auto encounter = client.CreateEncounter(AnEncounter(patient->uuid, "avni-2"));
  ASSERT_TRUE(encounter);
  FeedSource source(client, FeedKind::kEncounter, "Encounter");
  auto page = source.Read(sync::Cursor{}, 10);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->records.size(), 2u);
  EXPECT_TRUE(page->records[0].id.starts_with("tag:atomfeed.ict4h.org:")) << page->records[0].id;
  EXPECT_TRUE(page->records[0].body.empty());
  EXPECT_EQ(page->records[1].id, *encounter);
  EXPECT_FALSE(page->records[1].body.empty());
  // Without a title every entry is read.
  FeedSource all(client, FeedKind::kEncounter);
  auto every = all.Read(sync::Cursor{}, 10);
  ASSERT_TRUE(every);
  EXPECT_EQ(every->records[0].id, patient->uuid);
}

TEST_F(OpenmrsFeedTest, RecordByRecordWhileTheFeedGrowsNothingIsLostOrRepeated) {
  Client& client = MakeClient();
  sim_->Generate(150, 0, 7);
  FeedSource source(client, FeedKind::kPatient);
  std::mt19937 rng(12345);
  sync::Cursor cursor;
  std::vector<std::string> versions;  // entry ids in the order read
  int created = 0;
  for (int round = 0; round < 1000; ++round) {
    // The service keeps writing while the feed is read.
    if (round % 3 == 0 && created < 120) created += static_cast<int>(CreatePatients(2).size());
    const int limit = std::uniform_int_distribution<int>(1, 7)(rng);
    auto page = source.Read(cursor, limit);
    ASSERT_TRUE(page) << page.error().message;
    ASSERT_LE(page->records.size(), static_cast<std::size_t>(limit));
    for (const auto& record : page->records) {
      versions.push_back(record.version);
      cursor = record.position;  // committed record by record
    }
    if (page->last && created >= 120) break;
  }
  FeedReader reader(client, FeedKind::kPatient);
  auto all = reader.ReadAfter(std::nullopt, 100000);
  ASSERT_TRUE(all);
  std::vector<std::string> expected;
  for (const auto& e : all->entries) expected.push_back(e.id);
  EXPECT_GE(expected.size(), 270u);
  std::size_t same = 0;
  while (same < versions.size() && same < expected.size() && versions[same] == expected[same]) {
    ++same;
  }
  EXPECT_EQ(same, expected.size()) << "read " << versions.size() << " of " << expected.size();
  EXPECT_EQ(versions.size(), expected.size());
}

}  // namespace
}  // namespace avni::openmrs
