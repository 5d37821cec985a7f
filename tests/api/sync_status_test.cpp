// GET /tenants/{t}/sync-status and PUT/DELETE /tenants/{t}/sync-status/{entity_type}, on both
// backends: cursors are set, rewound or removed only while their flow is not running.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "sync_api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using V = std::vector<std::string>;

class SyncStatusApiTest : public SyncApiTest {
 protected:
  void PutStatus(const SyncStatus& s, std::optional<TenantId> tenant = std::nullopt) {
    auto put = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant.value_or(tenant_)).sync_status().Put(s); });
    ASSERT_TRUE(put.has_value()) << put.error().message;
  }
  // The flow's runner takes its lock, as the sync engine does.
  bool Lock(const std::string& entity_type, seconds ttl = seconds(60)) {
    auto locked = store_->Transact([&](store::Tx& tx) {
      return tx.tenant(tenant_).sync_status().TryLock(entity_type, "main-flow", ttl);
    });
    EXPECT_TRUE(locked.has_value()) << locked.error().message;
    return locked.value_or(false);
  }
  // "time/id/numeric/marker" of the tenant's cursors, by entity type.
  V Cursors() {
    return db_->QueryColumn(
        "SELECT entity_type || '=' || COALESCE(CAST(read_upto_time AS TEXT), '-') || '/' || "
        "read_upto_id || '/' || COALESCE(CAST(read_upto_numeric AS TEXT), '-') || '/' || "
        "COALESCE(read_upto_marker, '-') FROM sync_status" +
        Where() + " ORDER BY entity_type");
  }
  Reply Put(const std::string& entity_type, const json& body, const std::string& token = "") {
    return Call("PUT", Path("/sync-status/" + entity_type), body, token.empty() ? token_ : token);
  }
};

TEST_P(SyncStatusApiTest, GetListsEachCursorAndWhetherItsFlowRuns) {
  const Timestamp t = FromEpochMillis(1'706'695'200'000);  // 2024-01-31T10:00:00Z
  PutStatus({tenant_, "Subject", t, "uuid-9", std::nullopt, std::nullopt, {}});
  PutStatus({tenant_, "Encounter", std::nullopt, "", 4711, std::nullopt, {}});
  PutStatus({tenant_, "Patient", std::nullopt, "", std::nullopt, "urn:feed:page-3", {}});
  PutStatus({tenant_, "Theirs", std::nullopt, "", 1, std::nullopt, {}}, MakeTenant("Other"));
  ASSERT_TRUE(Lock("Subject", seconds(60)));

  Reply r = Call("GET", Path("/sync-status"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  const json& items = r.body["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["entity_type"], "Encounter");
  EXPECT_EQ(items[0]["read_upto_numeric"], 4711);
  EXPECT_TRUE(items[0]["read_upto_time"].is_null());
  EXPECT_TRUE(items[0]["read_upto_marker"].is_null());
  EXPECT_EQ(items[0]["running"], false);
  EXPECT_EQ(items[1]["entity_type"], "Patient");
  EXPECT_EQ(items[1]["read_upto_marker"], "urn:feed:page-3");
  EXPECT_TRUE(items[1]["read_upto_numeric"].is_null());
  EXPECT_EQ(items[2], (json{{"entity_type", "Subject"},
                            {"read_upto_time", "2024-01-31T10:00:00.000Z"},
                            {"read_upto_id", "uuid-9"},
                            {"read_upto_numeric", nullptr},
                            {"read_upto_marker", nullptr},
                            {"updated_at", FormatIso8601(clock_.Now())},
                            {"running", true}}));

  // A lock that has expired is a flow that died: not running.
  clock_.Advance(seconds(61));
  r = Call("GET", Path("/sync-status?sort=-entity_type"), std::nullopt, viewer_token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["items"][0]["entity_type"], "Subject");
  EXPECT_EQ(r.body["items"][0]["running"], false);
}

TEST_P(SyncStatusApiTest, PutSetsTheWholeCursorAndIsAudited) {
  Reply r = Put("Subject",
                {{"read_upto_time", "2024-01-31T15:30:00.250+05:30"}, {"read_upto_id", "uuid-1"}});
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["read_upto_time"], "2024-01-31T10:00:00.250Z");
  EXPECT_EQ(r.body["read_upto_id"], "uuid-1");
  EXPECT_EQ(r.body["running"], false);
  EXPECT_EQ(Cursors(), V{"Subject=1706695200250/uuid-1/-/-"});

  // Fields left out are cleared: the cursor is replaced, not merged.
  r = Put("Subject", {{"read_upto_numeric", 12}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_TRUE(r.body["read_upto_time"].is_null());
  EXPECT_EQ(Cursors(), V{"Subject=-//12/-"});
  // The api's own lock is gone with the transaction.
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM flow_locks" + Where()), V{"0"});

  const auto audit = AuditOf("sync_status.update");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(json::parse(audit[0].substr(3)),  // no before: the cursor was new
            (json{{"entity_type", "Subject"},
                  {"read_upto_time", "2024-01-31T10:00:00.250Z"},
                  {"read_upto_id", "uuid-1"},
                  {"read_upto_numeric", nullptr},
                  {"read_upto_marker", nullptr}}));
  const json before = json::parse(audit[1].substr(0, audit[1].find(" | ")));
  const json after = json::parse(audit[1].substr(audit[1].find(" | ") + 3));
  EXPECT_EQ(before["read_upto_id"], "uuid-1");
  EXPECT_EQ(after["read_upto_numeric"], 12);
  EXPECT_EQ(AuditActions(), (V{"sync_status.update:Subject", "sync_status.update:Subject"}));
}

TEST_P(SyncStatusApiTest, ChangesAreRefusedWhileTheFlowRunsAndTakenAfterwards) {
  PutStatus({tenant_, "Subject", std::nullopt, "", 100, std::nullopt, {}});
  ASSERT_TRUE(Lock("Subject", seconds(60)));

  Reply r = Put("Subject", {{"read_upto_numeric", 5}});
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.body["error"]["message"],
            "the Subject flow is running; set its cursor when the run has finished");
  EXPECT_EQ(Call("DELETE", Path("/sync-status/Subject"), std::nullopt, token_).status, 409);
  EXPECT_EQ(Cursors(), V{"Subject=-//100/-"});
  EXPECT_EQ(db_->QueryColumn("SELECT owner FROM flow_locks" + Where()), V{"main-flow"});
  EXPECT_EQ(AuditActions(), V{});
  // Other entity types are not held up.
  EXPECT_EQ(Put("Encounter", {{"read_upto_numeric", 1}}).status, 201);

  // After the lock expires (a runner that died), the change goes through.
  clock_.Advance(seconds(61));
  r = Put("Subject", {{"read_upto_numeric", 5}});
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(Cursors(), (V{"Encounter=-//1/-", "Subject=-//5/-"}));

  // And after the runner releases it.
  ASSERT_TRUE(Lock("Subject"));
  EXPECT_EQ(Put("Subject", {{"read_upto_numeric", 6}}).status, 409);
  auto unlocked = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).sync_status().Unlock("Subject", "main-flow");
  });
  ASSERT_TRUE(unlocked.has_value());
  EXPECT_EQ(Put("Subject", {{"read_upto_numeric", 6}}).status, 200);
  EXPECT_EQ(Cursors(), (V{"Encounter=-//1/-", "Subject=-//6/-"}));
}

