#include <gtest/gtest.h>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::Tx;

class EntityLinkTest : public StoreTest {
 protected:
  static EntityLink Link(std::string type, std::string source, std::string destination,
                         std::string version = "") {
    EntityLink link;
    link.entity_type = std::move(type);
    link.source_id = std::move(source);
    link.destination_id = std::move(destination);
    link.source_version = std::move(version);
    return link;
  }

  Result<EntityLink> Put(TenantId tenant, const EntityLink& link) {
    return store_->Transact([&](Tx& tx) { return tx.tenant(tenant).entity_links().Put(link); });
  }

  Result<std::optional<EntityLink>> Find(TenantId tenant, const std::string& type,
                                         const std::string& source) {
    return store_->Read(
        [&](Tx& tx) { return tx.tenant(tenant).entity_links().Find(type, source); });
  }

  std::string RawCount() const {
    return db_->QueryColumn("SELECT COUNT(*) FROM entity_links").at(0);
  }
};

TEST_P(EntityLinkTest, PutFindRoundTripsEveryField) {
  const TenantId a = MakeTenant("A");
  auto put = Put(a, Link("Subject", "avni-uuid-1", "openmrs-patient-9", "2024-01-31T10:00:00Z"));
  ASSERT_TRUE(put.has_value()) << put.error().message;
  EXPECT_EQ(put->tenant_id, a);
  EXPECT_EQ(put->entity_type, "Subject");
  EXPECT_EQ(put->source_id, "avni-uuid-1");
  EXPECT_EQ(put->destination_id, "openmrs-patient-9");
  EXPECT_EQ(put->source_version, "2024-01-31T10:00:00Z");
  EXPECT_EQ(put->updated_at, clock_.Now());

  auto found = Find(a, "Subject", "avni-uuid-1");
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->tenant_id, a);
  EXPECT_EQ((*found)->destination_id, "openmrs-patient-9");
  EXPECT_EQ((*found)->source_version, "2024-01-31T10:00:00Z");
  EXPECT_EQ((*found)->updated_at, clock_.Now());

  auto by_destination = store_->Read([&](Tx& tx) {
    return tx.tenant(a).entity_links().FindByDestination("Subject", "openmrs-patient-9");
  });
  ASSERT_TRUE(by_destination.has_value());
  ASSERT_TRUE(by_destination->has_value());
  EXPECT_EQ((*by_destination)->source_id, "avni-uuid-1");
}

TEST_P(EntityLinkTest, AbsentLinksAreNulloptNotErrors) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, Link("Subject", "s1", "d1")).has_value());
  auto missing = Find(a, "Subject", "s2");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
  // The same source id under another entity type is another link.
  auto other_type = Find(a, "Encounter", "s1");
  ASSERT_TRUE(other_type.has_value());
  EXPECT_FALSE(other_type->has_value());
  auto by_destination = store_->Read(
      [&](Tx& tx) { return tx.tenant(a).entity_links().FindByDestination("Subject", "d2"); });
  ASSERT_TRUE(by_destination.has_value());
  EXPECT_FALSE(by_destination->has_value());
}

TEST_P(EntityLinkTest, OneLinkPerSourceIdASecondPutReplaces) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, Link("Subject", "s1", "d1", "v1")).has_value());
  clock_.Advance(std::chrono::minutes(3));
  auto replaced = Put(a, Link("Subject", "s1", "d2", "v2"));
  ASSERT_TRUE(replaced.has_value()) << replaced.error().message;
  EXPECT_EQ(replaced->destination_id, "d2");
  EXPECT_EQ(replaced->source_version, "v2");
  EXPECT_EQ(replaced->updated_at, clock_.Now());

  EXPECT_EQ(RawCount(), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT destination_id FROM entity_links").at(0), "d2");
  EXPECT_EQ(db_->QueryColumn("SELECT source_version FROM entity_links").at(0), "v2");
  auto old_destination = store_->Read(
      [&](Tx& tx) { return tx.tenant(a).entity_links().FindByDestination("Subject", "d1"); });
  ASSERT_TRUE(old_destination.has_value());
  EXPECT_FALSE(old_destination->has_value());
  auto count = store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().Count("Subject"); });
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 1);
}

