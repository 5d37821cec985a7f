#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <tuple>

#include "sql/dsn.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using store::ApiKeyRepo;
using store::CredentialRepo;
using store::Tx;

class CredentialTest : public StoreTest {
 protected:
  RowId MakeUser(const std::string& email) {
    auto u = store_->Transact([&](Tx& tx) { return tx.users().Create(email, "hash", false); });
    EXPECT_TRUE(u.has_value()) << (u ? "" : u.error().message);
    return u ? u->id : 0;
  }

  template <typename Fn>
  auto Creds(Fn fn) {
    return store_->Transact([&](Tx& tx) {
      CredentialRepo creds = tx.credentials();
      return fn(creds);
    });
  }

  Session MakeSession(RowId user, const std::string& hash, Timestamp expires) {
    auto s = Creds([&](CredentialRepo& c) { return c.CreateSession(user, hash, expires, ""); });
    EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
    return s ? *s : Session{};
  }

  std::optional<Session> Find(const std::string& hash) {
    auto found = Creds([&](CredentialRepo& c) { return c.FindSession(hash); });
    EXPECT_TRUE(found.has_value()) << (found ? "" : found.error().message);
    return found ? *found : std::nullopt;
  }

  // Deletes a user behind the store's back, with the foreign keys enforced: SQLite leaves them
  // off on a new connection (TestDatabase::Execute's included) unless asked on that connection.
  void DeleteUserRaw(RowId user) {
    const std::string del = "DELETE FROM users WHERE id = " + std::to_string(user);
    if (db_->backend() == store::Backend::kSqlite) {
      auto dsn = store::ParseDsn(db_->dsn());
      ASSERT_TRUE(dsn.has_value());
      soci::session raw(soci::sqlite3, dsn->connect);
      raw << "PRAGMA foreign_keys = ON";
      raw << del;
    } else {
      db_->Execute(del);
    }
    ASSERT_EQ(Raw("SELECT COUNT(*) FROM users WHERE id = " + std::to_string(user)), "0");
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }
  // The stored values of some columns of one row, as text ("" for NULL).
  std::vector<std::string> RawRow(const std::string& table, RowId id,
                                  const std::vector<std::string>& columns) {
    std::vector<std::string> out;
    for (const auto& c : columns) {
      out.push_back(Raw("SELECT " + c + " FROM " + table + " WHERE id = " + std::to_string(id)));
    }
    return out;
  }

  static std::string Ms(Timestamp t) { return std::to_string(ToEpochMillis(t)); }

  // Every field, for comparing what was read back with what was made.
  static auto Fields(const Session& s) {
    return std::tie(s.id, s.user_id, s.token_hash, s.created_at, s.last_seen_at, s.expires_at,
                    s.address);
  }
  static auto Fields(const ApiKey& k) {
    return std::tie(k.id, k.tenant_id, k.name, k.prefix, k.key_hash, k.role, k.created_by,
                    k.created_at, k.last_used_at, k.revoked_at);
  }

  template <typename R>
  static std::string CodeOf(const R& r) {
    return r ? "ok" : std::string(ToString(r.error().code));
  }
};

class ApiKeyTest : public CredentialTest {
 protected:
  template <typename Fn>
  auto Keys(TenantId t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      ApiKeyRepo keys = tx.tenant(t).api_keys();
      return fn(keys);
    });
  }

  ApiKey MakeKey(TenantId t, const std::string& name, Role role = Role::kViewer) {
    auto k = Keys(t, [&](ApiKeyRepo& keys) {
      return keys.Create(name, "avk_" + name.substr(0, 4), "hash-" + name + "-" + Ms(clock_.Now()),
                         role, std::nullopt);
    });
    EXPECT_TRUE(k.has_value()) << (k ? "" : k.error().message);
    return k ? *k : ApiKey{};
  }
};

// ---- sessions -------------------------------------------------------------------------------

