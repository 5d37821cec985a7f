#include <gtest/gtest.h>

#include <functional>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::seconds;
using store::ErrorRecordFilter;
using store::ErrorRepo;
using store::Failure;
using store::Tx;

class ErrorRecordFilterTest : public StoreTest {
 protected:
  template <typename Fn>
  auto Errors(TenantId t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      ErrorRepo repo = tx.tenant(t).errors();
      return fn(repo);
    });
  }

  RowId MakeType(TenantId t, const std::string& name, FollowUpStep step) {
    ErrorType type;
    type.name = name;
    type.value = name;
    type.follow_up_step = step;
    auto made = Errors(t, [&](ErrorRepo& r) { return r.CreateType(type); });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made ? made->id : 0;
  }

  // Records a failure now, then moves the clock on a second, so first-seen times differ.
  RowId Record(TenantId t, const std::string& entity_type, const std::string& entity_id,
               const std::string& message, std::optional<RowId> type = {},
               std::optional<Timestamp> next = {}) {
    const Failure f{entity_type, entity_id, type, message, "body of " + message, next};
    auto made = Errors(t, [&](ErrorRepo& r) { return r.RecordFailure(f); });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    clock_.Advance(seconds(1));
    return made ? made->id : 0;
  }

  // The ids List answers; checks that Count and ListDetailed agree with it.
  std::vector<RowId> Ids(TenantId t, const ErrorRecordFilter& f) {
    auto list = Errors(t, [&](ErrorRepo& r) { return r.List(f); });
    auto count = Errors(t, [&](ErrorRepo& r) { return r.Count(f); });
    auto detailed = Errors(t, [&](ErrorRepo& r) { return r.ListDetailed(f); });
    EXPECT_TRUE(list && count && detailed);
    if (!list || !count || !detailed) return {};
    std::vector<RowId> ids, detailed_ids;
    for (const auto& r : *list) ids.push_back(r.id);
    for (const auto& d : *detailed) detailed_ids.push_back(d.record.id);
    EXPECT_EQ(detailed_ids, ids);
    // Count ignores the page; compared only when the page holds every match.
    if (f.limit >= 1000 && f.offset == 0) {
      EXPECT_EQ(*count, static_cast<std::int64_t>(ids.size()));
    }
    return ids;
  }

  std::int64_t Affected(TenantId t, const std::function<Result<std::int64_t>(ErrorRepo&)>& fn) {
    auto n = Errors(t, fn);
    EXPECT_TRUE(n.has_value()) << (n ? "" : n.error().message);
    return n.value_or(-1);
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
  std::vector<std::string> Column(const std::string& sql) { return db_->QueryColumn(sql); }
  // A fingerprint of every row of tenant b, to show that A's actions leave them alone.
  std::string Fingerprint(TenantId b) {
    const std::string tb = std::to_string(b.value);
    std::string out;
    for (const auto& row :
         Column("SELECT CAST(id AS TEXT) || ':' || COALESCE(CAST(error_type_id AS TEXT), '-') || "
                "':' || CASE WHEN processing_disabled THEN 'D' ELSE 'E' END || ':' || "
                "COALESCE(CAST(next_attempt_at AS TEXT), '-') FROM error_records WHERE "
                "tenant_id = " +
                tb + " ORDER BY id")) {
      out += row + ";";
    }
    return out + Raw("SELECT COUNT(*) FROM error_record_log WHERE error_type_id IS NOT NULL AND "
                     "tenant_id = " +
                     tb);
  }
};

