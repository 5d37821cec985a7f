// GET/POST /tenants/{t}/bundle on both backends: download, upload (audited once), a refused
// upload naming every problem, admins only.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/api_test.hpp"
#include "support/java_bundle.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

constexpr const char* kPlain = "pl4in-s3cret-value";  // a secret that must never come back
constexpr const char* kGroup = "2d9b7f10-8c3e-4e55-a1d2-5f6e7a8b9c01";
constexpr const char* kType = "6a3e1c4e-2f57-4b1a-9f6c-0b1f0c2a7d01";

class BundleApiTest : public TenantAdminApiTest {
 protected:
  std::string Path(TenantId t) const { return TenantPath(t, "/bundle"); }

  // As the Java service would export it.
  static JavaBundle Sample() {
    JavaBundle b;
    b.Type(kType, "Concept")
        .Group(kGroup, "Observation")
        .Mapping("9f4c2b7a-1111-4c3d-8e9f-000000000001", kGroup, kType, "Systolic", "5085",
                 "Numeric")
        .Mapping("9f4c2b7a-1111-4c3d-8e9f-000000000002", kGroup, kType, "Pregnant", "1234", "Coded")
        .ErrorType("c0ffee00-aaaa-4bbb-8ccc-000000000001", "NotFound", "CONTAINS", "not found")
        .Config("aa11bb22-0000-4000-8000-000000000001", "avni_api_url", "https://avni.example")
        .Config("aa11bb22-0000-4000-8000-000000000002", "avni_password", "", true);
    return b;
  }

  std::string Rows(TenantId t) {
    const std::string w = " WHERE tenant_id = " + std::to_string(t.value);
    return Count("mapping_types" + w) + "," + Count("mapping_groups" + w) + "," +
           Count("mappings" + w) + "," + Count("error_types" + w) + "," +
           Count("tenant_config" + w);
  }
};

TEST_P(BundleApiTest, UploadImportsTheBundleAndAuditsItOnce) {
  Reply r = CallRaw("POST", Path(tenant_), Sample().Zip(), token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["files"].size(), 5u);
  EXPECT_EQ(r.body["files"][2], (json{{"file", "mappingMetadata.json"},
                                      {"created", 2},
                                      {"updated", 0},
                                      {"unchanged", 0},
                                      {"skipped", 0}}));
  EXPECT_EQ(r.body["files"][4]["skipped"], 1);
  EXPECT_EQ(r.body["secrets_to_set"], json::array({"avni_password"}));
  EXPECT_EQ(Rows(tenant_), "1,1,2,1,1");
  EXPECT_EQ(db_->QueryColumn("SELECT uuid FROM mapping_groups" + Where()),
            std::vector<std::string>{kGroup});

  EXPECT_EQ(AuditActions(), std::vector<std::string>{"bundle.import:"});
  const auto after = db_->QueryColumn("SELECT after_json FROM audit_log" + Where());
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(json::parse(after[0])["files"][2]["created"], 2);
  EXPECT_EQ(json::parse(after[0]).contains("errors"), false);

  // The same bundle again: all unchanged, audited again.
  r = CallRaw("POST", Path(tenant_), Sample().Zip(), token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["files"][2]["unchanged"], 2);
  EXPECT_EQ(AuditActions().size(), 2u);
}

