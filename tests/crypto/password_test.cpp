#include "crypto/password.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace avni {
namespace {

TEST(PasswordTest, HashIsArgon2idAndVerifiesOnlyTheRightPassword) {
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash.has_value());
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_EQ(hash->find("correct"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterY"));
  EXPECT_FALSE(VerifyPassword("garbage", "correct horse battery"));
}

TEST(PasswordTest, ShortPasswordIsRefusedNamingTheField) {
  auto hash = HashPassword("short");
  ASSERT_FALSE(hash.has_value());
  EXPECT_EQ(hash.error().field, "password");
  EXPECT_EQ(hash.error().code, ErrorCode::kInvalidArgument);
}

TEST(RandomTest, UuidsAreVersion4AndDistinct) {
  const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = NewUuid();
    EXPECT_TRUE(std::regex_match(u, v4)) << u;
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RandomTest, TokensAreUrlSafeAndLongEnough) {
  const std::string t = NewToken(32);
  EXPECT_EQ(t.size(), 43u);
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_NE(NewToken(), NewToken());
}

}  // namespace
}  // namespace avni
