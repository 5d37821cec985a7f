#include "http/target_policy.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "http/url.hpp"

namespace avni::http {
namespace {

constexpr std::string_view kField = "outbound_target";
constexpr std::string_view kHowToAllow =
    "allow it with serve --allow-private-targets or --allowed-targets CIDR";

std::uint32_t V4Number(const IpAddress& address) {
  const auto& b = address.bytes();
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
         std::uint32_t{b[3]};
}

bool InV4(std::uint32_t address, std::uint32_t network, int prefix) {
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
  return (address & mask) == network;
}

std::optional<std::string_view> V4Kind(std::uint32_t a) {
  struct Range {
    std::uint32_t network;
    int prefix;
    std::string_view kind;
  };
  // IANA's special-purpose registry, less the ranges that are public servers (anycast relays).
  static constexpr Range kRanges[] = {
      {0x00000000, 32, "unspecified"},                 // 0.0.0.0 (Linux connects it to loopback)
      {0x00000000, 8, "reserved"},                     // 0.0.0.0/8 "this network"
      {0x0A000000, 8, "private"},                      // 10.0.0.0/8
      {0x64400000, 10, "shared (carrier-grade NAT)"},  // 100.64.0.0/10
      {0x7F000000, 8, "loopback"},                     // 127.0.0.0/8
      {0xA9FE0000, 16, "link-local"},                  // 169.254.0.0/16 (cloud metadata)
      {0xAC100000, 12, "private"},                     // 172.16.0.0/12
      {0xC0000000, 24, "reserved"},                    // 192.0.0.0/24 protocol assignments
      {0xC0000200, 24, "reserved"},                    // 192.0.2.0/24 documentation
      {0xC0A80000, 16, "private"},                     // 192.168.0.0/16
      {0xC6120000, 15, "reserved"},                    // 198.18.0.0/15 benchmarking
      {0xC6336400, 24, "reserved"},                    // 198.51.100.0/24 documentation
      {0xCB007100, 24, "reserved"},                    // 203.0.113.0/24 documentation
      {0xE0000000, 4, "multicast"},                    // 224.0.0.0/4
      {0xFFFFFFFF, 32, "broadcast"},                   // 255.255.255.255
      {0xF0000000, 4, "reserved"},                     // 240.0.0.0/4
  };
  for (const Range& range : kRanges) {
    if (InV4(a, range.network, range.prefix)) return range.kind;
  }
  return std::nullopt;
}

// Whether the first `bits` bits of `bytes` are those of `prefix`.
bool StartsWith(const std::array<std::uint8_t, 16>& bytes,
                std::initializer_list<std::uint8_t> prefix, int bits) {
  int i = 0;
  for (const std::uint8_t byte : prefix) {
    const int left = bits - i * 8;
    if (left <= 0) break;
    const std::uint8_t mask = left >= 8 ? 0xFF : static_cast<std::uint8_t>(0xFF << (8 - left));
    if ((bytes[static_cast<std::size_t>(i)] & mask) != (byte & mask)) return false;
    ++i;
  }
  return true;
}

std::uint32_t Embedded(const std::array<std::uint8_t, 16>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

std::optional<std::string_view> V6Kind(const std::array<std::uint8_t, 16>& b) {
  const bool first_ten_zero = std::all_of(b.begin(), b.begin() + 10, [](auto x) { return x == 0; });
  const bool first_twelve_zero = first_ten_zero && b[10] == 0 && b[11] == 0;
  if (first_twelve_zero) {
    if (std::all_of(b.begin() + 12, b.end(), [](auto x) { return x == 0; })) return "unspecified";
    if (b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 1) return "loopback";
    return "reserved";  // ::a.b.c.d, the deprecated IPv4-compatible form
  }
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated): the IPv4 address.
  if (first_ten_zero && b[10] == 0xFF && b[11] == 0xFF) return V4Kind(Embedded(b, 12));
  if (StartsWith(b, {0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0}, 96)) return V4Kind(Embedded(b, 12));
  // 64:ff9b::/96, NAT64's well-known prefix: the IPv4 address it is translated to.
  if (StartsWith(b, {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) {
    return V4Kind(Embedded(b, 12));
  }
  if (StartsWith(b, {0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48)) return "private";  // local NAT64
  if (StartsWith(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64)) return "reserved";       // discard-only
  if (StartsWith(b, {0x20, 0x01, 0x0D, 0xB8}, 32)) return "reserved";             // documentation
  if (StartsWith(b, {0x20, 0x02}, 16)) return V4Kind(Embedded(b, 2));  // 6to4: its IPv4 address
  if (StartsWith(b, {0xFC}, 7)) return "private";                      // fc00::/7 unique local
  if (StartsWith(b, {0xFE, 0x80}, 10)) return "link-local";            // fe80::/10
  if (StartsWith(b, {0xFE, 0xC0}, 10)) return "private";               // fec0::/10 site-local
  if (b[0] == 0xFF) return "multicast";                                // ff00::/8
  return std::nullopt;
}

bool IsLocalhostName(std::string_view host) {
  return host == "localhost" || host.ends_with(".localhost");
}

std::string_view Article(std::string_view kind) {
  return kind.find_first_of("aeiou") == 0 ? "an" : "a";
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string copy(text);
  std::array<std::uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, copy.c_str(), bytes.data()) == 1) {
    return V4({bytes[0], bytes[1], bytes[2], bytes[3]});
  }
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) == 1) return V6(bytes);
  return std::nullopt;
}

IpAddress IpAddress::V4(const std::array<std::uint8_t, 4>& bytes) {
  IpAddress address;
  address.v4_ = true;
  std::copy(bytes.begin(), bytes.end(), address.bytes_.begin());
  return address;
}

IpAddress IpAddress::V6(const std::array<std::uint8_t, 16>& bytes) {
  IpAddress address;
  address.v4_ = false;
  address.bytes_ = bytes;
  return address;
}

IpAddress IpAddress::Unmapped() const {
  if (v4_ || !std::all_of(bytes_.begin(), bytes_.begin() + 10, [](auto x) { return x == 0; }) ||
      bytes_[10] != 0xFF || bytes_[11] != 0xFF) {
    return *this;
  }
  return V4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]});
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(v4_ ? AF_INET : AF_INET6, bytes_.data(), text, sizeof text);
  return text;
}

