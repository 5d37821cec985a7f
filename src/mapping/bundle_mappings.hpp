#pragma once
// Upserting a bundle's mappings. Private to the mapping module.

#include <map>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "domain/mapping.hpp"
#include "mapping/bundle.hpp"
#include "mapping/bundle_format.hpp"
#include "store/tx.hpp"

namespace avni::mapping {

// A tenant's groups (or types): uuid -> id.
using UuidIds = std::map<std::string, RowId>;

// Upserts `rows` by uuid; each row's group and type are looked up by uuid in `groups` and
// `types`. The tenant's state after the import is checked whole before anything is written
// (no two live mappings of a group and type share a value), and the writes are ordered so that
// no intermediate state breaks that rule: a bundle may swap values between mappings, or carry a
// voided mapping beside the live one that replaced it. Refusals add problems naming the row;
// Errors are the store's own.
Status ApplyMappings(store::TenantScope& scope, const std::vector<BundleMappingRow>& rows,
                     const UuidIds& groups, const UuidIds& types, BundleFileCounts& counts,
                     std::vector<BundleProblem>& problems);

}  // namespace avni::mapping
