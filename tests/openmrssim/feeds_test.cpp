// The Atom feeds as ICT4H atomfeed's server writes them from the simulator's own changes:
// fixed-size pages, recent with self and via, prev-archive to older and next-archive to newer
// pages, entries in order of change with tag ids and CDATA content URLs that resolve.

#include <set>

#include <fmt/format.h>

#include "sim_fixture.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

struct FeedPage {
  std::map<std::string, std::string> links;  // rel -> href
  std::vector<std::string> ids;
  std::vector<std::string> contents;
  std::vector<std::string> titles;
};

// The text between `open` and `close` from `pos` on; advances `pos` past it ("" when absent).
std::string Between(const std::string& text, std::size_t& pos, const std::string& open,
                    const std::string& close) {
  const std::size_t start = text.find(open, pos);
  if (start == std::string::npos) return "";
  const std::size_t end = text.find(close, start + open.size());
  if (end == std::string::npos) return "";
  pos = end + close.size();
  return text.substr(start + open.size(), end - start - open.size());
}

// Reads what a client reads of a page: links by rel, and each entry's title, id and content.
FeedPage Parse(const std::string& xml) {
  FeedPage page;
  std::size_t pos = 0;
  for (std::string link; !(link = Between(xml, pos, "<link ", " />")).empty();) {
    std::size_t at = 0;
    const std::string rel = Between(link, at, "rel=\"", "\"");
    EXPECT_NE(link.find("type=\"application/atom+xml\""), std::string::npos) << link;
    page.links[rel] = Between(link, at, "href=\"", "\"");
  }
  pos = 0;
  for (std::string entry; !(entry = Between(xml, pos, "<entry>", "</entry>")).empty();) {
    std::size_t at = 0;
    page.titles.push_back(Between(entry, at, "<title>", "</title>"));
    page.ids.push_back(Between(entry, at, "<id>", "</id>"));
    page.contents.push_back(Between(
        entry, at, "<content type=\"application/vnd.atomfeed+xml\"><![CDATA[", "]]></content>"));
  }
  return page;
}

class OpenmrsSimFeedsTest : public OpenmrsSimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.patients = 12;
    options.encounters_per_patient = 1;
    return options;
  }
  FeedPage Feed(const std::string& path) {
    auto res = client_->Get(path, Auth());
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/atom+xml;charset=UTF-8");
    return Parse(res->body);
  }
  static std::string PathOf(const std::string& href) { return href.substr(href.find("/openmrs/")); }
};

TEST_F(OpenmrsSimFeedsTest, RecentIsTheNewestFixedSizePageWithSelfViaAndPrevArchive) {
  const FeedPage recent = Feed("/openmrs/ws/atomfeed/patient/recent");
  // 12 patient events in pages of 5: pages 1, 2 full; page 3 holds 2.
  EXPECT_EQ(recent.ids.size(), 2u);
  EXPECT_EQ(recent.links.at("self"),
            fmt::format("http://127.0.0.1:{}/openmrs/ws/atomfeed/patient/recent", port_));
  EXPECT_EQ(recent.links.at("via"),
            fmt::format("http://127.0.0.1:{}/openmrs/ws/atomfeed/patient/3", port_));
  EXPECT_EQ(recent.links.at("prev-archive"),
            fmt::format("http://127.0.0.1:{}/openmrs/ws/atomfeed/patient/2", port_));
  EXPECT_FALSE(recent.links.contains("next-archive"));
  EXPECT_TRUE(recent.ids[0].starts_with("tag:atomfeed.ict4h.org:"));
  EXPECT_EQ(recent.titles[0], "Patient");
  const std::string& url = recent.contents[0];
  EXPECT_TRUE(url.starts_with("/openmrs/ws/rest/v1/patient/")) << url;
  EXPECT_TRUE(url.ends_with("?v=full")) << url;
  EXPECT_EQ(url.size(), std::string("/openmrs/ws/rest/v1/patient/").size() + 36 + 7) << url;
}

TEST_F(OpenmrsSimFeedsTest, ArchiveLinksWalkTheWholeHistoryBothWays) {
  // Back from recent to the first page by prev-archive...
  std::vector<std::vector<std::string>> backwards;
  FeedPage page = Feed("/openmrs/ws/atomfeed/patient/recent");
  backwards.push_back(page.ids);
  while (page.links.contains("prev-archive")) {
    page = Feed(PathOf(page.links.at("prev-archive")));
    backwards.push_back(page.ids);
  }
  EXPECT_EQ(page.links.at("self"), page.links.at("via"));
  EXPECT_FALSE(page.links.contains("prev-archive"));
  // ...and forward again by next-archive, to the page recent stands for.
  std::vector<std::string> forward = page.ids;
  while (page.links.contains("next-archive")) {
    page = Feed(PathOf(page.links.at("next-archive")));
    forward.insert(forward.end(), page.ids.begin(), page.ids.end());
  }
  std::vector<std::string> from_back;
  for (auto it = backwards.rbegin(); it != backwards.rend(); ++it) {
    from_back.insert(from_back.end(), it->begin(), it->end());
  }
  EXPECT_EQ(forward, from_back);
  EXPECT_EQ(forward.size(), 12u);
  std::set<std::string> unique(forward.begin(), forward.end());
  EXPECT_EQ(unique.size(), 12u);
  // A page that does not exist is atomfeed's 500; a page that is no number, Spring's 400.
  EXPECT_EQ(client_->Get("/openmrs/ws/atomfeed/patient/4", Auth())->status, 500);
  EXPECT_EQ(client_->Get("/openmrs/ws/atomfeed/patient/0", Auth())->status, 500);
  EXPECT_EQ(client_->Get("/openmrs/ws/atomfeed/patient/x", Auth())->status, 400);
}