TEST_P(EntityLinkTest, CountIsPerEntityType) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, Link("Subject", "s1", "d1")).has_value());
  ASSERT_TRUE(Put(a, Link("Subject", "s2", "d2")).has_value());
  ASSERT_TRUE(Put(a, Link("Encounter", "s1", "e1")).has_value());
  auto subjects =
      store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().Count("Subject"); });
  auto encounters =
      store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().Count("Encounter"); });
  auto none = store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().Count("Program"); });
  ASSERT_TRUE(subjects && encounters && none);
  EXPECT_EQ(*subjects, 2);
  EXPECT_EQ(*encounters, 1);
  EXPECT_EQ(*none, 0);
}

TEST_P(EntityLinkTest, FindByDestinationWithSharedDestinationAnswersTheOldestLink) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, Link("Subject", "first", "merged")).has_value());
  ASSERT_TRUE(Put(a, Link("Subject", "second", "merged")).has_value());
  auto found = store_->Read(
      [&](Tx& tx) { return tx.tenant(a).entity_links().FindByDestination("Subject", "merged"); });
  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->source_id, "first");
}

TEST_P(EntityLinkTest, RemoveDeletesAndThenIsNotFound) {
  const TenantId a = MakeTenant("A");
  ASSERT_TRUE(Put(a, Link("Subject", "s1", "d1")).has_value());
  ASSERT_TRUE(Put(a, Link("Subject", "s2", "d2")).has_value());
  auto removed =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).entity_links().Remove("Subject", "s1"); });
  ASSERT_TRUE(removed.has_value()) << removed.error().message;
  EXPECT_EQ(RawCount(), "1");
  EXPECT_EQ(db_->QueryColumn("SELECT source_id FROM entity_links").at(0), "s2");
  auto again =
      store_->Transact([&](Tx& tx) { return tx.tenant(a).entity_links().Remove("Subject", "s1"); });
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);
  EXPECT_NE(again.error().message.find("'s1'"), std::string::npos);
}

TEST_P(EntityLinkTest, BadInputNamesTheFieldAndWritesNothing) {
  const TenantId a = MakeTenant("A");
  auto no_type = Put(a, Link("", "s1", "d1"));
  ASSERT_FALSE(no_type.has_value());
  EXPECT_EQ(no_type.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_type.error().field, "entity_type");
  auto no_source = Put(a, Link("Subject", "", "d1"));
  ASSERT_FALSE(no_source.has_value());
  EXPECT_EQ(no_source.error().field, "source_id");
  auto no_destination = Put(a, Link("Subject", "s1", ""));
  ASSERT_FALSE(no_destination.has_value());
  EXPECT_EQ(no_destination.error().field, "destination_id");
  EXPECT_NE(no_destination.error().message.find("destination_id"), std::string::npos);
  auto too_long = Put(a, Link("Subject", std::string(1001, 'x'), "d1"));
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().field, "source_id");
  EXPECT_EQ(RawCount(), "0");

  // SQL metacharacters are data.
  auto quoted = Put(a, Link("Subject", "x'); DELETE FROM entity_links; --", "d'1"));
  ASSERT_TRUE(quoted.has_value()) << quoted.error().message;
  EXPECT_EQ(quoted->source_id, "x'); DELETE FROM entity_links; --");
  EXPECT_EQ(RawCount(), "1");
}

TEST_P(EntityLinkTest, TenantsNeverSeeOrChangeEachOthersLinks) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  ASSERT_TRUE(Put(b, Link("Subject", "s1", "b-dest", "b-version")).has_value());
  ASSERT_TRUE(Put(b, Link("Subject", "only-b", "b-only-dest")).has_value());

  // Find and FindByDestination of A do not see B's links.
  auto find = Find(a, "Subject", "s1");
  ASSERT_TRUE(find.has_value());
  EXPECT_FALSE(find->has_value());
  auto by_destination = store_->Read(
      [&](Tx& tx) { return tx.tenant(a).entity_links().FindByDestination("Subject", "b-dest"); });
  ASSERT_TRUE(by_destination.has_value());
  EXPECT_FALSE(by_destination->has_value());
  auto count = store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().Count("Subject"); });
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 0);

  // A's Put of the same source id makes A's own link and leaves B's alone.
  auto put = Put(a, Link("Subject", "s1", "a-dest", "a-version"));
  ASSERT_TRUE(put.has_value());
  EXPECT_EQ(put->tenant_id, a);
  auto a_link = Find(a, "Subject", "s1");
  ASSERT_TRUE(a_link.has_value() && a_link->has_value());
  EXPECT_EQ((*a_link)->destination_id, "a-dest");

  // A's Remove of a source only B has is not found.
  auto removed = store_->Transact(
      [&](Tx& tx) { return tx.tenant(a).entity_links().Remove("Subject", "only-b"); });
  ASSERT_FALSE(removed.has_value());
  EXPECT_EQ(removed.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(
      store_->Transact([&](Tx& tx) { return tx.tenant(a).entity_links().Remove("Subject", "s1"); })
          .has_value());

  const std::string b_rows =
      "SELECT source_id || '>' || destination_id || '@' || source_version "
      "FROM entity_links WHERE tenant_id = " +
      std::to_string(b.value) + " ORDER BY source_id";
  EXPECT_EQ(db_->QueryColumn(b_rows),
            (std::vector<std::string>{"only-b>b-only-dest@", "s1>b-dest@b-version"}));
  EXPECT_EQ(RawCount(), "2");
}

