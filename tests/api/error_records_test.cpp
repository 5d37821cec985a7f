// GET /tenants/{t}/error-records, GET .../error-records/{record} and POST
// .../error-records/actions, on both backends.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sync_api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using std::chrono::minutes;

constexpr const char* kSecretBody = "{\"name\":\"Asha Devi\",\"phone\":\"98450\"}";

std::vector<std::string> EntityIds(const json& page) {
  std::vector<std::string> out;
  for (const auto& item : page["items"]) out.push_back(item["entity_id"]);
  return out;
}

class ErrorRecordsApiTest : public SyncApiTest {
 protected:
  Reply List(const std::string& query = "", const std::string& token = "") {
    return Call("GET", Path("/error-records" + query), std::nullopt,
                token.empty() ? token_ : token);
  }
  Reply Act(const json& body, const std::string& token = "") {
    return Call("POST", Path("/error-records/actions"), body, token.empty() ? token_ : token);
  }
};

TEST_P(ErrorRecordsApiTest, ListShowsEachRecordWithItsTypeAndLatestFailure) {
  const ErrorType missing = MakeType("Missing concept", ErrorOperator::kContains, "concept", 1);
  const Timestamp t0 = clock_.Now();
  const RowId a = RecordError("Subject", "s-1", "old message", "{}", missing.id);
  clock_.Advance(minutes(1));
  RecordError("Subject", "s-1", "Concept 'Weight' not found", kSecretBody, missing.id);
  clock_.Advance(minutes(1));
  RecordError("Subject", "s-1", "Concept 'Weight' not found", kSecretBody, missing.id);
  clock_.Advance(minutes(1));
  const RowId b = RecordError("Encounter", "e-1", "500 from OpenMRS");

  Reply r = List();
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 2);
  ASSERT_EQ(r.body["items"].size(), 2u);
  const json& first = r.body["items"][0];
  EXPECT_EQ(first["id"], a);
  EXPECT_EQ(first["entity_type"], "Subject");
  EXPECT_EQ(first["entity_id"], "s-1");
  EXPECT_EQ(first["error_type"],
            (json{{"id", missing.id}, {"name", "Missing concept"}, {"follow_up_step", "Process"}}));
  EXPECT_EQ(first["processing_disabled"], false);
  EXPECT_EQ(first["attempts"], 0);
  EXPECT_EQ(first["occurrences"], 3);  // one "old message", then the same failure twice
  EXPECT_EQ(first["first_seen_at"], FormatIso8601(t0));
  EXPECT_EQ(first["last_seen_at"], FormatIso8601(t0 + minutes(2)));
  EXPECT_TRUE(first["next_attempt_at"].is_null());
  EXPECT_EQ(first["message"], "Concept 'Weight' not found");
  EXPECT_EQ(first["body"], kSecretBody);  // the admin sees it
  const json& second = r.body["items"][1];
  EXPECT_EQ(second["id"], b);
  EXPECT_EQ(second["error_type"],
            (json{{"id", nullptr}, {"name", "Unclassified"}, {"follow_up_step", "Process"}}));
}

TEST_P(ErrorRecordsApiTest, ViewersNeverSeeBodiesEditorsDo) {
  const RowId id = RecordError("Subject", "s-1", "Concept not found", kSecretBody);
  for (const std::string& path :
       {Path("/error-records"), Path("/error-records/" + std::to_string(id))}) {
    Reply viewer = Call("GET", path, std::nullopt, viewer_token_);
    ASSERT_EQ(viewer.status, 200) << viewer.raw;
    EXPECT_EQ(viewer.raw.find("Asha Devi"), std::string::npos) << path;
    EXPECT_EQ(viewer.raw.find("\"body\""), std::string::npos) << path;
    Reply editor = Call("GET", path, std::nullopt, editor_token_);
    ASSERT_EQ(editor.status, 200) << editor.raw;
    EXPECT_NE(editor.raw.find("Asha Devi"), std::string::npos) << path;
  }
  Reply one =
      Call("GET", Path("/error-records/" + std::to_string(id)), std::nullopt, editor_token_);
  EXPECT_EQ(one.body["body"], kSecretBody);
  EXPECT_EQ(one.body["log"][0]["body"], kSecretBody);
}