Result<Cidr> Cidr::Parse(std::string_view text, const std::string& field) {
  const std::string given = Trim(text);
  auto bad = [&](std::string_view why) {
    return Fail(Error::InvalidArgument(
        field, fmt::format("{}: '{}' {}; give ADDRESS/PREFIX, e.g. 10.0.5.0/24 or fd00::/8", field,
                           given, why)));
  };
  const auto slash = given.find('/');
  auto address = IpAddress::Parse(std::string_view(given).substr(0, slash));
  if (!address) return bad("is not an IP address or network");
  const int max = address->is_v4() ? 32 : 128;
  int prefix = max;
  if (slash != std::string::npos) {
    const std::string digits = given.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("has no prefix length after the /");
    }
    prefix = std::stoi(digits);
    if (prefix > max) return bad(fmt::format("has a prefix longer than {} bits", max));
  }
  Cidr cidr;
  cidr.network_ = *address;
  cidr.prefix_ = prefix;
  // The network itself: its address with the bits after the prefix cleared.
  auto masked = address->bytes();
  const std::size_t width = address->is_v4() ? 4 : 16;
  for (std::size_t i = 0; i < width; ++i) {
    const int left = prefix - static_cast<int>(i) * 8;
    masked[i] &= left >= 8 ? 0xFF : left <= 0 ? 0 : static_cast<std::uint8_t>(0xFF << (8 - left));
  }
  if (masked != address->bytes()) {
    IpAddress network = address->is_v4()
                            ? IpAddress::V4({masked[0], masked[1], masked[2], masked[3]})
                            : IpAddress::V6(masked);
    return bad(fmt::format("has bits set after its /{} prefix (did you mean {}/{}?)", prefix,
                           network.ToString(), prefix));
  }
  return cidr;
}

bool Cidr::Contains(const IpAddress& given) const {
  const IpAddress address = network_.is_v4() ? given.Unmapped() : given;
  if (address.is_v4() != network_.is_v4()) return false;
  const auto& a = address.bytes();
  const auto& n = network_.bytes();
  for (int i = 0; i * 8 < prefix_; ++i) {
    const int left = prefix_ - i * 8;
    const std::uint8_t mask = left >= 8 ? 0xFF : static_cast<std::uint8_t>(0xFF << (8 - left));
    const auto at = static_cast<std::size_t>(i);
    if ((a[at] & mask) != (n[at] & mask)) return false;
  }
  return true;
}

