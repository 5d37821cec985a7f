#include "api/router.hpp"

namespace avni::api {
namespace {

// "/a/b" -> ["a", "b"]; "/" -> [""]; "/a/" -> ["a", ""]. The path must start with '/'.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> parts;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

}  // namespace

Router::Router(const std::vector<Route>& routes) {
  entries_.reserve(routes.size());
  for (const Route& route : routes) {
    Entry entry{&route, {}};
    for (std::string_view part : Split(route.path)) {
      if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
        entry.segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
      } else {
        entry.segments.push_back({std::string(part), false});
      }
    }
    entries_.push_back(std::move(entry));
  }
}

std::optional<Router::Match> Router::Find(std::string_view method, std::string_view path) const {
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (method == "HEAD") method = "GET";
  const std::vector<std::string_view> parts = Split(path);
  for (const Entry& entry : entries_) {
    if (entry.route->method != method || entry.segments.size() != parts.size()) continue;
    bool matches = true;
    for (std::size_t i = 0; i < parts.size() && matches; ++i) {
      const Segment& segment = entry.segments[i];
      matches = segment.parameter ? !parts[i].empty() : segment.text == parts[i];
    }
    if (!matches) continue;
    Match match{entry.route, {}};
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (entry.segments[i].parameter) match.params.emplace(entry.segments[i].text, parts[i]);
    }
    return match;
  }
  return std::nullopt;
}

}  // namespace avni::api
