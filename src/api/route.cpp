#include "api/route.hpp"

namespace avni::api {

bool IsTenantAccess(Access access) {
  return access == Access::kTenantViewer || access == Access::kTenantEditor ||
         access == Access::kTenantAdmin;
}

const std::string& Request::Param(const std::string& name) const {
  static const std::string kEmpty;
  auto it = path_params.find(name);
  return it == path_params.end() ? kEmpty : it->second;
}

std::optional<std::string> Request::QueryValue(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

}  // namespace avni::api
