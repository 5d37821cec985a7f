#pragma once

#include <compare>
#include <cstdint>

namespace avni {

// Row ids are 64-bit integers. The tenant's id has its own type so that a tenant scope can
// never be built from some other row's id by mistake.
using RowId = std::int64_t;

struct TenantId {
  RowId value = 0;
  auto operator<=>(const TenantId&) const = default;
};

}  // namespace avni