TEST_P(ErrorRecordsApiTest, FiltersNarrowTheListAndTheTotal) {
  const ErrorType missing = MakeType("Missing concept", ErrorOperator::kContains, "concept", 1);
  const Timestamp t0 = clock_.Now();
  RecordError("Subject", "s-1", "Concept 'Weight' NOT found", "{}", missing.id);
  clock_.Advance(minutes(10));
  RecordError("Subject", "s-2", "Timeout reading form");
  clock_.Advance(minutes(10));
  const RowId e1 = RecordError("Encounter", "e-1", "concept 'BP' not found", "{}", missing.id);
  auto disabled = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant_).errors().SetProcessingDisabled(e1, true); });
  ASSERT_TRUE(disabled.has_value());
  // Another tenant's record matches every filter and is never listed.
  const TenantId other = MakeTenant("Other");
  RecordError("Subject", "x-1", "Concept not found", "{}", std::nullopt, std::nullopt, other);

  auto ids = [&](const std::string& query) {
    Reply r = List(query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw;
    EXPECT_EQ(r.body["total"], r.body["items"].size()) << query;
    return EntityIds(r.body);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(""), (V{"s-1", "s-2", "e-1"}));
  EXPECT_EQ(ids("?entity_type=Subject"), (V{"s-1", "s-2"}));
  EXPECT_EQ(ids("?error_type=Missing%20concept"), (V{"s-1", "e-1"}));
  EXPECT_EQ(ids("?error_type=" + std::to_string(missing.id)), (V{"s-1", "e-1"}));
  EXPECT_EQ(ids("?error_type=Unclassified"), (V{"s-2"}));
  EXPECT_EQ(ids("?text=not%20FOUND"), (V{"s-1", "e-1"}));
  EXPECT_EQ(ids("?disabled=true"), (V{"e-1"}));
  EXPECT_EQ(ids("?disabled=false"), (V{"s-1", "s-2"}));
  // from is inclusive, to exclusive, on last_seen_at.
  const std::string at10 = FormatIso8601(t0 + minutes(10));
  const std::string at20 = FormatIso8601(t0 + minutes(20));
  EXPECT_EQ(ids("?from=" + at10), (V{"s-2", "e-1"}));
  EXPECT_EQ(ids("?to=" + at10), (V{"s-1"}));
  EXPECT_EQ(ids("?from=" + at10 + "&to=" + at20), (V{"s-2"}));
  EXPECT_EQ(ids("?entity_type=Subject&error_type=Missing%20concept&disabled=false"), (V{"s-1"}));
  EXPECT_EQ(ids("?entity_type=Nothing"), V{});
}