TEST_P(CredentialTest, SessionRoundTripsEveryField) {
  const RowId user = MakeUser("alice@example.org");
  const Timestamp created = clock_.Now();
  const Timestamp expires = created + std::chrono::hours(8);
  auto made = Creds(
      [&](CredentialRepo& c) { return c.CreateSession(user, "tokenhash1", expires, "10.0.0.7"); });
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_GT(made->id, 0);
  EXPECT_EQ(made->user_id, user);
  EXPECT_EQ(made->token_hash, "tokenhash1");
  EXPECT_EQ(made->created_at, created);
  EXPECT_EQ(made->last_seen_at, created);
  EXPECT_EQ(made->expires_at, expires);
  EXPECT_EQ(made->address, "10.0.0.7");

  auto found = Find("tokenhash1");
  ASSERT_TRUE(found.has_value());
  EXPECT_TRUE(Fields(*found) == Fields(*made));

  EXPECT_EQ(
      RawRow("sessions", made->id,
             {"token_hash", "user_id", "created_at", "last_seen_at", "expires_at", "address"}),
      (std::vector<std::string>{"tokenhash1", std::to_string(user), Ms(created), Ms(created),
                                Ms(expires), "10.0.0.7"}));

  EXPECT_FALSE(Find("no-such-hash").has_value());
}

TEST_P(CredentialTest, SessionForAMissingUserIsNotFoundAndLeavesTheTransactionUsable) {
  const RowId user = MakeUser("alice@example.org");
  // Both calls share one transaction: the refusal must not spoil it (as a failed foreign key
  // would on PostgreSQL).
  auto result = Creds([&](CredentialRepo& c) -> Result<Session> {
    auto missing = c.CreateSession(424242, "orphan", clock_.Now() + seconds(60), "");
    EXPECT_EQ(CodeOf(missing), "not_found");
    if (!missing) {
      EXPECT_NE(missing.error().message.find("424242"), std::string::npos);
    }
    return c.CreateSession(user, "kept", clock_.Now() + seconds(60), "");
  });
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM sessions"), "1");
  EXPECT_EQ(Raw("SELECT token_hash FROM sessions"), "kept");
}

TEST_P(CredentialTest, SessionExpiresExactlyAtExpiresAt) {
  const RowId user = MakeUser("alice@example.org");
  MakeSession(user, "h", clock_.Now() + seconds(10));
  clock_.Advance(milliseconds(9999));
  EXPECT_TRUE(Find("h").has_value());
  clock_.Advance(milliseconds(1));
  EXPECT_FALSE(Find("h").has_value());
  // Expired is not deleted: the row stays until DeleteExpiredSessions.
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM sessions"), "1");
}

TEST_P(CredentialTest, TouchMovesLastSeenAndExtendsExpiry) {
  const RowId user = MakeUser("alice@example.org");
  const Timestamp created = clock_.Now();
  Session s = MakeSession(user, "h", created + seconds(10));
  clock_.Advance(seconds(5));
  const Timestamp touched_at = clock_.Now();
  auto touched =
      Creds([&](CredentialRepo& c) { return c.TouchSession(s.id, touched_at + seconds(60)); });
  ASSERT_TRUE(touched.has_value()) << touched.error().message;
  const std::string where = " FROM sessions WHERE id = " + std::to_string(s.id);
  EXPECT_EQ(Raw("SELECT last_seen_at" + where), Ms(touched_at));
  EXPECT_EQ(Raw("SELECT expires_at" + where), Ms(touched_at + seconds(60)));
  EXPECT_EQ(Raw("SELECT created_at" + where), Ms(created));

  clock_.Advance(seconds(30));  // past the first expiry, within the new one
  auto found = Find("h");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->last_seen_at, touched_at);
  EXPECT_EQ(found->expires_at, touched_at + seconds(60));
  clock_.Advance(seconds(30));
  EXPECT_FALSE(Find("h").has_value());

  auto missing = Creds([&](CredentialRepo& c) { return c.TouchSession(424242, clock_.Now()); });
  EXPECT_EQ(CodeOf(missing), "not_found");
}

TEST_P(CredentialTest, DeleteSessionByHashIsQuietWhenAbsent) {
  const RowId user = MakeUser("alice@example.org");
  MakeSession(user, "one", clock_.Now() + seconds(60));
  MakeSession(user, "two", clock_.Now() + seconds(60));
  auto deleted = Creds([](CredentialRepo& c) { return c.DeleteSession("one"); });
  ASSERT_TRUE(deleted.has_value()) << deleted.error().message;
  EXPECT_FALSE(Find("one").has_value());
  EXPECT_TRUE(Find("two").has_value());
  auto again = Creds([](CredentialRepo& c) { return c.DeleteSession("one"); });
  EXPECT_TRUE(again.has_value());
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM sessions"), "1");
}

