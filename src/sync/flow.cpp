#include "sync/flow.hpp"

#include <algorithm>
#include <ranges>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace avni::sync {

Result<std::vector<Flow>> InDependencyOrder(std::vector<Flow> flows) {
  std::set<std::string> present;
  for (const auto& flow : flows) present.insert(flow.entity_type);
  for (const auto& flow : flows) {
    for (const auto& parent : flow.depends_on) {
      if (!present.contains(parent)) {
        return Fail(Error::InvalidArgument(
            flow.entity_type, fmt::format("the {} flow depends on {}, which this run does not "
                                          "have; enable the {} flow too",
                                          flow.entity_type, parent, parent)));
      }
    }
  }
  // Each pass takes, in the given order, the first flow whose parents are all placed: a flow
  // keeps its place unless a parent comes later.
  std::vector<Flow> ordered;
  std::set<std::string> placed;
  while (!flows.empty()) {
    auto ready = std::find_if(flows.begin(), flows.end(), [&](const Flow& flow) {
      return std::all_of(flow.depends_on.begin(), flow.depends_on.end(),
                         [&](const std::string& parent) { return placed.contains(parent); });
    });
    if (ready == flows.end()) {
      return Fail(Error::InvalidArgument(
          flows.front().entity_type,
          fmt::format("the flows {} depend on each other in a cycle; no order can write each "
                      "after its parents",
                      fmt::join(flows | std::views::transform(&Flow::entity_type), ", "))));
    }
    placed.insert(ready->entity_type);
    ordered.push_back(std::move(*ready));
    flows.erase(ready);
  }
  return ordered;
}

}  // namespace avni::sync
