// Signing in and out, who am I, and changing one's own password.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/access.hpp"
#include "api/handlers/common.hpp"
#include "api/http_error.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "crypto/password.hpp"
#include "store/store.hpp"

namespace avni::api {
namespace {

std::string SessionCookie(const Services& services, const std::string& token,
                          std::chrono::seconds max_age) {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie,
                     token, max_age.count(), services.options.secure_cookies ? "; Secure" : "");
}

// An auth refusal; a rate-limited one says in Retry-After when to try again.
Response Refusal(const Error& error, std::chrono::seconds retry_after) {
  Response res = ErrorResponse(error);
  if (error.code == ErrorCode::kRateLimited) {
    res.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  }
  return res;
}

Result<Response> Login(Services& services, Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto email = body->String("email", 320);
  if (!email) return Fail(email.error());
  auto password = body->String("password", 1024);
  if (!password) return Fail(password.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());

  std::chrono::seconds retry_after{0};
  auto login = services.auth.Login(*email, *password, request.address, &retry_after);
  if (!login) return Refusal(login.error(), retry_after);
  const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(login->session.expires_at -
                                                                        services.clock.Now());
  Response res = JsonResponse(200, {{"token", login->token},
                                    {"csrf_token", login->csrf_token},
                                    {"expires_at", TimeJson(login->session.expires_at)},
                                    {"user", UserJson(login->user)}});
  res.headers.emplace_back("Set-Cookie", SessionCookie(services, login->token, max_age));
  return res;
}

Result<Response> Logout(Services& services, Request& request) {
  if (request.principal.api_key) {
    return Fail(Error::InvalidArgument("Authorization",
                                       "an API key has no session to end; "
                                       "revoke the key instead"));
  }
  const std::string token = PresentedToken(request);
  if (auto done = services.auth.Logout(token); !done) return Fail(done.error());
  Response res{204, ""};
  res.headers.emplace_back("Set-Cookie", SessionCookie(services, "", std::chrono::seconds(0)));
  return res;
}

Result<Response> Me(Services& services, Request& request) {
  const auto& who = request.principal;
  if (who.api_key) {
    auto tenant = services.store.Read(
        [&](store::Tx& tx) { return tx.tenants().Get(who.api_key->tenant_id); });
    if (!tenant) return Fail(tenant.error());
    return JsonResponse(
        200, {{"api_key",
               {{"id", who.api_key->id},
                {"name", who.api_key->name},
                {"tenant_id", who.api_key->tenant_id.value},
                {"role", ToString(who.api_key->role)}}},
              {"memberships", nlohmann::json::array({{{"tenant_id", tenant->id.value},
                                                      {"tenant_name", tenant->name},
                                                      {"role", ToString(who.api_key->role)}}})}});
  }
  auto rows = services.store.Read([&](store::Tx& tx) -> Result<nlohmann::json> {
    auto memberships = tx.users().Memberships(who.user->id);
    if (!memberships) return Fail(memberships.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : *memberships) {
      auto tenant = tx.tenants().Get(m.tenant_id);
      if (!tenant) return Fail(tenant.error());
      out.push_back({{"tenant_id", tenant->id.value},
                     {"tenant_name", tenant->name},
                     {"role", ToString(m.role)}});
    }
    return out;
  });
  if (!rows) return Fail(rows.error());
  nlohmann::json body{{"user", UserJson(*who.user)}, {"memberships", *rows}};
  if (who.session) body["expires_at"] = TimeJson(who.session->expires_at);
  if (who.via_cookie) {
    // A reloaded page has lost the csrf_token of its sign-in; the cookie earns it back.
    body["csrf_token"] = auth::Authenticator::CsrfToken(CookieValue(request, kSessionCookie));
  }
  return JsonResponse(200, body);
}

Result<Response> ChangePassword(Services& services, Request& request) {
  const auto& who = request.principal;
  if (!who.user) {
    return Fail(Error::InvalidArgument("Authorization", "an API key has no password"));
  }
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto current = body->String("current_password", 1024);
  if (!current) return Fail(current.error());
  auto next = body->String("new_password", 1024);
  if (!next) return Fail(next.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  std::chrono::seconds retry_after{0};
  if (auto checked =
          services.auth.CheckCurrentPassword(*who.user, *current, request.address, &retry_after);
      !checked) {
    return Refusal(checked.error(), retry_after);
  }
  auto hash = HashPassword(*next);
  if (!hash) {
    Error e = hash.error();
    e.field = "new_password";
    e.message = "new_" + e.message;
    return Fail(e);
  }
  // Other sessions end: whoever else held one (a lost laptop) is out.
  auto ended = services.store.Transact([&](store::Tx& tx) -> Result<std::int64_t> {
    if (auto ok = tx.users().SetPasswordHash(who.user->id, *hash); !ok) return Fail(ok.error());
    auto n = tx.credentials().DeleteUserSessions(
        who.user->id, who.session ? std::optional<RowId>(who.session->id) : std::nullopt);
    if (!n) return n;
    if (auto a = tx.global_audit().Append(Actor(request), "user.password", "user",
                                          std::to_string(who.user->id), "", "");
        !a) {
      return Fail(a.error());
    }
    return n;
  });
  if (!ended) return Fail(ended.error());
  return JsonResponse(200, {{"other_sessions_ended", *ended}});
}

}  // namespace

void AddAuthRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"POST", "/api/v1/auth/login", Access::kPublic, bind(Login),
                    "Sign in with email and password; returns a session token and sets the "
                    "session cookie"});
  routes.push_back(
      {"POST", "/api/v1/auth/logout", Access::kSignedIn, bind(Logout), "End this session"});
  routes.push_back({"POST", "/api/v1/auth/password", Access::kSignedIn, bind(ChangePassword),
                    "Change one's own password; ends one's other sessions"});
  routes.push_back(
      {"GET", "/api/v1/me", Access::kSignedIn, bind(Me), "The caller, their tenants and roles"});
}

}  // namespace avni::api
