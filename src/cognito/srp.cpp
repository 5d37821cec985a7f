#include "cognito/srp.hpp"

#include <fmt/format.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <memory>
#include <stdexcept>
#include <vector>

namespace avni::cognito {
namespace {

// RFC 3526's 3072-bit MODP group (the one RFC 5054 lists for SRP), as Cognito uses it.
constexpr std::string_view kGroupN =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404"
    "DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406"
    "B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD"
    "24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E46"
    "2E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D226"
    "1898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB397"
    "0F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A6452"
    "1F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CA"
    "FFFFFFFFFFFFFFFF";
constexpr std::string_view kInfo = "Caldera Derived Key";
// The size of the random exponents a and b, as the reference client draws them.
constexpr int kExponentBytes = 128;
constexpr int kSaltBytes = 16;

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct CtxFree {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
using Ctx = std::unique_ptr<BN_CTX, CtxFree>;

// OpenSSL fails here only when out of memory: that is not an expected failure.
void Check(int ok) {
  if (ok != 1) throw std::runtime_error("OpenSSL big number operation failed");
}

Bn NewBn() {
  Bn bn(BN_new());
  if (!bn) throw std::bad_alloc();
  return bn;
}

Ctx NewCtx() {
  Ctx ctx(BN_CTX_new());
  if (!ctx) throw std::bad_alloc();
  return ctx;
}

std::optional<Bn> FromHex(std::string_view hex) {
  if (hex.empty() || hex.size() > 4096) return std::nullopt;
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  std::string text(hex);
  BIGNUM* raw = nullptr;
  if (BN_hex2bn(&raw, text.c_str()) == 0) return std::nullopt;
  return Bn(raw);
}

Bn FromHexOrThrow(std::string_view hex) {
  auto bn = FromHex(hex);
  if (!bn) throw std::logic_error("bad built-in hex constant");
  return std::move(*bn);
}

Bn FromBytes(std::string_view bytes) {
  Bn bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()), nullptr));
  if (!bn) throw std::bad_alloc();
  return bn;
}

std::string ToHex(const BIGNUM* bn) {
  char* raw = BN_bn2hex(bn);
  if (raw == nullptr) throw std::bad_alloc();
  std::string hex(raw);
  OPENSSL_free(raw);
  for (char& c : hex) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  // BN_bn2hex pads to whole bytes; Cognito and its reference client write numbers unpadded.
  while (hex.size() > 1 && hex[0] == '0') hex.erase(0, 1);
  return hex;
}

// The reference client's padHex for non-negative numbers: even length, and a leading "00"
// when the first nibble has its high bit set (so the bytes read as a positive number).
std::string Pad(const BIGNUM* bn) {
  std::string hex = ToHex(bn);
  if (hex.size() % 2 != 0) hex.insert(0, "0");
  if (std::string_view("89abcdef").find(hex[0]) != std::string_view::npos) hex.insert(0, "00");
  return hex;
}

std::string HexToBytes(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string BytesToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &size) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  out.resize(size);
  return out;
}

// H over the bytes of a hex string, as a number.
Bn HashOfHex(std::string_view hex) { return FromBytes(Sha256(HexToBytes(hex))); }

std::string RandomBytes(int count) {
  std::string out(static_cast<std::size_t>(count), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), count) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return out;
}

struct Group {
  Bn n = FromHexOrThrow(kGroupN);
  Bn g = FromHexOrThrow("2");
  Bn k = HashOfHex(Pad(n.get()) + Pad(g.get()));
};

Bn ModExp(const BIGNUM* base, const BIGNUM* exponent, const BIGNUM* modulus, BN_CTX* ctx) {
  Bn out = NewBn();
  Check(BN_mod_exp(out.get(), base, exponent, modulus, ctx));
  return out;
}

Bn Mod(const BIGNUM* value, const BIGNUM* modulus, BN_CTX* ctx) {
  Bn out = NewBn();
  Check(BN_nnmod(out.get(), value, modulus, ctx));
  return out;
}

// x = H(pad(salt) || H(pool_name || user || ":" || password)).
Bn ComputeX(const BIGNUM* salt, std::string_view pool_name, std::string_view user,
            std::string_view password) {
  std::string inner = Sha256(fmt::format("{}{}:{}", pool_name, user, password));
  Bn x = HashOfHex(Pad(salt) + BytesToHex(inner));
  OPENSSL_cleanse(inner.data(), inner.size());
  return x;
}

Bn ComputeU(const BIGNUM* a, const BIGNUM* b) { return HashOfHex(Pad(a) + Pad(b)); }

