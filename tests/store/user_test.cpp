#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using std::chrono::seconds;
using store::MemberRepo;
using store::NormaliseEmail;
using store::Tx;

class UserTest : public StoreTest {
 protected:
  RowId MakeUser(const std::string& email) {
    auto u = store_->Transact([&](Tx& tx) { return tx.users().Create(email, "hash", false); });
    EXPECT_TRUE(u.has_value()) << (u ? "" : u.error().message);
    return u ? u->id : 0;
  }

  std::string Raw(const std::string& sql) { return db_->QueryColumn(sql).at(0); }

  // The code of a failed result ("not_found", ...), or "ok".
  template <typename R>
  static std::string CodeOf(const R& r) {
    return r ? "ok" : std::string(ToString(r.error().code));
  }
};

// Memberships live in user_test: MemberRepo has no test file of its own.
class MemberTest : public UserTest {
 protected:
  template <typename Fn>
  auto Members(TenantId t, Fn fn) {
    return store_->Transact([&](Tx& tx) {
      MemberRepo members = tx.tenant(t).members();
      return fn(members);
    });
  }
};

TEST(NormaliseEmailTest, TrimsAndLowerCases) {
  EXPECT_EQ(NormaliseEmail("  Alice.Smith@Example.ORG\t").value(), "alice.smith@example.org");
  EXPECT_EQ(NormaliseEmail("a@b").value(), "a@b");
  const std::string longest = std::string(64, 'x') + "@" + std::string(255, 'd');
  ASSERT_EQ(longest.size(), 320u);
  EXPECT_EQ(NormaliseEmail(longest).value(), longest);
}

TEST(NormaliseEmailTest, RejectsWhatIsNotAnAddress) {
  const std::vector<std::string> bad_emails = {"",
                                               "   ",
                                               "alice",
                                               "alice@@example.org",
                                               "a@b@c",
                                               "@example.org",
                                               "alice@",
                                               "al ice@example.org",
                                               "alice@exa\tmple.org",
                                               "alice\x01@example.org",
                                               std::string(65, 'x') + "@" + std::string(255, 'd')};
  for (const std::string& bad : bad_emails) {
    auto r = NormaliseEmail(bad);
    ASSERT_FALSE(r.has_value()) << "accepted '" << bad << "'";
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(r.error().field, "email") << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST_P(UserTest, CreateGetFindListRoundTripEveryField) {
  auto created = store_->Transact(
      [](Tx& tx) { return tx.users().Create(" Alice@Example.ORG ", "$argon2id$hash", true); });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->email, "alice@example.org");
  EXPECT_EQ(created->password_hash, "$argon2id$hash");
  EXPECT_TRUE(created->is_super_admin);
  EXPECT_TRUE(created->active);
  EXPECT_EQ(created->created_at, clock_.Now());
  EXPECT_EQ(created->updated_at, clock_.Now());
  EXPECT_EQ(Raw("SELECT email FROM users"), "alice@example.org");

  auto got = store_->Read([&](Tx& tx) { return tx.users().Get(created->id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->email, "alice@example.org");
  EXPECT_EQ(got->password_hash, "$argon2id$hash");
  EXPECT_TRUE(got->is_super_admin);
  EXPECT_EQ(got->created_at, created->created_at);
  auto found = store_->Read([](Tx& tx) { return tx.users().FindByEmail("ALICE@example.org "); });
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_EQ(found->id, created->id);

  MakeUser("bob@example.org");
  MakeUser("Aaron@example.org");
  auto all = store_->Read([](Tx& tx) { return tx.users().List(); });
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].email, "aaron@example.org");  // ordered by email
  EXPECT_EQ((*all)[1].email, "alice@example.org");
  EXPECT_EQ((*all)[2].email, "bob@example.org");
  EXPECT_FALSE((*all)[2].is_super_admin);
}

TEST_P(UserTest, EmailsAreUniqueWhateverTheirCase) {
  MakeUser("alice@example.org");
  auto dup =
      store_->Transact([](Tx& tx) { return tx.users().Create("ALICE@example.org", "h", false); });
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_NE(dup.error().message.find("a user with email alice@example.org already exists"),
            std::string::npos)
      << dup.error().message;
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM users"), "1");
}

TEST_P(UserTest, BadInputNamesTheFieldAndWritesNothing) {
  auto bad_email = store_->Transact([](Tx& tx) { return tx.users().Create("nobody", "h", false); });
  ASSERT_FALSE(bad_email.has_value());
  EXPECT_EQ(bad_email.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad_email.error().field, "email");
  auto no_hash =
      store_->Transact([](Tx& tx) { return tx.users().Create("a@example.org", "", false); });
  ASSERT_FALSE(no_hash.has_value());
  EXPECT_EQ(no_hash.error().field, "password_hash");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM users"), "0");

  const RowId id = MakeUser("a@example.org");
  auto empty_hash = store_->Transact([&](Tx& tx) { return tx.users().SetPasswordHash(id, ""); });
  ASSERT_FALSE(empty_hash.has_value());
  EXPECT_EQ(empty_hash.error().field, "password_hash");
  EXPECT_EQ(Raw("SELECT password_hash FROM users"), "hash");
}

TEST_P(UserTest, SettersChangeOneFieldAndTheUpdateTime) {
  const RowId id = MakeUser("a@example.org");
  const Timestamp created = clock_.Now();
  clock_.Advance(seconds(5));
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.users().SetPasswordHash(id, "new"); }));
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.users().SetSuperAdmin(id, true); }));
  auto got = store_->Read([&](Tx& tx) { return tx.users().Get(id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->password_hash, "new");
  EXPECT_TRUE(got->is_super_admin);
  EXPECT_TRUE(got->active);
  EXPECT_EQ(got->created_at, created);
  EXPECT_EQ(got->updated_at, created + seconds(5));

  clock_.Advance(seconds(5));
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.users().SetActive(id, false); }));
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.users().SetSuperAdmin(id, false); }));
  got = store_->Read([&](Tx& tx) { return tx.users().Get(id); });
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->active);
  EXPECT_FALSE(got->is_super_admin);
  EXPECT_EQ(got->updated_at, created + seconds(10));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM users WHERE active"), "0");
}

