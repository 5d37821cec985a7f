#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

// Where outbound calls may go. A tenant's admin writes the URLs the service calls (avni_api_url,
// a job's ping_url, ...) but is not trusted with the operator's network: loopback, private,
// link-local and the other addresses that are never a public server are refused unless the
// operator allows them (serve --allow-private-targets, --allowed-targets CIDR,...).
namespace avni::http {

// An IPv4 or IPv6 address, as it was given: an IPv4-mapped IPv6 address stays IPv6.
class IpAddress {
 public:
  // "10.0.0.1", "::1", "::ffff:127.0.0.1"; nullopt for anything else (names, brackets, zones).
  static std::optional<IpAddress> Parse(std::string_view text);
  static IpAddress V4(const std::array<std::uint8_t, 4>& bytes);
  static IpAddress V6(const std::array<std::uint8_t, 16>& bytes);

  bool is_v4() const { return v4_; }
  // IPv4: the first 4 bytes; IPv6: all 16.
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  // The IPv4 address of an IPv4-mapped IPv6 one (::ffff:a.b.c.d); itself otherwise.
  IpAddress Unmapped() const;
  std::string ToString() const;

 private:
  bool v4_ = true;
  std::array<std::uint8_t, 16> bytes_{};
};

// ADDRESS/PREFIX, e.g. 10.0.5.0/24 or fd00::/8; a bare address is /32 or /128.
class Cidr {
 public:
  // Errors are kInvalidArgument naming `field` and the expected form; host bits set after the
  // prefix (10.0.5.7/24) are refused, naming the network that was probably meant.
  static Result<Cidr> Parse(std::string_view text, const std::string& field);
  // An IPv4 network also contains the IPv4-mapped IPv6 forms of its addresses.
  bool Contains(const IpAddress& address) const;
  std::string ToString() const;

 private:
  IpAddress network_;
  int prefix_ = 0;
};

// What kind of address that is never a public server `address` is: "loopback", "private",
// "link-local", "unspecified", "multicast", "broadcast", "shared (carrier-grade NAT)" or
// "reserved"; IPv4-mapped, NAT64 and 6to4 forms as the IPv4 address they carry. nullopt for a
// public address.
std::optional<std::string_view> NonPublicKind(const IpAddress& address);

// The operator's choice. The default refuses every non-public address.
struct TargetPolicy {
  bool allow_private = false;  // --allow-private-targets: everything is allowed
  std::vector<Cidr> allowed;   // --allowed-targets: these networks are allowed

  // A comma-separated list of CIDRs ("10.0.5.0/24,fd00::/8"); errors name --allowed-targets.
  static Result<std::vector<Cidr>> ParseList(std::string_view text);

  // nullopt when a connection to `address` is allowed; else the kind of address it is.
  std::optional<std::string_view> Refuses(const IpAddress& address) const;

  // The write-time check of a URL a tenant admin stores: refused when its host is a literal
  // address the policy refuses, or localhost. No DNS: the client checks every connection it
  // opens, which is the real guard. A value that is not a URL with a host passes (other checks
  // judge it). Errors are kInvalidArgument naming `key`, the address and the flag.
  Status CheckUrl(std::string_view key, std::string_view url) const;

  // The connection-time check of a host by name, for a request sent through a proxy (which
  // resolves the name itself): every address the name resolves to here must be allowed. A name
  // that does not resolve here passes (the proxy may know it). Errors as RefusedTarget's.
  Status CheckHostByName(std::string_view host, std::string_view display) const;
};

// How a refusal reads: "<display> resolves to <address>, a <kind> address, which outbound
// calls may not reach; allow it with serve --allow-private-targets or --allowed-targets CIDR".
std::string RefusalMessage(std::string_view display, const IpAddress& address,
                           std::string_view kind);

// The client's error for a refused connection: kUnavailable (the sync engine then fails the
// run with this message, as for a server it cannot reach, and never parks the records), with
// the field that IsRefusedTarget recognises.
Error RefusedTarget(std::string_view display, const IpAddress& address, std::string_view kind);
bool IsRefusedTarget(const Error& error);

// A refused target's error with the setting its URL came from in front ("avni_api_url: ...");
// any other error unchanged.
Error NameSetting(std::string_view key, Error error);

}  // namespace avni::http
