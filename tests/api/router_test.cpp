// The route matcher and the target parser of the HTTP front, without a server.
#include <gtest/gtest.h>

#include "api/request_target.hpp"
#include "api/router.hpp"

namespace avni::api {
namespace {

std::vector<Route> Table() {
  auto route = [](std::string method, std::string path) {
    Route r;
    r.method = std::move(method);
    r.path = std::move(path);
    return r;
  };
  return {route("GET", "/health"), route("GET", "/t/{tenant}/mappings/export"),
          route("GET", "/t/{tenant}/mappings/{mapping}"), route("POST", "/t/{tenant}/mappings"),
          route("GET", "/")};
}

TEST(RouterTest, TheFirstRegisteredRouteThatMatchesWins) {
  const auto routes = Table();
  const Router router(routes);
  auto exported = router.Find("GET", "/t/7/mappings/export");
  ASSERT_TRUE(exported.has_value());
  EXPECT_EQ(exported->route, &routes[1]);
  EXPECT_EQ(exported->params, (std::map<std::string, std::string>{{"tenant", "7"}}));
  auto one = router.Find("GET", "/t/7/mappings/12");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->route, &routes[2]);
  EXPECT_EQ(one->params, (std::map<std::string, std::string>{{"tenant", "7"}, {"mapping", "12"}}));
}

TEST(RouterTest, MethodSegmentsAndEmptyParametersMustMatch) {
  const auto routes = Table();
  const Router router(routes);
  EXPECT_FALSE(router.Find("POST", "/health").has_value());
  EXPECT_FALSE(router.Find("GET", "/health/").has_value());
  EXPECT_FALSE(router.Find("GET", "health").has_value());
  EXPECT_FALSE(router.Find("GET", "").has_value());
  EXPECT_FALSE(router.Find("GET", "/t//mappings/1").has_value());
  EXPECT_FALSE(router.Find("GET", "/t/7/mappings/1/extra").has_value());
  EXPECT_EQ(router.Find("POST", "/t/7/mappings").value().route, &routes[3]);
  EXPECT_EQ(router.Find("HEAD", "/health").value().route, &routes[0]);
  EXPECT_EQ(router.Find("GET", "/").value().route, &routes[4]);
}

TEST(RequestTargetTest, PathAndQueryAreDecoded) {
  const RequestTarget t = ParseTarget("/a%20b+c?x=1&y=2+3&z&=5&x=%41%2b&&q=%zz%4");
  EXPECT_EQ(t.path, "/a b+c");  // '+' is a space in the query only
  const std::multimap<std::string, std::string> expected{
      {"x", "1"}, {"x", "A+"}, {"y", "2 3"}, {"z", ""}, {"q", "%zz%4"}};
  EXPECT_EQ(t.query, expected);
  EXPECT_EQ(ParseTarget("/health").query.size(), 0u);
  EXPECT_EQ(ParseTarget("/p?").path, "/p");
  EXPECT_EQ(ParseTarget("/v?a=b=c").query.find("a")->second, "b=c");
}

}  // namespace
}  // namespace avni::api