// HKDF-SHA256 with one block of output, truncated to 16 bytes.
std::string DeriveKey(const BIGNUM* s, const BIGNUM* u) {
  std::string prk = HmacSha256(HexToBytes(Pad(u)), HexToBytes(Pad(s)));
  std::string info(kInfo);
  info.push_back('\x01');
  std::string key = HmacSha256(prk, info).substr(0, 16);
  OPENSSL_cleanse(prk.data(), prk.size());
  return key;
}

constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string_view SrpGroupPrimeHex() { return kGroupN; }

std::string FormatCognitoTimestamp(std::chrono::system_clock::time_point time) {
  std::time_t seconds =
      std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(time));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{} {} {} {:02}:{:02}:{:02} UTC {}", kWeekdays[tm.tm_wday], kMonths[tm.tm_mon],
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

std::optional<std::chrono::system_clock::time_point> ParseCognitoTimestamp(std::string_view text) {
  // "Mon Jan 5 09:03:07 UTC 2026": read the fields, then demand the exact canonical text.
  if (text.size() < 20 || text.size() > 40) return std::nullopt;
  std::string copy(text);
  char weekday[4] = {}, month[4] = {}, zone[4] = {};
  int day = 0, hour = 0, minute = 0, second = 0, year = 0, consumed = 0;
  if (std::sscanf(copy.c_str(), "%3s %3s %d %d:%d:%d %3s %d%n", weekday, month, &day, &hour,
                  &minute, &second, zone, &year, &consumed) != 8 ||
      static_cast<std::size_t>(consumed) != copy.size()) {
    return std::nullopt;
  }
  unsigned month_index = 0;
  while (month_index < kMonths.size() && kMonths[month_index] != month) ++month_index;
  if (month_index == kMonths.size()) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month_index + 1),
                                   std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
      second > 59) {
    return std::nullopt;
  }
  auto time = std::chrono::sys_days(date) + std::chrono::hours(hour) +
              std::chrono::minutes(minute) + std::chrono::seconds(second);
  std::chrono::system_clock::time_point point(time);
  if (FormatCognitoTimestamp(point) != text) return std::nullopt;
  return point;
}

std::optional<std::string> RegionOfPool(std::string_view pool_id) {
  auto underscore = pool_id.find('_');
  if (underscore == std::string_view::npos || underscore == 0 || underscore + 1 == pool_id.size()) {
    return std::nullopt;
  }
  return std::string(pool_id.substr(0, underscore));
}

std::optional<std::string> PoolNameOf(std::string_view pool_id) {
  if (!RegionOfPool(pool_id)) return std::nullopt;
  return std::string(pool_id.substr(pool_id.find('_') + 1));
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int size = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(bytes.data()),
                             static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(size));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0 || text.size() > (1u << 20)) return std::nullopt;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '=') {
      if (i + 2 < text.size()) return std::nullopt;
      ++padding;
    } else if (padding > 0 ||
               !(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/')) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                             reinterpret_cast<const unsigned char*>(text.data()),
                             static_cast<int>(text.size()));
  if (size < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(size) - padding);
  return out;
}

Result<std::string> PadHex(std::string_view hex) {
  auto bn = FromHex(hex);
  if (!bn) return Fail(Error::InvalidArgument("hex", "not a hexadecimal number"));
  return Pad(bn->get());
}

std::string PasswordClaimSignature(std::string_view key, std::string_view pool_name,
                                   std::string_view user_id_for_srp, std::string_view secret_block,
                                   std::string_view timestamp) {
  std::string message;
  message.reserve(pool_name.size() + user_id_for_srp.size() + secret_block.size() +
                  timestamp.size());
  message.append(pool_name).append(user_id_for_srp).append(secret_block).append(timestamp);
  return Base64Encode(HmacSha256(key, message));
}

SrpClient::SrpClient() {
  Group group;
  Ctx ctx = NewCtx();
  // A ≡ 0 would need a ≡ 0 mod the group order: redraw rather than reason about it.
  while (true) {
    Bn a = FromBytes(RandomBytes(kExponentBytes));
    Bn large_a = ModExp(group.g.get(), a.get(), group.n.get(), ctx.get());
    if (BN_is_zero(large_a.get())) continue;
    small_a_hex_ = ToHex(a.get());
    large_a_hex_ = ToHex(large_a.get());
    return;
  }
}