TEST_P(ErrorRecordFilterTest, EveryFilterFieldNarrowsListCountAndListDetailed) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId missing = MakeType(a, "Missing concept", FollowUpStep::kProcess);
  const Timestamp t0 = clock_.Now();
  const RowId r1 = Record(a, "Subject", "s1", "Concept 'Height' not found", missing);
  const RowId r2 = Record(a, "Subject", "s2", "100% invalid_value");
  const RowId r3 = Record(a, "Encounter", "e1", "concept WEIGHT not found", missing);
  const RowId r4 = Record(a, "Encounter", "e2", "timeout at the sink");
  clock_.Set(t0 + seconds(10));
  Record(a, "Encounter", "e2", "rejected");  // a second log entry; last seen at t0 + 10 s
  ASSERT_TRUE(
      Errors(a, [&](ErrorRepo& r) { return r.SetProcessingDisabled(r3, true); }).has_value());
  // Tenant B's record matches every filter below on its content: it must never show.
  const RowId b1 = Record(b, "Subject", "s1", "Concept 'Height' not found 100% invalid_value");

  using Ids_ = std::vector<RowId>;
  ErrorRecordFilter f;
  EXPECT_EQ(Ids(a, f), (Ids_{r1, r2, r3, r4}));
  f = {};
  f.entity_type = "Subject";
  EXPECT_EQ(Ids(a, f), (Ids_{r1, r2}));
  f = {};
  f.error_type_id = missing;
  EXPECT_EQ(Ids(a, f), (Ids_{r1, r3}));
  f = {};
  f.unclassified = true;
  EXPECT_EQ(Ids(a, f), (Ids_{r2, r4}));
  f.entity_type = "Encounter";
  EXPECT_EQ(Ids(a, f), (Ids_{r4}));
  f = {};
  f.processing_disabled = true;
  EXPECT_EQ(Ids(a, f), (Ids_{r3}));
  f.processing_disabled = false;
  EXPECT_EQ(Ids(a, f), (Ids_{r1, r2, r4}));

  // Text: contained in any log message, case-insensitive, % and _ literal.
  const auto text = [&](const std::string& t) {
    ErrorRecordFilter tf;
    tf.text = t;
    return Ids(a, tf);
  };
  EXPECT_EQ(text("CONCEPT"), (Ids_{r1, r3}));
  EXPECT_EQ(text("height"), (Ids_{r1}));
  EXPECT_EQ(text("0%"), (Ids_{r2}));
  EXPECT_EQ(text("%"), (Ids_{r2}));
  EXPECT_EQ(text("d_v"), (Ids_{r2}));
  EXPECT_EQ(text("_"), (Ids_{r2}));
  EXPECT_EQ(text("1_0"), (Ids_{}));             // '_' is not a wildcard
  EXPECT_EQ(text("co%pt"), (Ids_{}));           // nor is '%'
  EXPECT_EQ(text("timeout"), (Ids_{r4}));       // an older log entry counts too
  EXPECT_EQ(text(""), (Ids_{r1, r2, r3, r4}));  // empty text does not narrow

  // Last seen in [seen_from, seen_to).
  f = {};
  f.seen_from = t0 + seconds(1);
  EXPECT_EQ(Ids(a, f), (Ids_{r2, r3, r4}));
  f.seen_to = t0 + seconds(3);
  EXPECT_EQ(Ids(a, f), (Ids_{r2, r3}));
  f = {};
  f.seen_to = t0 + seconds(2);
  EXPECT_EQ(Ids(a, f), (Ids_{r1, r2}));
  f = {};
  f.seen_from = t0 + seconds(5);
  EXPECT_EQ(Ids(a, f), (Ids_{r4}));

  // Ids: in first-seen order whatever the order given; unknown and other tenants' ids match
  // nothing.
  f = {};
  f.ids = {r4, r1, 987654, b1};
  EXPECT_EQ(Ids(a, f), (Ids_{r1, r4}));
  f.ids = {b1};
  EXPECT_EQ(Ids(a, f), (Ids_{}));
  f.ids = {r1, r2, r3};
  f.text = "concept";
  f.processing_disabled = false;
  EXPECT_EQ(Ids(a, f), (Ids_{r1}));

  // Limit and offset page List and ListDetailed; Count counts every match.
  f = {};
  f.limit = 2;
  f.offset = 1;
  EXPECT_EQ(Ids(a, f), (Ids_{r2, r3}));
  EXPECT_EQ(*Errors(a, [&](ErrorRepo& r) { return r.Count(f); }), 4);
  f = {};
  f.entity_type = "Subject";
  EXPECT_EQ(Ids(b, f), (Ids_{b1}));
}

