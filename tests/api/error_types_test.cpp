// GET and PUT /tenants/{t}/error-types, on both backends: the whole set replaced in one
// transaction, and every error record reclassified by it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "support/deadline.hpp"
#include "sync_api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using V = std::vector<std::string>;

json Item(const std::string& name, const std::string& op, const std::string& value, int priority,
          const std::string& step = "Process") {
  return {{"name", name},
          {"operator", op},
          {"value", value},
          {"follow_up_step", step},
          {"priority", priority}};
}

class ErrorTypesApiTest : public SyncApiTest {
 protected:
  Reply Put(const json& items, const std::string& token = "") {
    return Call("PUT", Path("/error-types"), json{{"error_types", items}},
                token.empty() ? token_ : token);
  }
  // "name:operator:value:step:priority" of the tenant's stored types, by priority.
  V StoredTypes() {
    return db_->QueryColumn(
        "SELECT name || ':' || operator || ':' || value || ':' || follow_up_step || ':' || "
        "priority FROM error_types" +
        Where() + " ORDER BY priority, id");
  }
  // Each record's type name ("-" when none), by record id.
  V RecordTypes() {
    return db_->QueryColumn(
        "SELECT COALESCE(t.name, '-') FROM error_records r LEFT JOIN error_types t ON "
        "t.id = r.error_type_id WHERE r.tenant_id = " +
        std::to_string(tenant_.value) + " ORDER BY r.id");
  }
};

TEST_P(ErrorTypesApiTest, GetListsTheTypesInTheOrderTried) {
  const ErrorType late = MakeType("Late", ErrorOperator::kEquals, "x", 5, FollowUpStep::kTerminal);
  MakeType("First", ErrorOperator::kMatches, "^Concept .* not found$", 1);
  MakeType("Middle", ErrorOperator::kContains, "timeout", 3, FollowUpStep::kExternal);
  MakeType("Theirs", ErrorOperator::kContains, "x", 0, FollowUpStep::kProcess, MakeTenant("Other"));

  Reply r = Call("GET", Path("/error-types"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& types = r.body["error_types"];
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[0]["name"], "First");
  EXPECT_EQ(types[0]["operator"], "MATCHES");
  EXPECT_EQ(types[0]["value"], "^Concept .* not found$");
  EXPECT_EQ(types[1]["name"], "Middle");
  EXPECT_EQ(types[1]["follow_up_step"], "External");
  EXPECT_EQ(types[2], (json{{"id", late.id},
                            {"uuid", late.uuid},
                            {"name", "Late"},
                            {"operator", "EQUALS"},
                            {"value", "x"},
                            {"follow_up_step", "Terminal"},
                            {"priority", 5}}));
}

TEST_P(ErrorTypesApiTest, PutUpdatesByUuidThenNameCreatesTheNewAndDeletesTheRest) {
  const ErrorType a = MakeType("A", ErrorOperator::kContains, "a", 1);
  const ErrorType b = MakeType("B", ErrorOperator::kContains, "b", 2);
  const ErrorType c = MakeType("C", ErrorOperator::kContains, "c", 3);
  json renamed = Item("A renamed", "EQUALS", "aa", 4, "Terminal");
  renamed["uuid"] = a.uuid;
  Reply r = Put({renamed, Item("B", "CONTAINS", "bb", 2), Item("D", "MATCHES", "d+", 0)});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["reclassified"], 0);
  const json& types = r.body["error_types"];
  ASSERT_EQ(types.size(), 3u);
  EXPECT_EQ(types[0]["name"], "D");
  EXPECT_NE(types[0]["id"], c.id);
  EXPECT_EQ(types[1]["id"], b.id);  // matched by name
  EXPECT_EQ(types[1]["uuid"], b.uuid);
  EXPECT_EQ(types[2]["id"], a.id);  // matched by uuid
  EXPECT_EQ(types[2]["uuid"], a.uuid);
  EXPECT_EQ(StoredTypes(), (V{"D:MATCHES:d+:Process:0", "B:CONTAINS:bb:Process:2",
                              "A renamed:EQUALS:aa:Terminal:4"}));

  const auto audit = AuditOf("error_types.replace");
  ASSERT_EQ(audit.size(), 1u);
  const json before = json::parse(audit[0].substr(0, audit[0].find(" | ")));
  const json after = json::parse(audit[0].substr(audit[0].find(" | ") + 3));
  EXPECT_EQ(before["error_types"].size(), 3u);
  EXPECT_EQ(before["error_types"][2]["name"], "C");
  EXPECT_EQ(after["error_types"], types);
  // Written with the types, before the reclassification (which has its own transactions).
  EXPECT_FALSE(after.contains("reclassified"));
}

