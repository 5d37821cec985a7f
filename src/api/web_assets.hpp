#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/route.hpp"
#include "common/error.hpp"

namespace avni::api {

// The admin web app's built files (web/dist), read into memory once at start-up and served at
// `/` beside the API. Only files found at load are ever served, so no request path reaches the
// file system. Thread-safe once loaded (read-only).
//
// Caching: Vite's hashed files under /assets/ are immutable for a year; index.html (and the
// client-side routes that fall back to it) is `no-store`, so a new build is picked up at once;
// anything else revalidates by ETag. Every answer carries a Content-Security-Policy that allows
// only the app itself (scripts, styles, images, fonts and fetches from its own origin; no
// frames). Files that gzip well are kept compressed too and sent so to clients that accept it.
class WebAssets {
 public:
  // Reads every regular file under `dir`. Errors: not_found when `dir` or its index.html is
  // missing, invalid_argument when it holds more than the limit (64 MiB: a build gone wrong).
  static Result<WebAssets> Load(const std::filesystem::path& dir);

  // The answer to GET or HEAD `path` (decoded, without the query) with the request's
  // lower-case headers (Accept-Encoding, If-None-Match), or nullopt when the path is not the
  // app's: anything under /api/, and a missing file that looks like one (a dot in its last
  // segment, or under /assets/), which get the API's JSON 404. Any other path is a client-side
  // route and answers index.html.
  std::optional<Response> Serve(std::string_view path,
                                const std::map<std::string, std::string>& headers) const;

  std::size_t file_count() const { return files_.size(); }
  std::size_t total_bytes() const { return total_bytes_; }

  // The policy sent with every file; `frame-ancestors 'none'` also keeps the app out of frames.
  static constexpr std::string_view kContentSecurityPolicy =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
      "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

 private:
  struct File {
    std::string body;
    std::string gzip;  // empty when compressing saves too little
    std::string content_type;
    std::string etag;
    bool immutable = false;  // under /assets/: a hashed name
  };
  Response Answer(const File& file, const std::map<std::string, std::string>& headers,
                  std::string_view cache_control) const;

  std::unordered_map<std::string, File> files_;  // by URL path: "/index.html"
  std::size_t total_bytes_ = 0;
};

}  // namespace avni::api