TEST_P(ErrorRecordFilterTest, MoreThanAThousandIdsAreRefusedNamingIds) {
  const TenantId a = MakeTenant("A");
  const RowId r1 = Record(a, "Subject", "s1", "bad");
  ErrorRecordFilter f;
  for (RowId id = 1; id <= 1000; ++id) f.ids.push_back(id);
  EXPECT_EQ(Ids(a, f), (std::vector<RowId>{r1}));  // 1000 is allowed
  f.ids.push_back(1001);
  const auto field = [&](auto fn) {
    auto r = Errors(a, fn);
    return r ? std::string("ok") : r.error().field;
  };
  EXPECT_EQ(field([&](ErrorRepo& r) { return r.List(f); }), "ids");
  EXPECT_EQ(field([&](ErrorRepo& r) { return r.Count(f); }), "ids");
  EXPECT_EQ(field([&](ErrorRepo& r) { return r.ListDetailed(f); }), "ids");
  EXPECT_EQ(field([&](ErrorRepo& r) { return r.DeleteWhere(f); }), "ids");
  EXPECT_EQ(field([&](ErrorRepo& r) { return r.SetProcessingDisabledWhere(f, true); }), "ids");
  EXPECT_EQ(field([&](ErrorRepo& r) { return r.ScheduleNowWhere(f); }), "ids");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records WHERE processing_disabled = FALSE"), "1");
}

// SQLite's LIKE stops at a NUL: "\0zzz" would be "" and delete every record of the tenant.
TEST_P(ErrorRecordFilterTest, ANulInTheTextIsRefusedAndNothingChanges) {
  const TenantId a = MakeTenant("A");
  Record(a, "Subject", "s1", "bad");
  ErrorRecordFilter f;
  f.text = std::string("\0zzz", 4);
  auto deleted = Errors(a, [&](ErrorRepo& r) { return r.DeleteWhere(f); });
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().field, "text");
  auto listed = Errors(a, [&](ErrorRepo& r) { return r.List(f); });
  EXPECT_FALSE(listed.has_value());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records"), "1");
}

TEST_P(ErrorRecordFilterTest, ListDetailedShowsTypeLatestLogEntryAndOccurrences) {
  const TenantId a = MakeTenant("A");
  const RowId terminal = MakeType(a, "Voided in Avni", FollowUpStep::kTerminal);
  Record(a, "Subject", "s1", "first", terminal);
  Record(a, "Subject", "s1", "first", terminal);  // same message: the entry's count goes up
  const RowId r1 = Record(a, "Subject", "s1", "latest", terminal);
  const RowId r2 = Record(a, "Subject", "s2", "only");
  EXPECT_EQ(
      Raw("SELECT COUNT(*) FROM error_record_log WHERE error_record_id = " + std::to_string(r1)),
      "2");

  auto detailed = Errors(a, [](ErrorRepo& r) { return r.ListDetailed({}); });
  ASSERT_TRUE(detailed.has_value()) << detailed.error().message;
  ASSERT_EQ(detailed->size(), 2u);
  const auto& d1 = (*detailed)[0];
  EXPECT_EQ(d1.record.id, r1);
  EXPECT_EQ(d1.record.entity_id, "s1");
  EXPECT_EQ(d1.record.error_type_id, terminal);
  EXPECT_EQ(d1.error_type_name, "Voided in Avni");
  EXPECT_EQ(d1.follow_up_step, FollowUpStep::kTerminal);
  EXPECT_EQ(d1.message, "latest");
  EXPECT_EQ(d1.body, "body of latest");
  EXPECT_EQ(d1.occurrences, 3);
  const auto& d2 = (*detailed)[1];
  EXPECT_EQ(d2.record.id, r2);
  EXPECT_EQ(d2.error_type_name, "");
  EXPECT_EQ(d2.follow_up_step, FollowUpStep::kProcess);
  EXPECT_EQ(d2.message, "only");
  EXPECT_EQ(d2.occurrences, 1);
}