// The sync engine's per-page batches: one statement each, same rules as Put/Find/Resolve.
TEST_P(EntityLinkTest, BatchesFindPutAndResolveManyWithAwkwardIdsAndOnlyTheirTenant) {
  const TenantId a = MakeTenant("A");
  const TenantId b = MakeTenant("B");
  const std::vector<std::string> ids = {"plain",     "with \"quotes\"", "back\\slash",
                                        "tab\there", "Ünïcödé ✓",       "comma,[bracket]"};
  std::vector<EntityLink> links;
  for (const auto& id : ids) links.push_back(Link("Subject", id, "dest " + id, "1"));
  links.push_back(Link("Subject", "plain", "dest plain v2", "2"));  // later in the batch wins
  ASSERT_TRUE(store_->Transact([&](Tx& tx) { return tx.tenant(a).entity_links().PutMany(links); }));
  ASSERT_TRUE(Put(b, Link("Subject", "plain", "b's own", "9")));
  EXPECT_EQ(RawCount(), "7");

  std::vector<std::string> asked = ids;
  asked.push_back("never linked");
  auto found =
      store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().FindMany("Subject", asked); });
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), ids.size());
  for (const auto& link : *found) {
    EXPECT_EQ(link.tenant_id, a);
    if (link.source_id == "plain") {
      EXPECT_EQ(link.destination_id, "dest plain v2");
      EXPECT_EQ(link.source_version, "2");
    } else {
      EXPECT_EQ(link.destination_id, "dest " + link.source_id);
    }
  }
  // An update through the batch keeps one row per source id.
  ASSERT_TRUE(store_->Transact([&](Tx& tx) {
    return tx.tenant(a).entity_links().PutMany({Link("Subject", "tab\there", "moved", "3")});
  }));
  EXPECT_EQ(Find(a, "Subject", "tab\there")->value().destination_id, "moved");
  EXPECT_EQ(RawCount(), "7");
  EXPECT_EQ(Find(b, "Subject", "plain")->value().destination_id, "b's own");

  // Error records go by entity id, only this tenant's and this entity type's.
  ASSERT_TRUE(store_->Transact([&](Tx& tx) -> Status {
    for (TenantId t : {a, b}) {
      for (const char* type : {"Subject", "Encounter"}) {
        auto r = tx.tenant(t).errors().RecordFailure({type, "with \"quotes\"", {}, "m", "", {}});
        if (!r) return Fail(r.error());
      }
    }
    return {};
  }));
  auto resolved = store_->Transact([&](Tx& tx) {
    return tx.tenant(a).errors().ResolveMany("Subject", {"with \"quotes\"", "plain"});
  });
  ASSERT_TRUE(resolved);
  EXPECT_EQ(*resolved, 1);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM error_records").at(0), "3");
}

TEST_P(EntityLinkTest, BatchesRefuseBadItemsNamingThemAndWriteNothing) {
  const TenantId a = MakeTenant("A");
  auto bad = store_->Transact([&](Tx& tx) {
    return tx.tenant(a).entity_links().PutMany(
        {Link("Subject", "ok", "d"), Link("Subject", "", "d")});
  });
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "links[1].source_id");
  EXPECT_EQ(RawCount(), "0");
  std::vector<std::string> many(1001, "x");
  auto too_many =
      store_->Read([&](Tx& tx) { return tx.tenant(a).entity_links().FindMany("Subject", many); });
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().field, "source_ids");
}

AVNI_ON_EVERY_BACKEND(EntityLinkTest);

}  // namespace
}  // namespace avni::testing