TEST_P(ErrorRecordsApiTest, BadQueriesAreRefusedNamingTheParameter) {
  RecordError("Subject", "s-1", "Concept not found");
  struct Case {
    std::string query, field;
  };
  for (const Case& c : std::vector<Case>{{"?from=yesterday", "from"},
                                         {"?to=2024-02-30T00:00:00Z", "to"},
                                         {"?from=2024-01-31T10:00:00", "from"},
                                         {"?from=2024-02-01&to=2024-01-01", "to"},
                                         {"?disabled=yes", "disabled"},
                                         {"?error_type=No%20such%20type", "error_type"},
                                         {"?sort=last_seen_at", "sort"},
                                         {"?sort=attempts", "sort"},
                                         {"?size=0", "size"}}) {
    Reply r = List(c.query);
    EXPECT_EQ(r.status, 400) << c.query << ": " << r.raw;
    EXPECT_EQ(r.error_field(), c.field) << c.query << ": " << r.raw;
  }
  // A zone offset is honoured: the record was last seen at 2023-11-14T22:13:20Z, which is
  // 03:43:20 the next day at +05:30 (%2B is "+").
  ASSERT_EQ(FormatIso8601(clock_.Now()), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(List("?from=2023-11-15T03:43:20%2B05:30").body["total"], 1);
  EXPECT_EQ(List("?from=2023-11-15T03:43:20.001%2B05:30").body["total"], 0);
  EXPECT_EQ(List("?from=2023-11-14").body["total"], 1);
  EXPECT_EQ(List("?to=2023-11-14").body["total"], 0);
}

TEST_P(ErrorRecordsApiTest, PagesInTheOrderFirstSeenEitherWay) {
  for (const char* id : {"r1", "r2", "r3", "r4", "r5"}) {
    RecordError("Subject", id, "failed");
    clock_.Advance(minutes(1));
  }
  using V = std::vector<std::string>;
  auto page = [&](const std::string& query) {
    Reply r = List(query);
    EXPECT_EQ(r.status, 200) << r.raw;
    EXPECT_EQ(r.body["total"], 5);
    return EntityIds(r.body);
  };
  EXPECT_EQ(page("?size=2"), (V{"r1", "r2"}));
  EXPECT_EQ(page("?size=2&page=1"), (V{"r3", "r4"}));
  EXPECT_EQ(page("?size=2&page=2"), (V{"r5"}));
  EXPECT_EQ(page("?size=2&page=3"), V{});
  EXPECT_EQ(page("?size=2&sort=-first_seen_at"), (V{"r5", "r4"}));
  EXPECT_EQ(page("?size=2&page=1&sort=-first_seen_at"), (V{"r3", "r2"}));
  EXPECT_EQ(page("?size=2&page=2&sort=-first_seen_at"), (V{"r1"}));
  EXPECT_EQ(page("?size=2&page=3&sort=-first_seen_at"), V{});
}

TEST_P(ErrorRecordsApiTest, OneRecordHasItsLogNewestFirst) {
  const ErrorType missing = MakeType("Missing concept", ErrorOperator::kContains, "concept", 1);
  const Timestamp t0 = clock_.Now();
  const RowId id = RecordError("Subject", "s-1", "timeout", "b1");
  clock_.Advance(minutes(1));
  RecordError("Subject", "s-1", "Concept not found", "b2", missing.id);
  clock_.Advance(minutes(1));
  RecordError("Subject", "s-1", "Concept not found", "b2", missing.id);

  Reply r = Call("GET", Path("/error-records/" + std::to_string(id)), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["id"], id);
  EXPECT_EQ(r.body["message"], "Concept not found");
  EXPECT_EQ(r.body["occurrences"], 3);
  const json& log = r.body["log"];
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0]["message"], "Concept not found");
  EXPECT_EQ(log[0]["count"], 2);
  EXPECT_EQ(log[0]["first_logged_at"], FormatIso8601(t0 + minutes(1)));
  EXPECT_EQ(log[0]["logged_at"], FormatIso8601(t0 + minutes(2)));
  EXPECT_EQ(log[0]["error_type"], "Missing concept");
  EXPECT_EQ(log[0]["body"], "b2");
  EXPECT_EQ(log[1]["message"], "timeout");
  EXPECT_EQ(log[1]["count"], 1);
  EXPECT_EQ(log[1]["error_type"], "Unclassified");

  const TenantId other = MakeTenant("Other");
  const RowId theirs =
      RecordError("Subject", "x-1", "secret", "{}", std::nullopt, std::nullopt, other);
  Reply foreign =
      Call("GET", Path("/error-records/" + std::to_string(theirs)), std::nullopt, token_);
  EXPECT_EQ(foreign.status, 404) << foreign.raw;
  EXPECT_EQ(foreign.raw.find("secret"), std::string::npos);
  EXPECT_EQ(Call("GET", Path("/error-records/999999"), std::nullopt, token_).status, 404);
  Reply bad = Call("GET", Path("/error-records/abc"), std::nullopt, token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.error_field(), "record");
}

