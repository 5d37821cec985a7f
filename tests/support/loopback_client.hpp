#pragma once

#include "http/client.hpp"

namespace avni::testing {

// HTTP client options for the tests' simulators and servers, which listen on loopback: the
// default target policy refuses loopback addresses, so each test that calls one says so here.
inline http::ClientOptions LoopbackClientOptions(http::ClientOptions options = {}) {
  options.targets.allow_private = true;
  return options;
}

}  // namespace avni::testing
