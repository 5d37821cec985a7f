#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::ErrorRecordFilter;
using store::Failure;
using store::Tx;

class ErrorRecordTest : public StoreTest {
 protected:
  ErrorType MakeType(TenantId tenant, const std::string& name, int priority = 0) {
    ErrorType t;
    t.name = name;
    t.op = ErrorOperator::kContains;
    t.value = name + " text";
    t.follow_up_step = FollowUpStep::kProcess;
    t.priority = priority;
    auto made = store_->Transact([&](Tx& tx) { return tx.tenant(tenant).errors().CreateType(t); });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made.value_or(ErrorType{});
  }

  static Failure AFailure(std::string entity_id, std::string message,
                          std::optional<RowId> type = {}, std::string entity_type = "Subject") {
    return Failure{std::move(entity_type), std::move(entity_id), type,
                   std::move(message),     "{\"uuid\":\"x\"}",   std::nullopt};
  }

  Result<ErrorRecord> Record(TenantId tenant, const Failure& f) {
    return store_->Transact([&](Tx& tx) { return tx.tenant(tenant).errors().RecordFailure(f); });
  }
  Result<std::vector<ErrorLogEntry>> Log(TenantId tenant, RowId id) {
    return store_->Read([&](Tx& tx) { return tx.tenant(tenant).errors().Log(id); });
  }
  Result<std::vector<ErrorRecord>> List(TenantId tenant, const ErrorRecordFilter& f) {
    return store_->Read([&](Tx& tx) { return tx.tenant(tenant).errors().List(f); });
  }
  std::string Raw(const std::string& sql) const { return db_->QueryColumn(sql).at(0); }
};

TEST_P(ErrorRecordTest, ErrorTypesRoundTripEveryField) {
  const TenantId a = MakeTenant("A");
  ErrorType t;
  t.name = "Missing concept";
  t.op = ErrorOperator::kMatches;
  t.value = "^Concept .* not found$";
  t.follow_up_step = FollowUpStep::kTerminal;
  t.priority = 7;
  auto made = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().CreateType(t); });
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_GT(made->id, 0);
  EXPECT_EQ(made->tenant_id, a);
  EXPECT_EQ(made->uuid.size(), 36u);
  EXPECT_EQ(made->name, "Missing concept");
  EXPECT_EQ(made->op, ErrorOperator::kMatches);
  EXPECT_EQ(made->value, "^Concept .* not found$");
  EXPECT_EQ(made->follow_up_step, FollowUpStep::kTerminal);
  EXPECT_EQ(made->priority, 7);
  EXPECT_EQ(Raw("SELECT operator || '/' || follow_up_step FROM error_types"), "MATCHES/Terminal");

  ErrorType changed = *made;
  changed.uuid = "ignored";
  changed.name = "Unknown concept";
  changed.op = ErrorOperator::kEquals;
  changed.value = "Concept X not found";
  changed.follow_up_step = FollowUpStep::kExternal;
  changed.priority = -1;
  auto updated =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().UpdateType(changed); });
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  auto got = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().GetType(made->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->uuid, made->uuid);  // the identity never changes
  EXPECT_EQ(got->name, "Unknown concept");
  EXPECT_EQ(got->op, ErrorOperator::kEquals);
  EXPECT_EQ(got->value, "Concept X not found");
  EXPECT_EQ(got->follow_up_step, FollowUpStep::kExternal);
  EXPECT_EQ(got->priority, -1);

  t.name = "Given uuid";
  t.uuid = "6a3c4d6e-0000-4000-8000-00000000abcd";
  auto given = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().CreateType(t); });
  ASSERT_TRUE(given.has_value());
  EXPECT_EQ(given->uuid, "6a3c4d6e-0000-4000-8000-00000000abcd");
}

TEST_P(ErrorRecordTest, ErrorTypeNamesAndUuidsAreUniquePerTenant) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const ErrorType first = MakeType(a, "Timeout");
  const ErrorType other = MakeType(a, "Other");
  ErrorType dup;
  dup.name = "Timeout";
  auto clash = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().CreateType(dup); });
  ASSERT_FALSE(clash.has_value());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_NE(clash.error().message.find("'Timeout'"), std::string::npos);
  dup.name = "Fresh";
  dup.uuid = first.uuid;
  auto uuid_clash = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().CreateType(dup); });
  ASSERT_FALSE(uuid_clash.has_value());
  EXPECT_NE(uuid_clash.error().message.find(first.uuid), std::string::npos);
  ErrorType rename = other;
  rename.name = "Timeout";
  auto rename_clash =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().UpdateType(rename); });
  ASSERT_FALSE(rename_clash.has_value());
  EXPECT_EQ(rename_clash.error().code, ErrorCode::kConflict);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_types"), "2");
  EXPECT_GT(MakeType(b, "Timeout").id, 0);  // another tenant may use the name
}

