// The admin web app as the server hands it to a browser: which path gets which file, the
// fallback to index.html for client-side routes, the cache and security headers, gzip and
// revalidation; and on the wire, that the API's answers keep `no-store` beside it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "api/web_assets.hpp"
#include "support/api_test.hpp"
#include "support/raw_http.hpp"

namespace avni::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kIndex =
    "<!doctype html><title>admin</title><script src=/assets/app-1a2b.js>";

// A build of the app as Vite lays it out, in a fresh folder removed afterwards.
class WebBuild {
 public:
  WebBuild() {
    dir_ = fs::temp_directory_path() / ("avni-web-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(dir_ / "assets");
    Write("index.html", kIndex);
    script_ = "console.log('the admin app');\n";
    for (int i = 0; i < 400; ++i)
      script_ += "export const value" + std::to_string(i) + " = " + std::to_string(i) + ";\n";
    Write("assets/app-1a2b.js", script_);
    Write("favicon.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>");
  }
  ~WebBuild() { fs::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  const fs::path& dir() const { return dir_; }
  const std::string& script() const { return script_; }

 private:
  fs::path dir_;
  std::string script_;
};

std::string HeaderOf(const api::Response& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

std::string Gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "";
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return status == Z_STREAM_END ? out : "";
}

TEST(WebAssetsTest, AMissingFolderOrIndexIsRefusedSayingHowToBuildIt) {
  auto missing = api::WebAssets::Load("/nonexistent/web/dist");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("/nonexistent/web/dist"), std::string::npos);
  EXPECT_NE(missing.error().message.find("make build"), std::string::npos);

  WebBuild build;
  fs::remove(build.dir() / "index.html");
  auto no_index = api::WebAssets::Load(build.dir());
  ASSERT_FALSE(no_index.has_value());
  EXPECT_NE(no_index.error().message.find("index.html"), std::string::npos);
}

TEST(WebAssetsTest, EachPathGetsItsFileOrTheAppOrNothing) {
  WebBuild build;
  auto web = api::WebAssets::Load(build.dir());
  ASSERT_TRUE(web.has_value()) << web.error().message;
  EXPECT_EQ(web->file_count(), 3u);

  auto root = web->Serve("/", {});
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->body, kIndex);
  EXPECT_EQ(root->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(*root, "Cache-Control"), "no-store");
  EXPECT_EQ(HeaderOf(*root, "Content-Security-Policy"), api::WebAssets::kContentSecurityPolicy);
  EXPECT_EQ(HeaderOf(*root, "X-Frame-Options"), "DENY");

  // A client-side route, reloaded or bookmarked, is the app.
  for (const char* route : {"/mappings", "/error-records/17/show", "/mappings/import"}) {
    auto page = web->Serve(route, {});
    ASSERT_TRUE(page.has_value()) << route;
    EXPECT_EQ(page->body, kIndex) << route;
    EXPECT_EQ(HeaderOf(*page, "Cache-Control"), "no-store") << route;
  }

  auto script = web->Serve("/assets/app-1a2b.js", {});
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->body, build.script());
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(*script, "Cache-Control"), "public, max-age=31536000, immutable");

  auto icon = web->Serve("/favicon.svg", {});
  ASSERT_TRUE(icon.has_value());
  EXPECT_EQ(icon->content_type, "image/svg+xml");
  EXPECT_EQ(HeaderOf(*icon, "Cache-Control"), "no-cache");

  // Not the app's: the API's JSON 404 answers these.
  EXPECT_FALSE(web->Serve("/api/v1/nothing", {}).has_value());
  EXPECT_FALSE(web->Serve("/api", {}).has_value());
  EXPECT_FALSE(web->Serve("/assets/app-old.js", {}).has_value());
  EXPECT_FALSE(web->Serve("/robots.txt", {}).has_value());
  // A path outside the build is no file of it: only files read at load are ever served.
  auto outside = web->Serve("/../../etc/passwd", {});
  ASSERT_TRUE(outside.has_value());
  EXPECT_EQ(outside->body, kIndex);
}

