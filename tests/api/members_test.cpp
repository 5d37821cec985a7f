// /tenants/{t}/members: list, add, change role, remove; the last admin stays. Both backends.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class MembersApiTest : public TenantAdminApiTest {
 protected:
  std::string Path(const std::string& rest = "") const {
    return TenantPath(tenant_, "/members" + rest);
  }
  // "user_id:role" of every membership of the tenant, as stored.
  std::vector<std::string> Stored() {
    return db_->QueryColumn("SELECT CAST(user_id AS TEXT) || ':' || role FROM memberships" +
                            Where() + " ORDER BY user_id");
  }
  std::string Row(const User& user, const std::string& role) {
    return std::to_string(user.id) + ":" + role;
  }
};

TEST_P(MembersApiTest, ListIsPagedAndSortable) {
  User zoe = MakeUser("zoe@example.org");
  User bob = MakeUser("bob@example.org");
  AddMember(tenant_, zoe.id, Role::kViewer);
  AddMember(tenant_, bob.id, Role::kEditor);

  Reply r = Call("GET", Path(), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  ASSERT_EQ(r.body["items"].size(), 3u);
  EXPECT_EQ(r.body["items"][0],
            (json{{"user_id", admin_.id}, {"email", "admin@example.org"}, {"role", "admin"}}));
  EXPECT_EQ(r.body["items"][1]["email"], "bob@example.org");
  EXPECT_EQ(r.body["items"][2]["email"], "zoe@example.org");

  r = Call("GET", Path("?sort=-role&size=2&page=0"), std::nullopt, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["total"], 3);
  EXPECT_EQ(r.body["size"], 2);
  ASSERT_EQ(r.body["items"].size(), 2u);
  EXPECT_EQ(r.body["items"][0]["role"], "viewer");
  EXPECT_EQ(r.body["items"][1]["role"], "editor");
  r = Call("GET", Path("?sort=-role&size=2&page=1"), std::nullopt, token_);
  ASSERT_EQ(r.body["items"].size(), 1u);
  EXPECT_EQ(r.body["items"][0]["role"], "admin");

  r = Call("GET", Path("?sort=-user_id"), std::nullopt, token_);
  EXPECT_EQ(r.body["items"][0]["user_id"], bob.id);

  r = Call("GET", Path("?sort=password"), std::nullopt, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "sort");

  // A viewer may read the list.
  const std::string viewer = SignIn("zoe@example.org");
  EXPECT_EQ(Call("GET", Path(), std::nullopt, viewer).status, 200);
}

TEST_P(MembersApiTest, AddsAnExistingUserByEmail) {
  User ana = MakeUser("ana@example.org");
  Reply r = Call("POST", Path(), json{{"email", "Ana@Example.org"}, {"role", "editor"}}, token_);
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body, (json{{"user_id", ana.id}, {"email", "ana@example.org"}, {"role", "editor"}}));
  EXPECT_EQ(Stored(), (std::vector<std::string>{Row(admin_, "admin"), Row(ana, "editor")}));
  EXPECT_EQ(AuditActions(), std::vector<std::string>{"member.add:" + std::to_string(ana.id)});
  auto actor = db_->QueryColumn("SELECT actor FROM audit_log" + Where());
  EXPECT_EQ(actor, std::vector<std::string>{"admin@example.org"});

  // Takes effect at once: the new member reaches the tenant with the role given.
  const std::string token = SignIn("ana@example.org");
  EXPECT_EQ(Call("GET", Path(), std::nullopt, token).status, 200);
  EXPECT_EQ(
      Call("POST", Path(), json{{"email", "admin@example.org"}, {"role", "viewer"}}, token).status,
      403);
}

