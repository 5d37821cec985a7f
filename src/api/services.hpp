#pragma once

#include <cstddef>
#include <string>

#include "common/time.hpp"
#include "http/target_policy.hpp"

namespace avni::store {
class Store;
}
namespace avni::auth {
class Authenticator;
}
namespace avni::mapping {
class MappingCache;
}
namespace avni::metrics {
class ServiceMetrics;
}

namespace avni::api {

class WebAssets;

struct ApiOptions {
  // The largest request body a route takes unless it says otherwise (Route::max_body): every
  // JSON endpoint. A body over it is refused with 413 before it is read.
  std::size_t max_json_body_bytes = 1 << 20;
  // The largest body of the two upload routes (CSV import of mappings, bundle import): big
  // enough for a CSV of 100,000 mappings (7.5 MiB in bench/mapping_import).
  std::size_t max_upload_body_bytes = 32 << 20;
  // Mark the session cookie Secure (serve behind TLS). Off for plain-HTTP development.
  bool secure_cookies = false;
  // Where the service may call out: a URL a tenant admin stores (a config key ending in _url or
  // _endpoint, a job's ping_url) whose host is a literal address this refuses, or localhost,
  // is answered 400 at once. The HTTP client checks every connection too (that is the guard;
  // this is the early, friendly refusal).
  http::TargetPolicy targets;
  // GET /metrics wants "Authorization: Bearer <this>" when set (--metrics-token); open when
  // empty. Never logged.
  std::string metrics_token;
};

// What handlers work with. Not owned: everything outlives the server.
struct Services {
  store::Store& store;
  auth::Authenticator& auth;
  const Clock& clock;
  ApiOptions options;
  // Told of every committed write to a tenant's mappings, groups or types (Invalidate), so
  // that lookups see it at once. Null where nothing caches mappings (tests, benchmarks).
  mapping::MappingCache* mappings_cache = nullptr;
  // The admin web app's files, served at `/` for what no route matches. Null: API only.
  const WebAssets* web_assets = nullptr;
  // What GET /metrics exports, and where every answer is counted. Null: /metrics answers 404
  // and nothing is counted (tests, benchmarks).
  metrics::ServiceMetrics* metrics = nullptr;
};

}  // namespace avni::api
