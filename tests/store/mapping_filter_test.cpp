// MappingRepo::List and Count with the filters the API offers: q (contains, case-insensitive,
// literal), data_type_hint, and sorting both ways, paged in the database. Both backends.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/store_test.hpp"

namespace avni::testing {
namespace {

using store::MappingFilter;
using store::MappingRepo;
using store::MappingSort;
using store::Tx;

class MappingFilterTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    a_ = MakeTenant("A");
    auto made = store_->Transact([&](Tx& tx) -> Status {
      auto repo = tx.tenant(a_).mappings();
      auto g = repo.CreateGroup("Observation");
      if (!g) return Fail(g.error());
      auto t = repo.CreateType("Concept");
      if (!t) return Fail(t.error());
      group_ = g->id;
      type_ = t->id;
      return {};
    });
    ASSERT_TRUE(made.has_value()) << made.error().message;
  }

  RowId Make(const std::string& avni, const std::string& int_value,
             DataTypeHint hint = DataTypeHint::kNA, const std::string& about = "",
             TenantId tenant = {}, RowId group = 0, RowId type = 0) {
    Mapping m;
    m.group_id = group ? group : group_;
    m.type_id = type ? type : type_;
    m.avni_value = avni;
    m.int_system_value = int_value;
    m.data_type_hint = hint;
    m.about = about;
    auto made = store_->Transact(
        [&](Tx& tx) { return tx.tenant(tenant.value ? tenant : a_).mappings().Create(m); });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made ? made->id : 0;
  }
  void Void(RowId id) {
    auto done =
        store_->Transact([&](Tx& tx) { return tx.tenant(a_).mappings().SetVoided(id, true); });
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }

  std::vector<RowId> List(const MappingFilter& f) {
    auto rows = store_->Read([&](Tx& tx) { return tx.tenant(a_).mappings().List(f); });
    EXPECT_TRUE(rows.has_value()) << (rows ? "" : rows.error().message);
    std::vector<RowId> out;
    if (rows) {
      for (const auto& m : *rows) out.push_back(m.id);
    }
    return out;
  }
  std::int64_t Count(const MappingFilter& f) {
    auto n = store_->Read([&](Tx& tx) { return tx.tenant(a_).mappings().Count(f); });
    EXPECT_TRUE(n.has_value()) << (n ? "" : n.error().message);
    return n.value_or(-1);
  }
  // List and Count must agree: a page total that differs from the rows would mislead.
  std::vector<RowId> Matching(const MappingFilter& f) {
    auto ids = List(f);
    EXPECT_EQ(Count(f), static_cast<std::int64_t>(ids.size()));
    return ids;
  }
  static MappingFilter Q(const std::string& q) {
    MappingFilter f;
    f.q = q;
    return f;
  }

  TenantId a_;
  RowId group_ = 0, type_ = 0;
};

using Ids = std::vector<RowId>;

TEST_P(MappingFilterTest, QFindsTextInEitherValueOrAboutIgnoringAsciiCase) {
  const RowId bp = Make("Blood Pressure", "5085AAAA", DataTypeHint::kNumeric, "systolic, mmHg");
  const RowId weight = Make("Weight", "5089AAAA", DataTypeHint::kNumeric, "kg at the visit");
  const RowId yes = Make("Yes", "1065AAAA", DataTypeHint::kCoded, "an answer");

  EXPECT_EQ(Matching(Q("blood")), Ids{bp});         // avni_value, other case
  EXPECT_EQ(Matching(Q("PRESS")), Ids{bp});         // the middle, upper case
  EXPECT_EQ(Matching(Q("5089aaaa")), Ids{weight});  // int_system_value, other case
  EXPECT_EQ(Matching(Q("MMHG")), Ids{bp});          // about
  EXPECT_EQ(Matching(Q("aaaa")), (Ids{bp, weight, yes}));
  EXPECT_EQ(Matching(Q("an")), (Ids{yes}));
  EXPECT_EQ(Matching(Q("nothing like it")), Ids{});
  EXPECT_EQ(Matching(Q("")), (Ids{bp, weight, yes}));  // empty: no restriction
}

