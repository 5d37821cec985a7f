// GET/PUT /tenants/{t}/config and PUT/DELETE /tenants/{t}/config/{key}, on both backends.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

constexpr const char* kPlain = "pl4in-s3cret-value";  // a secret that must never come back

class ConfigApiTest : public TenantAdminApiTest {
 protected:
  std::string Path(const std::string& rest = "") const {
    return TenantPath(tenant_, "/config" + rest);
  }

  // Sets a value straight in the store.
  void Seed(const std::string& key, const std::string& value, bool secret) {
    auto set = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant_).config().Set(key, value, secret); });
    ASSERT_TRUE(set.has_value()) << set.error().message;
  }
  std::string StoredPlain(const std::string& key) {
    auto got = store_->Read([&](store::Tx& tx) { return tx.tenant(tenant_).config().Get(key); });
    EXPECT_TRUE(got.has_value()) << got.error().message;
    return got ? got->value : "";
  }
  std::vector<std::string> Keys() {
    return db_->QueryColumn("SELECT key FROM tenant_config" + Where() + " ORDER BY key");
  }
  std::vector<std::string> RawValue(const std::string& key) {
    return db_->QueryColumn("SELECT value FROM tenant_config" + Where() + " AND key = '" + key +
                            "'");
  }
  std::vector<std::string> AuditText() {
    return db_->QueryColumn(
        "SELECT actor || ' ' || action || ' ' || entity || ' ' || entity_id "
        "|| ' ' || before_json || ' ' || after_json FROM audit_log");
  }
};

TEST_P(ConfigApiTest, GetListsEveryKeySortedWithSecretsMasked) {
  Seed("openmrs_url", "http://openmrs", false);
  Seed("avni_api_key", kPlain, true);
  Seed("avni_user", "ana", false);

  Reply r = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& items = r.body["items"];
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0]["key"], "avni_api_key");
  EXPECT_EQ(items[0]["value"], "***");
  EXPECT_EQ(items[0]["is_secret"], true);
  EXPECT_EQ(items[1]["key"], "avni_user");
  EXPECT_EQ(items[1]["value"], "ana");
  EXPECT_EQ(items[1]["is_secret"], false);
  EXPECT_EQ(items[2]["key"], "openmrs_url");
  EXPECT_TRUE(items[2]["updated_at"].is_string());
  EXPECT_EQ(r.raw.find(kPlain), std::string::npos);
}

