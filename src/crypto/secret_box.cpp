#include "crypto/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>

namespace avni {
namespace {

constexpr std::string_view kPrefix = "v1:";
constexpr const char* kKeyEnv = "AVNI_INT_SECRET_KEY";

std::string ToBase64(const unsigned char* data, std::size_t size) {
  std::string out(sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool FromBase64(std::string_view text, std::vector<unsigned char>& out) {
  out.resize(text.size());
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), " \n\r\t", &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return false;
  }
  out.resize(len);
  return true;
}

bool DecodeKey(std::string_view text, SecretBox::Key& key) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  std::size_t len = 0;
  if (text.size() == 2 * SecretBox::kKeySize &&
      sodium_hex2bin(key.data(), key.size(), text.data(), text.size(), nullptr, &len, nullptr) == 0 &&
      len == key.size()) {
    return true;
  }
  std::vector<unsigned char> bytes;
  if (FromBase64(text, bytes) && bytes.size() == key.size()) {
    std::memcpy(key.data(), bytes.data(), key.size());
    return true;
  }
  return false;
}

}  // namespace

void EnsureSodium() {
  static const int once = sodium_init();
  (void)once;
}

SecretBox::SecretBox(const Key& key) : key_(key) { EnsureSodium(); }

SecretBox::~SecretBox() { sodium_memzero(key_.data(), key_.size()); }

Result<std::unique_ptr<SecretBox>> SecretBox::Load(const std::filesystem::path& key_file) {
  EnsureSodium();
  Key key{};
  if (const char* env = std::getenv(kKeyEnv); env != nullptr && *env != '\0') {
    if (!DecodeKey(env, key)) {
      return Fail(Error::InvalidArgument(
          kKeyEnv, fmt::format("{} must be 32 bytes as 64 hex digits or base64; make one with "
                               "`head -c32 /dev/urandom | base64`",
                               kKeyEnv)));
    }
    return std::make_unique<SecretBox>(key);
  }

  std::ifstream in(key_file);
  if (in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!DecodeKey(text, key)) {
      return Fail(Error::InvalidArgument(
          "secret key file",
          fmt::format("secret key file {} does not hold a 32-byte key (base64 or hex); restore "
                      "it from backup: without it the stored secrets cannot be read",
                      key_file.string())));
    }
    return std::make_unique<SecretBox>(key);
  }

  // First start: create the key file. O_EXCL makes two instances starting at once agree on
  // one key: the loser reads the winner's file.
  std::error_code ec;
  if (key_file.has_parent_path()) std::filesystem::create_directories(key_file.parent_path(), ec);
  randombytes_buf(key.data(), key.size());
  const int fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Load(key_file);
    return Fail(Error::Unavailable(fmt::format(
        "cannot create secret key file {}: {}; make its folder writable, or set {}",
        key_file.string(), std::strerror(errno), kKeyEnv)));
  }
  const std::string text = ToBase64(key.data(), key.size()) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                  ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    std::filesystem::remove(key_file, ec);
    return Fail(Error::Unavailable(
        fmt::format("cannot write secret key file {}; check free disk space", key_file.string())));
  }
  return std::make_unique<SecretBox>(key);
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        buf.data(), key_.data());
  return std::string(kPrefix) + ToBase64(buf.data(), buf.size());
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (!LooksSealed(sealed)) return Fail(Error::Internal("secret value is not sealed"));
  std::vector<unsigned char> buf;
  if (!FromBase64(sealed.substr(kPrefix.size()), buf) ||
      buf.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return Fail(Error::Internal("secret value is corrupt"));
  }
  std::string plain(buf.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                 buf.data() + crypto_secretbox_NONCEBYTES,
                                 buf.size() - crypto_secretbox_NONCEBYTES, buf.data(),
                                 key_.data()) != 0) {
    return Fail(Error::Internal(
        "a secret value cannot be decrypted with this key: the secret key differs from the one "
        "it was stored with"));
  }
  return plain;
}

bool SecretBox::LooksSealed(std::string_view text) { return text.starts_with(kPrefix); }

}  // namespace avni