TEST_P(CredentialTest, DeleteUserSessionsKeepsTheOneAskedAndSparesOtherUsers) {
  const RowId alice = MakeUser("alice@example.org");
  const RowId bob = MakeUser("bob@example.org");
  const Timestamp later = clock_.Now() + seconds(60);
  MakeSession(alice, "a1", later);
  const Session keep = MakeSession(alice, "a2", later);
  MakeSession(alice, "a3", later);
  MakeSession(bob, "b1", later);

  auto count = Creds([&](CredentialRepo& c) { return c.DeleteUserSessions(alice, keep.id); });
  ASSERT_TRUE(count.has_value()) << count.error().message;
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(db_->QueryColumn("SELECT id FROM sessions WHERE user_id = " + std::to_string(alice)),
            std::vector<std::string>{std::to_string(keep.id)});
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM sessions WHERE user_id = " + std::to_string(bob)), "1");

  auto all = Creds([&](CredentialRepo& c) { return c.DeleteUserSessions(alice, std::nullopt); });
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(*all, 1);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM sessions WHERE user_id = " + std::to_string(alice)), "0");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM sessions WHERE user_id = " + std::to_string(bob)), "1");
}

TEST_P(CredentialTest, DeleteExpiredSessionsCountsAndKeepsTheLiveOnes) {
  const RowId user = MakeUser("alice@example.org");
  MakeSession(user, "soon", clock_.Now() + seconds(5));
  MakeSession(user, "exact", clock_.Now() + seconds(10));
  MakeSession(user, "later", clock_.Now() + seconds(20));
  clock_.Advance(seconds(10));
  auto count = Creds([](CredentialRepo& c) { return c.DeleteExpiredSessions(); });
  ASSERT_TRUE(count.has_value()) << count.error().message;
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(db_->QueryColumn("SELECT token_hash FROM sessions"), std::vector<std::string>{"later"});
  auto none = Creds([](CredentialRepo& c) { return c.DeleteExpiredSessions(); });
  EXPECT_EQ(none.value_or(-1), 0);
}

TEST_P(CredentialTest, DeletingAUserDeletesItsSessions) {
  const RowId alice = MakeUser("alice@example.org");
  const RowId bob = MakeUser("bob@example.org");
  MakeSession(alice, "a1", clock_.Now() + seconds(60));
  MakeSession(alice, "a2", clock_.Now() + seconds(60));
  MakeSession(bob, "b1", clock_.Now() + seconds(60));
  DeleteUserRaw(alice);
  EXPECT_EQ(db_->QueryColumn("SELECT token_hash FROM sessions"), std::vector<std::string>{"b1"});
  EXPECT_FALSE(Find("a1").has_value());
}

// ---- API keys -------------------------------------------------------------------------------