TEST_P(MappingFilterTest, QTreatsPercentUnderscoreAndBackslashLiterally) {
  const RowId percent = Make("100% done", "p1");
  const RowId underscore = Make("a_b", "u1");
  const RowId plain = Make("axb 100 done", "x1");
  const RowId backslash = Make("C:\\path", "b1");

  EXPECT_EQ(Matching(Q("%")), Ids{percent});
  EXPECT_EQ(Matching(Q("100%")), Ids{percent});
  EXPECT_EQ(Matching(Q("0% D")), Ids{percent});
  EXPECT_EQ(Matching(Q("_")), Ids{underscore});
  EXPECT_EQ(Matching(Q("A_B")), Ids{underscore});  // would match "axb" as a wildcard
  EXPECT_EQ(Matching(Q("\\")), Ids{backslash});
  EXPECT_EQ(Matching(Q("c:\\P")), Ids{backslash});
  EXPECT_EQ(Matching(Q("\\%")), Ids{});  // not an escaped percent: a backslash then a percent
  EXPECT_EQ(Matching(Q("axb")), Ids{plain});
  // SQL in a filter is text to look for, nothing more.
  EXPECT_EQ(Matching(Q("' OR '1'='1")), Ids{});
  EXPECT_EQ(Count(MappingFilter{}), 4);
}

// SQLite's LIKE stops at a NUL: "\0zzz" would be "" and match every mapping.
TEST_P(MappingFilterTest, ANulInAFilterIsRefusedNamingIt) {
  Make("Weight", "5089AAAA");
  const auto field = [&](const MappingFilter& f) {
    auto rows = store_->Read([&](Tx& tx) { return tx.tenant(a_).mappings().List(f); });
    auto n = store_->Read([&](Tx& tx) { return tx.tenant(a_).mappings().Count(f); });
    EXPECT_FALSE(n.has_value());
    return rows ? std::string("listed") : rows.error().field;
  };
  EXPECT_EQ(field(Q(std::string("\0zzz", 4))), "q");
  MappingFilter f;
  f.avni_value = std::string("Weight\0", 7);
  EXPECT_EQ(field(f), "avni_value");
}

TEST_P(MappingFilterTest, QMatchesNonAsciiTextOfTheSameCase) {
  // Non-ASCII case folding differs by backend (SQLite's lower() folds ASCII only), so only
  // the same-case match is part of the contract.
  const RowId hindi = Make("रक्त समूह", "blood group");
  const RowId german = Make("Größe", "height");
  EXPECT_EQ(Matching(Q("समूह")), Ids{hindi});
  EXPECT_EQ(Matching(Q("öß")), Ids{german});
  EXPECT_EQ(Matching(Q("GRö")), Ids{german});  // the ASCII letters fold
}

TEST_P(MappingFilterTest, DataTypeHintAndCombinedFilters) {
  RowId program = 0;
  auto g = store_->Transact([&](Tx& tx) { return tx.tenant(a_).mappings().CreateGroup("Prog"); });
  ASSERT_TRUE(g.has_value());
  program = g->id;
  const RowId coded1 = Make("Yes", "1065", DataTypeHint::kCoded, "answer");
  const RowId coded2 = Make("No", "1066", DataTypeHint::kCoded, "answer");
  const RowId numeric = Make("Weight", "5089", DataTypeHint::kNumeric, "answer weight");
  const RowId other_group = Make("Yes", "1065", DataTypeHint::kCoded, "answer", {}, program);
  const RowId voided = Make("Maybe", "1067", DataTypeHint::kCoded, "answer");
  Void(voided);
  // Another tenant's coded answers never show.
  const TenantId b = MakeTenant("B");
  auto bg = store_->Transact([&](Tx& tx) -> Result<std::pair<RowId, RowId>> {
    auto repo = tx.tenant(b).mappings();
    auto g2 = repo.CreateGroup("Observation");
    auto t2 = repo.CreateType("Concept");
    if (!g2 || !t2) return Fail(Error::Internal("setup"));
    return std::pair{g2->id, t2->id};
  });
  ASSERT_TRUE(bg.has_value());
  Make("Yes", "1065", DataTypeHint::kCoded, "answer", b, bg->first, bg->second);

  MappingFilter coded;
  coded.data_type_hint = DataTypeHint::kCoded;
  EXPECT_EQ(Matching(coded), (Ids{coded1, coded2, other_group}));
  coded.include_voided = true;
  EXPECT_EQ(Matching(coded), (Ids{coded1, coded2, other_group, voided}));
  coded.group_id = group_;
  EXPECT_EQ(Matching(coded), (Ids{coded1, coded2, voided}));
  coded.q = "Y";  // Yes and Maybe
  EXPECT_EQ(Matching(coded), (Ids{coded1, voided}));
  coded.include_voided = false;
  EXPECT_EQ(Matching(coded), (Ids{coded1}));
  coded.int_system_value = "1066";
  EXPECT_EQ(Matching(coded), Ids{});

  MappingFilter numeric_answers = Q("ANSWER");
  numeric_answers.data_type_hint = DataTypeHint::kNumeric;
  numeric_answers.type_id = type_;
  EXPECT_EQ(Matching(numeric_answers), Ids{numeric});
  MappingFilter date;
  date.data_type_hint = DataTypeHint::kDate;
  EXPECT_EQ(Matching(date), Ids{});
}