Result<std::string> SrpClient::PasswordKey(std::string_view pool_name,
                                           std::string_view user_id_for_srp,
                                           std::string_view password, std::string_view salt_hex,
                                           std::string_view srp_b_hex) const {
  auto salt = FromHex(salt_hex);
  if (!salt) return Fail(Error::InvalidArgument("SALT", "SALT is not a hexadecimal number"));
  auto b = FromHex(srp_b_hex);
  if (!b) return Fail(Error::InvalidArgument("SRP_B", "SRP_B is not a hexadecimal number"));
  Group group;
  Ctx ctx = NewCtx();
  if (BN_is_zero(Mod(b->get(), group.n.get(), ctx.get()).get())) {
    return Fail(Error::InvalidArgument("SRP_B", "SRP_B is 0 modulo N, which SRP forbids"));
  }
  Bn a = FromHexOrThrow(small_a_hex_);
  Bn large_a = FromHexOrThrow(large_a_hex_);
  Bn u = ComputeU(large_a.get(), b->get());
  if (BN_is_zero(u.get())) {
    return Fail(Error::InvalidArgument("SRP_B", "u = H(A, B) is 0, which SRP forbids"));
  }
  Bn x = ComputeX(salt->get(), pool_name, user_id_for_srp, password);
  // base = (B - k·g^x) mod N; exponent = a + u·x (not reduced, as the reference computes).
  Bn g_x = ModExp(group.g.get(), x.get(), group.n.get(), ctx.get());
  Bn k_g_x = NewBn();
  Check(BN_mod_mul(k_g_x.get(), group.k.get(), g_x.get(), group.n.get(), ctx.get()));
  Bn base = NewBn();
  Check(BN_mod_sub(base.get(), b->get(), k_g_x.get(), group.n.get(), ctx.get()));
  Bn u_x = NewBn();
  Check(BN_mul(u_x.get(), u.get(), x.get(), ctx.get()));
  Bn exponent = NewBn();
  Check(BN_add(exponent.get(), a.get(), u_x.get()));
  Bn s = ModExp(base.get(), exponent.get(), group.n.get(), ctx.get());
  return DeriveKey(s.get(), u.get());
}

SrpVerifier MakeSrpVerifier(std::string_view pool_name, std::string_view user_id_for_srp,
                            std::string_view password) {
  Group group;
  Ctx ctx = NewCtx();
  Bn salt = FromBytes(RandomBytes(kSaltBytes));
  Bn x = ComputeX(salt.get(), pool_name, user_id_for_srp, password);
  Bn v = ModExp(group.g.get(), x.get(), group.n.get(), ctx.get());
  return SrpVerifier{.salt_hex = ToHex(salt.get()), .verifier_hex = ToHex(v.get())};
}

Result<SrpServerChallenge> StartSrpServer(const SrpVerifier& verifier, std::string_view srp_a_hex) {
  auto a = FromHex(srp_a_hex);
  if (!a) return Fail(Error::InvalidArgument("SRP_A", "SRP_A is not a hexadecimal number"));
  Group group;
  Ctx ctx = NewCtx();
  if (BN_is_zero(Mod(a->get(), group.n.get(), ctx.get()).get())) {
    return Fail(Error::InvalidArgument("SRP_A", "SRP_A is 0 modulo N, which SRP forbids"));
  }
  Bn v = FromHexOrThrow(verifier.verifier_hex);
  while (true) {
    Bn b = FromBytes(RandomBytes(kExponentBytes));
    // B = (k·v + g^b) mod N; a B ≡ 0 would be refused by every client, so draw again.
    Bn k_v = NewBn();
    Check(BN_mod_mul(k_v.get(), group.k.get(), v.get(), group.n.get(), ctx.get()));
    Bn g_b = ModExp(group.g.get(), b.get(), group.n.get(), ctx.get());
    Bn large_b = NewBn();
    Check(BN_mod_add(large_b.get(), k_v.get(), g_b.get(), group.n.get(), ctx.get()));
    if (BN_is_zero(large_b.get())) continue;
    Bn u = ComputeU(a->get(), large_b.get());
    if (BN_is_zero(u.get())) {
      return Fail(Error::InvalidArgument("SRP_A", "u = H(A, B) is 0, which SRP forbids"));
    }
    // S = (A·v^u)^b mod N.
    Bn v_u = ModExp(v.get(), u.get(), group.n.get(), ctx.get());
    Bn base = NewBn();
    Check(BN_mod_mul(base.get(), a->get(), v_u.get(), group.n.get(), ctx.get()));
    Bn s = ModExp(base.get(), b.get(), group.n.get(), ctx.get());
    return SrpServerChallenge{.srp_b_hex = ToHex(large_b.get()),
                              .key = DeriveKey(s.get(), u.get())};
  }
}

}  // namespace avni::cognito
