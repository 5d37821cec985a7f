#include "crypto/secret_box.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace avni {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "avni-key-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

SecretBox::Key Key(unsigned char seed) {
  SecretBox::Key k{};
  k.fill(seed);
  return k;
}

TEST(SecretBoxTest, SealedTextDoesNotContainThePlaintextAndOpensBack) {
  SecretBox box(Key(1));
  const std::string sealed = box.Seal("s3cret-password");
  EXPECT_EQ(sealed.find("s3cret"), std::string::npos);
  EXPECT_TRUE(SecretBox::LooksSealed(sealed));
  auto opened = box.Open(sealed);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "s3cret-password");
}

TEST(SecretBoxTest, SameValueSealsDifferentlyEachTime) {
  SecretBox box(Key(1));
  EXPECT_NE(box.Seal("x"), box.Seal("x"));
}

TEST(SecretBoxTest, AnotherKeyCannotOpen) {
  SecretBox a(Key(1)), b(Key(2));
  auto opened = b.Open(a.Seal("value"));
  ASSERT_FALSE(opened.has_value());
  EXPECT_NE(opened.error().message.find("secret key differs"), std::string::npos);
}

TEST(SecretBoxTest, TamperedTextIsRefused) {
  SecretBox box(Key(1));
  std::string sealed = box.Seal("value");
  sealed[sealed.size() - 3] = sealed[sealed.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.Open(sealed).has_value());
}

TEST(SecretBoxTest, LoadCreatesAKeyFileReadableOnlyByItsOwnerAndReusesIt) {
  unsetenv("AVNI_INT_SECRET_KEY");
  TempDir dir;
  const auto file = dir.path() / "sub" / "secret.key";
  auto first = SecretBox::Load(file);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  const std::string sealed = (*first)->Seal("kept");
  auto second = SecretBox::Load(file);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ((*second)->Open(sealed).value(), "kept");
}

TEST(SecretBoxTest, EnvironmentKeyWinsAndABadOneIsNamed) {
  TempDir dir;
  setenv("AVNI_INT_SECRET_KEY", "0101010101010101010101010101010101010101010101010101010101010101",
         1);
  auto box = SecretBox::Load(dir.path() / "unused.key");
  ASSERT_TRUE(box.has_value());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "unused.key"));
  SecretBox same(Key(1));
  EXPECT_EQ(same.Open((*box)->Seal("v")).value(), "v");

  setenv("AVNI_INT_SECRET_KEY", "too-short", 1);
  auto bad = SecretBox::Load(dir.path() / "unused.key");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field, "AVNI_INT_SECRET_KEY");
  unsetenv("AVNI_INT_SECRET_KEY");
}

TEST(SecretBoxTest, ACorruptKeyFileIsRefusedNotReplaced) {
  unsetenv("AVNI_INT_SECRET_KEY");
  TempDir dir;
  const auto file = dir.path() / "secret.key";
  std::ofstream(file) << "not a key\n";
  auto box = SecretBox::Load(file);
  ASSERT_FALSE(box.has_value());
  EXPECT_NE(box.error().message.find("restore it from backup"), std::string::npos);
  std::ifstream in(file);
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "not a key");
}

TEST(SecretBoxTest, AFolderThatCannotHoldTheKeyIsReportedWithTheFix) {
  unsetenv("AVNI_INT_SECRET_KEY");
  TempDir dir;
  // A file where the folder should be: no one, root included, can create the key there.
  std::ofstream(dir.path() / "var") << "a file";
  auto box = SecretBox::Load(dir.path() / "var" / "secret.key");
  ASSERT_FALSE(box.has_value());
  EXPECT_NE(box.error().message.find("cannot create secret key file"), std::string::npos);
  EXPECT_NE(box.error().message.find("make its folder writable"), std::string::npos);
}

}  // namespace
}  // namespace avni
