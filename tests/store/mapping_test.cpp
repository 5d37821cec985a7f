#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::MappingFilter;
using store::MappingRepo;
using store::Tx;

// The error of a result that should be one; a success fails the test (and gives kInternal).
template <typename R>
Error ErrorOf(const R& result) {
  EXPECT_FALSE(result.has_value()) << "succeeded where a failure was expected";
  return result ? Error{} : result.error();
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class MappingTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("A");
    group_ = MakeGroup(a_, "Observation");
    type_ = MakeType(a_, "Concept");
  }

  // Runs fn(MappingRepo&) in a write transaction of `tenant`.
  template <typename Fn>
  auto In(TenantId tenant, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      MappingRepo repo = tx.tenant(tenant).mappings();
      return fn(repo);
    });
  }
  RowId MakeGroup(TenantId t, const std::string& name) {
    auto g = In(t, [&](MappingRepo& r) { return r.CreateGroup(name); });
    EXPECT_TRUE(g.has_value()) << (g ? "" : g.error().message);
    return g ? g->id : 0;
  }
  RowId MakeType(TenantId t, const std::string& name) {
    auto ty = In(t, [&](MappingRepo& r) { return r.CreateType(name); });
    EXPECT_TRUE(ty.has_value()) << (ty ? "" : ty.error().message);
    return ty ? ty->id : 0;
  }
  static Mapping Of(RowId group, RowId type, std::string avni, std::string int_value) {
    Mapping m;
    m.group_id = group;
    m.type_id = type;
    m.avni_value = std::move(avni);
    m.int_system_value = std::move(int_value);
    return m;
  }
  Result<Mapping> Create(TenantId t, const Mapping& m) {
    return In(t, [&](MappingRepo& r) { return r.Create(m); });
  }
  RowId MakeMapping(const std::string& avni, const std::string& int_value) {
    auto m = Create(a_, Of(group_, type_, avni, int_value));
    EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message);
    return m ? m->id : 0;
  }
  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
  std::string MappingRows() { return Raw("SELECT COUNT(*) FROM mappings"); }

  TenantId a_;
  RowId group_ = 0, type_ = 0;
};

TEST_P(MappingTest, GroupsAndTypesRoundTrip) {
  auto g = In(a_, [](MappingRepo& r) { return r.CreateGroup("Encounter"); });
  ASSERT_TRUE(g.has_value()) << g.error().message;
  EXPECT_EQ(g->name, "Encounter");
  EXPECT_EQ(g->tenant_id, a_);
  EXPECT_EQ(g->uuid.size(), 36u);  // generated
  // A uuid from a bundle is kept, so that the Java service's bundles upsert by it.
  auto t = In(a_, [](MappingRepo& r) { return r.CreateType("Answer", "b5d8e9a2-given"); });
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(t->uuid, "b5d8e9a2-given");
  EXPECT_EQ(Raw("SELECT uuid FROM mapping_types WHERE name = 'Answer'"), "b5d8e9a2-given");

  auto got = In(a_, [&](MappingRepo& r) { return r.GetGroup(g->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->uuid, g->uuid);
  auto found = In(a_, [](MappingRepo& r) { return r.FindType("Answer"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, t->id);
  auto groups = In(a_, [](MappingRepo& r) { return r.ListGroups(); });
  ASSERT_TRUE(groups.has_value());
  ASSERT_EQ(groups->size(), 2u);
  EXPECT_EQ((*groups)[0].name, "Encounter");  // by name
  EXPECT_EQ((*groups)[1].name, "Observation");
  auto types = In(a_, [](MappingRepo& r) { return r.ListTypes(); });
  ASSERT_TRUE(types.has_value());
  ASSERT_EQ(types->size(), 2u);
  EXPECT_EQ((*types)[0].name, "Answer");

  auto empty = In(a_, [](MappingRepo& r) { return r.CreateGroup(""); });
  EXPECT_EQ(ErrorOf(empty).field, "name");
  auto too_long = In(a_, [](MappingRepo& r) { return r.CreateType(std::string(201, 'x')); });
  EXPECT_EQ(ErrorOf(too_long).field, "name");
}

TEST_P(MappingTest, NamesAndUuidsAreUniquePerTenantOnly) {
  auto dup = In(a_, [](MappingRepo& r) { return r.CreateGroup("Observation"); });
  EXPECT_EQ(ErrorOf(dup).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(dup).message, "'Observation' already exists")) << ErrorOf(dup).message;
  auto dup_type = In(a_, [](MappingRepo& r) { return r.CreateType("Concept"); });
  EXPECT_EQ(ErrorOf(dup_type).code, ErrorCode::kConflict);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_groups"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_types"), "1");

  ASSERT_TRUE(In(a_, [](MappingRepo& r) { return r.CreateGroup("G1", "same-uuid"); }));
  auto uuid_dup = In(a_, [](MappingRepo& r) { return r.CreateGroup("G2", "same-uuid"); });
  EXPECT_EQ(ErrorOf(uuid_dup).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(uuid_dup).message, "'G1'")) << ErrorOf(uuid_dup).message;

  // Another tenant may use the same names and uuids.
  const TenantId b = MakeTenant("B");
  EXPECT_GT(MakeGroup(b, "Observation"), 0);
  EXPECT_GT(MakeType(b, "Concept"), 0);
  auto b_uuid = In(b, [](MappingRepo& r) { return r.CreateGroup("G1", "same-uuid"); });
  EXPECT_TRUE(b_uuid.has_value());
}

