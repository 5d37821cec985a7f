#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::seconds;
using store::ConfigRepo;
using store::Store;
using store::Tx;

constexpr const char* kPlain = "s3cr3t-Pa55word";

class ConfigTest : public StoreTest {
 protected:
  // Runs fn(ConfigRepo&) in one write transaction of tenant t, on `store` (store_ by default).
  template <typename Fn>
  auto Config(TenantId t, Fn fn, Store* store = nullptr) {
    return (store ? store : store_.get())->Transact([&](Tx& tx) {
      ConfigRepo config = tx.tenant(t).config();
      return fn(config);
    });
  }

  // A second store on the same database, with another secret box (or none).
  std::unique_ptr<Store> OpenWith(const SecretBox* secrets) {
    store::StoreOptions options;
    options.secrets = secrets;
    options.clock = &clock_;
    options.pool_size = 1;
    auto store = Store::Open(db_->dsn(), options);
    EXPECT_TRUE(store.has_value()) << (store ? "" : store.error().message);
    return store ? std::move(*store) : nullptr;
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }

  // The code of a failed result ("not_found", ...), or "ok".
  template <typename R>
  static std::string CodeOf(const R& r) {
    return r ? "ok" : std::string(ToString(r.error().code));
  }
};

TEST_P(ConfigTest, SetGetListRoundTrip) {
  const TenantId t = MakeTenant("T");
  auto set = Config(
      t, [](ConfigRepo& c) { return c.Set("avni_api_url", "https://app.avniproject.org", false); });
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->key, "avni_api_url");
  EXPECT_EQ(set->value, "https://app.avniproject.org");
  EXPECT_FALSE(set->is_secret);
  EXPECT_EQ(set->updated_at, clock_.Now());
  // A plain value is stored as given.
  EXPECT_EQ(Raw("SELECT value FROM tenant_config"), "https://app.avniproject.org");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config WHERE is_secret"), "0");

  auto got = Config(t, [](ConfigRepo& c) { return c.Get("avni_api_url"); });
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->value, "https://app.avniproject.org");
  EXPECT_FALSE(got->is_secret);
  EXPECT_EQ(got->updated_at, clock_.Now());

  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("avni_user", "admin@jss", false); }));
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("avni_password", kPlain, true); }));
  auto all = Config(t, [](ConfigRepo& c) { return c.List(); });
  ASSERT_TRUE(all.has_value()) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].key, "avni_api_url");  // ordered by key
  EXPECT_EQ((*all)[1].key, "avni_password");
  EXPECT_EQ((*all)[1].value, kPlain);  // opened
  EXPECT_TRUE((*all)[1].is_secret);
  EXPECT_EQ((*all)[2].key, "avni_user");
  EXPECT_EQ((*all)[2].value, "admin@jss");
}

TEST_P(ConfigTest, SecretsAreSealedAtRestAndOpenedWhenRead) {
  const TenantId t = MakeTenant("T");
  auto set = Config(t, [](ConfigRepo& c) { return c.Set("avni_password", kPlain, true); });
  ASSERT_TRUE(set.has_value()) << set.error().message;
  EXPECT_EQ(set->value, kPlain);
  EXPECT_TRUE(set->is_secret);

  const std::string stored = Raw("SELECT value FROM tenant_config");
  EXPECT_EQ(stored.find(kPlain), std::string::npos) << stored;
  EXPECT_TRUE(stored.starts_with("v1:")) << stored;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config WHERE is_secret"), "1");

  auto got = Config(t, [](ConfigRepo& c) { return c.Get("avni_password"); });
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->value, kPlain);
  EXPECT_TRUE(got->is_secret);

  // Replacing the value seals it again (a fresh nonce: the stored text changes).
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("avni_password", kPlain, true); }));
  const std::string resealed = Raw("SELECT value FROM tenant_config");
  EXPECT_NE(resealed, stored);
  EXPECT_EQ(resealed.find(kPlain), std::string::npos);
}

TEST_P(ConfigTest, SetReplacesTheValueAndSecrecy) {
  const TenantId t = MakeTenant("T");
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("token", kPlain, true); }));
  clock_.Advance(seconds(7));
  auto plain = Config(t, [](ConfigRepo& c) { return c.Set("token", "now-public", false); });
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  EXPECT_EQ(plain->updated_at, clock_.Now());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config"), "1");
  EXPECT_EQ(Raw("SELECT value FROM tenant_config"), "now-public");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config WHERE is_secret"), "0");
  auto got = Config(t, [](ConfigRepo& c) { return c.Get("token"); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->value, "now-public");
  EXPECT_FALSE(got->is_secret);
  EXPECT_EQ(got->updated_at, clock_.Now());

  // An empty value is a value.
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("token", "", false); }));
  EXPECT_EQ(Config(t, [](ConfigRepo& c) { return c.Get("token"); })->value, "");
}

TEST_P(ConfigTest, BadKeysNameTheFieldAndWriteNothing) {
  const TenantId t = MakeTenant("T");
  auto empty = Config(t, [](ConfigRepo& c) { return c.Set("", "v", false); });
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().field, "key");
  auto empty_secret = Config(t, [](ConfigRepo& c) { return c.Set("", "v", true); });
  ASSERT_FALSE(empty_secret.has_value());
  EXPECT_EQ(empty_secret.error().field, "key");
  auto too_long = Config(t, [](ConfigRepo& c) { return c.Set(std::string(201, 'k'), "v", false); });
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().field, "key");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config"), "0");

  auto no_tenant = Config(TenantId{424242}, [](ConfigRepo& c) { return c.Set("k", "v", false); });
  ASSERT_FALSE(no_tenant.has_value());
  EXPECT_EQ(no_tenant.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config"), "0");
}

