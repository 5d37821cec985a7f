#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

// The SRP-6a of Amazon Cognito's USER_SRP_AUTH, both sides, with no I/O. It follows what AWS's
// reference client (amazon-cognito-identity-js, AuthenticationHelper) computes byte for byte:
//   N, g = the 3072-bit group of RFC 5054 (RFC 3526), 2
//   pad(n) = n as even-length hex, with "00" in front when its first nibble has the high bit set
//   k = H(pad(N) || pad(g)), u = H(pad(A) || pad(B))
//   x = H(pad(salt) || H(poolName || userIdForSrp || ":" || password)), v = g^x
//   client S = (B - k·g^x)^(a + u·x), server S = (A·v^u)^b, all mod N
//   key = HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key") -> 16 bytes
//   signature = base64(HMAC-SHA256(key, poolName || userIdForSrp || secretBlock || timestamp))
// Big numbers cross this interface as lower-case hex (as Cognito sends them), keys as raw bytes.
// OpenSSL stays an implementation detail.
namespace avni::cognito {

// The timestamp Cognito signs: "EEE MMM d HH:mm:ss UTC yyyy" in UTC, the day NOT zero-padded
// ("Mon Jan 5 09:03:07 UTC 2026").
std::string FormatCognitoTimestamp(std::chrono::system_clock::time_point time);

// N of the SRP group Cognito uses (RFC 3526's 3072-bit prime), in upper-case hex.
std::string_view SrpGroupPrimeHex();
// The inverse; nullopt unless `text` is exactly what FormatCognitoTimestamp writes for it.
std::optional<std::chrono::system_clock::time_point> ParseCognitoTimestamp(std::string_view text);

// "eu-west-1_AbC123" -> "eu-west-1" and "AbC123" (the name SRP hashes); nullopt without a "_"
// or with an empty part.
std::optional<std::string> RegionOfPool(std::string_view pool_id);
std::optional<std::string> PoolNameOf(std::string_view pool_id);

std::string Base64Encode(std::string_view bytes);
// nullopt unless `text` is padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);

// pad(n) of the hex number `hex` (exposed so tests can pin the padding rule).
Result<std::string> PadHex(std::string_view hex);

// base64(HMAC-SHA256(key, pool_name || user_id_for_srp || secret_block || timestamp)): the
// PASSWORD_CLAIM_SIGNATURE both sides compute. `secret_block` is the decoded bytes.
std::string PasswordClaimSignature(std::string_view key, std::string_view pool_name,
                                   std::string_view user_id_for_srp, std::string_view secret_block,
                                   std::string_view timestamp);

// One login attempt of the client side: a fresh random `a` and A = g^a mod N. Not thread-safe;
// use one per attempt.
class SrpClient {
 public:
  SrpClient();

  // SRP_A, lower-case hex, unpadded.
  const std::string& LargeAHex() const { return large_a_hex_; }

  // The 16-byte key from the server's PASSWORD_VERIFIER challenge. Fails with kInvalidArgument
  // naming the parameter ("SALT", "SRP_B") when one is not hex, when B ≡ 0 (mod N) or when
  // u = 0: a server sending those would let anyone pass for this user.
  Result<std::string> PasswordKey(std::string_view pool_name, std::string_view user_id_for_srp,
                                  std::string_view password, std::string_view salt_hex,
                                  std::string_view srp_b_hex) const;

 private:
  std::string small_a_hex_;
  std::string large_a_hex_;
};

// What a user pool keeps for a user instead of the password.
struct SrpVerifier {
  std::string salt_hex;
  std::string verifier_hex;  // v = g^x mod N
};

// A verifier with a fresh random salt.
SrpVerifier MakeSrpVerifier(std::string_view pool_name, std::string_view user_id_for_srp,
                            std::string_view password);

// The server's half of one attempt: SRP_B to send and the key a client knowing the password
// derives.
struct SrpServerChallenge {
  std::string srp_b_hex;
  std::string key;  // 16 bytes
};

// Fails with kInvalidArgument naming "SRP_A" when A is not hex or A ≡ 0 (mod N) (that would
// make S = 0 whatever the password), or when u = 0.
Result<SrpServerChallenge> StartSrpServer(const SrpVerifier& verifier, std::string_view srp_a_hex);

}  // namespace avni::cognito