TEST_P(MappingTest, RenameKeepsMappingsAndRefusesATakenName) {
  const RowId m = MakeMapping("Blood group", "BG");
  const RowId other = MakeGroup(a_, "Program");
  auto renamed = In(a_, [&](MappingRepo& r) { return r.RenameGroup(group_, "Obs"); });
  ASSERT_TRUE(renamed.has_value()) << renamed.error().message;
  EXPECT_EQ(renamed->name, "Obs");
  auto still =
      In(a_, [&](MappingRepo& r) { return r.FindByAvniValue(group_, type_, "Blood group"); });
  ASSERT_TRUE(still.has_value());
  EXPECT_EQ(still->id, m);
  auto same = In(a_, [&](MappingRepo& r) { return r.RenameGroup(group_, "Obs"); });
  EXPECT_TRUE(same.has_value());  // its own name is no clash

  auto clash = In(a_, [&](MappingRepo& r) { return r.RenameGroup(other, "Obs"); });
  EXPECT_EQ(ErrorOf(clash).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(clash).message, "'Obs'"));
  EXPECT_EQ(Raw("SELECT name FROM mapping_groups WHERE id = " + std::to_string(other)), "Program");
  const RowId t2 = MakeType(a_, "Answer");
  auto type_clash = In(a_, [&](MappingRepo& r) { return r.RenameType(t2, "Concept"); });
  EXPECT_EQ(ErrorOf(type_clash).code, ErrorCode::kConflict);
  auto type_ok = In(a_, [&](MappingRepo& r) { return r.RenameType(t2, "Coded answer"); });
  ASSERT_TRUE(type_ok.has_value());
  EXPECT_EQ(type_ok->name, "Coded answer");
}