TEST_F(OpenmrsSimFeedsTest, CreatesAndUpdatesAppendEntriesInOrderWhoseUrlsResolve) {
  const std::string patient = CreatePatient("GAN300001");
  const std::string encounter =
      Json(Post("/encounter", NewEncounter(patient, json::array({{{"concept", Concept("Concept 1")},
                                                                  {"value", "x"}}}))),
           201)
          .at("uuid");
  Json(Post("/encounter/" + encounter,
            {{"obs", {{{"concept", Concept("Concept 2")}, {"value", "y"}}}}}));
  ASSERT_EQ(Delete("/encounter/" + encounter)->status, 204);

  const FeedPage patients = Feed("/openmrs/ws/atomfeed/patient/recent");
  ASSERT_FALSE(patients.contents.empty());
  EXPECT_EQ(patients.contents.back(), "/openmrs/ws/rest/v1/patient/" + patient + "?v=full");
  EXPECT_EQ(patients.ids.size(), 3u);  // 13 events: the 3rd page holds 3
  // Its URL resolves to the patient.
  auto res = client_->Get(patients.contents.back(), Auth());
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body).at("uuid"), patient);

  // Encounters: 12 generated, then create, update, void of ours: 15 events, pages of 5.
  const FeedPage encounters = Feed("/openmrs/ws/atomfeed/encounter/recent");
  ASSERT_EQ(encounters.contents.size(), 5u);
  const std::string url =
      "/openmrs/ws/rest/v1/bahmnicore/bahmniencounter/" + encounter + "?includeAll=true";
  EXPECT_EQ(encounters.contents[2], url);
  EXPECT_EQ(encounters.contents[3], url);
  EXPECT_EQ(encounters.contents[4], url);
  EXPECT_EQ(encounters.titles[4], "Encounter");
  // Bahmni's encounter transaction is not simulated; its REST twin is what a client reads.
  EXPECT_EQ(client_->Get(url, Auth())->status, 404);
  const json read = Json(Get("/encounter/" + encounter, {{"v", "full"}}));
  EXPECT_EQ(read.at("voided"), true);
}

TEST_F(OpenmrsSimFeedsTest, AnEmptyFeedIsPageZeroAndFeedsNeedASession) {
  sim_->Generate(0, 0, 1);
  const FeedPage empty = Feed("/openmrs/ws/atomfeed/patient/recent");
  EXPECT_TRUE(empty.ids.empty());
  EXPECT_TRUE(empty.links.at("via").ends_with("/openmrs/ws/atomfeed/patient/0"));
  EXPECT_EQ(client_->Get("/openmrs/ws/atomfeed/patient/recent")->status, 401);
}

TEST_F(OpenmrsSimFeedsTest, PageSizeIsConfigurable) {
  SimOptions options;
  options.patients = 12;
  options.feed_page_size = 4;
  Simulator other(options);
  const int port = other.Start();
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  httplib::Headers headers = {httplib::make_basic_authentication_header("superman", "Admin123")};
  auto res = client.Get("/openmrs/ws/atomfeed/patient/recent", headers);
  ASSERT_TRUE(res);
  const FeedPage page = Parse(res->body);
  EXPECT_EQ(page.ids.size(), 4u);
  EXPECT_TRUE(page.links.at("via").ends_with("/patient/3"));
  other.Stop();
}

// Patients Bahmni registered under identifiers Avni holds too (the demo's): each named one is
// generated first, with its OPD visit's encounters on the encounter feed, then the numbered ones.
TEST_F(OpenmrsSimFeedsTest, GeneratedPatientsCanHoldGivenIdentifiersWithTheirEncounters) {
  SimOptions options;
  options.identifiers = {"GAN100001", "GAN100002"};
  options.patients = 1;
  options.encounters_per_patient = 4;
  Simulator other(options);
  const json counts = other.CreationCounts();
  EXPECT_EQ(counts["identifiers"], json({{"GAN100001", 1}, {"GAN100002", 1}, {"GAN200001", 1}}));
  const int port = other.Start();
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/_sim/stats");
  ASSERT_TRUE(res);
  EXPECT_EQ(json::parse(res->body).at("feeds").at("encounter"), 3 * 4);
  other.Stop();
}

}  // namespace
}  // namespace avni::openmrssim