TEST_P(ConfigApiTest, PutReplacesTheConfigAndAuditsEachChange) {
  Seed("keep", "same", false);
  Seed("change", "old", false);
  Seed("gone", "bye", false);

  Reply r = Call("PUT", Path(),
                 json{{"items",
                       {{{"key", "keep"}, {"value", "same"}},
                        {{"key", "change"}, {"value", "new"}},
                        {{"key", "added"}, {"value", "hello"}, {"is_secret", false}}}}},
                 token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  ASSERT_EQ(r.body["items"].size(), 3u);
  EXPECT_EQ(r.body["items"][0]["key"], "added");

  EXPECT_EQ(Keys(), (std::vector<std::string>{"added", "change", "keep"}));
  EXPECT_EQ(RawValue("change"), std::vector<std::string>{"new"});
  // An unchanged key is neither rewritten nor audited.
  EXPECT_EQ(AuditActions(), (std::vector<std::string>{"config.update:change", "config.create:added",
                                                      "config.delete:gone"}));
  auto before = db_->QueryColumn("SELECT before_json FROM audit_log" + Where() +
                                 " AND action = 'config.update'");
  auto after = db_->QueryColumn("SELECT after_json FROM audit_log" + Where() +
                                " AND action = 'config.update'");
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(json::parse(before[0]),
            (json{{"key", "change"}, {"value", "old"}, {"is_secret", false}}));
  EXPECT_EQ(json::parse(after[0]),
            (json{{"key", "change"}, {"value", "new"}, {"is_secret", false}}));

  // An empty list empties the config.
  r = Call("PUT", Path(), json{{"items", json::array()}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_TRUE(r.body["items"].empty());
  EXPECT_TRUE(Keys().empty());
}

TEST_P(ConfigApiTest, SecretsAreSealedAtRestAndNeverReturned) {
  Reply r = Call(
      "PUT", Path(),
      json{{"items", {{{"key", "avni_api_key"}, {"value", kPlain}, {"is_secret", true}}}}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["items"][0]["value"], "***");
  EXPECT_EQ(r.raw.find(kPlain), std::string::npos);

  auto raw = RawValue("avni_api_key");
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_TRUE(raw[0].starts_with("v1:")) << raw[0];
  EXPECT_EQ(raw[0].find(kPlain), std::string::npos);
  EXPECT_EQ(StoredPlain("avni_api_key"), kPlain);
}

TEST_P(ConfigApiTest, MaskedSecretSentBackKeepsTheStoredValue) {
  Seed("avni_api_key", kPlain, true);
  Seed("avni_user", "ana", false);
  const auto sealed = RawValue("avni_api_key");
  clock_.Advance(std::chrono::minutes(5));

  // What an admin app does: GET, edit one value, PUT the list back as it came.
  Reply got = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(got.status, 200) << got.raw;
  json items = got.body["items"];
  ASSERT_EQ(items[1]["key"], "avni_user");
  items[1]["value"] = "bea";
  Reply put = Call("PUT", Path(), json{{"items", items}}, token_);
  ASSERT_EQ(put.status, 200) << put.raw;

  EXPECT_EQ(StoredPlain("avni_api_key"), kPlain);
  EXPECT_EQ(StoredPlain("avni_user"), "bea");
  // Not even resealed: the stored text and its time are as they were.
  EXPECT_EQ(RawValue("avni_api_key"), sealed);
  EXPECT_EQ(put.body["items"][0]["updated_at"], got.body["items"][0]["updated_at"]);
  EXPECT_EQ(AuditActions(), std::vector<std::string>{"config.update:avni_user"});

  // The same through PUT /config/{key}: "***" changes nothing.
  Reply one = Call("PUT", Path("/avni_api_key"), json{{"value", "***"}}, token_);
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_EQ(one.body["value"], "***");
  EXPECT_EQ(StoredPlain("avni_api_key"), kPlain);
}

TEST_P(ConfigApiTest, MaskCannotStandForASecretThatIsNotStoredNorUnsealOne) {
  Seed("avni_api_key", kPlain, true);
  Seed("avni_user", "ana", false);

  Reply r = Call("PUT", Path(),
                 json{{"items",
                       {{{"key", "avni_api_key"}, {"value", "***"}},
                        {{"key", "new_key"}, {"value", "***"}, {"is_secret", true}}}}},
                 token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "items[1].value");

  // Turning a secret into a plain value with the mask would reveal it.
  r = Call("PUT", Path("/avni_api_key"), json{{"value", "***"}, {"is_secret", false}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "value");
  EXPECT_EQ(Keys(), (std::vector<std::string>{"avni_api_key", "avni_user"}));
  EXPECT_EQ(StoredPlain("avni_api_key"), kPlain);

  // With a new value it may stop being secret.
  r = Call("PUT", Path("/avni_api_key"), json{{"value", "public"}, {"is_secret", false}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["value"], "public");
  EXPECT_EQ(RawValue("avni_api_key"), std::vector<std::string>{"public"});
}

TEST_P(ConfigApiTest, CredentialLikeNamesAreAlwaysSecret) {
  Reply r = Call("PUT", Path(),
                 json{{"items",
                       {{{"key", "DB_Password"}, {"value", "pw-1"}, {"is_secret", false}},
                        {{"key", "api_Token"}, {"value", "tk-2"}},
                        {{"key", "client_SECRET"}, {"value", "sc-3"}},
                        {{"key", "plain"}, {"value", "pl-4"}}}}},
                 token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  for (const auto& item : r.body["items"]) {
    const bool plain = item["key"] == "plain";
    EXPECT_EQ(item["is_secret"], !plain) << item.dump();
    EXPECT_EQ(item["value"] == "***", !plain) << item.dump();
  }
  for (const std::string key : {"DB_Password", "api_Token", "client_SECRET"}) {
    auto raw = RawValue(key);
    ASSERT_EQ(raw.size(), 1u);
    EXPECT_TRUE(raw[0].starts_with("v1:")) << key;
  }
  EXPECT_EQ(StoredPlain("api_Token"), "tk-2");

  r = Call("PUT", Path("/avni_password"), json{{"value", "pw-5"}, {"is_secret", false}}, token_);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["is_secret"], true);
  EXPECT_TRUE(RawValue("avni_password").at(0).starts_with("v1:"));
}

TEST_P(ConfigApiTest, LeftOutIsSecretKeepsTheStoredFlag) {
  Seed("avni_api_key", "old", true);
  Reply r = Call("PUT", Path("/avni_api_key"), json{{"value", kPlain}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["is_secret"], true);
  EXPECT_TRUE(RawValue("avni_api_key").at(0).starts_with("v1:"));
  EXPECT_EQ(StoredPlain("avni_api_key"), kPlain);
}

TEST_P(ConfigApiTest, DuplicateKeysAreRefusedAndNothingIsWritten) {
  Seed("a", "1", false);
  Reply r = Call("PUT", Path(),
                 json{{"items",
                       {{{"key", "x"}, {"value", "1"}},
                        {{"key", "a"}, {"value", "2"}},
                        {{"key", "x"}, {"value", "3"}}}}},
                 token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.error_code(), "invalid_argument");
  EXPECT_EQ(r.body["error"]["details"]["field"], "items[2].key");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("'x'"), std::string::npos);
  EXPECT_EQ(Keys(), std::vector<std::string>{"a"});
  EXPECT_EQ(RawValue("a"), std::vector<std::string>{"1"});
  EXPECT_TRUE(AuditActions().empty());
}

TEST_P(ConfigApiTest, BadBodiesNameTheFieldAndWriteNothing) {
  Seed("a", "1", false);
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"items":[{"key":"a","value":"2","is_secrte":true}]})", "items[0].is_secrte"},
      {R"({"items":[{"key":"a","value":2}]})", "items[0].value"},
      {R"({"items":[{"key":"","value":"2"}]})", "items[0].key"},
      {R"({"items":[{"value":"2"}]})", "items[0].key"},
      {R"({"items":[{"key":"a","value":"2"}, 7]})", "items[1]"},
      {R"({"items":[{"key":"a","value":"2","is_secret":"yes"}]})", "items[0].is_secret"},
      {R"({"items":{"key":"a"}})", "items"},
      {R"({"item":[]})", "items"},
      {R"({"items":[], "extra": 1})", "extra"},
      {R"({"items":[{"key":")" + std::string(201, 'k') + R"(","value":"2"}]})", "items[0].key"},
      {R"({"items":[)", "body"},
  };
  for (const auto& c : cases) {
    Reply r = CallRaw("PUT", Path(), c.body, token_);
    EXPECT_EQ(r.status, 400) << c.body << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], c.field) << c.body;
  }
  Reply r = CallRaw("PUT", Path("/a"), R"({"value":"2","secret":true})", token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "secret");
  r = Call("PUT", Path("/" + std::string(201, 'k')), json{{"value", "2"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "key");

  EXPECT_EQ(Keys(), std::vector<std::string>{"a"});
  EXPECT_EQ(RawValue("a"), std::vector<std::string>{"1"});
  EXPECT_TRUE(AuditActions().empty());
}

TEST_P(ConfigApiTest, AlertSettingsWithBadValuesAreRefusedNamingTheKey) {
  struct Case {
    std::string key, value;
  };
  const std::vector<Case> cases = {
      {"alert_error_records_threshold", "ten"},
      {"alert_error_records_threshold", "-1"},
      {"alert_cursor_lag_seconds", "0"},
      {"alert_cursor_lag_seconds", "1h"},
      {"alert_webhook_url", "hooks.example.org/avni"},
      {"alert_webhook_url", "http://127.0.0.1:9/hook"},        // the outbound target policy
      {"alert_webhok_url", "https://hooks.example.org/avni"},  // a typo of a known key
  };
  for (const auto& c : cases) {
    Reply r = Call("PUT", Path("/" + c.key), json{{"value", c.value}}, token_);
    EXPECT_EQ(r.status, 400) << c.key << "=" << c.value << " -> " << r.raw;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find(c.key), std::string::npos)
        << r.raw;
    r = Call("PUT", Path(), json{{"items", {{{"key", c.key}, {"value", c.value}}}}}, token_);
    EXPECT_EQ(r.status, 400) << c.key << "=" << c.value << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], "items[0].value") << r.raw;
  }
  EXPECT_TRUE(Keys().empty());

  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"alert_webhook_url", "https://hooks.example.org/avni"},
           {"alert_webhook_secret", kPlain},
           {"alert_error_records_threshold", "0"},
           {"alert_cursor_lag_seconds", "3600"}}) {
    Reply r = Call("PUT", Path("/" + key), json{{"value", value}}, token_);
    EXPECT_EQ(r.status, 201) << key << " -> " << r.raw;
  }
  // The signing key is a secret whatever the caller says: sealed, and never shown again.
  Reply r = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.raw.find(kPlain), std::string::npos) << r.raw;
  EXPECT_EQ(RawValue("alert_webhook_secret").size(), 1u);
  EXPECT_NE(RawValue("alert_webhook_secret").at(0), kPlain);
  EXPECT_EQ(StoredPlain("alert_webhook_secret"), kPlain);
}