TEST_P(ErrorRecordsApiTest, ActionsByIdsChangeThoseRecordsOnlyAndAreAudited) {
  const Timestamp later = clock_.Now() + minutes(60);
  const RowId a = RecordError("Subject", "s-1", "failed", "{}", std::nullopt, later);
  const RowId b = RecordError("Subject", "s-2", "failed", "{}", std::nullopt, later);
  const RowId c = RecordError("Subject", "s-3", "failed", "{}", std::nullopt, later);
  const TenantId other = MakeTenant("Other");
  const RowId theirs = RecordError("Subject", "x-1", "failed", "{}", std::nullopt, later, other);

  Reply r = Act({{"action", "disable"}, {"ids", {a, b, theirs}}}, editor_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, (json{{"action", "disable"}, {"affected", 2}}));
  const std::string disabled = "CASE WHEN processing_disabled THEN 'y' ELSE 'n' END";
  EXPECT_EQ(Records(disabled), (std::vector<std::string>{"y", "y", "n"}));
  EXPECT_EQ(db_->QueryColumn("SELECT " + disabled +
                             " FROM error_records WHERE id = " + std::to_string(theirs)),
            std::vector<std::string>{"n"});

  // Reprocess makes enabled records due now and leaves disabled ones alone.
  r = Act({{"action", "reprocess"}, {"ids", {a, c}}}, editor_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["affected"], 1);
  const std::string now = std::to_string(ToEpochMillis(clock_.Now()));
  const std::string at = std::to_string(ToEpochMillis(later));
  EXPECT_EQ(Records("next_attempt_at"), (std::vector<std::string>{at, at, now}));

  r = Act({{"action", "enable"}, {"ids", {a}}}, editor_token_);
  EXPECT_EQ(r.body["affected"], 1);
  EXPECT_EQ(Records(disabled), (std::vector<std::string>{"n", "y", "n"}));

  r = Act({{"action", "delete"}, {"ids", {b, theirs}}}, editor_token_);
  EXPECT_EQ(r.body["affected"], 1);
  EXPECT_EQ(Records("entity_id"), (std::vector<std::string>{"s-1", "s-3"}));
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_record_log WHERE error_record_id = " +
                             std::to_string(b)),
            std::vector<std::string>{"0"});
  EXPECT_EQ(
      db_->QueryColumn("SELECT COUNT(*) FROM error_records WHERE id = " + std::to_string(theirs)),
      std::vector<std::string>{"1"});

  const auto audit = AuditOf("error_records.disable");
  ASSERT_EQ(audit.size(), 1u);
  const json after = json::parse(audit[0].substr(audit[0].find(" | ") + 3));
  EXPECT_EQ(after["ids"], (json{a, b, theirs}));
  EXPECT_EQ(after["affected"], 2);
  EXPECT_EQ(AuditOf("error_records.reprocess").size(), 1u);
  EXPECT_EQ(AuditOf("error_records.enable").size(), 1u);
  EXPECT_EQ(AuditOf("error_records.delete").size(), 1u);
  EXPECT_EQ(db_->QueryColumn("SELECT actor FROM audit_log" + Where() + " ORDER BY id LIMIT 1"),
            std::vector<std::string>{"editor@example.org"});
}

TEST_P(ErrorRecordsApiTest, ActionsByFilterAffectExactlyTheMatchingRecords) {
  const ErrorType missing = MakeType("Missing concept", ErrorOperator::kContains, "concept", 1);
  for (int i = 0; i < 7; ++i) {
    RecordError("Subject", "s-" + std::to_string(i), "Concept not found", "{}", missing.id);
  }
  for (int i = 0; i < 4; ++i) RecordError("Subject", "t-" + std::to_string(i), "timeout");
  for (int i = 0; i < 3; ++i) {
    RecordError("Encounter", "e-" + std::to_string(i), "Concept not found", "{}", missing.id);
  }
  const TenantId other = MakeTenant("Other");
  RecordError("Subject", "x-1", "Concept not found", "{}", std::nullopt, std::nullopt, other);
  const std::string disabled_count =
      "SELECT COUNT(*) FROM error_records WHERE processing_disabled = TRUE";

  Reply r = Act({{"action", "disable"},
                 {"filter", {{"entity_type", "Subject"}, {"error_type", "Missing concept"}}}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["affected"], 7);
  EXPECT_EQ(db_->QueryColumn(disabled_count), std::vector<std::string>{"7"});

  r = Act({{"action", "reprocess"}, {"filter", {{"error_type", missing.id}}}});
  EXPECT_EQ(r.body["affected"], 3) << r.raw;  // the 7 disabled ones are left alone

  r = Act({{"action", "delete"}, {"filter", {{"error_type", "Unclassified"}}}});
  EXPECT_EQ(r.body["affected"], 4) << r.raw;
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_records" + Where()),
            std::vector<std::string>{"10"});

  // {} is every record of the tenant, and only with "all": true.
  r = Act({{"action", "enable"}, {"filter", json::object()}});
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.error_field(), "filter");
  EXPECT_EQ(db_->QueryColumn(disabled_count), std::vector<std::string>{"7"});
  r = Act({{"action", "delete"}, {"filter", json::object()}, {"all", true}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["affected"], 10);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_records"),
            std::vector<std::string>{"1"});  // the other tenant's

  const auto audit = AuditOf("error_records.delete");
  ASSERT_EQ(audit.size(), 2u);
  const json last = json::parse(audit[1].substr(audit[1].find(" | ") + 3));
  EXPECT_EQ(last["filter"], json::object());
  EXPECT_EQ(last["all"], true);
  EXPECT_EQ(last["affected"], 10);
  const json first = json::parse(audit[0].substr(audit[0].find(" | ") + 3));
  EXPECT_EQ(first["filter"], (json{{"error_type", "Unclassified"}}));
  EXPECT_EQ(first["affected"], 4);
}