TEST_P(ErrorRecordTest, ErrorTypeValidationNamesTheField) {
  const TenantId a = MakeTenant("A");
  ErrorType t;
  auto empty = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().CreateType(t); });
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().field, "name");
  t.name = std::string(201, 'n');
  auto too_long = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().CreateType(t); });
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().field, "name");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_types"), "0");
  ErrorType existing = MakeType(a, "Kept");
  existing.name = "";
  auto update =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().UpdateType(existing); });
  ASSERT_FALSE(update.has_value());
  EXPECT_EQ(update.error().field, "name");
  EXPECT_EQ(Raw("SELECT name FROM error_types"), "Kept");
}

TEST_P(ErrorRecordTest, ListTypesIsTheClassificationOrder) {
  const TenantId a = MakeTenant("A");
  const ErrorType late = MakeType(a, "late", 5);
  const ErrorType first_of_two = MakeType(a, "first of two", 1);
  const ErrorType second_of_two = MakeType(a, "second of two", 1);
  const ErrorType middle = MakeType(a, "middle", 3);
  auto types = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().ListTypes(); });
  ASSERT_TRUE(types.has_value());
  ASSERT_EQ(types->size(), 4u);
  EXPECT_EQ((*types)[0].id, first_of_two.id);
  EXPECT_EQ((*types)[1].id, second_of_two.id);
  EXPECT_EQ((*types)[2].id, middle.id);
  EXPECT_EQ((*types)[3].id, late.id);
}

TEST_P(ErrorRecordTest, DeleteTypeIsRefusedWhileUsed) {
  const TenantId a = MakeTenant("A");
  const ErrorType used = MakeType(a, "Used");
  const ErrorType spare = MakeType(a, "Spare");
  auto record = Record(a, AFailure("s1", "boom", used.id));
  ASSERT_TRUE(record.has_value()) << record.error().message;
  auto refused =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().DeleteType(used.id); });
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_NE(refused.error().message.find("'Used' is used by 1 error records and 1 error log"),
            std::string::npos)
      << refused.error().message;
  // Reclassified, the record no longer refers to it, but its log still does.
  ASSERT_TRUE(Record(a, AFailure("s1", "boom", spare.id)).has_value());
  auto still = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().DeleteType(used.id); });
  ASSERT_FALSE(still.has_value());
  EXPECT_NE(still.error().message.find("0 error records and 1 error log"), std::string::npos);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_types"), "2");

  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().Delete(record->id); }));
  auto deleted =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().DeleteType(used.id); });
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_EQ(Raw("SELECT name FROM error_types"), "Spare");
  auto gone = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().GetType(used.id); });
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_P(ErrorRecordTest, RecordFailureCreatesThenUpdatesTheRecord) {
  const TenantId a = MakeTenant("A");
  const ErrorType first_type = MakeType(a, "First");
  const ErrorType second_type = MakeType(a, "Second");
  const Timestamp t0 = clock_.Now();
  Failure f = AFailure("s1", "boom", first_type.id);
  f.next_attempt_at = t0 + std::chrono::hours(1);
  auto created = Record(a, f);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->tenant_id, a);
  EXPECT_EQ(created->entity_type, "Subject");
  EXPECT_EQ(created->entity_id, "s1");
  EXPECT_EQ(created->error_type_id, first_type.id);
  EXPECT_FALSE(created->processing_disabled);
  EXPECT_EQ(created->attempts, 0);
  EXPECT_EQ(created->first_seen_at, t0);
  EXPECT_EQ(created->last_seen_at, t0);
  EXPECT_EQ(created->next_attempt_at, t0 + std::chrono::hours(1));

  // What people and the retry job set survives a new failure.
  ASSERT_TRUE(store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().SetProcessingDisabled(created->id, true); }));
  ASSERT_TRUE(store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().NoteAttempt(created->id, std::nullopt); }));
  clock_.Advance(std::chrono::minutes(10));
  f.error_type_id = second_type.id;
  f.next_attempt_at = std::nullopt;
  auto updated = Record(a, f);
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(updated->id, created->id);
  EXPECT_EQ(updated->first_seen_at, t0);
  EXPECT_EQ(updated->last_seen_at, clock_.Now());
  EXPECT_EQ(updated->error_type_id, second_type.id);
  EXPECT_FALSE(updated->next_attempt_at.has_value());
  EXPECT_TRUE(updated->processing_disabled);
  EXPECT_EQ(updated->attempts, 1);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records"), "1");

  f.error_type_id = std::nullopt;  // unclassified now
  auto unclassified = Record(a, f);
  ASSERT_TRUE(unclassified.has_value());
  EXPECT_FALSE(unclassified->error_type_id.has_value());
  auto found = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Find("Subject", "s1"); });
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->id, created->id);
  EXPECT_EQ((*found)->attempts, 1);
}