TEST(WebAssetsTest, GzipGoesToClientsThatAcceptItAndRevalidationAnswers304) {
  WebBuild build;
  auto web = api::WebAssets::Load(build.dir());
  ASSERT_TRUE(web.has_value()) << web.error().message;

  auto zipped = web->Serve("/assets/app-1a2b.js", {{"accept-encoding", "deflate, gzip, br"}});
  ASSERT_TRUE(zipped.has_value());
  EXPECT_EQ(HeaderOf(*zipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(HeaderOf(*zipped, "Vary"), "Accept-Encoding");
  EXPECT_LT(zipped->body.size(), build.script().size() / 2);
  EXPECT_EQ(Gunzip(zipped->body), build.script());

  auto refused = web->Serve("/assets/app-1a2b.js", {{"accept-encoding", "gzip;q=0"}});
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(HeaderOf(*refused, "Content-Encoding"), "");
  EXPECT_EQ(refused->body, build.script());

  auto plain = web->Serve("/assets/app-1a2b.js", {});
  ASSERT_TRUE(plain.has_value());
  const std::string etag = HeaderOf(*plain, "ETag");
  ASSERT_FALSE(etag.empty());
  auto again = web->Serve("/assets/app-1a2b.js", {{"if-none-match", etag}});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());

  // Another build's file has another validator.
  build.Write("assets/app-1a2b.js", "console.log('changed');");
  auto rebuilt = api::WebAssets::Load(build.dir());
  ASSERT_TRUE(rebuilt.has_value());
  auto changed = rebuilt->Serve("/assets/app-1a2b.js", {{"if-none-match", etag}});
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->status, 200);
}

// On the wire, through the real server: the app's headers are kept (the front adds `no-store`
// only to answers that say nothing of caching), and the API is untouched by the app.
class WebAppServerTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    auto loaded = api::WebAssets::Load(build_.dir());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
    web_ = std::move(*loaded);
    web_assets_ = &*web_;
    ASSERT_TRUE(Serve(TestServerOptions(), api::ApiOptions{}));
  }

  RawResponse Get(const std::string& target, const std::string& extra = "",
                  const std::string& method = "GET") {
    auto c = RawConnection::Open(port());
    EXPECT_TRUE(c.has_value());
    if (!c) return {};
    c->Send(method + " " + target + " HTTP/1.1\r\nHost: x\r\n" + extra +
            "Connection: close\r\n\r\n");
    auto r = c->ReadResponse(5s, method == "HEAD");
    EXPECT_TRUE(r.has_value()) << target;
    return r ? *r : RawResponse{};
  }

  WebBuild build_;
  std::optional<api::WebAssets> web_;
};

TEST_P(WebAppServerTest, TheAppAndTheApiShareThePortEachWithItsOwnHeaders) {
  auto index = Get("/error-records?filter=%7B%7D");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, kIndex);
  EXPECT_EQ(index.Header("cache-control"), "no-store");
  EXPECT_EQ(index.Header("content-security-policy"), api::WebAssets::kContentSecurityPolicy);
  EXPECT_EQ(index.Header("x-content-type-options"), "nosniff");

  auto script = Get("/assets/app-1a2b.js", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(script.Header("content-encoding"), "gzip");
  EXPECT_EQ(Gunzip(script.body), build_.script());

  auto head = Get("/", "", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(std::string(kIndex).size()));
  EXPECT_TRUE(head.body.empty());

  auto api = Get("/api/v1/me");
  EXPECT_EQ(api.status, 401);
  EXPECT_EQ(api.Header("cache-control"), "no-store");
  auto unknown = Get("/api/v1/no-such-thing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("no such endpoint"), std::string::npos) << unknown.body;

  // Only reads reach the app: a write to a client-side route is no endpoint.
  auto write = Get("/mappings", "Content-Length: 0\r\n", "POST");
  EXPECT_EQ(write.status, 404);
  EXPECT_NE(write.body.find("no such endpoint"), std::string::npos) << write.body;
}

AVNI_ON_EVERY_BACKEND(WebAppServerTest);

}  // namespace
}  // namespace avni::testing