TEST_P(ErrorTypesApiTest, PutReclassifiesEveryRecordByItsLatestMessage) {
  const ErrorType concept_type = MakeType("Concept", ErrorOperator::kContains, "concept", 1);
  const ErrorType old = MakeType("Old", ErrorOperator::kContains, "timeout", 2);
  RecordError("Subject", "s-1", "Concept 'Weight' not found", "{}", concept_type.id);
  RecordError("Subject", "s-2", "read timeout", "{}", old.id);
  RecordError("Subject", "s-3", "HTTP 422: invalid date");
  RecordError("Subject", "s-4", "something else");
  // s-5's type came from an older message; its latest message decides.
  RecordError("Subject", "s-5", "Concept 'BP' not found", "{}", concept_type.id);
  RecordError("Subject", "s-5", "HTTP 422: bad gender", "{}", concept_type.id);
  ASSERT_EQ(RecordTypes(), (V{"Concept", "Old", "-", "-", "Concept"}));

  json keep = Item("Concept", "CONTAINS", "concept", 1);
  keep["uuid"] = concept_type.uuid;
  Reply r = Put({keep, Item("Validation", "MATCHES", "^HTTP 4[0-9]{2}:", 0, "Terminal")});
  ASSERT_EQ(r.status, 200) << r.raw;
  // s-2 lost its deleted type, s-3 and s-5 became Validation; s-1 and s-4 kept theirs.
  EXPECT_EQ(r.body["reclassified"], 3);
  EXPECT_EQ(RecordTypes(), (V{"Concept", "-", "Validation", "-", "Validation"}));
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_types WHERE name = 'Old'"), V{"0"});

  // The same set again changes nothing.
  r = Call("GET", Path("/error-types"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200);
  Reply again = Put(r.body["error_types"]);
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["reclassified"], 0);
  EXPECT_EQ(again.body["error_types"], r.body["error_types"]);
}

TEST_P(ErrorTypesApiTest, TwoTypesMaySwapNames) {
  const ErrorType a = MakeType("A", ErrorOperator::kContains, "a", 1);
  const ErrorType b = MakeType("B", ErrorOperator::kContains, "b", 2);
  json to_b = Item("B", "CONTAINS", "a", 1);
  to_b["uuid"] = a.uuid;
  json to_a = Item("A", "CONTAINS", "b", 2);
  to_a["uuid"] = b.uuid;
  Reply r = Put({to_b, to_a});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(
      db_->QueryColumn("SELECT id || ':' || name FROM error_types" + Where() + " ORDER BY id"),
      (V{std::to_string(a.id) + ":B", std::to_string(b.id) + ":A"}));
}

