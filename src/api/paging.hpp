#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/route.hpp"
#include "common/error.hpp"

namespace avni::api {

// ?page=&size=&sort= as every list takes them. page is 0-based; size 1..500 (default 50);
// sort is a field name, "-" in front for descending.
struct PageRequest {
  int page = 0;
  int size = 50;
  std::string sort;
  bool descending = false;

  int offset() const { return page * size; }
};

inline constexpr int kMaxPageSize = 500;

// Errors: invalid_argument naming page, size or sort (with the fields one may sort by).
Result<PageRequest> ParsePage(const Request& request,
                              std::initializer_list<std::string_view> sortable,
                              std::string_view default_sort);

// {"items":[...],"page":P,"size":S,"total":N} for a list held in memory: sorts by the requested
// field (ties keep their order), then cuts the page.
nlohmann::json PageOf(std::vector<nlohmann::json> items, const PageRequest& page);
// The same envelope for a page already cut by the database.
nlohmann::json PageEnvelope(nlohmann::json items, const PageRequest& page, std::int64_t total);

}  // namespace avni::api