TEST_P(MappingTest, MappingRoundTripOfEveryField) {
  clock_.Advance(std::chrono::seconds(3));
  Mapping in = Of(group_, type_, "Hemoglobin", "3ccc7da0-26fe-102b-80cb-0017a47871b2");
  in.uuid = "mapping-uuid-1";
  in.data_type_hint = DataTypeHint::kNumeric;
  in.about = "g/dL, from the lab form";
  auto created = Create(a_, in);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  auto got = In(a_, [&](MappingRepo& r) { return r.Get(created->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->tenant_id, a_);
  EXPECT_EQ(got->uuid, "mapping-uuid-1");
  EXPECT_EQ(got->group_id, group_);
  EXPECT_EQ(got->type_id, type_);
  EXPECT_EQ(got->avni_value, "Hemoglobin");
  EXPECT_EQ(got->int_system_value, "3ccc7da0-26fe-102b-80cb-0017a47871b2");
  EXPECT_EQ(got->data_type_hint, DataTypeHint::kNumeric);
  EXPECT_EQ(got->about, "g/dL, from the lab form");
  EXPECT_FALSE(got->voided);
  EXPECT_EQ(got->created_at, clock_.Now());
  EXPECT_EQ(got->updated_at, clock_.Now());
  EXPECT_EQ(Raw("SELECT data_type_hint FROM mappings"), "Numeric");

  // Every hint is stored under its own name and read back.
  for (DataTypeHint hint : {DataTypeHint::kCoded, DataTypeHint::kDate, DataTypeHint::kDateTime,
                            DataTypeHint::kText, DataTypeHint::kBoolean, DataTypeHint::kNA}) {
    Mapping m =
        Of(group_, type_, std::string(ToString(hint)), "int-" + std::string(ToString(hint)));
    m.data_type_hint = hint;
    auto made = Create(a_, m);
    ASSERT_TRUE(made.has_value()) << made.error().message;
    EXPECT_EQ(made->data_type_hint, hint);
    EXPECT_EQ(made->uuid.size(), 36u);  // generated
    EXPECT_EQ(Raw("SELECT data_type_hint FROM mappings WHERE id = " + std::to_string(made->id)),
              ToString(hint));
  }

  const Timestamp created_at = clock_.Now();
  clock_.Advance(std::chrono::seconds(5));
  const RowId g2 = MakeGroup(a_, "Program"), t2 = MakeType(a_, "Answer");
  Mapping change = *got;
  change.uuid = "ignored";
  change.voided = true;  // ignored: SetVoided does that
  change.group_id = g2;
  change.type_id = t2;
  change.avni_value = "Hb";
  change.int_system_value = "HB-1";
  change.data_type_hint = DataTypeHint::kText;
  change.about = "";
  auto updated = In(a_, [&](MappingRepo& r) { return r.Update(change); });
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(updated->uuid, "mapping-uuid-1");
  EXPECT_FALSE(updated->voided);
  EXPECT_EQ(updated->group_id, g2);
  EXPECT_EQ(updated->type_id, t2);
  EXPECT_EQ(updated->avni_value, "Hb");
  EXPECT_EQ(updated->int_system_value, "HB-1");
  EXPECT_EQ(updated->data_type_hint, DataTypeHint::kText);
  EXPECT_EQ(updated->about, "");
  EXPECT_EQ(updated->created_at, created_at);
  EXPECT_EQ(updated->updated_at, clock_.Now());

  auto voided = In(a_, [&](MappingRepo& r) { return r.SetVoided(created->id, true); });
  ASSERT_TRUE(voided.has_value());
  EXPECT_TRUE(voided->voided);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE voided"), "1");
}

TEST_P(MappingTest, BadValuesNameTheFieldAndWriteNothing) {
  const auto field_of = [&](const Mapping& m) {
    const Error error = ErrorOf(Create(a_, m));
    EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
    return error.field;
  };
  EXPECT_EQ(field_of(Of(group_, type_, "", "x")), "avni_value");
  EXPECT_EQ(field_of(Of(group_, type_, "x", "")), "int_system_value");
  EXPECT_EQ(field_of(Of(group_, type_, std::string(1001, 'a'), "x")), "avni_value");
  EXPECT_EQ(field_of(Of(group_, type_, "x", std::string(1001, 'i'))), "int_system_value");
  Mapping bad_hint = Of(group_, type_, "x", "y");
  bad_hint.data_type_hint = static_cast<DataTypeHint>(99);
  EXPECT_EQ(field_of(bad_hint), "data_type_hint");
  EXPECT_EQ(MappingRows(), "0");
  EXPECT_GT(MakeMapping(std::string(1000, 'a'), std::string(1000, 'i')), 0);  // the limit itself
}

TEST_P(MappingTest, ValueClashesAreRefusedNamingTheRowInTheWay) {
  const RowId first = MakeMapping("Yes", "1065");
  const std::string id = std::to_string(first);

  auto avni = Create(a_, Of(group_, type_, "Yes", "other"));
  EXPECT_EQ(ErrorOf(avni).code, ErrorCode::kConflict);
  EXPECT_EQ(ErrorOf(avni).field, "avni_value");
  EXPECT_TRUE(Has(ErrorOf(avni).message,
                  "avni_value 'Yes' is already mapped in this group and "
                  "type by mapping " +
                      id +
                      " (avni_value 'Yes', "
                      "int_system_value '1065')"))
      << ErrorOf(avni).message;

  auto int_value = Create(a_, Of(group_, type_, "Oui", "1065"));
  EXPECT_EQ(ErrorOf(int_value).code, ErrorCode::kConflict);
  EXPECT_EQ(ErrorOf(int_value).field, "int_system_value");
  EXPECT_TRUE(Has(ErrorOf(int_value).message, "mapping " + id +
                                                  " (avni_value 'Yes', "
                                                  "int_system_value '1065')"))
      << ErrorOf(int_value).message;
  EXPECT_EQ(MappingRows(), "1");

  // The rule holds per (group, type): the same values elsewhere are fine.
  const RowId other_type = MakeType(a_, "Answer");
  EXPECT_TRUE(Create(a_, Of(group_, other_type, "Yes", "1065")).has_value());
  EXPECT_EQ(MappingRows(), "2");

  // Updating into a clash changes nothing.
  const RowId second = MakeMapping("No", "1066");
  auto into = In(a_, [&](MappingRepo& r) {
    Mapping m = Of(group_, type_, "No", "1065");
    m.id = second;
    return r.Update(m);
  });
  EXPECT_EQ(ErrorOf(into).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(into).message, "mapping " + id)) << ErrorOf(into).message;
  EXPECT_EQ(Raw("SELECT int_system_value FROM mappings WHERE id = " + std::to_string(second)),
            "1066");
  // Its own values are no clash.
  auto self = In(a_, [&](MappingRepo& r) {
    Mapping m = Of(group_, type_, "No", "1066");
    m.id = second;
    m.about = "unchanged values";
    return r.Update(m);
  });
  EXPECT_TRUE(self.has_value());
  // A uuid is unique per tenant too.
  Mapping same_uuid = Of(group_, type_, "Maybe", "1067");
  same_uuid.uuid = Raw("SELECT uuid FROM mappings WHERE id = " + id);
  auto uuid = Create(a_, same_uuid);
  EXPECT_EQ(ErrorOf(uuid).code, ErrorCode::kConflict);
  EXPECT_EQ(MappingRows(), "3");
}

TEST_P(MappingTest, VoidedRowsDoNotBlockAndRestoreChecksAgain) {
  const RowId old = MakeMapping("Yes", "1065");
  ASSERT_TRUE(In(a_, [&](MappingRepo& r) { return r.SetVoided(old, true); }).has_value());
  auto gone = In(a_, [&](MappingRepo& r) { return r.FindByIntValue(group_, type_, "1065"); });
  EXPECT_EQ(ErrorOf(gone).code, ErrorCode::kNotFound);
  gone = In(a_, [&](MappingRepo& r) { return r.FindByAvniValue(group_, type_, "Yes"); });
  EXPECT_EQ(ErrorOf(gone).code, ErrorCode::kNotFound);

  const RowId fresh = MakeMapping("Yes", "1065");
  ASSERT_GT(fresh, 0);
  auto found = In(a_, [&](MappingRepo& r) { return r.FindByIntValue(group_, type_, "1065"); });
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, fresh);

  auto restore = In(a_, [&](MappingRepo& r) { return r.SetVoided(old, false); });
  EXPECT_EQ(ErrorOf(restore).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(restore).message, "mapping " + std::to_string(fresh)));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE voided"), "1");

  // Once the new one is voided, the old one comes back.
  ASSERT_TRUE(In(a_, [&](MappingRepo& r) { return r.SetVoided(fresh, true); }).has_value());
  auto back = In(a_, [&](MappingRepo& r) { return r.SetVoided(old, false); });
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_FALSE(back->voided);
  found = In(a_, [&](MappingRepo& r) { return r.FindByAvniValue(group_, type_, "Yes"); });
  EXPECT_EQ(found->id, old);
}