TEST_P(UserTest, MissingUserIsNotFound) {
  constexpr RowId kMissing = 424242;
  auto got = store_->Read([](Tx& tx) { return tx.users().Get(kMissing); });
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kNotFound);
  auto users = [&](auto fn) {
    return CodeOf(store_->Transact([&](Tx& tx) { return fn(tx.users()); }));
  };
  EXPECT_EQ(users([](store::UserRepo u) { return u.FindByEmail("x@example.org"); }), "not_found");
  EXPECT_EQ(users([](store::UserRepo u) { return u.FindByEmail("not an address"); }), "not_found");
  EXPECT_EQ(users([](store::UserRepo u) { return u.SetPasswordHash(kMissing, "h"); }), "not_found");
  EXPECT_EQ(users([](store::UserRepo u) { return u.SetSuperAdmin(kMissing, true); }), "not_found");
  EXPECT_EQ(users([](store::UserRepo u) { return u.SetActive(kMissing, false); }), "not_found");
  EXPECT_EQ(users([](store::UserRepo u) { return u.Memberships(kMissing); }), "not_found");
}

TEST_P(UserTest, MembershipsAcrossTenantsInTenantOrder) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  MakeTenant("C");
  const RowId user = MakeUser("u@example.org");
  const RowId other = MakeUser("other@example.org");
  ASSERT_TRUE(
      store_->Transact([&](Tx& tx) { return tx.tenant(b).members().Put(user, Role::kViewer); }));
  ASSERT_TRUE(
      store_->Transact([&](Tx& tx) { return tx.tenant(a).members().Put(user, Role::kAdmin); }));
  ASSERT_TRUE(
      store_->Transact([&](Tx& tx) { return tx.tenant(a).members().Put(other, Role::kEditor); }));

  auto mine = store_->Read([&](Tx& tx) { return tx.users().Memberships(user); });
  ASSERT_TRUE(mine.has_value()) << mine.error().message;
  ASSERT_EQ(mine->size(), 2u);
  EXPECT_EQ((*mine)[0].tenant_id, a);
  EXPECT_EQ((*mine)[0].user_id, user);
  EXPECT_EQ((*mine)[0].role, Role::kAdmin);
  EXPECT_EQ((*mine)[1].tenant_id, b);
  EXPECT_EQ((*mine)[1].role, Role::kViewer);
  const RowId loner = MakeUser("loner@example.org");
  auto none = store_->Read([&](Tx& tx) { return tx.users().Memberships(loner); });
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_P(MemberTest, PutAddsThenChangesTheRoleInPlace) {
  const TenantId t = MakeTenant("T");
  const RowId user = MakeUser("u@example.org");
  auto added = Members(t, [&](MemberRepo& m) { return m.Put(user, Role::kEditor); });
  ASSERT_TRUE(added.has_value()) << added.error().message;
  EXPECT_EQ(added->tenant_id, t);
  EXPECT_EQ(added->user_id, user);
  EXPECT_EQ(added->role, Role::kEditor);
  EXPECT_EQ(Raw("SELECT role FROM memberships"), "editor");

  auto changed = Members(t, [&](MemberRepo& m) { return m.Put(user, Role::kAdmin); });
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->role, Role::kAdmin);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM memberships"), "1");
  EXPECT_EQ(Raw("SELECT role FROM memberships"), "admin");
  ASSERT_TRUE(Members(t, [&](MemberRepo& m) { return m.Put(user, Role::kViewer); }));
  EXPECT_EQ(Raw("SELECT role FROM memberships"), "viewer");

  auto got = Members(t, [&](MemberRepo& m) { return m.Get(user); });
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->role, Role::kViewer);
  const RowId second = MakeUser("v@example.org");
  ASSERT_TRUE(Members(t, [&](MemberRepo& m) { return m.Put(second, Role::kAdmin); }));
  auto all = Members(t, [](MemberRepo& m) { return m.List(); });
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].user_id, user);  // ordered by user id
  EXPECT_EQ((*all)[1].user_id, second);
  EXPECT_EQ((*all)[1].role, Role::kAdmin);
}

