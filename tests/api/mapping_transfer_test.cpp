// GET /mappings/export and POST /mappings/import: CSV in and out, on both backends.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

constexpr const char* kHeader = "group,type,avni_value,int_system_value,data_type_hint,about\n";

class MappingTransferTest : public TenantAdminApiTest {
 protected:
  std::string TokenOf(const std::string& email, Role role) {
    const User user = MakeUser(email);
    AddMember(tenant_, user.id, role);
    return SignIn(email);
  }
  Reply Import(const std::string& csv, const std::string& query = "",
               const std::string& token = "") {
    return CallRaw("POST", TenantPath(tenant_, "/mappings/import" + query), csv,
                   token.empty() ? token_ : token);
  }
  std::string Header(const Reply& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? "" : it->second;
  }
  // Everything an import could write, of this tenant.
  std::string State() {
    return Count("mappings" + Where()) + " " + Count("mapping_groups" + Where()) + " " +
           Count("mapping_types" + Where()) + " " + Count("audit_log" + Where()) + " " +
           db_->QueryColumn("SELECT COALESCE(MAX(updated_at), 0) FROM mappings").at(0);
  }
};

TEST_P(MappingTransferTest, ImportAppliesTheFileAuditsItOnceAndAnswersTheCounts) {
  Reply r = Import(std::string(kHeader) +
                   "Observation,Concept,Yes,1065,Coded,\n"
                   "Observation,Concept,No,1066,Coded,\"answer, no\"\n"
                   "Encounter,EncounterType,OPD,5,NA,\n");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body, (json{{"dry_run", false},
                          {"created", 3},
                          {"updated", 0},
                          {"unchanged", 0},
                          {"groups_created", 2},
                          {"types_created", 2},
                          {"errors", json::array()}}));
  EXPECT_EQ(Count("mappings" + Where()), "3");
  EXPECT_EQ(db_->QueryColumn("SELECT about FROM mappings WHERE avni_value = 'No'").at(0),
            "answer, no");
  EXPECT_EQ(AuditActions(), (std::vector<std::string>{"mapping.import:csv"}));
  const json after =
      json::parse(db_->QueryColumn("SELECT after_json FROM audit_log" + Where()).at(0));
  EXPECT_EQ(after["created"], 3);
  EXPECT_EQ(db_->QueryColumn("SELECT actor FROM audit_log" + Where()).at(0), "admin@example.org");

  // The same file again changes nothing; one line changed is one update.
  Reply again = Import(std::string(kHeader) +
                       "Observation,Concept,Yes,1065,Coded,\n"
                       "Observation,Concept,No,1066,Coded,\"answer, no\"\n"
                       "Encounter,EncounterType,OPD,6,NA,\n");
  ASSERT_EQ(again.status, 200) << again.raw;
  EXPECT_EQ(again.body["unchanged"], 2);
  EXPECT_EQ(again.body["updated"], 1);
  EXPECT_EQ(
      db_->QueryColumn("SELECT int_system_value FROM mappings WHERE avni_value = 'OPD'").at(0),
      "6");
}

TEST_P(MappingTransferTest, ADryRunAnswersTheSameReportAndWritesNothing) {
  const std::string csv = std::string(kHeader) + "Observation,Concept,Yes,1065,Coded,\n";
  const std::string before = State();
  Reply dry = Import(csv, "?dry_run=true");
  ASSERT_EQ(dry.status, 200) << dry.raw;
  EXPECT_EQ(dry.body["dry_run"], true);
  EXPECT_EQ(dry.body["created"], 1);
  EXPECT_EQ(dry.body["groups_created"], 1);
  EXPECT_EQ(State(), before);

  Reply bad = Import(csv, "?dry_run=maybe");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["details"].value("field", ""), "dry_run");
  EXPECT_EQ(Import(csv, "?dry_run=false").body["created"], 1);
  EXPECT_NE(State(), before);
}