TEST_P(ErrorRecordsApiTest, BadActionBodiesAreRefusedNamingTheFieldAndChangeNothing) {
  const RowId id = RecordError("Subject", "s-1", "failed");
  struct Case {
    json body;
    std::string field;
  };
  const std::vector<Case> cases{
      {{{"ids", {id}}}, "action"},
      {{{"action", "purge"}, {"ids", {id}}}, "action"},
      {{{"action", 3}, {"ids", {id}}}, "action"},
      {{{"action", "delete"}}, "ids"},
      {{{"action", "delete"}, {"ids", {id}}, {"filter", {{"entity_type", "Subject"}}}}, "filter"},
      {{{"action", "delete"}, {"ids", json::array()}}, "ids"},
      {{{"action", "delete"}, {"ids", {id, "7"}}}, "ids[1]"},
      {{{"action", "delete"}, {"ids", {-1}}}, "ids[0]"},
      {{{"action", "delete"}, {"ids", id}}, "ids"},
      {{{"action", "delete"}, {"ids", {id}}, {"all", true}}, "all"},
      {{{"action", "delete"}, {"filter", "Subject"}}, "filter"},
      {{{"action", "delete"}, {"filter", {{"from", "last week"}}}}, "filter.from"},
      {{{"action", "delete"}, {"filter", {{"disabled", "yes"}}}}, "filter.disabled"},
      {{{"action", "delete"}, {"filter", {{"error_type", "Nope"}}}}, "filter.error_type"},
      {{{"action", "delete"}, {"filter", {{"entity", "Subject"}}}}, "filter.entity"},
      {{{"action", "delete"}, {"ids", {id}}, {"idz", {id}}}, "idz"},
  };
  for (const Case& c : cases) {
    Reply r = Act(c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump() << ": " << r.raw;
    EXPECT_EQ(r.error_field(), c.field) << c.body.dump() << ": " << r.raw;
  }
  Reply malformed = CallRaw("POST", Path("/error-records/actions"), "{\"action\": ", token_);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(Records("entity_id"), std::vector<std::string>{"s-1"});
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM audit_log" + Where()),
            std::vector<std::string>{"0"});
}

// Issue 15: SQLite's LIKE stops at a NUL, so "\u0000zzz" matched (and deleted) every record.
TEST_P(ErrorRecordsApiTest, ControlCharactersInAFilterAreRefusedAndNothingIsTouched) {
  for (int i = 0; i < 3; ++i) RecordError("Subject", "s-" + std::to_string(i), "failed");
  const std::vector<std::pair<json, std::string>> cases{
      {{{"text", std::string("\0zzz", 4)}}, "filter.text"},
      {{{"text", "zz\tz"}}, "filter.text"},
      {{{"entity_type", std::string("Subject\0", 8)}}, "filter.entity_type"},
      {{{"error_type", "a\x01"}}, "filter.error_type"},
  };
  for (const auto& [filter, field] : cases) {
    Reply r = Act({{"action", "delete"}, {"filter", filter}});
    EXPECT_EQ(r.status, 400) << filter.dump() << ": " << r.raw;
    EXPECT_EQ(r.error_field(), field) << r.raw;
    EXPECT_NE(r.raw.find("control characters"), std::string::npos) << r.raw;
  }
  EXPECT_EQ(Records("entity_id").size(), 3u);
  Reply list = List("?text=%00zzz");
  EXPECT_EQ(list.status, 400) << list.raw;
  EXPECT_EQ(list.error_field(), "text");
  list = List("?entity_type=Sub%0Aject");
  EXPECT_EQ(list.status, 400) << list.raw;
  EXPECT_EQ(list.error_field(), "entity_type");
}