TEST_P(MappingTest, DeleteIsRefusedWhileMappingsUseIt) {
  MakeMapping("a", "1");
  MakeMapping("b", "2");
  const RowId voided = MakeMapping("c", "3");
  ASSERT_TRUE(In(a_, [&](MappingRepo& r) { return r.SetVoided(voided, true); }).has_value());

  auto group = In(a_, [&](MappingRepo& r) { return r.DeleteGroup(group_); });
  EXPECT_EQ(ErrorOf(group).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(group).message, "mapping group 'Observation' is used by 3 mappings"))
      << ErrorOf(group).message;
  auto type = In(a_, [&](MappingRepo& r) { return r.DeleteType(type_); });
  EXPECT_EQ(ErrorOf(type).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(type).message, "mapping type 'Concept' is used by 3 mappings"))
      << ErrorOf(type).message;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_groups"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_types"), "1");

  const RowId unused_group = MakeGroup(a_, "Unused"), unused_type = MakeType(a_, "Unused");
  ASSERT_TRUE(In(a_, [&](MappingRepo& r) { return r.DeleteGroup(unused_group); }).has_value());
  ASSERT_TRUE(In(a_, [&](MappingRepo& r) { return r.DeleteType(unused_type); }).has_value());
  auto after = In(a_, [&](MappingRepo& r) { return r.GetGroup(unused_group); });
  EXPECT_EQ(ErrorOf(after).code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_groups"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_types"), "1");
  auto again = In(a_, [&](MappingRepo& r) { return r.DeleteType(unused_type); });
  EXPECT_EQ(ErrorOf(again).code, ErrorCode::kNotFound);
}