TEST_P(MappingTransferTest, AFileWithErrorsIs400ListingEveryErrorAndWritesNothing) {
  ASSERT_EQ(Import(std::string(kHeader) + "Observation,Concept,Yes,1,Coded,\n").status, 200);
  const std::string before = State();
  Reply r = Import(std::string(kHeader) +
                   "Observation,Concept,Maybe,2,Codded,\n"  // 2: unknown hint
                   "Observation,Concept,Sure,3,Coded,\n"    // 3: fine
                   "Observation,Concept,Sure,4,Coded,\n"    // 4: twice
                   "Observation,Concept,Clash,1,NA,\n"      // 5: Yes holds 1
                   "Observation,Concept,\"Open,5,NA,\n");   // 6: never closed
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.error_code(), "invalid_argument");
  EXPECT_EQ(r.body["error"]["details"]["field"], "body");
  EXPECT_NE(r.body["error"].value("message", "").find("4 errors"), std::string::npos) << r.raw;
  ASSERT_EQ(r.body["errors"].size(), 4u) << r.raw;
  const std::vector<std::pair<int, std::string>> where{
      {2, "data_type_hint"}, {4, "avni_value"}, {5, "int_system_value"}, {6, "avni_value"}};
  for (std::size_t i = 0; i < where.size(); ++i) {
    EXPECT_EQ(r.body["errors"][i]["line"], where[i].first) << r.raw;
    EXPECT_EQ(r.body["errors"][i]["field"], where[i].second) << r.raw;
    EXPECT_FALSE(r.body["errors"][i].value("message", "").empty());
  }
  EXPECT_NE(r.body["errors"][1].value("message", "").find("also on line 3"), std::string::npos);
  EXPECT_EQ(r.body["created"], 1);  // line 3, had the file been good
  EXPECT_EQ(r.body["dry_run"], false);
  EXPECT_EQ(State(), before);

  Reply missing = Import("group,type,avni_value\nA,B,C\n");
  ASSERT_EQ(missing.status, 400) << missing.raw;
  EXPECT_EQ(missing.body["errors"][0]["field"], "int_system_value");
  EXPECT_EQ(State(), before);
}

TEST_P(MappingTransferTest, ExportIsACsvAttachmentThatImportsBackUnchanged) {
  ASSERT_EQ(Import(std::string(kHeader) + "Observation,Concept,Yes,1065,Coded,\"say \"\"yes\"\"\"\n"
                                          "Encounter,EncounterType,OPD,5,NA,\"two\nlines\"\n")
                .status,
            200);
  const std::string viewer = TokenOf("viewer@example.org", Role::kViewer);
  Reply r = Call("GET", TenantPath(tenant_, "/mappings/export?format=csv"), std::nullopt, viewer);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(Header(r, "Content-Type"), "text/csv; charset=utf-8");
  EXPECT_EQ(Header(r, "Content-Disposition"),
            fmt::format("attachment; filename=\"mappings-tenant-{}.csv\"", tenant_.value));
  EXPECT_EQ(r.raw,
            "group,type,avni_value,int_system_value,data_type_hint,about\r\n"
            "Encounter,EncounterType,OPD,5,NA,\"two\nlines\"\r\n"
            "Observation,Concept,Yes,1065,Coded,\"say \"\"yes\"\"\"\r\n");
  EXPECT_EQ(Call("GET", TenantPath(tenant_, "/mappings/export"), std::nullopt, viewer).raw, r.raw);

  Reply back = Import(r.raw);
  ASSERT_EQ(back.status, 200) << back.raw;
  EXPECT_EQ(back.body["unchanged"], 2);
  EXPECT_EQ(back.body["created"].get<int>() + back.body["updated"].get<int>(), 0);

  Reply xml = Call("GET", TenantPath(tenant_, "/mappings/export?format=xml"), std::nullopt, viewer);
  EXPECT_EQ(xml.status, 400);
  EXPECT_EQ(xml.body["error"]["details"].value("field", ""), "format");
}

