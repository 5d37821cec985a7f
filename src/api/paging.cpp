#include "api/paging.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace avni::api {
namespace {

Result<int> ParseInt(const Request& request, const std::string& name, int fallback, int min,
                     int max) {
  auto text = request.QueryValue(name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Fail(Error::InvalidArgument(
        name, fmt::format("{} must be a whole number from {} to {}", name, min, max)));
  }
  return value;
}

}  // namespace

Result<PageRequest> ParsePage(const Request& request,
                              std::initializer_list<std::string_view> sortable,
                              std::string_view default_sort) {
  PageRequest page;
  auto number = ParseInt(request, "page", 0, 0, 1'000'000);
  if (!number) return Fail(number.error());
  auto size = ParseInt(request, "size", 50, 1, kMaxPageSize);
  if (!size) return Fail(size.error());
  page.page = *number;
  page.size = *size;
  std::string sort = request.QueryValue("sort").value_or(std::string(default_sort));
  if (sort.starts_with('-')) {
    page.descending = true;
    sort.erase(0, 1);
  }
  if (std::find(sortable.begin(), sortable.end(), sort) == sortable.end()) {
    return Fail(Error::InvalidArgument(
        "sort",
        fmt::format("cannot sort by '{}'; sort by one of: {}", sort, fmt::join(sortable, ", "))));
  }
  page.sort = sort;
  return page;
}

nlohmann::json PageOf(std::vector<nlohmann::json> items, const PageRequest& page) {
  const auto total = static_cast<std::int64_t>(items.size());
  std::stable_sort(items.begin(), items.end(), [&](const auto& a, const auto& b) {
    const auto& x = a.contains(page.sort) ? a.at(page.sort) : nlohmann::json();
    const auto& y = b.contains(page.sort) ? b.at(page.sort) : nlohmann::json();
    return page.descending ? y < x : x < y;
  });
  nlohmann::json slice = nlohmann::json::array();
  const std::size_t from = static_cast<std::size_t>(page.offset());
  for (std::size_t i = from; i < items.size() && i < from + static_cast<std::size_t>(page.size);
       ++i) {
    slice.push_back(std::move(items[i]));
  }
  return PageEnvelope(std::move(slice), page, total);
}

nlohmann::json PageEnvelope(nlohmann::json items, const PageRequest& page, std::int64_t total) {
  return {{"items", std::move(items)}, {"page", page.page}, {"size", page.size}, {"total", total}};
}

}  // namespace avni::api