TEST_P(MappingFilterTest, SortsByEachColumnBothWaysWithIdBreakingTies) {
  const RowId banana = Make("Banana", "b", DataTypeHint::kText);
  clock_.Advance(std::chrono::seconds(1));
  const RowId apple = Make("apple", "C", DataTypeHint::kCoded);
  clock_.Advance(std::chrono::seconds(1));
  const RowId cherry = Make("cherry", "a", DataTypeHint::kNumeric);
  clock_.Advance(std::chrono::seconds(1));
  const RowId apple_upper = Make("Apple", "A2", DataTypeHint::kCoded);

  const auto sorted = [&](MappingSort sort, bool descending) {
    MappingFilter f;
    f.sort = sort;
    f.descending = descending;
    return Matching(f);
  };
  EXPECT_EQ(sorted(MappingSort::kId, false), (Ids{banana, apple, cherry, apple_upper}));
  EXPECT_EQ(sorted(MappingSort::kId, true), (Ids{apple_upper, cherry, apple, banana}));
  // ASCII case is ignored, then code point order ("Apple" < "apple") decides.
  EXPECT_EQ(sorted(MappingSort::kAvniValue, false), (Ids{apple_upper, apple, banana, cherry}));
  EXPECT_EQ(sorted(MappingSort::kAvniValue, true), (Ids{cherry, banana, apple, apple_upper}));
  EXPECT_EQ(sorted(MappingSort::kIntSystemValue, false), (Ids{cherry, apple_upper, banana, apple}));
  EXPECT_EQ(sorted(MappingSort::kIntSystemValue, true), (Ids{apple, banana, apple_upper, cherry}));
  // Coded ties between apple and Apple: id decides, in the same direction.
  EXPECT_EQ(sorted(MappingSort::kDataTypeHint, false), (Ids{apple, apple_upper, cherry, banana}));
  EXPECT_EQ(sorted(MappingSort::kDataTypeHint, true), (Ids{banana, cherry, apple_upper, apple}));

  // An update moves a mapping to the end of the updated_at order.
  clock_.Advance(std::chrono::seconds(1));
  auto updated = store_->Transact([&](Tx& tx) -> Result<Mapping> {
    auto repo = tx.tenant(a_).mappings();
    auto m = repo.Get(banana);
    if (!m) return m;
    m->about = "a fruit";
    return repo.Update(*m);
  });
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(sorted(MappingSort::kUpdatedAt, false), (Ids{apple, cherry, apple_upper, banana}));
  EXPECT_EQ(sorted(MappingSort::kUpdatedAt, true), (Ids{banana, apple_upper, cherry, apple}));
}

TEST_P(MappingFilterTest, PagesOfASortedFilteredListTileItExactly) {
  // 23 values in a shuffled order; pages of 5 by avni_value, descending, must give each once.
  std::vector<RowId> made;
  for (int i = 0; i < 23; ++i) {
    const int n = (i * 7) % 23;
    made.push_back(Make(std::string(n % 2 ? "Odd " : "even ") + std::to_string(100 + n),
                        std::to_string(n), n % 3 ? DataTypeHint::kText : DataTypeHint::kCoded));
  }
  MappingFilter f;
  f.sort = MappingSort::kAvniValue;
  f.descending = true;
  f.limit = 10000;
  const Ids whole = Matching(f);
  ASSERT_EQ(whole.size(), 23u);
  Ids paged;
  f.limit = 5;
  for (f.offset = 0; f.offset < 30; f.offset += 5) {
    const Ids page = List(f);
    EXPECT_LE(page.size(), 5u);
    paged.insert(paged.end(), page.begin(), page.end());
  }
  EXPECT_EQ(paged, whole);
  EXPECT_EQ(Count(f), 23);  // the total ignores limit and offset

  f.q = "odd";
  f.data_type_hint = DataTypeHint::kText;
  f.offset = 0;
  f.limit = 10000;
  const Ids odd_text = List(f);
  EXPECT_EQ(Count(f), static_cast<std::int64_t>(odd_text.size()));
  // Odd numbers 1..21 not divisible by 3: 1 5 7 11 13 17 19.
  EXPECT_EQ(odd_text.size(), 7u);
}

AVNI_ON_EVERY_BACKEND(MappingFilterTest);

}  // namespace
}  // namespace avni::testing