// The guard judges what a filter matches, not how it is spelled: an empty text, or a range that
// covers all time, narrows nothing.
TEST_P(ErrorRecordsApiTest, AFilterThatMatchesEveryRecordNeedsAll) {
  for (int i = 0; i < 3; ++i) RecordError("Subject", "s-" + std::to_string(i), "failed");
  const std::vector<json> everything{
      {{"text", ""}},
      {{"from", "1970-01-01"}},
      {{"entity_type", "Subject"}},
      {{"text", "FAIL"}},
  };
  for (const json& filter : everything) {
    Reply r = Act({{"action", "delete"}, {"filter", filter}});
    EXPECT_EQ(r.status, 400) << filter.dump() << ": " << r.raw;
    EXPECT_EQ(r.error_field(), "filter") << r.raw;
    EXPECT_NE(r.raw.find("every error record of the tenant (3)"), std::string::npos) << r.raw;
  }
  EXPECT_EQ(Records("entity_id").size(), 3u);
  // A filter that leaves some out acts without all; with all: true one that matches all does.
  RecordError("Encounter", "e-1", "failed");
  Reply r = Act({{"action", "disable"}, {"filter", {{"entity_type", "Subject"}}}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["affected"], 3);
  r = Act({{"action", "delete"}, {"filter", {{"text", ""}}}, {"all", true}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["affected"], 4);
  EXPECT_EQ(Records("entity_id").size(), 0u);
}

TEST_P(ErrorRecordsApiTest, ViewersReadButMayNotAct) {
  const RowId id = RecordError("Subject", "s-1", "failed");
  EXPECT_EQ(List("", viewer_token_).status, 200);
  Reply r = Act({{"action", "delete"}, {"ids", {id}}}, viewer_token_);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(Records("entity_id"), std::vector<std::string>{"s-1"});
  r = Act({{"action", "delete"}, {"ids", {id}}}, MakeApiKey(tenant_, Role::kEditor));
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(Records("entity_id"), std::vector<std::string>{});
}

TEST_P(ErrorRecordsApiTest, SummaryCountsRecordsByTypeWithUnclassifiedLast) {
  const ErrorType missing = MakeType("Missing concept", ErrorOperator::kContains, "concept", 1);
  const ErrorType outage =
      MakeType("Outage", ErrorOperator::kContains, "503", 2, FollowUpStep::kExternal);
  MakeType("Never seen", ErrorOperator::kContains, "nothing", 3);
  RecordError("Subject", "s-1", "concept missing", "{}", missing.id);
  RecordError("Subject", "s-2", "concept missing", "{}", missing.id);
  const RowId third = RecordError("Encounter", "e-1", "concept missing", "{}", missing.id);
  RecordError("Encounter", "e-2", "503 from OpenMRS", "{}", outage.id);
  RecordError("Encounter", "e-3", "something else");
  ASSERT_EQ(Act({{"action", "disable"}, {"ids", {third}}}).status, 200);
  // Another tenant's records are not this one's.
  const TenantId other = MakeTenant("Other");
  RecordError("Subject", "x-1", "concept missing", "{}", std::nullopt, std::nullopt, other);

  Reply r = Call("GET", Path("/error-records/summary"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, (json{{"total", 5},
                          {"disabled", 1},
                          {"by_type",
                           {{{"error_type", "Missing concept"},
                             {"error_type_id", missing.id},
                             {"follow_up_step", "Process"},
                             {"count", 3}},
                            {{"error_type", "Outage"},
                             {"error_type_id", outage.id},
                             {"follow_up_step", "External"},
                             {"count", 1}},
                            {{"error_type", "Unclassified"},
                             {"error_type_id", nullptr},
                             {"follow_up_step", "Process"},
                             {"count", 1}}}}}));
  EXPECT_EQ(Call("GET", Path("/error-records/summary")).status, 401);
}

AVNI_ON_EVERY_BACKEND(ErrorRecordsApiTest);

}  // namespace
}  // namespace avni::testing
