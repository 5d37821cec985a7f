#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/route.hpp"

namespace avni::api {

// Finds a request's route by method and decoded path, segment by segment: a literal segment
// matches itself, a "{name}" segment any non-empty segment, which becomes the parameter
// `name`. Routes are tried in registration order and the first that matches wins (so that
// "/mappings/export", registered first, is not taken for "/mappings/{mapping}"). A HEAD
// request finds the GET route. Immutable once built: safe to share between threads. The
// routes must outlive the router.
class Router {
 public:
  explicit Router(const std::vector<Route>& routes);

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
  };
  std::optional<Match> Find(std::string_view method, std::string_view path) const;

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool parameter = false;
  };
  struct Entry {
    const Route* route;
    std::vector<Segment> segments;
  };
  std::vector<Entry> entries_;
};

}  // namespace avni::api
