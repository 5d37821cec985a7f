// CSV import and export of a tenant's mappings, on SQLite and PostgreSQL, checked against the
// raw database.
#include "mapping/mapping_import.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using mapping::ImportReport;
using store::Tx;

constexpr const char* kHeader = "group,type,avni_value,int_system_value,data_type_hint,about\n";

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string Errors(const ImportReport& r) {
  std::string out;
  for (const auto& e : r.errors) {
    out += fmt::format("line {} [{}]: {}\n", e.line, e.field, e.message);
  }
  return out;
}

class MappingImportTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("A");
  }

  ImportReport Import(const std::string& csv, bool dry_run = false, TenantId t = {}) {
    auto r = mapping::ImportMappingsCsv(*store_, t.value ? t : a_, csv, {dry_run, "tester"});
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r.value_or(ImportReport{});
  }
  std::string Export(TenantId t = {}) {
    auto csv = mapping::ExportMappingsCsv(*store_, t.value ? t : a_);
    EXPECT_TRUE(csv.has_value()) << (csv ? "" : csv.error().message);
    return csv.value_or("");
  }

  // Yes->1, No->2 (Coded) and Maybe->3 in Observation/Concept, made through the store.
  void Seed() {
    auto made = store_->Transact([&](Tx& tx) -> Status {
      auto repo = tx.tenant(a_).mappings();
      auto g = repo.CreateGroup("Observation");
      auto t = repo.CreateType("Concept");
      if (!g || !t) return Fail(Error::Internal("seed"));
      const std::vector<std::pair<std::string, std::string>> rows{
          {"Yes", "1"}, {"No", "2"}, {"Maybe", "3"}};
      for (const auto& [avni, value] : rows) {
        Mapping m;
        m.group_id = g->id;
        m.type_id = t->id;
        m.avni_value = avni;
        m.int_system_value = value;
        m.data_type_hint = DataTypeHint::kCoded;
        if (auto c = repo.Create(m); !c) return Fail(c.error());
      }
      return {};
    });
    ASSERT_TRUE(made.has_value()) << made.error().message;
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
  // "avni=int:hint:about" of the tenant's non-voided mappings, in avni_value order.
  std::vector<std::string> Rows() {
    return db_->QueryColumn(
        "SELECT avni_value || '=' || int_system_value || ':' || data_type_hint || ':' || about "
        "FROM mappings WHERE NOT voided ORDER BY avni_value");
  }
  // Everything an import could write.
  std::string State() {
    std::string out;
    for (const auto& table : {"mappings", "mapping_groups", "mapping_types", "audit_log"}) {
      out += Raw(fmt::format("SELECT COUNT(*) FROM {}", table)) + " ";
    }
    for (const auto& row : Rows()) out += row + " ";
    return out + Raw("SELECT COALESCE(MAX(updated_at), 0) FROM mappings");
  }

  TenantId a_;
};

TEST_P(MappingImportTest, CreatesUpdatesAndLeavesUnchangedAsTheRawDatabaseShows) {
  Seed();
  clock_.Advance(std::chrono::seconds(10));
  // Columns in another order; the file's names for groups and types are those of the tenant.
  const ImportReport r = Import(
      "about,int_system_value,avni_value,type,group,data_type_hint\n"
      ",1,Yes,Concept,Observation,Coded\n"                        // unchanged
      ",22,No,Concept,Observation,Coded\n"                        // new int_system_value
      "\"now, with about\",3,Maybe,Concept,Observation,Coded\n"   // new about
      ",4,Unsure,Concept,Observation,Coded\n"                     // created
      "Visit type,OPD,Outpatient,EncounterType,Encounter,NA\n");  // created, new group and type
  EXPECT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.created, 2);
  EXPECT_EQ(r.updated, 2);
  EXPECT_EQ(r.unchanged, 1);
  EXPECT_EQ(r.groups_created, 1);
  EXPECT_EQ(r.types_created, 1);
  EXPECT_FALSE(r.dry_run);

  EXPECT_EQ(Rows(), (std::vector<std::string>{"Maybe=3:Coded:now, with about",
                                              "No=22:Coded:", "Outpatient=OPD:NA:Visit type",
                                              "Unsure=4:Coded:", "Yes=1:Coded:"}));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "5");  // updated in place, not re-created
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_groups"), "2");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_types"), "2");
  const std::string now = std::to_string(ToEpochMillis(clock_.Now()));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE updated_at = " + now), "4");
  EXPECT_EQ(Raw("SELECT g.name FROM mappings m JOIN mapping_groups g ON g.id = m.group_id "
                "WHERE m.avni_value = 'Outpatient'"),
            "Encounter");
  // One audit entry for the whole import, with its counts.
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM audit_log"), "1");
  EXPECT_EQ(Raw("SELECT actor || ' ' || action FROM audit_log"), "tester mapping.import");
  const auto counts = nlohmann::json::parse(Raw("SELECT after_json FROM audit_log"));
  EXPECT_EQ(counts, (nlohmann::json{{"created", 2},
                                    {"updated", 2},
                                    {"unchanged", 1},
                                    {"groups_created", 1},
                                    {"types_created", 1}}));
}

