#include "http/proxy.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "http/target_policy.hpp"

namespace avni::http {
namespace {

std::string Env(std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return value;
  }
  return "";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool Matches(std::string_view entry, std::string_view host) {
  while (entry.starts_with('.')) entry.remove_prefix(1);
  while (entry.ends_with('.')) entry.remove_suffix(1);
  if (entry.empty()) return false;
  if (entry == "*") return true;
  if (const auto address = IpAddress::Parse(host)) {
    auto network = Cidr::Parse(entry, "no_proxy");
    return network && network->Contains(*address);
  }
  const std::string name = Lower(entry);
  return host == name || (host.size() > name.size() && host.ends_with(name) &&
                          host[host.size() - name.size() - 1] == '.');
}

}  // namespace

ProxyEnvironment ProxyEnvironment::FromEnvironment() {
  // libcurl reads http_proxy in lower case only (HTTP_PROXY may be set by a CGI request).
  return ProxyEnvironment{Env({"http_proxy"}), Env({"https_proxy", "HTTPS_PROXY"}),
                          Env({"all_proxy", "ALL_PROXY"}), Env({"no_proxy", "NO_PROXY"})};
}

std::string ProxyEnvironment::For(std::string_view scheme, std::string_view host) const {
  if (NoProxyMatches(no_proxy, host)) return "";
  const std::string& specific = scheme == "https" ? https : scheme == "http" ? http : all;
  return specific.empty() ? all : specific;
}

bool NoProxyMatches(std::string_view no_proxy, std::string_view host) {
  std::string bare = Lower(host);
  while (bare.ends_with('.')) bare.pop_back();
  std::size_t start = 0;
  while (start < no_proxy.size()) {
    auto end = no_proxy.find_first_of(", \t", start);
    if (end == std::string_view::npos) end = no_proxy.size();
    if (Matches(no_proxy.substr(start, end - start), bare)) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace avni::http
