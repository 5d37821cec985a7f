#include "api/web_assets.hpp"

#include <zlib.h>

#include <array>
#include <fstream>
#include <iterator>
#include <system_error>

#include <fmt/format.h>

namespace avni::api {
namespace {

constexpr std::size_t kMaxTotalBytes = 64 << 20;

std::string_view ContentTypeOf(std::string_view extension) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".jpg", "image/jpeg"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (ext == extension) return type;
  }
  return "application/octet-stream";
}

bool Compressible(std::string_view content_type) {
  return content_type.starts_with("text/") || content_type.starts_with("application/json") ||
         content_type.starts_with("application/manifest") || content_type == "image/svg+xml";
}

// gzip (RFC 1952) of `data` at the best level, or empty when zlib fails.
std::string Gzip(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return status == Z_STREAM_END ? out : std::string();
}

// A strong validator from the content: FNV-1a, 64 bits, as hex.
std::string EtagOf(std::string_view data) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return fmt::format("\"{:016x}\"", hash);
}

bool AcceptsGzip(const std::map<std::string, std::string>& headers) {
  auto it = headers.find("accept-encoding");
  if (it == headers.end()) return false;
  // "gzip", "gzip;q=0.8", "deflate, gzip"; a "gzip;q=0" refuses it.
  std::string_view value = it->second;
  for (std::size_t at = value.find("gzip"); at != std::string_view::npos;
       at = value.find("gzip", at + 4)) {
    std::string_view rest = value.substr(at + 4);
    auto end = rest.find(',');
    std::string_view params = rest.substr(0, end);
    if (params.find("q=0") != std::string_view::npos &&
        params.find_first_of("123456789", params.find("q=0")) == std::string_view::npos) {
      return false;
    }
    return true;
  }
  return false;
}

}  // namespace

Result<WebAssets> WebAssets::Load(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Fail(Error::NotFound(fmt::format(
        "the admin app's folder {} does not exist; build it (make build) or pass --web-dir",
        dir.string())));
  }
  if (!fs::is_regular_file(dir / "index.html", ec)) {
    return Fail(Error::NotFound(fmt::format(
        "{} has no index.html; build the admin app (make build) or pass --web-dir", dir.string())));
  }
  WebAssets assets;
  for (fs::recursive_directory_iterator it(dir, ec), end; it != end && !ec; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const fs::path relative = fs::relative(it->path(), dir, ec);
    if (ec) break;
    std::ifstream in(it->path(), std::ios::binary);
    std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) {
      return Fail(Error::Unavailable(fmt::format("cannot read {}", it->path().string())));
    }
    assets.total_bytes_ += body.size();
    if (assets.total_bytes_ > kMaxTotalBytes) {
      return Fail(Error::InvalidArgument(
          "web-dir", fmt::format("{} holds over {} MiB; is it the admin app's build (web/dist)?",
                                 dir.string(), kMaxTotalBytes >> 20)));
    }
    File file;
    const std::string path = "/" + relative.generic_string();
    file.content_type = std::string(ContentTypeOf(it->path().extension().string()));
    file.etag = EtagOf(body);
    file.immutable = path.starts_with("/assets/");
    if (Compressible(file.content_type) && body.size() > 1024) {
      std::string gzip = Gzip(body);
      if (!gzip.empty() && gzip.size() < body.size() * 9 / 10) file.gzip = std::move(gzip);
    }
    file.body = std::move(body);
    assets.files_.emplace(path, std::move(file));
  }
  if (ec) {
    return Fail(Error::Unavailable(
        fmt::format("cannot read the admin app's folder {}: {}", dir.string(), ec.message())));
  }
  return assets;
}

std::optional<Response> WebAssets::Serve(std::string_view path,
                                         const std::map<std::string, std::string>& headers) const {
  if (path == "/api" || path.starts_with("/api/")) return std::nullopt;
  if (path == "/" || path == "/index.html")
    return Answer(files_.at("/index.html"), headers, "no-store");
  if (auto it = files_.find(std::string(path)); it != files_.end()) {
    const File& file = it->second;
    return Answer(file, headers,
                  file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  }
  const std::string_view last = path.substr(path.rfind('/') + 1);
  if (path.starts_with("/assets/") || last.find('.') != std::string_view::npos) {
    return std::nullopt;
  }
  return Answer(files_.at("/index.html"), headers, "no-store");
}

Response WebAssets::Answer(const File& file, const std::map<std::string, std::string>& headers,
                           std::string_view cache_control) const {
  Response response;
  response.content_type = file.content_type;
  response.headers.emplace_back("Cache-Control", std::string(cache_control));
  response.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("ETag", file.etag);
  if (auto it = headers.find("if-none-match"); it != headers.end() && it->second == file.etag) {
    response.status = 304;
    return response;
  }
  if (!file.gzip.empty()) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (AcceptsGzip(headers)) {
      response.headers.emplace_back("Content-Encoding", "gzip");
      response.body = file.gzip;
      return response;
    }
  }
  response.body = file.body;
  return response;
}

}  // namespace avni::api
