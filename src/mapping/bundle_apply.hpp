#pragma once
// Writing a parsed bundle into a tenant, inside the caller's transaction. Private to the
// mapping module.

#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "mapping/bundle.hpp"
#include "mapping/bundle_format.hpp"

namespace avni::store {
class Tx;
}

namespace avni::mapping {

// Upserts `content` into the tenant (groups, types, mappings and error types by uuid; config by
// key), adding to `report`'s counts and secrets_to_set. A row the tenant's rules refuse (a name
// or value that clashes, a group uuid that names nothing) adds a problem naming its file, row
// and property; once there are problems the caller must roll back, since writing stops midway.
// Errors: the store's own (not_found for no such tenant, unavailable, ...).
Status ApplyBundle(store::Tx& tx, TenantId tenant, const BundleContent& content,
                   BundleReport& report, std::vector<BundleProblem>& problems);

// A config key named like a credential is secret whatever its flag says (the config API's
// rule): a bundle must not leave a password in plain text, nor export one.
bool KeyLooksSecret(std::string_view key);

}  // namespace avni::mapping
