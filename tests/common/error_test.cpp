#include "common/error.hpp"

#include <gtest/gtest.h>

#include "common/time.hpp"

namespace avni {
namespace {

TEST(ErrorTest, CodesHaveTheirApiNames) {
  EXPECT_EQ(ToString(ErrorCode::kNotFound), "not_found");
  EXPECT_EQ(ToString(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(ToString(ErrorCode::kConflict), "conflict");
  EXPECT_EQ(ToString(ErrorCode::kUnavailable), "unavailable");
}

TEST(ErrorTest, InvalidArgumentNamesTheField) {
  Error e = Error::InvalidArgument("email", "email is required");
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field, "email");
}

TEST(TimeTest, FormatsIso8601WithMilliseconds) {
  EXPECT_EQ(FormatIso8601(FromEpochMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601(FromEpochMillis(1'709'210'096'007)), "2024-02-29T12:34:56.007Z");
}

}  // namespace
}  // namespace avni
