// Error types' rules as hostile input: MATCHES in linear time (RE2), bounded patterns and
// values, and only the start of a message classified.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "domain/error_rule.hpp"
#include "support/deadline.hpp"
#include "sync/error_classifier.hpp"

namespace avni::sync {
namespace {

using std::chrono::milliseconds;
using testing::FinishWithin;

// The pattern of issue 15: nested quantifiers that a backtracking engine tries 2^n ways.
constexpr const char* kEvil = "^(.+)+ZZZQQQ$";

ErrorType Type(RowId id, std::string name, ErrorOperator op, std::string value, int priority,
               FollowUpStep step = FollowUpStep::kProcess) {
  return ErrorType{id, TenantId{1}, "", std::move(name), op, std::move(value), step, priority};
}

// Messages of 100 to 10,000 characters that almost match: what makes a backtracking engine
// try every way of splitting them.
std::vector<std::string> LongMessages(int n) {
  std::mt19937 random(15);
  std::uniform_int_distribution<int> length(100, 10'000);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::string m = "HTTP 422: concept 'Weight' not found ";
    m.resize(static_cast<std::size_t>(length(random)), 'x');
    m += "ZZZQQ";  // one letter short
    out.push_back(std::move(m));
  }
  return out;
}

TEST(ErrorPattern, TheNestedQuantifierPatternClassifiesAThousandLongMessagesInMilliseconds) {
  const ErrorClassifier classifier =
      ErrorClassifier::Make({Type(1, "evil", ErrorOperator::kMatches, kEvil, 1),
                             Type(2, "validation", ErrorOperator::kContains, "http 422", 2)});
  const std::vector<std::string> messages = LongMessages(1000);
  const auto started = std::chrono::steady_clock::now();
  // A backtracking engine never returns from the first of them: fail rather than hang.
  const int evil = FinishWithin(milliseconds(30'000), "classifying 1,000 long messages", [&] {
    int matched = 0;
    for (const auto& m : messages) {
      const ErrorType* type = classifier.Match(m);
      if (type != nullptr && type->name == "evil") ++matched;
    }
    return matched;
  });
  const auto took =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
  std::printf("classifying 1,000 messages of 100-10,000 characters with %s: %.1f ms\n", kEvil,
              took.count());
  EXPECT_EQ(evil, 0);
  EXPECT_LT(took.count(), 2000.0);  // generous: milliseconds, even under the sanitizers

  // It still matches a message that ends so, and the next type still catches the others.
  EXPECT_EQ(classifier.Match("HTTP 422: concept 'Weight' not found ZZZQQQ")->name, "evil");
  EXPECT_EQ(classifier.Match(messages[0])->name, "validation");
}

TEST(ErrorPattern, OnlyTheFirstFourKibibytesOfAMessageAreClassifiedCutOnACharacter) {
  const std::string accented = "\xC3\xA9";  // é, two bytes
  std::string message(kClassifiedBytes - 1, 'a');
  message += accented;  // straddles the cut
  message += "tail";
  EXPECT_EQ(ClassifiedPart(message), std::string(kClassifiedBytes - 1, 'a'));
  EXPECT_EQ(ClassifiedPart("short"), "short");

  const ErrorClassifier classifier =
      ErrorClassifier::Make({Type(1, "tail", ErrorOperator::kContains, "tail", 1),
                             Type(2, "ends", ErrorOperator::kMatches, "tail$", 2),
                             Type(3, "whole", ErrorOperator::kEquals, message, 3)});
  EXPECT_EQ(classifier.Match(message), nullptr);  // all three would see the tail
  EXPECT_EQ(classifier.Match("a tail")->name, "tail");
}

TEST(ErrorPattern, MatchesIsRe2SearchedAnywhereIgnoringCase) {
  const ErrorClassifier classifier = ErrorClassifier::Make({
      Type(1, "digits", ErrorOperator::kMatches, R"(^HTTP 4\d{2}:)", 1),
      Type(2, "unicode", ErrorOperator::kMatches, "ÉCHEC", 2),
      Type(3, "inside", ErrorOperator::kMatches, "concept .* not found", 3),
  });
  EXPECT_EQ(classifier.Match("http 404: gone")->name, "digits");
  EXPECT_EQ(classifier.Match("Opération: échec")->name, "unicode");  // folds beyond ASCII
  EXPECT_EQ(classifier.Match("the CONCEPT 'x' NOT found here")->name, "inside");
  EXPECT_EQ(classifier.Match("xhttp 404:"), nullptr);
}

// Stored before patterns were checked: the bad one matches nothing; the others still work.
TEST(ErrorPattern, AStoredPatternRe2RefusesMatchesNothingAndTheRestStillClassify) {
  const ErrorClassifier classifier = ErrorClassifier::Make({
      Type(1, "backreference", ErrorOperator::kMatches, R"((a)\1)", 1),
      Type(2, "lookahead", ErrorOperator::kMatches, "(?=x)x", 2),
      Type(3, "any a", ErrorOperator::kContains, "a", 3),
  });
  EXPECT_EQ(classifier.Match("aa")->name, "any a");
  EXPECT_EQ(classifier.Match("x"), nullptr);
}

TEST(ErrorRule, PatternsAreBoundedAndCheckedNamingTheFieldAndSayingHowToFixThem) {
  const std::string field = "error_types[3].value";
  EXPECT_TRUE(CheckErrorRule(ErrorOperator::kMatches, "Concept .* not found", field));
  EXPECT_TRUE(CheckErrorRule(ErrorOperator::kMatches, kEvil, field));  // harmless on RE2
  EXPECT_TRUE(CheckErrorRule(ErrorOperator::kMatches, std::string(kMaxPatternChars, 'a'), field));

  struct Case {
    ErrorOperator op;
    std::string value;
    std::string says;
  };
  const std::vector<Case> refused{
      {ErrorOperator::kMatches, std::string(kMaxPatternChars + 1, 'a'),
       "has 1001 characters; a MATCHES pattern may have at most 1000"},
      {ErrorOperator::kMatches, R"((a)\1)", "invalid escape sequence: \\1"},
      {ErrorOperator::kMatches, "(?=x)", "invalid perl operator: (?="},
      {ErrorOperator::kMatches, "(?!x)", "no backreferences"},
      {ErrorOperator::kMatches, "([unclosed", "missing ]"},
      {ErrorOperator::kMatches, "((((((((((a{1000}){1000}){1000})))))))))",
       "invalid repetition size"},
      {ErrorOperator::kMatches, R"([\p{L}\p{N}]{1000}[\p{L}\p{N}]{1000})", "too large"},
      {ErrorOperator::kEquals, std::string(kClassifiedBytes + 1, 'e'),
       "has 4097 bytes; only the first 4096 bytes of an error message are classified"},
      {ErrorOperator::kContains, std::string(kClassifiedBytes + 1, 'c'), "could never match"},
  };
  for (const Case& c : refused) {
    auto checked = CheckErrorRule(c.op, c.value, field);
    ASSERT_FALSE(checked) << c.value.substr(0, 60);
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(checked.error().field, field);
    EXPECT_TRUE(checked.error().message.starts_with(field)) << checked.error().message;
    EXPECT_NE(checked.error().message.find(c.says), std::string::npos) << checked.error().message;
  }
  EXPECT_TRUE(CheckErrorRule(ErrorOperator::kContains, std::string(kClassifiedBytes, 'c'), field));
}

}  // namespace
}  // namespace avni::sync
