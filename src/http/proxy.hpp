#pragma once

#include <string>
#include <string_view>

// Internal to the client: which proxy a request goes through.
namespace avni::http {

// The proxies of the environment, chosen for each request as libcurl would choose them
// (http_proxy; https_proxy or HTTPS_PROXY; all_proxy or ALL_PROXY; no_proxy or NO_PROXY). The
// client decides and tells libcurl (CURLOPT_PROXY, CURLOPT_NOPROXY ""), so that it knows
// whether a connection goes to the target, which the target policy checks, or to the
// operator's proxy, which it does not.
struct ProxyEnvironment {
  std::string http;
  std::string https;
  std::string all;
  std::string no_proxy;

  static ProxyEnvironment FromEnvironment();

  // The proxy URL for a request to scheme://host (host without brackets); "" for none.
  std::string For(std::string_view scheme, std::string_view host) const;
};

// Whether a no_proxy list exempts `host`: "*"; a name that is the host or one of its parent
// domains ("example.com" and ".example.com" both match www.example.com); an IP address or
// network (10.0.0.0/8) that holds a literal host.
bool NoProxyMatches(std::string_view no_proxy, std::string_view host);

}  // namespace avni::http