TEST_P(MappingImportTest, OptionalColumnsMayBeLeftOutAndAnEmptyHintIsNA) {
  const ImportReport r = Import("Int_System_Value, AVNI_VALUE ,group,type\r\nX,Y,G,T\r\n");
  EXPECT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(Rows(), (std::vector<std::string>{"Y=X:NA:"}));
  EXPECT_EQ(Import(std::string(kHeader) + "G,T,Y,X,,\n").unchanged, 1);
}

TEST_P(MappingImportTest, ADryRunReportsTheSameAndWritesNothing) {
  Seed();
  const std::string before = State();
  const std::string csv = std::string(kHeader) +
                          "Observation,Concept,Yes,1,Coded,\n"
                          "Observation,Concept,No,5,Coded,\n"
                          "New group,New type,A,B,Text,\n";
  const ImportReport dry = Import(csv, /*dry_run=*/true);
  EXPECT_TRUE(dry.ok()) << Errors(dry);
  EXPECT_TRUE(dry.dry_run);
  EXPECT_EQ(State(), before);

  const ImportReport real = Import(csv);
  EXPECT_EQ((std::vector<std::int64_t>{dry.created, dry.updated, dry.unchanged, dry.groups_created,
                                       dry.types_created}),
            (std::vector<std::int64_t>{real.created, real.updated, real.unchanged,
                                       real.groups_created, real.types_created}));
  EXPECT_EQ(real.created, 1);
  EXPECT_EQ(real.updated, 1);
  EXPECT_EQ(real.unchanged, 1);
  EXPECT_EQ(real.groups_created, 1);
  EXPECT_NE(State(), before);
}

TEST_P(MappingImportTest, AMalformedFileListsEveryErrorWithItsLineAndWritesNothing) {
  Seed();
  const std::string before = State();
  const std::string csv = fmt::format(
      "{}"
      "Observation,Concept,Fine,10,Coded,\n"        // 2
      "Observation,Concept,Bad\"quote,11,Coded,\n"  // 3
      "Observation,Concept,Hinted,12,Codded,\n"     // 4
      "Observation,Concept,Fine,13,Coded,\n"        // 5: avni twice
      "Observation,Concept,Other,10,Coded,\n"       // 6: int twice
      "Observation,Concept,,14,Coded,\n"            // 7: empty
      "Observation,Concept,Long,{},NA,\n"           // 8: too long
      "Observation,Concept,Clash,2,Coded,\n"        // 9: No holds 2
      "Observation,Concept,Short,15\n"              // 10
      "Observation,Concept,Open,\"16,NA,\n",        // 11
      kHeader, std::string(1001, 'x'));
  const ImportReport r = Import(csv);
  ASSERT_EQ(r.errors.size(), 9u) << Errors(r);
  const std::vector<std::pair<int, std::string>> where{
      {3, "avni_value"},       {4, "data_type_hint"},
      {5, "avni_value"},       {6, "int_system_value"},
      {7, "avni_value"},       {8, "int_system_value"},
      {9, "int_system_value"}, {10, ""},
      {11, "int_system_value"}};
  for (std::size_t i = 0; i < where.size(); ++i) {
    EXPECT_EQ(r.errors[i].line, where[i].first) << Errors(r);
    EXPECT_EQ(r.errors[i].field, where[i].second) << Errors(r);
  }
  EXPECT_TRUE(Has(r.errors[0].message, "\" inside unquoted field 3")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[1].message, "unknown data_type_hint 'Codded'")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[2].message, "also on line 2")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[3].message, "int_system_value '10' is also on line 2")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[4].message, "avni_value is empty")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[5].message, "1001 characters; at most 1000")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[6].message,
                  "already mapped in group 'Observation', type 'Concept' to "
                  "avni_value 'No'"))
      << Errors(r);
  EXPECT_TRUE(Has(r.errors[7].message, "4 fields where the header (line 1) has 6")) << Errors(r);
  EXPECT_TRUE(Has(r.errors[8].message, "never closed")) << Errors(r);
  EXPECT_EQ(State(), before);
  // The valid lines are still counted: what they would do.
  EXPECT_EQ(r.created, 1);
}