TEST_P(MembersApiTest, AddRefusesUnknownUsersMembersAndBadRoles) {
  User ana = MakeUser("ana@example.org");
  AddMember(tenant_, ana.id, Role::kViewer);

  Reply r = Call("POST", Path(), json{{"email", "nobody@example.org"}, {"role", "viewer"}}, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "email");
  EXPECT_NE(r.raw.find("nobody@example.org"), std::string::npos);

  r = Call("POST", Path(), json{{"email", "ana@example.org"}, {"role", "admin"}}, token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_NE(r.raw.find("ana@example.org"), std::string::npos);

  r = Call("POST", Path(), json{{"email", "ana@example.org"}, {"role", "owner"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "role");
  r = Call("POST", Path(), json{{"email", "ana@example.org"}}, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "role");
  r = Call("POST", Path(), json{{"email", "ana@example.org"}, {"role", "viewer"}, {"x", 1}},
           token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "x");

  EXPECT_EQ(Stored(), (std::vector<std::string>{Row(admin_, "admin"), Row(ana, "viewer")}));
  EXPECT_TRUE(AuditActions().empty());
}

TEST_P(MembersApiTest, ChangesARoleAndAuditsBeforeAndAfter) {
  User ana = MakeUser("ana@example.org");
  AddMember(tenant_, ana.id, Role::kViewer);
  Reply r = Call("PATCH", Path("/" + std::to_string(ana.id)), json{{"role", "admin"}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["role"], "admin");
  EXPECT_EQ(Stored(), (std::vector<std::string>{Row(admin_, "admin"), Row(ana, "admin")}));

  auto before = db_->QueryColumn("SELECT before_json FROM audit_log" + Where());
  auto after = db_->QueryColumn("SELECT after_json FROM audit_log" + Where());
  ASSERT_EQ(before.size(), 1u);
  EXPECT_EQ(json::parse(before[0])["role"], "viewer");
  EXPECT_EQ(json::parse(after[0])["role"], "admin");

  // Two admins now: the first may step down.
  r = Call("PATCH", Path("/" + std::to_string(admin_.id)), json{{"role", "viewer"}}, token_);
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(Stored(), (std::vector<std::string>{Row(admin_, "viewer"), Row(ana, "admin")}));
  // ... and is a viewer at once.
  r = Call("PATCH", Path("/" + std::to_string(ana.id)), json{{"role", "editor"}}, token_);
  EXPECT_EQ(r.status, 403) << r.raw;
}

TEST_P(MembersApiTest, RemovesAMember) {
  User ana = MakeUser("ana@example.org");
  AddMember(tenant_, ana.id, Role::kEditor);
  const std::string ana_token = SignIn("ana@example.org");

  Reply r = Call("DELETE", Path("/" + std::to_string(ana.id)), std::nullopt, token_);
  EXPECT_EQ(r.status, 204) << r.raw;
  EXPECT_EQ(Stored(), std::vector<std::string>{Row(admin_, "admin")});
  EXPECT_EQ(AuditActions(), std::vector<std::string>{"member.remove:" + std::to_string(ana.id)});
  // Out at once: the tenant is not found for her any more.
  EXPECT_EQ(Call("GET", Path(), std::nullopt, ana_token).status, 404);

  r = Call("DELETE", Path("/" + std::to_string(ana.id)), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  r = Call("DELETE", Path("/abc"), std::nullopt, token_);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_EQ(r.body["error"]["details"]["field"], "user");
}

TEST_P(MembersApiTest, TheLastAdminCannotBeRemovedOrDemoted) {
  User ana = MakeUser("ana@example.org");
  AddMember(tenant_, ana.id, Role::kEditor);
  const std::string me = "/" + std::to_string(admin_.id);

  Reply r = Call("DELETE", Path(me), std::nullopt, token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_EQ(r.error_code(), "conflict");
  EXPECT_NE(r.raw.find("last admin"), std::string::npos) << r.raw;
  r = Call("PATCH", Path(me), json{{"role", "editor"}}, token_);
  EXPECT_EQ(r.status, 409) << r.raw;
  EXPECT_NE(r.raw.find("last admin"), std::string::npos) << r.raw;
  // Not even a super-admin may leave the tenant without one.
  const std::string root = SuperAdminToken();
  r = Call("DELETE", Path(me), std::nullopt, root);
  EXPECT_EQ(r.status, 409) << r.raw;

  EXPECT_EQ(Stored(), (std::vector<std::string>{Row(admin_, "admin"), Row(ana, "editor")}));
  EXPECT_TRUE(AuditActions().empty());

  // Once another admin exists, the first may go.
  ASSERT_EQ(
      Call("PATCH", Path("/" + std::to_string(ana.id)), json{{"role", "admin"}}, token_).status,
      200);
  r = Call("DELETE", Path(me), std::nullopt, token_);
  EXPECT_EQ(r.status, 204) << r.raw;
  EXPECT_EQ(Stored(), std::vector<std::string>{Row(ana, "admin")});
}

TEST_P(MembersApiTest, TwoAdminsDemotingEachOtherAtOnceLeaveOneAdmin) {
  // Without serialising the check, both could see the other still admin and both succeed.
  const User bo = MakeUser("bo@example.org");
  const std::string bo_token = SignIn("bo@example.org");
  for (int round = 0; round < 15; ++round) {
    AddMember(tenant_, admin_.id, Role::kAdmin);
    AddMember(tenant_, bo.id, Role::kAdmin);
    Reply first, second;
    std::thread a([&] {
      first = Call("PATCH", Path("/" + std::to_string(bo.id)), json{{"role", "viewer"}}, token_);
    });
    std::thread b([&] {
      second =
          Call("PATCH", Path("/" + std::to_string(admin_.id)), json{{"role", "viewer"}}, bo_token);
    });
    a.join();
    b.join();
    const auto admins =
        db_->QueryColumn("SELECT COUNT(*) FROM memberships" + Where() + " AND role = 'admin'");
    ASSERT_EQ(admins.at(0), "1") << "round " << round << ": " << first.status << " "
                                 << second.status;
    // Whoever lost did so with the rule's own answer (or, demoted first, by losing the role).
    EXPECT_TRUE((first.status == 200) != (second.status == 200))
        << first.raw << " / " << second.raw;
  }
}

TEST_P(MembersApiTest, OnlyAdminsChangeMembersAndOnlyOfTheirTenant) {
  User ana = MakeUser("ana@example.org");
  AddMember(tenant_, ana.id, Role::kEditor);
  const std::string editor = SignIn("ana@example.org");
  EXPECT_EQ(
      Call("PATCH", Path("/" + std::to_string(ana.id)), json{{"role", "admin"}}, editor).status,
      403);
  EXPECT_EQ(Call("DELETE", Path("/" + std::to_string(admin_.id)), std::nullopt, editor).status,
            403);

  // A member of another tenant only is not a member here.
  TenantId other = MakeTenant("Other");
  User bea = MakeUser("bea@example.org");
  AddMember(other, bea.id, Role::kAdmin);
  Reply r = Call("PATCH", Path("/" + std::to_string(bea.id)), json{{"role", "viewer"}}, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  r = Call("DELETE", Path("/" + std::to_string(bea.id)), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  // Nor can this tenant's admin touch the other tenant.
  r = Call("GET", TenantPath(other, "/members"), std::nullopt, token_);
  EXPECT_EQ(r.status, 404) << r.raw;
  EXPECT_EQ(db_->QueryColumn("SELECT role FROM memberships WHERE tenant_id = " +
                             std::to_string(other.value)),
            std::vector<std::string>{"admin"});
  EXPECT_TRUE(AuditActions().empty());
}

}  // namespace

AVNI_ON_EVERY_BACKEND(MembersApiTest);

}  // namespace avni::testing