TEST_P(MappingTransferTest, ExportTakesTheListsFiltersAndNeverVoidedRows) {
  ASSERT_EQ(Import(std::string(kHeader) + "Observation,Concept,Yes,1065,Coded,\n"
                                          "Observation,Concept,No,1066,Coded,\n"
                                          "Observation,Answer,Yes,2065,NA,\n"
                                          "Encounter,EncounterType,OPD,5,NA,yes please\n")
                .status,
            200);
  const std::string header = "group,type,avni_value,int_system_value,data_type_hint,about\r\n";
  auto csv = [&](const std::string& query) {
    Reply r = Call("GET", TenantPath(tenant_, "/mappings/export?format=csv&" + query), std::nullopt,
                   token_);
    EXPECT_EQ(r.status, 200) << query << ": " << r.raw;
    return r.raw;
  };
  EXPECT_EQ(
      csv("group=Observation&type=Concept"),
      header + "Observation,Concept,No,1066,Coded,\r\nObservation,Concept,Yes,1065,Coded,\r\n");
  // q looks in both values and about, as the list does.
  EXPECT_EQ(csv("q=YES"), header +
                              "Encounter,EncounterType,OPD,5,NA,yes please\r\n"
                              "Observation,Answer,Yes,2065,NA,\r\n"
                              "Observation,Concept,Yes,1065,Coded,\r\n");
  EXPECT_EQ(csv("data_type_hint=NA&avni_value=Yes"),
            header + "Observation,Answer,Yes,2065,NA,\r\n");

  // A voided mapping is not exported, even when the filter asks for voided ones.
  auto listed = Call("GET", TenantPath(tenant_, "/mappings?avni_value=No"), std::nullopt, token_);
  ASSERT_EQ(listed.body["items"].size(), 1u) << listed.raw;
  ASSERT_EQ(
      Call("DELETE",
           TenantPath(tenant_,
                      "/mappings/" + std::to_string(listed.body["items"][0]["id"].get<RowId>())),
           std::nullopt, token_)
          .status,
      200);
  EXPECT_EQ(csv("group=Observation&type=Concept&include_voided=true"),
            header + "Observation,Concept,Yes,1065,Coded,\r\n");

  // More rows than the store lists at once (10,000): every one of them.
  std::string bulk = kHeader;
  for (int i = 0; i < 10'005; ++i) bulk += fmt::format("Bulk,Concept,v{},{},NA,\n", i, 100000 + i);
  ASSERT_EQ(Import(bulk).status, 200);
  const std::string all = csv("group=Bulk");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 10'006);
  EXPECT_NE(all.find("Bulk,Concept,v10004,110004,NA,\r\n"), std::string::npos);

  Reply bad =
      Call("GET", TenantPath(tenant_, "/mappings/export?group=Nowhere"), std::nullopt, token_);
  EXPECT_EQ(bad.status, 400) << bad.raw;
  EXPECT_EQ(bad.error_field(), "group");
}

TEST_P(MappingTransferTest, AViewerMayNotImportAnEditorMay) {
  const std::string csv = std::string(kHeader) + "Observation,Concept,Yes,1065,Coded,\n";
  const std::string before = State();
  Reply viewer = Import(csv, "", TokenOf("viewer@example.org", Role::kViewer));
  EXPECT_EQ(viewer.status, 403) << viewer.raw;
  EXPECT_EQ(viewer.error_code(), "forbidden");
  EXPECT_EQ(Import(csv, "?dry_run=true", TokenOf("v2@example.org", Role::kViewer)).status, 403);
  EXPECT_EQ(State(), before);
  Reply editor = Import(csv, "", TokenOf("editor@example.org", Role::kEditor));
  EXPECT_EQ(editor.status, 200) << editor.raw;
  EXPECT_EQ(Count("mappings" + Where()), "1");
}

TEST_P(MappingTransferTest, AnotherTenantsMappingsAreNeitherExportedNorWritten) {
  const TenantId other = MakeTenant("Other");
  ASSERT_EQ(Import(std::string(kHeader) + "G,T,secret,1,NA,\n").status, 200);
  EXPECT_EQ(Call("GET", TenantPath(other, "/mappings/export"), std::nullopt, token_).status, 404);
  EXPECT_EQ(CallRaw("POST", TenantPath(other, "/mappings/import"),
                    std::string(kHeader) + "G,T,x,1,NA,\n", token_)
                .status,
            404);
  EXPECT_EQ(Count("mappings WHERE tenant_id = " + std::to_string(other.value)), "0");
}

TEST_P(MappingTransferTest, AFileOverTheOldOneMebibyteLimitIsTaken) {
  std::string csv = kHeader;
  for (int i = 0; csv.size() < (3u << 20); ++i) {
    csv += fmt::format("Group {},Type {},Concept number {},INT-{:08d},Coded,about it\n", i % 4,
                       i % 3, i, i);
  }
  Reply r = Import(csv);
  ASSERT_EQ(r.status, 200) << r.raw.substr(0, 500);
  EXPECT_GT(r.body["created"].get<int>(), 40000);
  EXPECT_EQ(Count("mappings" + Where()), std::to_string(r.body["created"].get<int>()));
}

AVNI_ON_EVERY_BACKEND(MappingTransferTest);

}  // namespace
}  // namespace avni::testing
