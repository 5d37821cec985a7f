#include "crypto/password.hpp"

#include <sodium.h>

#include <array>
#include <cctype>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "crypto/secret_box.hpp"

namespace avni {

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  if (auto ok = CheckPasswordPolicy(password); !ok) return Fail(ok.error());
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(Error::Internal("out of memory while hashing a password"));
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  const std::string h(hash);  // crypto_pwhash_str_verify needs a NUL-terminated string
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

namespace {

constexpr std::string_view kCommonPasswords[] = {
#include "crypto/common_passwords.inc"
};

std::size_t CodePoints(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "aaaaaaaaaaaa", "abcabcabcabc", "12341234123412": a unit of up to 4 bytes over and over.
bool IsRepeat(std::string_view text) {
  for (std::size_t unit = 1; unit <= 4 && unit * 2 <= text.size(); ++unit) {
    bool repeats = true;
    for (std::size_t i = unit; i < text.size() && repeats; ++i) repeats = text[i] == text[i - unit];
    if (repeats) return true;
  }
  return false;
}

// Each character one more (or one less) than the one before: "abcdefghijklm", "987654321098"
// (digits wrap around).
bool IsRun(std::string_view text) {
  for (int step : {1, -1}) {
    bool run = true;
    for (std::size_t i = 1; i < text.size() && run; ++i) {
      const int a = static_cast<unsigned char>(text[i - 1]);
      const int b = static_cast<unsigned char>(text[i]);
      const bool digits = std::isdigit(a) != 0 && std::isdigit(b) != 0;
      run = digits ? (a - '0' + step + 10) % 10 == b - '0' : a + step == b;
    }
    if (run) return true;
  }
  return false;
}

}  // namespace

Status CheckPasswordPolicy(std::string_view password) {
  const std::size_t length = CodePoints(password);
  if (length < kMinPasswordLength) {
    return Fail(Error::InvalidArgument(
        "password", fmt::format("password must have at least {} characters, not {}; a few "
                                "unrelated words make a long password that is easy to remember",
                                kMinPasswordLength, length)));
  }
  if (length > kMaxPasswordLength) {
    return Fail(Error::InvalidArgument(
        "password", fmt::format("password must have at most {} characters", kMaxPasswordLength)));
  }
  const std::string lower = AsciiLower(password);
  static const std::unordered_set<std::string_view> kCommon(std::begin(kCommonPasswords),
                                                            std::end(kCommonPasswords));
  if (kCommon.contains(lower)) {
    return Fail(Error::InvalidArgument(
        "password",
        "password is one of the most common passwords, the first ones an attacker "
        "tries; choose another"));
  }
  if (IsRepeat(lower) || IsRun(lower)) {
    return Fail(Error::InvalidArgument(
        "password",
        "password is a repeat or a run of characters (such as 'abcabcabcabc' or "
        "'123456789012'), which is guessed at once; choose another"));
  }
  return {};
}

std::string NewUuid() {
  EnsureSodium();
  std::array<unsigned char, 16> b{};
  randombytes_buf(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return fmt::format(
      "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:"
      "02x}"
      "{:02x}",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
      b[15]);
}

std::string NewToken(std::size_t bytes) {
  EnsureSodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

}  // namespace avni