TEST_P(MappingTest, AnotherTenantsRowsAreNotFoundAndStayIntact) {
  const TenantId b = MakeTenant("B");
  const RowId bg = MakeGroup(b, "B group"), bt = MakeType(b, "B type");
  auto bm = Create(b, Of(bg, bt, "b-avni", "b-int"));
  ASSERT_TRUE(bm.has_value());
  const RowId id = bm->id;
  Mapping change = Of(group_, type_, "stolen", "stolen");
  change.id = id;

  const auto not_found = [&](auto result, const char* what) {
    ASSERT_FALSE(result.has_value()) << what;
    EXPECT_EQ(ErrorOf(result).code, ErrorCode::kNotFound) << what;
  };
  not_found(In(a_, [&](MappingRepo& r) { return r.GetGroup(bg); }), "GetGroup");
  not_found(In(a_, [&](MappingRepo& r) { return r.FindGroup("B group"); }), "FindGroup");
  not_found(In(a_, [&](MappingRepo& r) { return r.RenameGroup(bg, "x"); }), "RenameGroup");
  not_found(In(a_, [&](MappingRepo& r) { return r.DeleteGroup(bg); }), "DeleteGroup");
  not_found(In(a_, [&](MappingRepo& r) { return r.GetType(bt); }), "GetType");
  not_found(In(a_, [&](MappingRepo& r) { return r.FindType("B type"); }), "FindType");
  not_found(In(a_, [&](MappingRepo& r) { return r.RenameType(bt, "x"); }), "RenameType");
  not_found(In(a_, [&](MappingRepo& r) { return r.DeleteType(bt); }), "DeleteType");
  not_found(In(a_, [&](MappingRepo& r) { return r.Get(id); }), "Get");
  not_found(In(a_, [&](MappingRepo& r) { return r.Update(change); }), "Update");
  not_found(In(a_, [&](MappingRepo& r) { return r.SetVoided(id, true); }), "SetVoided");
  not_found(In(a_, [&](MappingRepo& r) { return r.FindByIntValue(bg, bt, "b-int"); }), "ByInt");
  not_found(In(a_, [&](MappingRepo& r) { return r.FindByAvniValue(bg, bt, "b-avni"); }), "ByAvni");
  auto groups = In(a_, [](MappingRepo& r) { return r.ListGroups(); });
  EXPECT_EQ(groups->size(), 1u);
  auto types = In(a_, [](MappingRepo& r) { return r.ListTypes(); });
  EXPECT_EQ(types->size(), 1u);
  MappingFilter b_group;
  b_group.group_id = bg;
  b_group.include_voided = true;
  EXPECT_TRUE(In(a_, [&](MappingRepo& r) { return r.List(b_group); })->empty());
  EXPECT_EQ(*In(a_, [&](MappingRepo& r) { return r.Count(MappingFilter{}); }), 0);

  EXPECT_EQ(Raw("SELECT name FROM mapping_groups WHERE id = " + std::to_string(bg)), "B group");
  EXPECT_EQ(Raw("SELECT name FROM mapping_types WHERE id = " + std::to_string(bt)), "B type");
  EXPECT_EQ(Raw("SELECT avni_value || '|' || int_system_value FROM mappings WHERE NOT voided "
                "AND id = " +
                std::to_string(id)),
            "b-avni|b-int");
  EXPECT_EQ(MappingRows(), "1");
}