TEST_P(ErrorRecordTest, IdenticalRepeatsShareOneLogEntry) {
  const TenantId a = MakeTenant("A");
  const ErrorType type = MakeType(a, "T");
  const Timestamp t0 = clock_.Now();
  RowId id = 0;
  for (int i = 0; i < 3; ++i) {
    auto r = Record(a, AFailure("s1", "Concept X not found", type.id));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    id = r->id;
    if (i < 2) clock_.Advance(std::chrono::minutes(5));
  }
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "1");
  auto log = Log(a, id);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ((*log)[0].count, 3);
  EXPECT_EQ((*log)[0].first_logged_at, t0);
  EXPECT_EQ((*log)[0].logged_at, clock_.Now());
  EXPECT_EQ((*log)[0].error_record_id, id);
  EXPECT_EQ((*log)[0].error_type_id, type.id);
  EXPECT_EQ((*log)[0].message, "Concept X not found");
  EXPECT_EQ((*log)[0].body, "{\"uuid\":\"x\"}");

  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(Record(a, AFailure("s1", "Concept Y not found", type.id)).has_value());
  Failure other_body = AFailure("s1", "Concept Y not found", type.id);
  other_body.body = "{}";
  ASSERT_TRUE(Record(a, other_body).has_value());
  ASSERT_TRUE(Record(a, AFailure("s1", "Concept Y not found")).has_value());  // no type now
  log = Log(a, id);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->size(), 4u);
  // Newest first.
  EXPECT_FALSE((*log)[0].error_type_id.has_value());
  EXPECT_EQ((*log)[1].body, "{}");
  EXPECT_EQ((*log)[2].message, "Concept Y not found");
  EXPECT_EQ((*log)[2].count, 1);
  EXPECT_EQ((*log)[2].first_logged_at, clock_.Now());
  EXPECT_EQ((*log)[3].count, 3);
  // Only the newest entry absorbs repeats: an older message coming back is a new entry.
  ASSERT_TRUE(Record(a, AFailure("s1", "Concept X not found", type.id)).has_value());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "5");
}

TEST_P(ErrorRecordTest, RecordFailureRefusesAnUnknownOrForeignErrorType) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const ErrorType bs = MakeType(b, "B's type");
  auto foreign = Record(a, AFailure("s1", "boom", bs.id));
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code, ErrorCode::kNotFound);
  auto unknown = Record(a, AFailure("s1", "boom", 987654));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::kNotFound);
  EXPECT_NE(unknown.error().message.find("987654"), std::string::npos);
  auto no_type = Record(a, AFailure("s1", "boom", std::nullopt, ""));
  ASSERT_FALSE(no_type.has_value());
  EXPECT_EQ(no_type.error().field, "entity_type");
  auto no_id = Record(a, AFailure("", "boom"));
  ASSERT_FALSE(no_id.has_value());
  EXPECT_EQ(no_id.error().field, "entity_id");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records"), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "0");
}