TEST_P(MemberTest, MissingUserOrTenantIsNotFoundAndWritesNothing) {
  const TenantId t = MakeTenant("T");
  auto no_user = Members(t, [](MemberRepo& m) { return m.Put(424242, Role::kAdmin); });
  ASSERT_FALSE(no_user.has_value());
  EXPECT_EQ(no_user.error().code, ErrorCode::kNotFound);
  EXPECT_NE(no_user.error().message.find("424242"), std::string::npos) << no_user.error().message;
  const RowId user = MakeUser("u@example.org");
  auto no_tenant =
      Members(TenantId{424242}, [&](MemberRepo& m) { return m.Put(user, Role::kAdmin); });
  ASSERT_FALSE(no_tenant.has_value());
  EXPECT_EQ(no_tenant.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM memberships"), "0");
}

TEST_P(MemberTest, RemoveDeletesOnceThenIsNotFound) {
  const TenantId t = MakeTenant("T");
  const RowId user = MakeUser("u@example.org");
  ASSERT_TRUE(Members(t, [&](MemberRepo& m) { return m.Put(user, Role::kAdmin); }));
  ASSERT_TRUE(Members(t, [&](MemberRepo& m) { return m.Remove(user); }));
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM memberships"), "0");
  auto again = Members(t, [&](MemberRepo& m) { return m.Remove(user); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(Members(t, [&](MemberRepo& m) { return m.Get(user); })), "not_found");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM users"), "1");  // the user stays
}

TEST_P(MemberTest, AnotherTenantsMembershipIsNotFoundAndUntouched) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const RowId user = MakeUser("u@example.org");
  ASSERT_TRUE(Members(b, [&](MemberRepo& m) { return m.Put(user, Role::kEditor); }));

  EXPECT_EQ(CodeOf(Members(a, [&](MemberRepo& m) { return m.Get(user); })), "not_found");
  EXPECT_EQ(CodeOf(Members(a, [&](MemberRepo& m) { return m.Remove(user); })), "not_found");
  auto listed = Members(a, [](MemberRepo& m) { return m.List(); });
  ASSERT_TRUE(listed.has_value());
  EXPECT_TRUE(listed->empty());
  // Put in A makes A's own membership; B's role is unchanged.
  ASSERT_TRUE(Members(a, [&](MemberRepo& m) { return m.Put(user, Role::kAdmin); }));
  const std::string bt = std::to_string(b.value);
  EXPECT_EQ(Raw("SELECT role FROM memberships WHERE tenant_id = " + bt), "editor");
  EXPECT_EQ(Raw("SELECT COUNT(*) FROM memberships"), "2");
}

AVNI_ON_EVERY_BACKEND(UserTest);
AVNI_ON_EVERY_BACKEND(MemberTest);

}  // namespace
}  // namespace avni::testing