TEST_P(ApiKeyTest, RoundTripsEveryField) {
  const TenantId t = MakeTenant("JSS");
  const RowId alice = MakeUser("alice@example.org");
  const Timestamp created = clock_.Now();
  auto made = Keys(t, [&](ApiKeyRepo& k) {
    return k.Create("CI pipeline", "avk_abc123", "keyhash1", Role::kEditor, alice);
  });
  ASSERT_TRUE(made.has_value()) << made.error().message;
  EXPECT_GT(made->id, 0);
  EXPECT_EQ(made->tenant_id, t);
  EXPECT_EQ(made->name, "CI pipeline");
  EXPECT_EQ(made->prefix, "avk_abc123");
  EXPECT_EQ(made->key_hash, "keyhash1");
  EXPECT_EQ(made->role, Role::kEditor);
  EXPECT_EQ(made->created_by, std::optional<RowId>(alice));
  EXPECT_EQ(made->created_at, created);
  EXPECT_FALSE(made->last_used_at.has_value());
  EXPECT_FALSE(made->revoked_at.has_value());

  EXPECT_EQ(
      RawRow("api_keys", made->id,
             {"tenant_id", "name", "prefix", "key_hash", "role", "created_by", "created_at",
              "last_used_at", "revoked_at"}),
      (std::vector<std::string>{std::to_string(t.value), "CI pipeline", "avk_abc123", "keyhash1",
                                "editor", std::to_string(alice), Ms(created), "", ""}));

  auto got = Keys(t, [&](ApiKeyRepo& k) { return k.Get(made->id); });
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_TRUE(Fields(*got) == Fields(*made));

  // The hash alone finds the key and, with it, its tenant.
  clock_.Advance(seconds(3));
  auto found = Creds([](CredentialRepo& c) { return c.FindApiKey("keyhash1"); });
  ASSERT_TRUE(found.has_value()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE(Fields(**found) == Fields(*made));
  auto touched = Creds([&](CredentialRepo& c) { return c.TouchApiKey(made->id); });
  ASSERT_TRUE(touched.has_value()) << touched.error().message;
  EXPECT_EQ(RawRow("api_keys", made->id, {"last_used_at"}),
            std::vector<std::string>{Ms(clock_.Now())});
  auto used = Keys(t, [&](ApiKeyRepo& k) { return k.Get(made->id); });
  ASSERT_TRUE(used.has_value());
  EXPECT_EQ(used->last_used_at, std::optional<Timestamp>(clock_.Now()));

  auto unknown = Creds([](CredentialRepo& c) { return c.FindApiKey("no-such-hash"); });
  ASSERT_TRUE(unknown.has_value());
  EXPECT_FALSE(unknown->has_value());
  EXPECT_EQ(CodeOf(Creds([](CredentialRepo& c) { return c.TouchApiKey(424242); })), "not_found");
}

TEST_P(ApiKeyTest, RolesAreStoredByNameAndCreatorIsOptional) {
  const TenantId t = MakeTenant("JSS");
  for (Role role : {Role::kAdmin, Role::kEditor, Role::kViewer}) {
    const std::string name(ToString(role));
    const ApiKey key = MakeKey(t, name, role);
    EXPECT_EQ(key.role, role);
    EXPECT_FALSE(key.created_by.has_value());
    EXPECT_EQ(RawRow("api_keys", key.id, {"role"}), std::vector<std::string>{name});
  }
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys WHERE created_by IS NULL"), "3");
}

TEST_P(ApiKeyTest, DeletingTheCreatorKeepsTheKey) {
  const TenantId t = MakeTenant("JSS");
  const RowId alice = MakeUser("alice@example.org");
  auto made =
      Keys(t, [&](ApiKeyRepo& k) { return k.Create("ci", "avk_x", "h1", Role::kAdmin, alice); });
  ASSERT_TRUE(made.has_value()) << made.error().message;
  DeleteUserRaw(alice);
  auto got = Keys(t, [&](ApiKeyRepo& k) { return k.Get(made->id); });
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_FALSE(got->created_by.has_value());
}

TEST_P(ApiKeyTest, ListIsNewestFirstWithRevokedOnesIncluded) {
  const TenantId t = MakeTenant("JSS");
  const ApiKey first = MakeKey(t, "first");
  clock_.Advance(seconds(1));
  const ApiKey second = MakeKey(t, "second");
  const ApiKey third = MakeKey(t, "third");  // same time as second: the higher id comes first
  ASSERT_TRUE(Keys(t, [&](ApiKeyRepo& k) { return k.Revoke(first.id); }).has_value());
  auto list = Keys(t, [](ApiKeyRepo& k) { return k.List(); });
  ASSERT_TRUE(list.has_value()) << list.error().message;
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, third.id);
  EXPECT_EQ((*list)[1].id, second.id);
  EXPECT_EQ((*list)[2].id, first.id);
  EXPECT_TRUE((*list)[2].revoked_at.has_value());
  EXPECT_EQ((*list)[0].name, "third");
}

TEST_P(ApiKeyTest, RevokedKeysAreNotFoundByHashAndRevokingAgainChangesNothing) {
  const TenantId t = MakeTenant("JSS");
  auto made = Keys(
      t, [](ApiKeyRepo& k) { return k.Create("ci", "avk_x", "h1", Role::kAdmin, std::nullopt); });
  ASSERT_TRUE(made.has_value()) << made.error().message;
  clock_.Advance(seconds(2));
  const Timestamp revoked_at = clock_.Now();
  auto revoked = Keys(t, [&](ApiKeyRepo& k) { return k.Revoke(made->id); });
  ASSERT_TRUE(revoked.has_value()) << revoked.error().message;
  EXPECT_EQ(revoked->revoked_at, std::optional<Timestamp>(revoked_at));
  const std::string where = " FROM api_keys WHERE id = " + std::to_string(made->id);
  EXPECT_EQ(Raw("SELECT revoked_at" + where), Ms(revoked_at));

  auto found = Creds([](CredentialRepo& c) { return c.FindApiKey("h1"); });
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_FALSE(found->has_value());

  clock_.Advance(seconds(2));
  auto again = Keys(t, [&](ApiKeyRepo& k) { return k.Revoke(made->id); });
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->revoked_at, std::optional<Timestamp>(revoked_at));
  EXPECT_EQ(Raw("SELECT revoked_at" + where), Ms(revoked_at));

  EXPECT_EQ(CodeOf(Keys(t, [](ApiKeyRepo& k) { return k.Revoke(424242); })), "not_found");
  auto missing = Keys(t, [](ApiKeyRepo& k) { return k.Get(424242); });
  EXPECT_EQ(CodeOf(missing), "not_found");
  if (!missing) {
    EXPECT_NE(missing.error().message.find("424242"), std::string::npos);
  }
}