TEST_P(MappingTest, AMappingCannotReferToAnotherTenantsGroupOrType) {
  const TenantId b = MakeTenant("B");
  const RowId bg = MakeGroup(b, "Observation"), bt = MakeType(b, "Concept");
  auto group = Create(a_, Of(bg, type_, "x", "y"));
  EXPECT_EQ(ErrorOf(group).code, ErrorCode::kNotFound);
  EXPECT_EQ(ErrorOf(group).message,
            "no mapping group with id " + std::to_string(bg) + " in this tenant");
  auto type = Create(a_, Of(group_, bt, "x", "y"));
  EXPECT_EQ(ErrorOf(type).code, ErrorCode::kNotFound);
  EXPECT_TRUE(Has(ErrorOf(type).message, "no mapping type with id " + std::to_string(bt)));
  auto missing = Create(a_, Of(group_, 987654, "x", "y"));
  EXPECT_EQ(ErrorOf(missing).code, ErrorCode::kNotFound);
  EXPECT_EQ(MappingRows(), "0");

  const RowId mine = MakeMapping("x", "y");
  auto moved = In(a_, [&](MappingRepo& r) {
    Mapping m = Of(bg, type_, "x", "y");
    m.id = mine;
    return r.Update(m);
  });
  EXPECT_EQ(ErrorOf(moved).code, ErrorCode::kNotFound);
  EXPECT_TRUE(Has(ErrorOf(moved).message, "no mapping group with id " + std::to_string(bg)))
      << ErrorOf(moved).message;
  EXPECT_EQ(Raw("SELECT group_id FROM mappings WHERE id = " + std::to_string(mine)),
            std::to_string(group_));
}

TEST_P(MappingTest, ListFiltersPagesAndCounts) {
  const RowId g2 = MakeGroup(a_, "Program"), t2 = MakeType(a_, "Answer");
  std::vector<RowId> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(MakeMapping("v" + std::to_string(i), std::to_string(i)));
  }
  ASSERT_TRUE(Create(a_, Of(g2, type_, "v0", "0")).has_value());
  ASSERT_TRUE(Create(a_, Of(group_, t2, "v0", "0")).has_value());
  ASSERT_TRUE(In(a_, [&](MappingRepo& r) { return r.SetVoided(ids[1], true); }).has_value());
  const auto list = [&](const MappingFilter& f) {
    auto rows = In(a_, [&](MappingRepo& r) { return r.List(f); });
    EXPECT_TRUE(rows.has_value());
    std::vector<RowId> out;
    for (const auto& m : *rows) out.push_back(m.id);
    return out;
  };
  const auto count = [&](const MappingFilter& f) {
    return *In(a_, [&](MappingRepo& r) { return r.Count(f); });
  };

  MappingFilter all;
  EXPECT_EQ(count(all), 6);  // the voided one left out
  all.include_voided = true;
  EXPECT_EQ(count(all), 7);
  MappingFilter f;
  f.group_id = group_;
  f.type_id = type_;
  EXPECT_EQ(list(f), (std::vector<RowId>{ids[0], ids[2], ids[3], ids[4]}));
  EXPECT_EQ(count(f), 4);
  f.include_voided = true;
  EXPECT_EQ(list(f), ids);
  f.limit = 2;
  f.offset = 1;
  EXPECT_EQ(list(f), (std::vector<RowId>{ids[1], ids[2]}));
  EXPECT_EQ(count(f), 5);  // limit and offset do not change the count
  f.offset = 5;
  EXPECT_TRUE(list(f).empty());

  MappingFilter by_avni;
  by_avni.avni_value = "v0";
  EXPECT_EQ(count(by_avni), 3);
  by_avni.group_id = g2;
  EXPECT_EQ(list(by_avni).size(), 1u);
  MappingFilter by_int;
  by_int.int_system_value = "4";
  EXPECT_EQ(list(by_int), (std::vector<RowId>{ids[4]}));
  by_int.type_id = t2;
  EXPECT_EQ(count(by_int), 0);

  MappingFilter bad;
  bad.limit = 0;
  EXPECT_EQ(ErrorOf(In(a_, [&](MappingRepo& r) { return r.List(bad); })).field, "limit");
  bad.limit = 10;
  bad.offset = -1;
  EXPECT_EQ(ErrorOf(In(a_, [&](MappingRepo& r) { return r.List(bad); })).field, "offset");
}

