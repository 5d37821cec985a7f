// The outbound target policy on its own: which addresses are never a public server, the
// networks an operator allows, the write-time check of a URL, and no_proxy matching.
#include "http/target_policy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/proxy.hpp"

namespace avni::http {
namespace {

std::string KindOf(const std::string& text) {
  const auto address = IpAddress::Parse(text);
  EXPECT_TRUE(address.has_value()) << text;
  if (!address) return "?";
  const auto kind = NonPublicKind(*address);
  return kind ? std::string(*kind) : "public";
}

TEST(TargetPolicyTest, NamesEveryKindOfAddressThatIsNeverAPublicServer) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"127.0.0.1", "loopback"},
      {"127.255.0.9", "loopback"},
      {"::1", "loopback"},
      {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},
      {"fd12::1", "private"},
      {"fc00::1", "private"},
      {"169.254.169.254", "link-local"},
      {"fe80::1", "link-local"},
      {"0.0.0.0", "unspecified"},
      {"::", "unspecified"},
      {"0.1.2.3", "reserved"},
      {"100.64.0.1", "shared (carrier-grade NAT)"},
      {"224.0.0.1", "multicast"},
      {"ff02::1", "multicast"},
      {"255.255.255.255", "broadcast"},
      {"240.0.0.1", "reserved"},
      {"192.0.2.10", "reserved"},
      {"2001:db8::1", "reserved"},
      // The IPv6 forms of IPv4 addresses are what they carry.
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:169.254.169.254", "link-local"},
      {"::ffff:10.0.0.1", "private"},
      {"64:ff9b::a9fe:a9fe", "link-local"},
      {"2002:7f00:1::", "loopback"},
      {"::127.0.0.1", "reserved"},
      // Public servers.
      {"1.1.1.1", "public"},
      {"172.32.0.1", "public"},
      {"100.128.0.1", "public"},
      {"::ffff:8.8.8.8", "public"},
      {"2606:4700::1111", "public"},
  };
  for (const auto& [address, kind] : cases) EXPECT_EQ(KindOf(address), kind) << address;
}

TEST(TargetPolicyTest, AllowedNetworksAreParsedStrictlyAndMatchMappedForms) {
  auto networks = TargetPolicy::ParseList(" 10.0.5.0/24, fd00::/8 ,127.0.0.1");
  ASSERT_TRUE(networks) << networks.error().message;
  ASSERT_EQ(networks->size(), 3u);
  EXPECT_EQ((*networks)[0].ToString(), "10.0.5.0/24");
  EXPECT_EQ((*networks)[2].ToString(), "127.0.0.1/32");
  const TargetPolicy policy{.allowed = *networks};
  for (const char* allowed : {"10.0.5.9", "::ffff:10.0.5.9", "fd00::5", "127.0.0.1", "8.8.8.8"}) {
    EXPECT_FALSE(policy.Refuses(*IpAddress::Parse(allowed))) << allowed;
  }
  for (const char* refused : {"10.0.6.1", "127.0.0.2", "fe80::1", "169.254.169.254"}) {
    EXPECT_TRUE(policy.Refuses(*IpAddress::Parse(refused))) << refused;
  }
  EXPECT_FALSE(TargetPolicy{.allow_private = true}.Refuses(*IpAddress::Parse("127.0.0.1")));

  for (const char* bad : {"10.0.5.0/33", "10.0.5/24", "example.org", "10.0.5.0/", "::1/129"}) {
    auto parsed = TargetPolicy::ParseList(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(parsed.error().field, "--allowed-targets");
    EXPECT_NE(parsed.error().message.find("ADDRESS/PREFIX"), std::string::npos);
  }
  auto host_bits = TargetPolicy::ParseList("10.0.5.7/24");
  ASSERT_FALSE(host_bits);
  EXPECT_NE(host_bits.error().message.find("did you mean 10.0.5.0/24?"), std::string::npos)
      << host_bits.error().message;
}

TEST(TargetPolicyTest, AUrlIsRefusedAtWriteTimeForALiteralAddressOrLocalhostOnly) {
  const TargetPolicy policy;
  struct Case {
    std::string url;
    std::string names;  // "" when allowed
  };
  const std::vector<Case> cases = {
      {"http://169.254.169.254/latest", "169.254.169.254 is a link-local address"},
      {"http://127.0.0.1:9/x", "127.0.0.1:9 is a loopback address"},
      {"http://[::1]:8080/", "[::1]:8080 is a loopback address"},
      {"http://2130706433/", "127.0.0.1 is a loopback address"},  // as libcurl reads it
      {"http://0x7f.1/", "127.0.0.1 is a loopback address"},
      {"https://LOCALHOST./", "resolves to 127.0.0.1, a loopback address"},
      {"http://api.localhost/", "resolves to 127.0.0.1, a loopback address"},
      {"http://[::ffff:10.0.0.1]/", "a private address"},
      {"https://app.avniproject.org", ""},  // names are checked when called
      {"https://93.184.216.34/", ""},
      {"not a url", ""},
  };
  for (const Case& c : cases) {
    auto checked = policy.CheckUrl("avni_api_url", c.url);
    if (c.names.empty()) {
      EXPECT_TRUE(checked) << c.url << ": " << checked.error().message;
      continue;
    }
    ASSERT_FALSE(checked) << c.url;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(checked.error().field, "avni_api_url");
    const std::string& message = checked.error().message;
    EXPECT_TRUE(message.starts_with("avni_api_url: ")) << message;
    EXPECT_NE(message.find(c.names), std::string::npos) << message;
    EXPECT_NE(message.find("--allow-private-targets"), std::string::npos) << message;
  }
  EXPECT_TRUE(TargetPolicy{.allow_private = true}.CheckUrl("k_url", "http://127.0.0.1/"));
}

TEST(TargetPolicyTest, NameSettingPrefixesRefusalsOnly) {
  const Error refused = RefusedTarget("10.0.0.1", *IpAddress::Parse("10.0.0.1"), "private");
  const Error named = NameSetting("avni_api_url", refused);
  EXPECT_TRUE(IsRefusedTarget(named));
  EXPECT_EQ(named.message, "avni_api_url: " + refused.message);
  const Error other = NameSetting("avni_api_url", Error::Unavailable("cannot resolve host x"));
  EXPECT_EQ(other.message, "cannot resolve host x");
  EXPECT_FALSE(IsRefusedTarget(other));
}

TEST(ProxyEnvironmentTest, ChoosesTheProxyAsLibcurlDoes) {
  const ProxyEnvironment env{.http = "http://p:3128",
                             .https = "",
                             .all = "socks5h://s:1080",
                             .no_proxy = "internal.example, .corp.example,10.0.0.0/8, ::1"};
  EXPECT_EQ(env.For("http", "app.avniproject.org"), "http://p:3128");
  EXPECT_EQ(env.For("https", "app.avniproject.org"), "socks5h://s:1080");
  for (const char* direct :
       {"internal.example", "a.internal.example", "x.corp.example", "10.1.2.3", "::1"}) {
    EXPECT_EQ(env.For("http", direct), "") << direct;
  }
  EXPECT_EQ(env.For("http", "notinternal.example"), "http://p:3128");
  EXPECT_EQ(env.For("http", "11.0.0.1"), "http://p:3128");
  EXPECT_TRUE(NoProxyMatches("*", "anything"));
  EXPECT_EQ(ProxyEnvironment{}.For("https", "x"), "");
}

}  // namespace
}  // namespace avni::http
