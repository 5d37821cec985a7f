#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace avni {

// Password hashing with argon2id (libsodium's crypto_pwhash_str, interactive limits).
// Hashing takes about 0.1 s and 64 MiB on purpose; callers should not hold locks around it.
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

// What a new password must be: 12 to 1024 characters (code points, not bytes), not one of the
// common passwords shipped in common_passwords.inc (whatever its case), and not a single
// character or a short group of characters repeated, nor a run such as "abcdefghijkl" or
// "987654321098". Errors: invalid_argument naming "password" and saying what to do. HashPassword
// checks it; existing hashes are never re-judged.
inline constexpr std::size_t kMinPasswordLength = 12;
inline constexpr std::size_t kMaxPasswordLength = 1024;
Status CheckPasswordPolicy(std::string_view password);

// Random values: a v4 UUID, and an unguessable URL-safe token of `bytes` random bytes.
std::string NewUuid();
std::string NewToken(std::size_t bytes = 32);

}  // namespace avni