TEST_P(ConfigApiTest, PutOneKeyUpsertsAndDeleteRemovesIt) {
  Reply r = Call("PUT", Path("/avni_user"), json{{"value", "ana"}}, token_);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["key"], "avni_user");
  EXPECT_EQ(r.body["value"], "ana");
  EXPECT_EQ(r.body["is_secret"], false);

  r = Call("PUT", Path("/avni_user"), json{{"value", "bea"}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(RawValue("avni_user"), std::vector<std::string>{"bea"});

  r = Call("DELETE", Path("/avni_user"), std::nullopt, token_);
  EXPECT_EQ(r.status, 204) << r.raw;
  EXPECT_TRUE(Keys().empty());
  r = Call("DELETE", Path("/avni_user"), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(r.error_code(), "not_found");

  EXPECT_EQ(AuditActions(),
            (std::vector<std::string>{"config.create:avni_user", "config.update:avni_user",
                                      "config.delete:avni_user"}));
  auto deleted = db_->QueryColumn("SELECT before_json FROM audit_log" + Where() +
                                  " AND action = 'config.delete'");
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(json::parse(deleted[0])["value"], "bea");
}

TEST_P(ConfigApiTest, ViewerMayReadButNotWrite) {
  Seed("a", "1", false);
  for (Role role : {Role::kViewer, Role::kEditor}) {
    const std::string email = std::string(ToString(role)) + "@example.org";
    User user = MakeUser(email);
    AddMember(tenant_, user.id, role);
    const std::string token = SignIn(email);

    Reply r = Call("GET", Path(), std::nullopt, token);
    EXPECT_EQ(r.status, 200) << r.raw;
    r = Call("PUT", Path(), json{{"items", {{{"key", "a"}, {"value", "2"}}}}}, token);
    EXPECT_EQ(r.status, 403) << r.raw;
    EXPECT_EQ(r.error_code(), "forbidden");
    r = Call("PUT", Path("/a"), json{{"value", "2"}}, token);
    EXPECT_EQ(r.status, 403) << r.raw;
    r = Call("DELETE", Path("/a"), std::nullopt, token);
    EXPECT_EQ(r.status, 403) << r.raw;
  }
  EXPECT_EQ(RawValue("a"), std::vector<std::string>{"1"});
  EXPECT_TRUE(AuditActions().empty());
}

TEST_P(ConfigApiTest, ASecretNeverAppearsInAnyResponseOrAuditRow) {
  const std::string second = "an0ther-s3cret";
  std::vector<Reply> replies;
  replies.push_back(
      Call("PUT", Path("/avni_api_key"), json{{"value", kPlain}, {"is_secret", true}}, token_));
  replies.push_back(Call("PUT", Path(),
                         json{{"items",
                               {{{"key", "avni_api_key"}, {"value", "***"}, {"is_secret", true}},
                                {{"key", "openmrs_password"}, {"value", second}}}}},
                         token_));
  replies.push_back(Call("GET", Path(), std::nullopt, token_));
  replies.push_back(Call("PUT", Path("/openmrs_password"), json{{"value", kPlain}}, token_));
  replies.push_back(Call("DELETE", Path("/avni_api_key"), std::nullopt, token_));
  replies.push_back(Call("PUT", Path(), json{{"items", json::array()}}, token_));
  replies.push_back(Call("GET", TenantPath(tenant_, "/audit"), std::nullopt, token_));
  for (const auto& r : replies) {
    EXPECT_LT(r.status, 300) << r.raw;
    EXPECT_EQ(r.raw.find(kPlain), std::string::npos) << r.raw;
    EXPECT_EQ(r.raw.find(second), std::string::npos) << r.raw;
  }
  const auto audit = AuditText();
  EXPECT_EQ(audit.size(), 5u);
  for (const auto& row : audit) {
    EXPECT_EQ(row.find(kPlain), std::string::npos) << row;
    EXPECT_EQ(row.find(second), std::string::npos) << row;
  }
  // The audit still says what happened to the secret: masked, flagged.
  auto created = db_->QueryColumn("SELECT after_json FROM audit_log" + Where() +
                                  " AND action = 'config.create' AND entity_id = 'avni_api_key'");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(json::parse(created[0]),
            (json{{"key", "avni_api_key"}, {"value", "***"}, {"is_secret", true}}));
}

TEST_P(ConfigApiTest, AnotherTenantsConfigIsNotFound) {
  TenantId other = MakeTenant("Other");
  auto set = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(other).config().Set("theirs", "x", false); });
  ASSERT_TRUE(set.has_value());
  const std::string path = TenantPath(other, "/config");
  EXPECT_EQ(Call("GET", path, std::nullopt, token_).status, 404);
  EXPECT_EQ(Call("PUT", path, json{{"items", json::array()}}, token_).status, 404);
  EXPECT_EQ(Call("DELETE", path + "/theirs", std::nullopt, token_).status, 404);
  EXPECT_EQ(db_->QueryColumn("SELECT key FROM tenant_config WHERE tenant_id = " +
                             std::to_string(other.value)),
            std::vector<std::string>{"theirs"});
}

}  // namespace