TEST_P(SyncStatusApiTest, DeleteRemovesTheCursorSoTheNextRunStartsOver) {
  PutStatus({tenant_, "Subject", std::nullopt, "", 100, std::nullopt, {}});
  Reply r = Call("DELETE", Path("/sync-status/Subject"), std::nullopt, token_);
  EXPECT_EQ(r.status, 204) << r.raw;
  EXPECT_EQ(Cursors(), V{});
  EXPECT_EQ(AuditActions(), V{"sync_status.delete:Subject"});
  r = Call("DELETE", Path("/sync-status/Subject"), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  // Another tenant's cursor is not this tenant's to remove.
  const TenantId other = MakeTenant("Other");
  PutStatus({tenant_, "Encounter", std::nullopt, "", 1, std::nullopt, {}}, other);
  EXPECT_EQ(Call("DELETE", Path("/sync-status/Encounter"), std::nullopt, token_).status, 404);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM sync_status WHERE tenant_id = " +
                             std::to_string(other.value)),
            V{"1"});
}

TEST_P(SyncStatusApiTest, BadBodiesAreRefusedNamingTheFieldAndWriteNothing) {
  PutStatus({tenant_, "Subject", std::nullopt, "", 100, std::nullopt, {}});
  struct Case {
    json body;
    std::string field;
  };
  const std::vector<Case> cases{
      {json::object(), "read_upto_time"},
      {{{"read_upto_id", "uuid-1"}}, "read_upto_id"},
      {{{"read_upto_id", "uuid-1"}, {"read_upto_numeric", 3}}, "read_upto_id"},
      {{{"read_upto_time", "yesterday"}}, "read_upto_time"},
      {{{"read_upto_time", "2024-01-31T10:00:00"}}, "read_upto_time"},
      {{{"read_upto_time", "2024-13-01T10:00:00Z"}}, "read_upto_time"},
      {{{"read_upto_numeric", "5"}}, "read_upto_numeric"},
      {{{"read_upto_marker", 5}}, "read_upto_marker"},
      {{{"read_upto_numeric", 5}, {"running", false}}, "running"},
      // 2^63 does not fit: it was stored wrapped, as -2^63.
      {{{"read_upto_numeric", std::uint64_t{1} << 63}}, "read_upto_numeric"},
  };
  for (const Case& c : cases) {
    Reply r = Put("Subject", c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump() << ": " << r.raw;
    EXPECT_EQ(r.error_field(), c.field) << c.body.dump() << ": " << r.raw;
  }
  Reply long_type = Put(std::string(201, 'x'), {{"read_upto_numeric", 5}});
  EXPECT_EQ(long_type.status, 400);
  EXPECT_EQ(long_type.error_field(), "entity_type");
  EXPECT_EQ(Cursors(), V{"Subject=-//100/-"});
  EXPECT_EQ(AuditActions(), V{});
}

TEST_P(SyncStatusApiTest, OnlyAdminsChangeCursors) {
  PutStatus({tenant_, "Subject", std::nullopt, "", 100, std::nullopt, {}});
  EXPECT_EQ(Call("GET", Path("/sync-status"), std::nullopt, viewer_token_).status, 200);
  EXPECT_EQ(Put("Subject", {{"read_upto_numeric", 1}}, editor_token_).status, 403);
  EXPECT_EQ(Call("DELETE", Path("/sync-status/Subject"), std::nullopt, editor_token_).status, 403);
  EXPECT_EQ(Cursors(), V{"Subject=-//100/-"});
  EXPECT_EQ(Put("Subject", {{"read_upto_numeric", 1}}, MakeApiKey(tenant_, Role::kAdmin)).status,
            200);
  EXPECT_EQ(Cursors(), V{"Subject=-//1/-"});
}

AVNI_ON_EVERY_BACKEND(SyncStatusApiTest);

}  // namespace
}  // namespace avni::testing
