#pragma once

#include <chrono>
#include <cstddef>

#include "common/time.hpp"

namespace avni::store {
class Store;
}
namespace avni::auth {
class Authenticator;
}

namespace avni::api {

struct ApiOptions {
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  // Mark the session cookie Secure (serve behind TLS). Off for plain-HTTP development.
  bool secure_cookies = false;
};

// What handlers work with. Not owned: everything outlives the server.
struct Services {
  store::Store& store;
  auth::Authenticator& auth;
  const Clock& clock;
  ApiOptions options;
};

}  // namespace avni::api