TEST_P(ErrorRecordTest, DeleteCascadesToTheLog) {
  const TenantId a = MakeTenant("A");
  auto r = Record(a, AFailure("s1", "one"));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(Record(a, AFailure("s1", "two")).has_value());
  auto kept = Record(a, AFailure("s2", "other record"));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "3");
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().Delete(r->id); }));
  EXPECT_EQ(
      Raw("SELECT COUNT(*) FROM error_record_log WHERE error_record_id = " + std::to_string(r->id)),
      "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "1");
  auto again = store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().Delete(r->id); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  auto got = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Get(r->id); });
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  auto log = Log(a, r->id);
  EXPECT_EQ(log.error().code, ErrorCode::kNotFound);
}

TEST_P(ErrorRecordTest, ResolveDeletesByEntityAndIsQuietWhenAbsent) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Record(a, AFailure("s1", "boom")).has_value());
  ASSERT_TRUE(Record(a, AFailure("s1", "boom", std::nullopt, "Encounter")).has_value());
  ASSERT_TRUE(
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().Resolve("Subject", "s1"); }));
  EXPECT_EQ(Raw("SELECT entity_type FROM error_records"), "Encounter");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_record_log"), "1");
  auto absent =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().Resolve("Subject", "s1"); });
  EXPECT_TRUE(absent.has_value());
  auto found = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Find("Subject", "s1"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_FALSE(found->has_value());
}

TEST_P(ErrorRecordTest, NoteAttemptAndProcessingDisabled) {
  const TenantId a = MakeTenant("A");
  auto r = Record(a, AFailure("s1", "boom"));
  ASSERT_TRUE(r.has_value());
  const Timestamp next = clock_.Now() + std::chrono::minutes(30);
  ASSERT_TRUE(
      store_->Transact([&](Tx& tx) { return tx.tenant(a).errors().NoteAttempt(r->id, next); }));
  auto got = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Get(r->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->attempts, 1);
  EXPECT_EQ(got->next_attempt_at, next);
  ASSERT_TRUE(store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().NoteAttempt(r->id, std::nullopt); }));
  ASSERT_TRUE(store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().SetProcessingDisabled(r->id, true); }));
  got = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Get(r->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->attempts, 2);
  EXPECT_FALSE(got->next_attempt_at.has_value());
  EXPECT_TRUE(got->processing_disabled);
  ASSERT_TRUE(store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().SetProcessingDisabled(r->id, false); }));
  got = store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Get(r->id); });
  EXPECT_FALSE(got->processing_disabled);

  auto missing_attempt = store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().NoteAttempt(r->id + 100, std::nullopt); });
  EXPECT_EQ(missing_attempt.error().code, ErrorCode::kNotFound);
  auto missing_disable = store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().SetProcessingDisabled(r->id + 100, true); });
  EXPECT_EQ(missing_disable.error().code, ErrorCode::kNotFound);
}

TEST_P(ErrorRecordTest, ListFiltersPagesAndCounts) {
  const TenantId a = MakeTenant("A");
  const ErrorType type = MakeType(a, "T");
  std::vector<RowId> ids;  // in the order first seen
  for (int i = 0; i < 6; ++i) {
    auto r = Record(a, AFailure("e" + std::to_string(i), "boom",
                                i % 2 == 0 ? std::optional(type.id) : std::nullopt,
                                i < 4 ? "Subject" : "Encounter"));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    ids.push_back(r->id);
    clock_.Advance(std::chrono::seconds(1));
  }
  ASSERT_TRUE(store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).errors().SetProcessingDisabled(ids[2], true); }));
  auto ids_of = [](const Result<std::vector<ErrorRecord>>& rs) {
    std::vector<RowId> out;
    for (const auto& r : *rs) out.push_back(r.id);
    return out;
  };
  auto count = [&](const ErrorRecordFilter& f) {
    return store_->Read([&](Tx& tx) { return tx.tenant(a).errors().Count(f); }).value_or(-1);
  };

  auto all = List(a, {});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(ids_of(all), ids);
  EXPECT_EQ(count({}), 6);
  ErrorRecordFilter subjects{.entity_type = "Subject"};
  EXPECT_EQ(ids_of(List(a, subjects)), (std::vector<RowId>{ids[0], ids[1], ids[2], ids[3]}));
  EXPECT_EQ(count(subjects), 4);
  ErrorRecordFilter typed{.error_type_id = type.id};
  EXPECT_EQ(ids_of(List(a, typed)), (std::vector<RowId>{ids[0], ids[2], ids[4]}));
  ErrorRecordFilter disabled{.processing_disabled = true};
  EXPECT_EQ(ids_of(List(a, disabled)), std::vector<RowId>{ids[2]});
  ErrorRecordFilter enabled_typed_subjects{
      .entity_type = "Subject", .error_type_id = type.id, .processing_disabled = false};
  EXPECT_EQ(ids_of(List(a, enabled_typed_subjects)), std::vector<RowId>{ids[0]});
  EXPECT_EQ(count(enabled_typed_subjects), 1);

  ErrorRecordFilter page{.limit = 2, .offset = 3};
  EXPECT_EQ(ids_of(List(a, page)), (std::vector<RowId>{ids[3], ids[4]}));
  EXPECT_EQ(count(page), 6);  // paging does not change the count
  page.offset = 6;
  EXPECT_TRUE(List(a, page)->empty());

  auto bad_limit = List(a, ErrorRecordFilter{.limit = 0});
  ASSERT_FALSE(bad_limit.has_value());
  EXPECT_EQ(bad_limit.error().field, "limit");
  auto bad_offset = List(a, ErrorRecordFilter{.offset = -1});
  ASSERT_FALSE(bad_offset.has_value());
  EXPECT_EQ(bad_offset.error().field, "offset");
}

