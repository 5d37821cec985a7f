#pragma once

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include <memory>
#include <optional>
#include <string>

#include "crypto/secret_box.hpp"
#include "store/store.hpp"
#include "support/fake_clock.hpp"
#include "support/test_database.hpp"

namespace avni::testing {

// Base of the store contract tests: each test gets a fresh database of the backend it is
// instantiated for, opened (and migrated) through the real Store, with a fake clock and a
// fixed secret key. Instantiate with AVNI_ON_EVERY_BACKEND(SuiteName).
class StoreTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    // Quiet unless asked: AVNI_TEST_LOG=info shows the service's own log lines.
    const char* level = std::getenv("AVNI_TEST_LOG");
    spdlog::set_level(spdlog::level::from_str(level ? level : "warn"));
    std::string why;
    db_ = TestDatabase::Create(GetParam(), &why);
    if (!db_) {
      if (PostgresRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    store::StoreOptions options;
    options.secrets = &secrets_;
    options.clock = &clock_;
    options.pool_size = 2;
    auto store = store::Store::Open(db_->dsn(), options);
    ASSERT_TRUE(store.has_value()) << store.error().message;
    store_ = std::move(*store);
  }

  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  // A tenant made through the store, for tests of tenant-scoped tables.
  TenantId MakeTenant(const std::string& name) {
    auto t = store_->Transact([&](store::Tx& tx) { return tx.tenants().Create(name, "bahmni"); });
    EXPECT_TRUE(t.has_value()) << (t ? "" : t.error().message);
    return t ? t->id : TenantId{};
  }

  static SecretBox::Key TestKey() {
    SecretBox::Key key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<unsigned char>(i * 7 + 1);
    return key;
  }

  FakeClock clock_;
  SecretBox secrets_{TestKey()};
  std::optional<TestDatabase> db_;
  std::unique_ptr<store::Store> store_;
};

}  // namespace avni::testing