TEST_P(ErrorRecordFilterTest, ListDueSkipsDisabledTerminalAndFutureRecordsInFirstSeenOrder) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId process = MakeType(a, "Retry me", FollowUpStep::kProcess);
  const RowId terminal = MakeType(a, "Give up", FollowUpStep::kTerminal);
  const Timestamp later = clock_.Now() + seconds(100);
  const RowId due_null = Record(a, "Subject", "s1", "x");
  const RowId due_past = Record(a, "Subject", "s2", "x", process, clock_.Now());
  const RowId future = Record(a, "Subject", "s3", "x", {}, later);
  const RowId disabled = Record(a, "Subject", "s4", "x");
  Record(a, "Subject", "s5", "x", terminal);
  Record(a, "Encounter", "e1", "x");
  Record(b, "Subject", "s6", "x");
  const RowId due_now = Record(a, "Subject", "s7", "x", {}, clock_.Now() + seconds(1));
  ASSERT_TRUE(
      Errors(a, [&](ErrorRepo& r) { return r.SetProcessingDisabled(disabled, true); }).has_value());
  // First seen before all the others, though its id is the highest.
  db_->Execute("UPDATE error_records SET first_seen_at = 1 WHERE id = " + std::to_string(due_now));

  const auto due = [&](int limit) {
    auto got = Errors(a, [&](ErrorRepo& r) { return r.ListDue("Subject", clock_.Now(), limit); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    std::vector<RowId> ids;
    for (const auto& r : got.value_or(std::vector<ErrorRecord>{})) ids.push_back(r.id);
    return ids;
  };
  EXPECT_EQ(due(100), (std::vector<RowId>{due_now, due_null, due_past}));
  EXPECT_EQ(due(2), (std::vector<RowId>{due_now, due_null}));
  clock_.Set(later);
  EXPECT_EQ(due(100), (std::vector<RowId>{due_now, due_null, due_past, future}));

  auto bad = Errors(a, [&](ErrorRepo& r) { return r.ListDue("Subject", clock_.Now(), 0); });
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "limit");
}

TEST_P(ErrorRecordFilterTest, BulkActionsByFilterAndByIdsCountWhatChangedAndSpareTenantB) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId b_type = MakeType(b, "B's type", FollowUpStep::kProcess);
  const Timestamp later = clock_.Now() + seconds(100);
  const RowId s1 = Record(a, "Subject", "s1", "bad height", {}, later);
  const RowId s2 = Record(a, "Subject", "s2", "bad weight", {}, later);
  const RowId s3 = Record(a, "Subject", "s3", "bad height", {}, later);
  const RowId e1 = Record(a, "Encounter", "e1", "bad height", {}, later);
  Record(b, "Subject", "s1", "bad height", b_type, later);
  const RowId b2 = Record(b, "Subject", "s2", "bad height", {}, later);
  const std::string b_before = Fingerprint(b);
  const auto disabled_count = [&] {
    return Raw(
        "SELECT COUNT(*) FROM error_records WHERE processing_disabled = TRUE AND "
        "tenant_id = " +
        std::to_string(a.value));
  };

  // Disable by filter: every Subject record of A changes; again, none does.
  ErrorRecordFilter subjects;
  subjects.entity_type = "Subject";
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.SetProcessingDisabledWhere(subjects, true); }),
            3);
  EXPECT_EQ(disabled_count(), "3");
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.SetProcessingDisabledWhere(subjects, true); }),
            0);
  // Enable by ids: only those that were disabled count; B's id changes nothing.
  ErrorRecordFilter by_ids;
  by_ids.ids = {s1, e1, b2};
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.SetProcessingDisabledWhere(by_ids, false); }),
            1);
  EXPECT_EQ(disabled_count(), "2");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records WHERE processing_disabled = FALSE AND id = " +
                std::to_string(s1)),
            "1");
  EXPECT_EQ(Fingerprint(b), b_before);

  // Schedule now: matching enabled records become due now; disabled ones keep their time.
  ErrorRecordFilter height;
  height.text = "HEIGHT";
  const std::string now = std::to_string(ToEpochMillis(clock_.Now()));
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.ScheduleNowWhere(height); }), 2);  // s1, e1
  EXPECT_EQ(Column("SELECT next_attempt_at FROM error_records WHERE tenant_id = " +
                   std::to_string(a.value) + " ORDER BY id"),
            (std::vector<std::string>{now, std::to_string(ToEpochMillis(later)),
                                      std::to_string(ToEpochMillis(later)), now}));
  by_ids.ids = {s2, s3, b2};
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.ScheduleNowWhere(by_ids); }), 0);
  EXPECT_EQ(Fingerprint(b), b_before);

  // Delete by ids, then by filter; their log entries go with them.
  by_ids.ids = {s2, b2};
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.DeleteWhere(by_ids); }), 1);
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.DeleteWhere(height); }), 3);  // s1 s3 e1
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records WHERE tenant_id = " + std::to_string(a.value)),
            "0");
  EXPECT_EQ(
      Raw("SELECT COUNT(*) FROM error_record_log WHERE tenant_id = " + std::to_string(a.value)),
      "0");
  EXPECT_EQ(Affected(a, [&](ErrorRepo& r) { return r.DeleteWhere({}); }), 0);
  EXPECT_EQ(Fingerprint(b), b_before);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records WHERE tenant_id = " + std::to_string(b.value)),
            "2");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "2");
}