TEST_P(ConfigTest, MissingKeysAreNotFound) {
  const TenantId t = MakeTenant("T");
  auto got = Config(t, [](ConfigRepo& c) { return c.Get("nope"); });
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  EXPECT_NE(got.error().message.find("'nope'"), std::string::npos);
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("k", "v", false); }));
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Remove("k"); }));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config"), "0");
  auto again = Config(t, [](ConfigRepo& c) { return c.Remove("k"); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
}

TEST_P(ConfigTest, WithoutASecretBoxSecretsFailAndPlainValuesWork) {
  const TenantId t = MakeTenant("T");
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("avni_password", kPlain, true); }));
  auto bare = OpenWith(nullptr);
  ASSERT_NE(bare, nullptr);

  auto set = Config(
      t, [](ConfigRepo& c) { return c.Set("other_secret", "x", true); }, bare.get());
  ASSERT_FALSE(set.has_value());
  EXPECT_EQ(set.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config"), "1");
  auto got = Config(
      t, [](ConfigRepo& c) { return c.Get("avni_password"); }, bare.get());
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kFailedPrecondition);
  auto listed = Config(
      t, [](ConfigRepo& c) { return c.List(); }, bare.get());
  ASSERT_FALSE(listed.has_value());
  EXPECT_EQ(listed.error().code, ErrorCode::kFailedPrecondition);

  auto plain = Config(
      t, [](ConfigRepo& c) { return c.Set("avni_user", "u", false); }, bare.get());
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  auto read = Config(
      t, [](ConfigRepo& c) { return c.Get("avni_user"); }, bare.get());
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_EQ(read->value, "u");
}

TEST_P(ConfigTest, ASecretSealedWithAnotherKeyIsAnErrorNotACrash) {
  const TenantId t = MakeTenant("T");
  ASSERT_TRUE(Config(t, [](ConfigRepo& c) { return c.Set("avni_password", kPlain, true); }));
  SecretBox::Key other_key{};
  other_key.fill(0x42);
  const SecretBox other(other_key);
  auto rekeyed = OpenWith(&other);
  ASSERT_NE(rekeyed, nullptr);

  auto got = Config(
      t, [](ConfigRepo& c) { return c.Get("avni_password"); }, rekeyed.get());
  ASSERT_FALSE(got.has_value());
  EXPECT_NE(got.error().message.find("secret key differs"), std::string::npos)
      << got.error().message;
  EXPECT_NE(got.error().message.find("avni_password"), std::string::npos) << got.error().message;
  EXPECT_EQ(got.error().message.find(kPlain), std::string::npos);
  auto listed = Config(
      t, [](ConfigRepo& c) { return c.List(); }, rekeyed.get());
  ASSERT_FALSE(listed.has_value());
  EXPECT_NE(listed.error().message.find("secret key differs"), std::string::npos);
  // The original key still opens it: nothing was damaged.
  auto again = Config(t, [](ConfigRepo& c) { return c.Get("avni_password"); });
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->value, kPlain);
}

TEST_P(ConfigTest, AnotherTenantsConfigIsNotFoundAndUntouched) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  ASSERT_TRUE(Config(b, [](ConfigRepo& c) { return c.Set("avni_user", "b-user", false); }));
  ASSERT_TRUE(Config(b, [](ConfigRepo& c) { return c.Set("avni_password", kPlain, true); }));
  const std::string b_sealed = Raw("SELECT value FROM tenant_config WHERE key = 'avni_password'");

  EXPECT_EQ(CodeOf(Config(a, [](ConfigRepo& c) { return c.Get("avni_user"); })), "not_found");
  EXPECT_EQ(CodeOf(Config(a, [](ConfigRepo& c) { return c.Get("avni_password"); })), "not_found");
  EXPECT_EQ(CodeOf(Config(a, [](ConfigRepo& c) { return c.Remove("avni_user"); })), "not_found");
  auto listed = Config(a, [](ConfigRepo& c) { return c.List(); });
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE(listed->empty());
  // Set in A makes A's own entry; B's stays as it was.
  ASSERT_TRUE(Config(a, [](ConfigRepo& c) { return c.Set("avni_user", "a-user", false); }));

  const std::string bt = std::to_string(b.value);
  EXPECT_EQ(
      Raw("SELECT value FROM tenant_config WHERE tenant_id = " + bt + " AND key = 'avni_user'"),
      "b-user");
  EXPECT_EQ(
      Raw("SELECT value FROM tenant_config WHERE tenant_id = " + bt + " AND key = 'avni_password'"),
      b_sealed);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM tenant_config"), "3");
  auto b_user = Config(b, [](ConfigRepo& c) { return c.Get("avni_user"); });
  ASSERT_TRUE(b_user.has_value());
  EXPECT_EQ(b_user->value, "b-user");
}

AVNI_ON_EVERY_BACKEND(ConfigTest);

}  // namespace
}  // namespace avni::testing