TEST_P(ErrorTypesApiTest, BadBodiesAreRefusedNamingTheFieldAndWriteNothing) {
  MakeType("Kept", ErrorOperator::kContains, "k", 1);
  const RowId record = RecordError("Subject", "s-1", "k happened");
  const V before = StoredTypes();
  json no_priority = Item("X", "EQUALS", "x", 1);
  no_priority.erase("priority");
  json extra = Item("X", "EQUALS", "x", 1);
  extra["colour"] = "red";
  json empty_uuid = Item("X", "EQUALS", "x", 1);
  empty_uuid["uuid"] = "";
  // 2^64 - 1 was read as -1 and stored.
  json huge_priority = Item("X", "EQUALS", "x", 1);
  huge_priority["priority"] = std::numeric_limits<std::uint64_t>::max();
  struct Case {
    json items;
    std::string field;
  };
  const std::vector<Case> cases{
      {{Item("X", "EQUALS", "x", 1), Item("Y", "LIKE", "y", 2)}, "error_types[1].operator"},
      {{Item("X", "EQUALS", "x", 1, "Later")}, "error_types[0].follow_up_step"},
      {{Item("X", "EQUALS", "x", 1), Item("Y", "EQUALS", "y", 1), Item("Z", "MATCHES", "(", 1)},
       "error_types[2].value"},
      {{Item("X", "EQUALS", "x", 1), Item("X", "CONTAINS", "y", 2)}, "error_types[1].name"},
      {{Item("", "EQUALS", "x", 1)}, "error_types[0].name"},
      {{Item("unclassified", "EQUALS", "x", 1)}, "error_types[0].name"},
      {{Item("X", "EQUALS", "", 1)}, "error_types[0].value"},
      {{no_priority}, "error_types[0].priority"},
      {{huge_priority}, "error_types[0].priority"},
      {{extra}, "error_types[0].colour"},
      {{empty_uuid}, "error_types[0].uuid"},
      {{"X"}, "error_types[0]"},
      {json{{"name", "X"}}, "error_types"},
  };
  for (const Case& c : cases) {
    Reply r = Put(c.items);
    EXPECT_EQ(r.status, 400) << c.items.dump() << ": " << r.raw;
    EXPECT_EQ(r.error_field(), c.field) << c.items.dump() << ": " << r.raw;
  }
  Reply unknown = Call("PUT", Path("/error-types"), json{{"types", json::array()}}, token_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.error_field(), "error_types");
  EXPECT_EQ(StoredTypes(), before);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_records WHERE id = " +
                             std::to_string(record) + " AND error_type_id IS NULL"),
            V{"1"});
  EXPECT_EQ(AuditOf("error_types.replace"), V{});
}

TEST_P(ErrorTypesApiTest, PatternsOverTheBoundOrThatRe2RefusesAreRefusedWithTheReason) {
  struct Case {
    json items;
    std::string field, says;
  };
  const std::vector<Case> cases{
      {{Item("Long", "MATCHES", std::string(1001, 'a'), 1)},
       "error_types[0].value",
       "error_types[0].value has 1001 characters; a MATCHES pattern may have at most 1000"},
      {{Item("X", "EQUALS", "x", 1), Item("Backreference", "MATCHES", R"((a)\1)", 2)},
       "error_types[1].value",
       "error_types[1].value is not a pattern MATCHES accepts: invalid escape sequence: \\1"},
      {{Item("Lookahead", "MATCHES", "(?=x)x", 1)},
       "error_types[0].value",
       "no backreferences (\\1) or lookaround"},
      {{Item("Huge", "CONTAINS", std::string(5000, 'c'), 1)},
       "error_types[0].value",
       "only the first 4096 bytes of an error message are classified"},
  };
  for (const Case& c : cases) {
    Reply r = Put(c.items);
    EXPECT_EQ(r.status, 400) << r.raw.substr(0, 300);
    EXPECT_EQ(r.error_field(), c.field) << r.raw.substr(0, 300);
    EXPECT_NE(r.body["error"].value("message", "").find(c.says), std::string::npos)
        << r.raw.substr(0, 300);
  }
  EXPECT_EQ(StoredTypes(), V{});
  EXPECT_EQ(AuditOf("error_types.replace"), V{});
}