TEST_P(ErrorRecordFilterTest, SetTypeAndDetachTypeReclassifyOnlyThisTenantsRows) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId old_type = MakeType(a, "Old", FollowUpStep::kProcess);
  const RowId new_type = MakeType(a, "New", FollowUpStep::kExternal);
  const RowId b_type = MakeType(b, "Old", FollowUpStep::kProcess);
  const RowId r1 = Record(a, "Subject", "s1", "m1", old_type);
  const RowId r2 = Record(a, "Subject", "s2", "m2", old_type);
  const RowId b1 = Record(b, "Subject", "s1", "m1", b_type);
  const std::string b_before = Fingerprint(b);
  const auto type_of = [&](RowId id) {
    return Raw(
        "SELECT COALESCE(CAST(error_type_id AS TEXT), 'none') FROM error_records WHERE "
        "id = " +
        std::to_string(id));
  };
  const auto code = [&](const std::function<Status(ErrorRepo&)>& fn) {
    auto r = Errors(a, fn);
    return r ? "ok" : std::string(ToString(r.error().code));
  };

  EXPECT_EQ(code([&](ErrorRepo& r) { return r.SetType(r1, new_type); }), "ok");
  EXPECT_EQ(type_of(r1), std::to_string(new_type));
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.SetType(r1, std::nullopt); }), "ok");
  EXPECT_EQ(type_of(r1), "none");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.SetType(987654, new_type); }), "not_found");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.SetType(r1, b_type); }), "not_found");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.SetType(b1, new_type); }), "not_found");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.SetType(r1, 987654); }), "not_found");
  EXPECT_EQ(type_of(r1), "none");
  EXPECT_EQ(Fingerprint(b), b_before);

  // The old type is still on r2 and on both log entries: it cannot be deleted until detached.
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.DeleteType(old_type); }), "conflict");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.DetachType(b_type); }), "not_found");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.DetachType(987654); }), "not_found");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.DetachType(old_type); }), "ok");
  EXPECT_EQ(type_of(r2), "none");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log WHERE error_type_id = " +
                std::to_string(old_type)),
            "0");
  EXPECT_EQ(code([&](ErrorRepo& r) { return r.DeleteType(old_type); }), "ok");
  EXPECT_EQ(Fingerprint(b), b_before);
  EXPECT_EQ(type_of(b1), std::to_string(b_type));
}

AVNI_ON_EVERY_BACKEND(ErrorRecordFilterTest);

}  // namespace
}  // namespace avni::testing