TEST_P(MappingImportTest, TheHeaderIsRequiredWithItsColumnsAndNoOthers) {
  const ImportReport missing = Import("group,type,int_system_value,colour,type\nG,T,1,red,T\n");
  ASSERT_EQ(missing.errors.size(), 3u) << Errors(missing);
  for (const auto& e : missing.errors) EXPECT_EQ(e.line, 1);
  EXPECT_EQ(missing.errors[0].field, "colour");
  EXPECT_TRUE(Has(missing.errors[0].message, "unknown column 'colour'")) << Errors(missing);
  EXPECT_EQ(missing.errors[1].field, "type");
  EXPECT_TRUE(Has(missing.errors[1].message, "twice")) << Errors(missing);
  EXPECT_EQ(missing.errors[2].field, "avni_value");
  EXPECT_TRUE(Has(missing.errors[2].message, "required column 'avni_value' is missing"))
      << Errors(missing);

  for (const std::string empty : {"", "\xEF\xBB\xBF", "\n\n"}) {
    const ImportReport none = Import(empty);
    ASSERT_EQ(none.errors.size(), 1u) << Errors(none);
    EXPECT_TRUE(Has(none.errors[0].message, "the file is empty")) << Errors(none);
  }
  // A header that is not CSV is reported as such, and nothing below it is read as one.
  const ImportReport broken = Import("group,ty\"pe\nG,T\n");
  ASSERT_EQ(broken.errors.size(), 1u) << Errors(broken);
  EXPECT_EQ(broken.errors[0].line, 1);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mapping_groups"), "0");
}

TEST_P(MappingImportTest, AValueHeldByAnotherMappingMayMoveWhenTheFileMovesThatOneToo) {
  Seed();
  // Yes and No exchange their values, and Maybe takes one that is freed in the same file.
  const ImportReport r = Import(std::string(kHeader) +
                                "Observation,Concept,Yes,2,Coded,\n"
                                "Observation,Concept,No,3,Coded,\n"
                                "Observation,Concept,Maybe,1,Coded,\n");
  EXPECT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.updated, 3);
  EXPECT_EQ(Rows(), (std::vector<std::string>{"Maybe=1:Coded:", "No=3:Coded:", "Yes=2:Coded:"}));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "3");

  // A chain: Yes takes No's value, No moves to a fresh one, and a new line takes Yes's.
  const ImportReport chain = Import(std::string(kHeader) +
                                    "Observation,Concept,Yes,3,Coded,\n"
                                    "Observation,Concept,No,9,Coded,\n"
                                    "Observation,Concept,Perhaps,2,Coded,\n");
  EXPECT_TRUE(chain.ok()) << Errors(chain);
  EXPECT_EQ(chain.updated, 2);
  EXPECT_EQ(chain.created, 1);
  EXPECT_EQ(Rows(), (std::vector<std::string>{
                        "Maybe=1:Coded:", "No=9:Coded:", "Perhaps=2:Coded:", "Yes=3:Coded:"}));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE voided"), "0");
}

TEST_P(MappingImportTest, VoidedMappingsAreOutsideTheIdentity) {
  Seed();
  auto voided = store_->Transact([&](Tx& tx) -> Status {
    auto repo = tx.tenant(a_).mappings();
    auto g = repo.FindGroup("Observation");
    auto t = repo.FindType("Concept");
    auto yes = repo.FindByAvniValue(g->id, t->id, "Yes");
    if (!yes) return Fail(yes.error());
    if (auto v = repo.SetVoided(yes->id, true); !v) return Fail(v.error());
    return {};
  });
  ASSERT_TRUE(voided.has_value()) << voided.error().message;
  const ImportReport r = Import(std::string(kHeader) + "Observation,Concept,Yes,1,Text,\n");
  EXPECT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.created, 1);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE avni_value = 'Yes'"), "2");
  EXPECT_EQ(Raw("SELECT data_type_hint FROM mappings WHERE avni_value = 'Yes' AND voided"),
            "Coded");
  EXPECT_EQ(Export().find("Yes,1,Coded"), std::string::npos);
}