// Issue 15: a pattern that a backtracking engine never finishes. The PUT answers, and its
// reclassification never holds the write lock for long: another tenant's writes go on
// meanwhile, each answered promptly.
TEST_P(ErrorTypesApiTest, AnEvilPatternNeitherHangsThePutNorHoldsUpAnotherTenantsWrites) {
  constexpr int kRecords = 20'000;
  // Straight into the database in two statements (as many RecordFailure calls take a minute
  // under the sanitizers); messages of about 100 characters, of no type.
  const std::string tenant = std::to_string(tenant_.value);
  db_->Execute("WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < " +
               std::to_string(kRecords - 1) +
               ") INSERT INTO error_records (tenant_id, entity_type, entity_id, first_seen_at, "
               "last_seen_at) SELECT " +
               tenant +
               ", 'Subject', 's-' || CAST(i AS TEXT), 1700000000000, 1700000000000 FROM n");
  db_->Execute(
      "INSERT INTO error_record_log (tenant_id, error_record_id, message, first_logged_at, "
      "logged_at) SELECT tenant_id, id, 'HTTP 422: the concept ''Weight'' of subject ' || "
      "entity_id || ' has no OpenMRS mapping; add it on the Mappings page', 1700000000000, "
      "1700000000000 FROM error_records WHERE tenant_id = " +
      tenant);
  // Tenant B: its admin creates mappings through the API the whole time.
  const TenantId other = MakeTenant("Other");
  ASSERT_TRUE(store_->Transact([&](store::Tx& tx) -> Status {
    auto repo = tx.tenant(other).mappings();
    if (auto g = repo.CreateGroup("Observation"); !g) return Fail(g.error());
    if (auto t = repo.CreateType("Concept"); !t) return Fail(t.error());
    return {};
  }));
  AddMember(other, MakeUser("b-admin@example.org", "correct-horse-battery-7").id, Role::kAdmin);
  const std::string other_token = SignIn("b-admin@example.org", "correct-horse-battery-7");
  ASSERT_FALSE(other_token.empty());

  std::atomic<bool> stop{false};
  std::vector<int> statuses;     // written by the writer thread until joined
  std::vector<double> waits_ms;  // the same
  std::thread writer([&] {
    for (int i = 0; !stop.load(); ++i) {
      const auto sent = std::chrono::steady_clock::now();
      Reply r = Call("POST", TenantPath(other, "/mappings"),
                     json{{"group", "Observation"},
                          {"type", "Concept"},
                          {"avni_value", fmt::format("Concept {}", i)},
                          {"int_system_value", fmt::format("{}AAAA", i)},
                          {"data_type_hint", "NA"}},
                     other_token);
      waits_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent)
              .count());
      statuses.push_back(r.status);
    }
  });

  // Every record changes type (to "Mapping"), so that every page is written.
  const auto started = std::chrono::steady_clock::now();
  // A backtracking engine never returns: fail (below the client's own 30 s) rather than hang.
  Reply r = FinishWithin(std::chrono::seconds(28), "PUT of a nested-quantifier error type", [&] {
    return Put({Item("Evil", "MATCHES", "^(.+)+ZZZQQQ$", 1),
                Item("Mapping", "CONTAINS", "no OpenMRS mapping", 2)});
  });
  const double put_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  stop = true;
  writer.join();

  ASSERT_EQ(r.status, 200) << r.raw.substr(0, 300);
  EXPECT_EQ(r.body["reclassified"], kRecords);
  EXPECT_EQ(r.body["superseded"], false);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_records r JOIN error_types t ON "
                             "t.id = r.error_type_id WHERE t.name = 'Mapping' AND r.tenant_id = " +
                             std::to_string(tenant_.value)),
            V{std::to_string(kRecords)});
  std::vector<double> sorted = waits_ms;
  std::sort(sorted.begin(), sorted.end());
  const double longest = sorted.empty() ? 0 : sorted.back();
  const double median = sorted.empty() ? 0 : sorted[sorted.size() / 2];
  std::printf(
      "PUT reclassifying %d records: %.0f ms; tenant B meanwhile: %zu writes, median "
      "%.0f ms, longest %.0f ms\n",
      kRecords, put_ms, statuses.size(), median, longest);
  EXPECT_GE(statuses.size(), 5u);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201),
            static_cast<std::ptrdiff_t>(statuses.size()));
  // Had the PUT held the write lock throughout, B would have made one write, waiting for all of
  // it; the bound leaves room for a loaded machine.
  EXPECT_LT(longest, put_ms / 2);
}

TEST_P(ErrorTypesApiTest, OnlyAdminsReplaceTheTypes) {
  MakeType("Kept", ErrorOperator::kContains, "k", 1);
  EXPECT_EQ(Call("GET", Path("/error-types"), std::nullopt, viewer_token_).status, 200);
  Reply r = Put(json::array(), editor_token_);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(StoredTypes().size(), 1u);
  // An empty list is allowed for an admin: it deletes every type.
  r = Put(json::array());
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["error_types"], json::array());
  EXPECT_EQ(StoredTypes(), V{});
}

AVNI_ON_EVERY_BACKEND(ErrorTypesApiTest);

}  // namespace
}  // namespace avni::testing