TEST_P(BundleApiTest, DownloadIsAZipAttachmentWithSecretsBlanked) {
  ASSERT_EQ(CallRaw("POST", Path(tenant_), Sample().Zip(), token_).status, 200);
  auto set = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant_).config().Set("avni_password", kPlain, true);
  });
  ASSERT_TRUE(set.has_value());

  Reply r = Call("GET", Path(tenant_), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw.substr(0, 300);
  auto header = [&](const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
  };
  EXPECT_EQ(header("Content-Type"), "application/zip");
  EXPECT_EQ(header("Content-Disposition"), "attachment; filename=\"JSS_Bahmni.zip\"");
  const auto files = UnzipFiles(r.raw);
  ASSERT_EQ(files.size(), 5u);
  const json mappings = json::parse(files.at("mappingMetadata.json"));
  ASSERT_EQ(mappings.size(), 2u);
  EXPECT_EQ(mappings[0]["mappingGroupUuid"], kGroup);
  const json configs = json::parse(files.at("integrationSystemConfigs.json"));
  ASSERT_EQ(configs.size(), 2u);
  EXPECT_EQ(configs[1]["key"], "avni_password");
  EXPECT_EQ(configs[1]["value"], "");
  for (const auto& [name, content] : files) {
    EXPECT_EQ(content.find(kPlain), std::string::npos) << name;
  }

  // Into another tenant, through the API: the same rows, the secret still to set.
  const std::string root = SuperAdminToken();
  const TenantId other = MakeTenant("Moved");
  Reply up = CallRaw("POST", Path(other), r.raw, root);
  ASSERT_EQ(up.status, 200) << up.raw;
  EXPECT_EQ(up.body["secrets_to_set"], json::array({"avni_password"}));
  EXPECT_EQ(Rows(other), "1,1,2,1,1");
}

TEST_P(BundleApiTest, ARefusedUploadNamesEveryProblemAndWritesNothing) {
  JavaBundle bad = Sample();
  bad.Mapping("9f4c2b7a-1111-4c3d-8e9f-000000000003", "no-such-group", kType, "Weight", "5089")
      .Mapping("9f4c2b7a-1111-4c3d-8e9f-000000000004", kGroup, kType, "Height", "5090", "Long");
  Reply r = CallRaw("POST", Path(tenant_), bad.Zip(), token_);
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.error_code(), "invalid_argument");
  const json& details = r.body["error"]["details"];
  EXPECT_EQ(details["field"], "mappingMetadata.json[3].dataTypeHint");
  ASSERT_EQ(details["errors"].size(), 1u) << r.raw;  // the group is looked up after parsing
  EXPECT_EQ(details["errors"][0]["file"], "mappingMetadata.json");
  EXPECT_EQ(details["errors"][0]["field"], "[3].dataTypeHint");

  bad.mappings.erase(3);
  r = CallRaw("POST", Path(tenant_), bad.Zip(), token_);
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "mappingMetadata.json[2].mappingGroupUuid");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("no-such-group"), std::string::npos);

  r = CallRaw("POST", Path(tenant_), "this is no zip", token_);
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "body");

  r = CallRaw("POST", Path(tenant_), Sample().Zip("mappingTypes.json"), token_);
  ASSERT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "mappingTypes.json");

  EXPECT_EQ(Rows(tenant_), "0,0,0,0,0");
  EXPECT_TRUE(AuditActions().empty());
}

TEST_P(BundleApiTest, AClashWithTheTenantsOwnMappingIsAConflict) {
  ASSERT_EQ(CallRaw("POST", Path(tenant_), Sample().Zip(), token_).status, 200);
  JavaBundle clash;
  clash.Mapping("9f4c2b7a-1111-4c3d-8e9f-00000000000a", kGroup, kType, "Systolic", "9999");
  Reply r = CallRaw("POST", Path(tenant_), clash.Zip(), token_);
  ASSERT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_EQ(r.body["error"]["details"]["field"], "mappingMetadata.json[0].avniValue");
  EXPECT_EQ(Rows(tenant_), "1,1,2,1,1");
}

TEST_P(BundleApiTest, OnlyAdminsMayDownloadOrUpload) {
  const User editor = MakeUser("editor@example.org");
  AddMember(tenant_, editor.id, Role::kEditor);
  const std::string token = SignIn("editor@example.org");
  Reply r = Call("GET", Path(tenant_), std::nullopt, token);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(r.error_code(), "forbidden");
  r = CallRaw("POST", Path(tenant_), Sample().Zip(), token);
  EXPECT_EQ(r.status, 403) << r.raw;
  EXPECT_EQ(
      CallRaw("POST", Path(tenant_), Sample().Zip(), MakeApiKey(tenant_, Role::kEditor)).status,
      403);
  EXPECT_EQ(Rows(tenant_), "0,0,0,0,0");
  EXPECT_EQ(Call("GET", Path(tenant_)).status, 401);
}

AVNI_ON_EVERY_BACKEND(BundleApiTest);

}  // namespace
}  // namespace avni::testing
