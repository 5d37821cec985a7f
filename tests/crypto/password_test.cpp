#include "crypto/password.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <string>
#include <vector>

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

std::string PolicyError(std::string_view password) {
  auto ok = CheckPasswordPolicy(password);
  return ok ? "ok" : ok.error().message;
}

// Issue 15: "password" and "12345678" were accepted, and the minimum counted bytes.
TEST(PasswordTest, AtLeastTwelveCharactersCountedAsCodePoints) {
  EXPECT_NE(PolicyError("password").find("at least 12 characters"), std::string::npos);
  EXPECT_NE(PolicyError("12345678").find("at least 12 characters"), std::string::npos);
  EXPECT_NE(PolicyError("tiger-lily1").find("not 11"), std::string::npos);
  EXPECT_EQ(PolicyError("tiger-lily-1"), "ok");
  // 11 Devanagari letters are 33 bytes: still too short. 12 are enough.
  const std::string namaste = "\u0928\u092e\u0938\u094d\u0924\u0947";  // 6 code points
  EXPECT_NE(PolicyError(namaste + namaste.substr(0, 15)).find("not 11"), std::string::npos);
  EXPECT_EQ(PolicyError(namaste + namaste), "ok");
  EXPECT_EQ(PolicyError("ab" + std::string(1022, 'x')), "ok");
  EXPECT_NE(PolicyError("ab" + std::string(1023, 'x')).find("at most 1024"), std::string::npos);
}

TEST(PasswordTest, CommonRepeatedAndRunPasswordsAreRefused) {
  for (const char* common : {"password1234", "Password1234", "QWERTYUIOP123", "iloveyou1234",
                             "123456789012", "1q2w3e4r5t6y", "p@ssw0rd2024", "avniproject123"}) {
    EXPECT_NE(PolicyError(common).find("common"), std::string::npos) << common;
  }
  for (const char* pattern : {"aaaaaaaaaaaaaa", "abcabcabcabc", "xyz!xyz!xyz!", "bcdefghijklmno",
                              "yxwvutsrqpon", "890123456789", "321098765432"}) {
    EXPECT_NE(PolicyError(pattern).find("repeat or a run"), std::string::npos) << pattern;
  }
  for (const char* fine : {"correct horse battery", "tiger-lily-12", "Kolkata rains 7"}) {
    EXPECT_EQ(PolicyError(fine), "ok") << fine;
  }
}

// The shipped list: sorted (so that a review sees where a new entry goes), lower case, long
// enough to pass the length rule (a shorter one would never be reached), and each refused.
TEST(PasswordTest, EveryShippedCommonPasswordIsRefused) {
  std::ifstream in(std::string(AVNI_TEST_SOURCE_DIR) + "/src/crypto/common_passwords.inc");
  ASSERT_TRUE(in.good());
  std::vector<std::string> list;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("//")) continue;
    ASSERT_TRUE(line.size() > 3 && line.front() == '"' && line.ends_with("\","));
    list.push_back(line.substr(1, line.size() - 3));
  }
  ASSERT_GT(list.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));
  for (const std::string& p : list) {
    EXPECT_GE(p.size(), kMinPasswordLength) << p;
    std::string upper = p;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_NE(PolicyError(upper), "ok") << p;
  }
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex.
bool IsUuidV4(const std::string& u) {
  if (u.size() != 36) return false;
  for (std::size_t i = 0; i < u.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (u[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(u[i]) == std::string_view::npos) {
      return false;
    }
  }
  return u[14] == '4' && std::string_view("89ab").find(u[19]) != std::string_view::npos;
}

TEST(RandomTest, UuidsAreVersion4AndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string u = NewUuid();
    EXPECT_TRUE(IsUuidV4(u)) << u;
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