TEST_P(MappingImportTest, ExportIsSortedCsvAndImportingItBackChangesNothing) {
  const TenantId other = MakeTenant("B");
  const std::string tricky = std::string(kHeader) +
                             "Observation,Concept,\"a, comma\",1,Coded,\"say \"\"hi\"\"\"\n"
                             "Observation,Concept,Hémoglobine 血红蛋白,2,Numeric,\"two\r\nlines\"\n"
                             "Encounter,Type,\" spaced \",OPD,NA,\"lone\rcr\"\n"
                             "Observation,Another,b,3,Date,\n"
                             "Observation,Concept,B,4,DateTime,\n";
  const ImportReport first = Import(tricky);
  ASSERT_TRUE(first.ok()) << Errors(first);
  ASSERT_EQ(first.created, 5);
  ASSERT_TRUE(Import(std::string(kHeader) + "Observation,Concept,B,44,Text,\n", false, other).ok());

  const std::string csv = Export();
  EXPECT_TRUE(csv.starts_with("group,type,avni_value,int_system_value,data_type_hint,about\r\n"))
      << csv;
  // By group, type, then avni_value in byte order; B's row is not there.
  const std::vector<std::string> order{" spaced ", ",b,", ",B,4", "Hémoglobine", "\"a, comma\""};
  std::size_t at = 0;
  for (const auto& part : order) {
    const auto found = csv.find(part, at);
    EXPECT_NE(found, std::string::npos) << part << " in order in\n" << csv;
    at = found == std::string::npos ? at : found;
  }
  EXPECT_FALSE(Has(csv, "44"));

  const ImportReport again = Import(csv);
  EXPECT_TRUE(again.ok()) << Errors(again);
  EXPECT_EQ(again.unchanged, 5);
  EXPECT_EQ(again.created + again.updated + again.groups_created + again.types_created, 0);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "6");
  EXPECT_EQ(Export(), csv);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM audit_log WHERE tenant_id = " + std::to_string(a_.value)),
            "2");
}

// Issue 15: a value that starts a formula is exported with a "'" in front (the spreadsheet shows
// it without and never runs it), and an import takes the "'" off again: the round trip is exact.
TEST_P(MappingImportTest, FormulaLikeValuesExportQuotedAndImportBackUnchanged) {
  const ImportReport first =
      Import(std::string(kHeader) +
             "Observation,Concept,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,Coded,@about\n"
             "Observation,Concept,-1,+2,NA,'=quoted already\n");
  ASSERT_TRUE(first.ok()) << Errors(first);
  EXPECT_EQ(Rows(), (std::vector<std::string>{"-1=+2:NA:=quoted already",
                                              "=HYPERLINK(\"http://x\",\"y\")=1:Coded:@about"}));
  const std::string csv = Export();
  EXPECT_TRUE(Has(csv, "\"'=HYPERLINK(")) << csv;
  EXPECT_TRUE(Has(csv, ",'-1,'+2,NA,'=quoted already")) << csv;
  EXPECT_TRUE(Has(csv, ",'@about")) << csv;
  EXPECT_FALSE(Has(csv, ",=")) << csv;
  const ImportReport again = Import(csv);
  ASSERT_TRUE(again.ok()) << Errors(again);
  EXPECT_EQ(again.unchanged, 2);
  EXPECT_EQ(Export(), csv);
}

TEST_P(MappingImportTest, FiveThousandLinesImportAndReimport) {
  std::string csv = kHeader;
  for (int i = 0; i < 5000; ++i) {
    csv += fmt::format("Group {},Type {},avni {},int {},Coded,about {}\n", i % 5, i % 4, i, i, i);
  }
  const ImportReport r = Import(csv);
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_EQ(r.created, 5000);
  EXPECT_EQ(r.groups_created, 5);
  EXPECT_EQ(r.types_created, 4);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE NOT voided"), "5000");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE avni_value = 'avni 4321' AND "
                "int_system_value = 'int 4321' AND about = 'about 4321'"),
            "1");

  // Every other line moves its int_system_value: half updated, half unchanged.
  std::string changed = kHeader;
  for (int i = 0; i < 5000; ++i) {
    changed += fmt::format("Group {},Type {},avni {},int {}{},Coded,about {}\n", i % 5, i % 4, i, i,
                           i % 2 ? "b" : "", i);
  }
  const ImportReport again = Import(changed);
  ASSERT_TRUE(again.ok()) << Errors(again);
  EXPECT_EQ(again.updated, 2500);
  EXPECT_EQ(again.unchanged, 2500);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings WHERE int_system_value LIKE '%b'"), "2500");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM mappings"), "5000");
}

AVNI_ON_EVERY_BACKEND(MappingImportTest);

}  // namespace
}  // namespace avni::testing