std::string Cidr::ToString() const { return fmt::format("{}/{}", network_.ToString(), prefix_); }

std::optional<std::string_view> NonPublicKind(const IpAddress& address) {
  return address.is_v4() ? V4Kind(V4Number(address)) : V6Kind(address.bytes());
}

Result<std::vector<Cidr>> TargetPolicy::ParseList(std::string_view text) {
  std::vector<Cidr> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto item =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (!Trim(item).empty()) {
      auto cidr = Cidr::Parse(item, "--allowed-targets");
      if (!cidr) return Fail(cidr.error());
      out.push_back(*cidr);
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::optional<std::string_view> TargetPolicy::Refuses(const IpAddress& address) const {
  if (allow_private) return std::nullopt;
  const auto kind = NonPublicKind(address);
  if (!kind) return std::nullopt;
  const bool listed = std::any_of(allowed.begin(), allowed.end(),
                                  [&](const Cidr& cidr) { return cidr.Contains(address); });
  if (listed) return std::nullopt;
  return kind;
}

Status TargetPolicy::CheckUrl(std::string_view key, std::string_view url) const {
  if (allow_private) return {};
  const auto target = ParseUrlTarget(url);
  if (!target) return {};
  std::optional<IpAddress> address = IpAddress::Parse(target->host);
  // localhost and its subdomains are loopback wherever they are resolved (RFC 6761; libcurl
  // answers them itself).
  if (!address && IsLocalhostName(target->host)) address = IpAddress::V4({127, 0, 0, 1});
  if (!address) return {};
  const auto kind = Refuses(*address);
  if (!kind) return {};
  return Fail(Error::InvalidArgument(
      std::string(key),
      fmt::format("{}: {}", key, RefusalMessage(target->display, *address, *kind))));
}

Status TargetPolicy::CheckHostByName(std::string_view host, std::string_view display) const {
  if (allow_private) return {};
  std::vector<IpAddress> addresses;
  if (auto literal = IpAddress::Parse(host)) {
    addresses.push_back(*literal);
  } else if (IsLocalhostName(host)) {
    addresses.push_back(IpAddress::V4({127, 0, 0, 1}));
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string name(host);
    if (getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0) return {};
    const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
    for (const addrinfo* at = found; at != nullptr; at = at->ai_next) {
      if (at->ai_family == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, at->ai_addr, sizeof in);
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &in.sin_addr, 4);
        addresses.push_back(IpAddress::V4(bytes));
      } else if (at->ai_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, at->ai_addr, sizeof in6);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &in6.sin6_addr, 16);
        addresses.push_back(IpAddress::V6(bytes));
      }
    }
  }
  for (const IpAddress& address : addresses) {
    if (const auto kind = Refuses(address)) {
      return Fail(RefusedTarget(display, address, *kind));
    }
  }
  return {};
}

std::string RefusalMessage(std::string_view display, const IpAddress& address,
                           std::string_view kind) {
  const std::string text = address.ToString();
  // A literal address names itself; a name says what it resolved to.
  std::string_view host = display;
  if (host.starts_with('[')) host = host.substr(1, host.find(']') - 1);
  const bool literal = host == text || host.starts_with(text + ":");
  if (literal) {
    return fmt::format("{} is {} {} address, which outbound calls may not reach; {}", display,
                       Article(kind), kind, kHowToAllow);
  }
  return fmt::format("{} resolves to {}, {} {} address, which outbound calls may not reach; {}",
                     display, text, Article(kind), kind, kHowToAllow);
}

Error RefusedTarget(std::string_view display, const IpAddress& address, std::string_view kind) {
  return Error{ErrorCode::kUnavailable, RefusalMessage(display, address, kind),
               std::string(kField)};
}

bool IsRefusedTarget(const Error& error) {
  return error.code == ErrorCode::kUnavailable && error.field == kField;
}

Error NameSetting(std::string_view key, Error error) {
  if (IsRefusedTarget(error)) error.message = fmt::format("{}: {}", key, error.message);
  return error;
}

}  // namespace avni::http