TEST_P(ApiKeyTest, AnotherTenantsKeysAreNotFoundAndUntouched) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const ApiKey mine = MakeKey(a, "mine");
  const ApiKey theirs = MakeKey(b, "theirs");
  // The transaction commits whatever the answers: a refusal must have written nothing itself,
  // not merely been rolled back.
  auto committed = Keys(a, [&](ApiKeyRepo& k) -> Status {
    EXPECT_EQ(CodeOf(k.Get(theirs.id)), "not_found");
    EXPECT_EQ(CodeOf(k.Revoke(theirs.id)), "not_found");
    return {};
  });
  ASSERT_TRUE(committed.has_value()) << committed.error().message;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL"), "2");
  auto list = Keys(a, [](ApiKeyRepo& k) { return k.List(); });
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, mine.id);
  EXPECT_EQ((*list)[0].tenant_id, a);
}

TEST_P(ApiKeyTest, DuplicateNameIsAConflictThatWritesNothing) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  MakeKey(a, "ci");
  // The refusal and a later write share one transaction: the refusal must not spoil it.
  auto result = Keys(a, [](ApiKeyRepo& k) -> Result<ApiKey> {
    auto dup = k.Create("ci", "avk_y", "other-hash", Role::kViewer, std::nullopt);
    EXPECT_EQ(CodeOf(dup), "conflict");
    if (!dup) {
      EXPECT_NE(dup.error().message.find("'ci'"), std::string::npos);
    }
    return k.Create("ci-2", "avk_z", "third-hash", Role::kViewer, std::nullopt);
  });
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys WHERE name = 'ci'"), "1");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys WHERE key_hash = 'other-hash'"), "0");

  auto elsewhere = Keys(b, [](ApiKeyRepo& k) {
    return k.Create("ci", "avk_w", "b-hash", Role::kAdmin, std::nullopt);
  });
  ASSERT_TRUE(elsewhere.has_value()) << elsewhere.error().message;
  EXPECT_EQ(elsewhere->tenant_id, b);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys WHERE name = 'ci'"), "2");
}

TEST_P(ApiKeyTest, BadInputNamesTheFieldAndWritesNothing) {
  const TenantId t = MakeTenant("JSS");
  auto create = [&](std::string name, std::string prefix, std::string hash,
                    std::optional<RowId> by = std::nullopt) {
    return Keys(t, [&](ApiKeyRepo& k) { return k.Create(name, prefix, hash, Role::kViewer, by); });
  };
  EXPECT_EQ(create("", "avk_x", "h").error().field, "name");
  EXPECT_EQ(create(std::string(201, 'x'), "avk_x", "h").error().field, "name");
  EXPECT_EQ(create("ci\xff", "avk_x", "h").error().field, "name");
  EXPECT_EQ(create("ci", "", "h").error().field, "prefix");
  EXPECT_EQ(create("ci", "avk_x", "").error().field, "key_hash");
  auto no_creator = create("ci", "avk_x", "h", RowId{424242});
  EXPECT_EQ(CodeOf(no_creator), "not_found");
  auto no_tenant = Keys(TenantId{424242}, [](ApiKeyRepo& k) {
    return k.Create("ci", "avk_x", "h", Role::kViewer, std::nullopt);
  });
  EXPECT_EQ(CodeOf(no_tenant), "not_found");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys"), "0");

  // 200 characters is the limit, counted in characters, and SQL metacharacters are data.
  EXPECT_TRUE(create(std::string(200, 'x'), "avk_x", "h1").has_value());
  auto quoted = create("x'); DROP TABLE api_keys; --", "avk_x", "h2");
  ASSERT_TRUE(quoted.has_value()) << quoted.error().message;
  EXPECT_EQ(quoted->name, "x'); DROP TABLE api_keys; --");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM api_keys"), "2");
}

AVNI_ON_EVERY_BACKEND(CredentialTest);
AVNI_ON_EVERY_BACKEND(ApiKeyTest);

}  // namespace
}  // namespace avni::testing