TEST_P(ErrorRecordTest, TenantsNeverSeeOrChangeEachOthersErrors) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const ErrorType bt = MakeType(b, "B type", 1);
  auto br = Record(b, AFailure("s1", "b failed", bt.id));
  ASSERT_TRUE(br.has_value());
  const std::string b_state =
      "SELECT attempts || '/' || last_seen_at || '/' || error_type_id || '/' || "
      "(CASE WHEN processing_disabled THEN 'off' ELSE 'on' END) FROM error_records";
  const std::string before = Raw(b_state);

  auto errors = [&](Tx& tx) { return tx.tenant(a).errors(); };
  auto expect_not_found = [](const auto& result) {
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::kNotFound);
  };
  expect_not_found(store_->Read([&](Tx& tx) { return errors(tx).GetType(bt.id); }));
  ErrorType renamed = bt;
  renamed.name = "taken over";
  expect_not_found(store_->Transact([&](Tx& tx) { return errors(tx).UpdateType(renamed); }));
  expect_not_found(store_->Transact([&](Tx& tx) { return errors(tx).DeleteType(bt.id); }));
  EXPECT_TRUE(store_->Read([&](Tx& tx) { return errors(tx).ListTypes(); })->empty());
  expect_not_found(store_->Read([&](Tx& tx) { return errors(tx).Get(br->id); }));
  EXPECT_FALSE(store_->Read([&](Tx& tx) { return errors(tx).Find("Subject", "s1"); })->has_value());
  EXPECT_TRUE(store_->Read([&](Tx& tx) { return errors(tx).List({}); })->empty());
  EXPECT_EQ(*store_->Read([&](Tx& tx) { return errors(tx).Count({}); }), 0);
  expect_not_found(
      store_->Transact([&](Tx& tx) { return errors(tx).SetProcessingDisabled(br->id, true); }));
  expect_not_found(
      store_->Transact([&](Tx& tx) { return errors(tx).NoteAttempt(br->id, std::nullopt); }));
  expect_not_found(store_->Read([&](Tx& tx) { return errors(tx).Log(br->id); }));
  expect_not_found(store_->Transact([&](Tx& tx) { return errors(tx).Delete(br->id); }));
  EXPECT_TRUE(store_->Transact([&](Tx& tx) { return errors(tx).Resolve("Subject", "s1"); }));

  // A's failure of the same entity is A's own record, with its own log.
  clock_.Advance(std::chrono::minutes(1));
  auto ar = Record(a, AFailure("s1", "b failed"));
  ASSERT_TRUE(ar.has_value());
  EXPECT_NE(ar->id, br->id);
  EXPECT_EQ(Log(a, ar->id)->size(), 1u);
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return errors(tx).Delete(ar->id); }));

  EXPECT_EQ(Raw(b_state), before);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM error_records"), "1");
  EXPECT_EQ(Raw("SELECT name FROM error_types"), "B type");
  EXPECT_EQ(Raw("SELECT message || '#' || count FROM error_record_log"), "b failed#1");
}

AVNI_ON_EVERY_BACKEND(ErrorRecordTest);

}  // namespace
}  // namespace avni::testing