TEST_P(MappingTest, MetacharactersAndUnicodeAreStoredVerbatim) {
  const std::vector<std::pair<std::string, std::string>> values = {
      {"x'); DROP TABLE mappings; --", "1' OR '1'='1"},
      {"100%_\\ \"quoted\" :name ?", "%"},
      {"रक्त समूह — 血型 🩸", "Ünïcødé ✓"}};
  for (const auto& [avni, int_value] : values) {
    auto m = Create(a_, Of(group_, type_, avni, int_value));
    ASSERT_TRUE(m.has_value()) << m.error().message;
    auto by_avni = In(a_, [&](MappingRepo& r) { return r.FindByAvniValue(group_, type_, avni); });
    ASSERT_TRUE(by_avni.has_value()) << avni;
    EXPECT_EQ(by_avni->int_system_value, int_value);
    auto by_int =
        In(a_, [&](MappingRepo& r) { return r.FindByIntValue(group_, type_, int_value); });
    ASSERT_TRUE(by_int.has_value()) << int_value;
    EXPECT_EQ(by_int->avni_value, avni);
    EXPECT_EQ(Raw("SELECT avni_value FROM mappings WHERE id = " + std::to_string(m->id)), avni);
  }
  // '%' and '_' are values, not patterns.
  MappingFilter f;
  f.int_system_value = "%";
  EXPECT_EQ(*In(a_, [&](MappingRepo& r) { return r.Count(f); }), 1);
  auto group = In(a_, [](MappingRepo& r) { return r.CreateGroup("Grüße 'quoted' 名前"); });
  ASSERT_TRUE(group.has_value());
  EXPECT_EQ(In(a_, [](MappingRepo& r) { return r.FindGroup("Grüße 'quoted' 名前"); })->id,
            group->id);
  EXPECT_EQ(MappingRows(), "3");
}

// Two writers of the same value at once: the one that loses the race (its check saw nothing
// yet, its insert then hit the unique index) gets a conflict, not an internal error.
// PostgreSQL only: SQLite serialises writers at BEGIN IMMEDIATE, so there is no race to lose.
class MappingRaceTest : public MappingTest {};

TEST_P(MappingRaceTest, ARaceOnTheSameValueEndsInOneRowAndAConflict) {
  std::promise<void> inserted, release;
  std::shared_future<void> released = release.get_future().share();
  Result<Mapping> winner, loser;
  std::thread first([&] {
    winner = store_->Transact([&](Tx& tx) -> Result<Mapping> {
      auto m = tx.tenant(a_).mappings().Create(Of(group_, type_, "Yes", "1065"));
      inserted.set_value();
      released.wait();  // holds the uncommitted row until the second writer waits on it
      return m;
    });
  });
  inserted.get_future().wait();
  std::thread second([&] { loser = Create(a_, Of(group_, type_, "Yes", "1066")); });
  bool second_blocked = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       !second_blocked && std::chrono::steady_clock::now() < deadline;) {
    second_blocked = Raw("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                         "AND query LIKE 'INSERT INTO mappings%'") != "0";
    if (!second_blocked) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  release.set_value();
  first.join();
  second.join();
  ASSERT_TRUE(second_blocked) << "the second insert never waited on the first";
  ASSERT_TRUE(winner.has_value()) << winner.error().message;
  EXPECT_EQ(ErrorOf(loser).code, ErrorCode::kConflict);
  EXPECT_TRUE(Has(ErrorOf(loser).message, "at the same time")) << ErrorOf(loser).message;
  EXPECT_EQ(MappingRows(), "1");
}

AVNI_ON_EVERY_BACKEND(MappingTest);
INSTANTIATE_TEST_SUITE_P(Backends, MappingRaceTest,
                         ::testing::Values(::avni::store::Backend::kPostgres),
                         [](const ::testing::TestParamInfo<store::Backend>& info) {
                           return BackendName(info.param);
                         });

}  // namespace
}  // namespace avni::testing
