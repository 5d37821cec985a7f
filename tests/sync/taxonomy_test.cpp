// The engine's pure parts: error taxonomy, classification, retry bounds, cursor order.
#include <gtest/gtest.h>

#include "common/taxonomy.hpp"
#include "sync/error_classifier.hpp"
#include "sync/flow.hpp"
#include "sync/retry.hpp"

namespace avni::sync {
namespace {

TEST(Taxonomy, HttpAnswersSplitIntoAvailabilityAndDataErrors) {
  for (int status : {0, 408, 429, 502, 503, 504, 401, 403}) {
    EXPECT_TRUE(IsAvailability(ClassifyHttp(status, ""))) << status;
  }
  for (int status : {400, 404, 409, 422}) {
    EXPECT_FALSE(IsAvailability(ClassifyHttp(status, "bad"))) << status;
  }
  EXPECT_EQ(ClassifyHttp(409, "").code, ErrorCode::kConflict);
  EXPECT_EQ(ClassifyHttp(404, "").code, ErrorCode::kNotFound);
  EXPECT_EQ(ClassifyHttp(429, "").code, ErrorCode::kRateLimited);
}

TEST(Taxonomy, A500IsADataErrorOnlyWhenItsBodyIsAValidationMessage) {
  EXPECT_FALSE(IsAvailability(ClassifyHttp(500, "Subject type 'Individual' not found")));
  EXPECT_FALSE(IsAvailability(ClassifyHttp(500, "{\"message\":\"Invalid concept Blood\"}")));
  EXPECT_TRUE(IsAvailability(ClassifyHttp(500, "Internal Server Error")));
  EXPECT_TRUE(IsAvailability(ClassifyHttp(500, "<html><body>not found</body></html>")));
  // OpenMRS answers a duplicate patient identifier (an APIException) with 500 when it is not
  // caught by a validator first.
  EXPECT_EQ(ClassifyHttp(500, R"({"error":{"message":"[Identifier GAN1 already in use by )"
                              R"(another patient]","code":"org.openmrs.api.impl.)"
                              R"(PatientServiceImpl:1050"}})")
                .code,
            ErrorCode::kInvalidArgument);
  // An expired token is the client's to renew, not the data's fault.
  EXPECT_EQ(ClassifyHttp(500, "TokenExpiredException: invalid token").code,
            ErrorCode::kUnauthenticated);
  // So is a token avni-server cannot verify (another issuer, a forged signature).
  EXPECT_EQ(ClassifyHttp(500,
                         "java.lang.RuntimeException: com.auth0.jwt.exceptions."
                         "SignatureVerificationException: The Token's Signature resulted "
                         "invalid")
                .code,
            ErrorCode::kUnauthenticated);
}

TEST(Taxonomy, MessagesQuoteTheBodyButNotWithoutLimit) {
  const std::string body(5000, 'x');
  EXPECT_LT(ClassifyHttp(400, body).message.size(), 600u);
}

ErrorType Type(RowId id, std::string name, ErrorOperator op, std::string value, int priority,
               FollowUpStep step = FollowUpStep::kProcess) {
  return ErrorType{id, TenantId{1}, "", std::move(name), op, std::move(value), step, priority};
}

TEST(ErrorClassifier, FirstMatchByPriorityThenIdWins) {
  const ErrorClassifier classifier = ErrorClassifier::Make({
      Type(1, "broad", ErrorOperator::kContains, "concept", 9),
      Type(2, "exact", ErrorOperator::kEquals, "Concept X not found", 1),
      Type(3, "same priority, later id", ErrorOperator::kContains, "not found", 1),
  });
  EXPECT_EQ(classifier.Match("concept x NOT FOUND")->name, "exact");  // case ignored
  EXPECT_EQ(classifier.Match("Concept Y not found")->name, "same priority, later id");
  EXPECT_EQ(classifier.Match("Unknown concept Z")->name, "broad");
  EXPECT_EQ(classifier.Match("timeout"), nullptr);
}

// A pattern RE2 refuses is tested in error_rule_test.cpp: it matches nothing, where it used to
// fail the whole classifier (and so every run of the tenant).
TEST(ErrorClassifier, RegularExpressionsAreSearched) {
  const ErrorClassifier classifier = ErrorClassifier::Make({
      Type(1, "terminal", ErrorOperator::kMatches, "^Voided .* cannot", 0, FollowUpStep::kTerminal),
  });
  ASSERT_NE(classifier.Match("voided subject cannot be updated"), nullptr);
  EXPECT_EQ(classifier.Match("voided subject cannot be updated")->follow_up_step,
            FollowUpStep::kTerminal);
  EXPECT_EQ(classifier.Match("the voided subject cannot be updated"), nullptr);
}

TEST(Retrier, RetriesAvailabilityFailuresWithGrowingBoundedDelaysThenGivesUp) {
  std::vector<std::chrono::milliseconds> delays;
  RetryPolicy policy{5, std::chrono::milliseconds(100), std::chrono::milliseconds(300),
                     std::chrono::minutes(1)};
  Retrier retrier(
      policy,
      [&](auto d) {
        delays.push_back(d);
        return true;
      },
      42);
  int calls = 0;
  auto result = retrier.Run([&]() -> Result<int> {
    ++calls;
    return Fail(Error::Unavailable("down"));
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(calls, 5);
  ASSERT_EQ(delays.size(), 4u);
  EXPECT_GE(delays[0].count(), 50);
  EXPECT_LE(delays[0].count(), 100);
  for (auto d : delays) EXPECT_LE(d.count(), 300);
  EXPECT_GE(delays[3].count(), 150);
  EXPECT_NE(result.error().message.find("tried 5 times"), std::string::npos);
}

TEST(Retrier, DataErrorsAreNotRetriedAndAStopEndsTheWait) {
  Retrier retrier(
      {}, [](auto) { return false; }, 1);
  int calls = 0;
  auto data = retrier.Run([&]() -> Result<int> {
    ++calls;
    return Fail(Error::InvalidArgument("x", "bad"));
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(data.error().code, ErrorCode::kInvalidArgument);
  auto stopped = retrier.Run([&]() -> Result<int> {
    ++calls;
    return Fail(Error::Unavailable("down"));
  });
  EXPECT_EQ(calls, 2);  // the sleeper said stop: no second call
  EXPECT_FALSE(stopped);
}

TEST(Cursor, OrdersByTimeThenIdAndNumbers) {
  const auto t = FromEpochMillis(1000);
  Cursor at{t, "b", {}, {}};
  EXPECT_TRUE(After(Cursor{t, "c", {}, {}}, at));
  EXPECT_FALSE(After(Cursor{t, "b", {}, {}}, at));
  EXPECT_FALSE(After(Cursor{t, "a", {}, {}}, at));
  EXPECT_TRUE(After(Cursor{t + std::chrono::milliseconds(1), "a", {}, {}}, at));
  EXPECT_TRUE(After(at, Cursor{}));
  EXPECT_TRUE(After(Cursor{{}, "", 8, {}}, Cursor{{}, "", 7, {}}));
  EXPECT_FALSE(After(Cursor{{}, "", 7, {}}, Cursor{{}, "", 7, {}}));
}

}  // namespace
}  // namespace avni::sync
