#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace avni {

// Password hashing with argon2id (libsodium's crypto_pwhash_str, interactive limits).
// Hashing takes about 0.1 s and 64 MiB on purpose; callers should not hold locks around it.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

// The shortest password accepted; a longer minimum can be set by policy later.
inline constexpr std::size_t kMinPasswordLength = 8;
Status CheckPasswordPolicy(std::string_view password);

// Random values: a v4 UUID, and an unguessable URL-safe token of `bytes` random bytes.
std::string NewUuid();
std::string NewToken(std::size_t bytes = 32);

}  // namespace avni
