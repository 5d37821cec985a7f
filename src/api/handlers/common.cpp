#include "api/handlers/common.hpp"

#include <charconv>

#include <fmt/format.h>

#include "api/json_body.hpp"

namespace avni::api {

nlohmann::json TimeJson(Timestamp t) { return FormatIso8601(t); }

nlohmann::json TimeJson(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(FormatIso8601(*t)) : nlohmann::json();
}

nlohmann::json UserJson(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"super_admin", user.is_super_admin},
          {"active", user.active},
          {"created_at", TimeJson(user.created_at)}};
}

nlohmann::json TenantJson(const Tenant& tenant) {
  return {{"id", tenant.id.value},
          {"uuid", tenant.uuid},
          {"name", tenant.name},
          {"type", tenant.type},
          {"active", tenant.active},
          {"created_at", TimeJson(tenant.created_at)},
          {"updated_at", TimeJson(tenant.updated_at)}};
}

Response JsonResponse(int status, const nlohmann::json& body) {
  return Response{status, Dump(body)};
}

Result<RowId> IdParam(const Request& request, const std::string& name) {
  const std::string& text = request.Param(name);
  RowId id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Fail(
        Error::InvalidArgument(name, fmt::format("{} must be a numeric id, not '{}'", name, text)));
  }
  return id;
}

std::string Actor(const Request& request) {
  const auto& who = request.principal;
  if (who.api_key) return fmt::format("api-key:{} ({})", who.api_key->id, who.api_key->name);
  if (who.user) return who.user->email;
  return "anonymous";
}

}  // namespace avni::api