TEST_P(ConfigApiTest, AUrlToAnAddressTheOperatorRefusesIsA400NamingKeyAddressAndFlag) {
  const json metadata = {{"key", "avni_api_url"}, {"value", "http://169.254.169.254/"}};
  auto expect_refused = [&](const Reply& r, const std::string& field) {
    ASSERT_EQ(r.status, 400) << r.raw;
    EXPECT_EQ(r.error_code(), "invalid_argument") << r.raw;
    EXPECT_EQ(r.body["error"]["details"].value("field", ""), field) << r.raw;
    const std::string message = r.body["error"].value("message", "");
    EXPECT_TRUE(message.starts_with("avni_api_url: ")) << message;
    EXPECT_NE(message.find("169.254.169.254 is a link-local address"), std::string::npos)
        << message;
    EXPECT_NE(message.find("--allow-private-targets"), std::string::npos) << message;
  };
  expect_refused(
      Call("PUT", Path(), json{{"items", {{{"key", "avni_user"}, {"value", "ana"}}, metadata}}},
           token_),
      "items[1].value");
  expect_refused(
      Call("PUT", Path("/avni_api_url"), json{{"value", "http://169.254.169.254/"}}, token_),
      "value");
  // Whole or one key, nothing was written.
  EXPECT_TRUE(Keys().empty());
  EXPECT_TRUE(AuditActions().empty());

  // Other keys ending in _url and localhost by name are refused as well; public names pass
  // (they are checked when called).
  Reply local =
      Call("PUT", Path("/openmrs_base_url"), json{{"value", "http://localhost:8080/"}}, token_);
  EXPECT_EQ(local.status, 400) << local.raw;
  EXPECT_NE(local.raw.find("openmrs_base_url: localhost:8080 resolves to 127.0.0.1"),
            std::string::npos)
      << local.raw;
  Reply named =
      Call("PUT", Path("/avni_api_url"), json{{"value", "https://app.avniproject.org"}}, token_);
  EXPECT_EQ(named.status, 201) << named.raw;

  // The operator allows private targets: the same values are stored.
  api::ApiOptions allowing;
  allowing.targets.allow_private = true;
  RestartServer(allowing);
  Reply put = Call("PUT", Path(), json{{"items", {metadata}}}, token_);
  EXPECT_EQ(put.status, 200) << put.raw;
  EXPECT_EQ(StoredPlain("avni_api_url"), "http://169.254.169.254/");
}

TEST_P(ConfigApiTest, RetentionKeysMustBeWholeDaysAndABadValueIsRefusedNamingTheKey) {
  for (const char* bad : {"0", "-3", "ten", "1.5", "36501"}) {
    Reply r = Call("PUT", Path("/retention_runs_days"), json{{"value", bad}}, token_);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.raw;
    EXPECT_EQ(r.body["error"]["details"]["field"], "value") << bad;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find("retention_runs_days"),
              std::string::npos)
        << r.raw;
  }
  Reply r = Call("PUT", Path(),
                 json{{"items",
                       {{{"key", "retention_audit_days"}, {"value", "30"}},
                        {{"key", "retention_error_log_days"}, {"value", "0"}}}}},
                 token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "items[1].value");
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("retention_error_log_days"),
            std::string::npos)
      << r.raw;
  EXPECT_TRUE(Keys().empty());  // nothing half-written

  r = Call("PUT", Path("/retention_audit_days"), json{{"value", "400"}}, token_);
  EXPECT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(StoredPlain("retention_audit_days"), "400");
}

AVNI_ON_EVERY_BACKEND(ConfigApiTest);

}  // namespace avni::testing
