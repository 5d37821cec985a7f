#pragma once

#include <array>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace avni {

// Encrypts secret config values at rest (libsodium secretbox: XSalsa20-Poly1305).
// Sealed text is "v1:" + base64(nonce || ciphertext), so a future key rotation can tell
// versions apart. Thread-safe: the key never changes after construction.
class SecretBox {
 public:
  static constexpr std::size_t kKeySize = 32;
  using Key = std::array<unsigned char, kKeySize>;

  explicit SecretBox(const Key& key);
  ~SecretBox();
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  // The key comes from the environment variable AVNI_INT_SECRET_KEY (64 hex digits or base64
  // of 32 bytes) when set; otherwise from `key_file`, which is created (mode 0600) with a new
  // random key on first start. Errors name the variable or file and how to fix it.
  static Result<std::unique_ptr<SecretBox>> Load(const std::filesystem::path& key_file);

  std::string Seal(std::string_view plaintext) const;
  Result<std::string> Open(std::string_view sealed) const;
  static bool LooksSealed(std::string_view text);

 private:
  Key key_;
};

// Initialises libsodium once; every function of this module calls it. Safe to call often.
void EnsureSodium();

}  // namespace avni
