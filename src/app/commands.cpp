#include "app/commands.hpp"

#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/password_input.hpp"
#include "crypto/password.hpp"
#include "domain/user.hpp"

namespace avni::app {
namespace {

constexpr const char* kCliActor = "cli";

}  // namespace

Result<http::TargetPolicy> TargetPolicyOf(const TargetOptions& options) {
  http::TargetPolicy policy;
  policy.allow_private = options.allow_private;
  auto allowed = http::TargetPolicy::ParseList(options.allowed);
  if (!allowed) return Fail(allowed.error());
  policy.allowed = std::move(*allowed);
  return policy;
}

int Report(const Error& error) {
  std::cerr << "avni-integrator: " << error.message << "\n";
  return error.code == ErrorCode::kInvalidArgument ? 2 : 1;
}

int Migrate(const GlobalOptions& global) {
  auto ctx = OpenContext(global, /*migrate=*/true, 1);
  if (!ctx) return Report(ctx.error());
  auto state = ctx->store->Schema();
  if (!state) return Report(state.error());
  std::cout << fmt::format("{}: schema at version {} (this binary knows {})\n",
                           ctx->store->display_dsn(), state->applied, state->known);
  return 0;
}

int TenantCreate(const GlobalOptions& global, const std::string& name, const std::string& type) {
  auto ctx = OpenContext(global, true, 1);
  if (!ctx) return Report(ctx.error());
  auto tenant = ctx->store->Transact([&](store::Tx& tx) -> Result<Tenant> {
    auto t = tx.tenants().Create(name, type);
    if (!t) return t;
    const std::string after = nlohmann::json{{"name", t->name}, {"type", t->type}}.dump();
    if (auto a = tx.tenant(t->id).audit().Append(kCliActor, "tenant.create", "tenant",
                                                 std::to_string(t->id.value), "", after);
        !a) {
      return Fail(a.error());
    }
    return t;
  });
  if (!tenant) return Report(tenant.error());
  std::cout << fmt::format("created tenant '{}' (id {}, type {})\n", tenant->name, tenant->id.value,
                           tenant->type);
  return 0;
}

int TenantList(const GlobalOptions& global) {
  auto ctx = OpenContext(global, true, 1);
  if (!ctx) return Report(ctx.error());
  auto tenants = ctx->store->Read([](store::Tx& tx) { return tx.tenants().List(); });
  if (!tenants) return Report(tenants.error());
  std::cout << fmt::format("{:<6} {:<32} {:<12} {}\n", "ID", "NAME", "TYPE", "ACTIVE");
  for (const auto& t : *tenants) {
    std::cout << fmt::format("{:<6} {:<32} {:<12} {}\n", t.id.value, t.name, t.type,
                             t.active ? "yes" : "no");
  }
  return 0;
}

int UserCreate(const GlobalOptions& global, const UserCreateOptions& options) {
  std::optional<Role> role;
  if (!options.tenant.empty()) {
    role = ParseRole(options.role);
    if (!role) {
      return Report(Error::InvalidArgument("--role", fmt::format("unknown role '{}'; use admin, "
                                                                 "editor or viewer",
                                                                 options.role)));
    }
  }
  if (auto email = store::NormaliseEmail(options.email); !email) return Report(email.error());
  auto password = ReadNewPassword();
  if (!password) return Report(password.error());
  auto hash = HashPassword(*password);
  if (!hash) return Report(hash.error());

  auto ctx = OpenContext(global, true, 1);
  if (!ctx) return Report(ctx.error());
  // One transaction: a bad --tenant leaves no user behind.
  auto user = ctx->store->Transact([&](store::Tx& tx) -> Result<User> {
    auto u = tx.users().Create(options.email, *hash, options.super_admin);
    if (!u) return u;
    const std::string after =
        nlohmann::json{{"email", u->email}, {"super_admin", u->is_super_admin}}.dump();
    if (auto a = tx.global_audit().Append(kCliActor, "user.create", "user", std::to_string(u->id),
                                          "", after);
        !a) {
      return Fail(a.error());
    }
    if (role) {
      auto tenant = tx.tenants().FindByName(options.tenant);
      if (!tenant) return Fail(tenant.error());
      auto scope = tx.tenant(tenant->id);
      if (auto m = scope.members().Put(u->id, *role); !m) return Fail(m.error());
      if (auto a = scope.audit().Append(
              kCliActor, "member.put", "membership", std::to_string(u->id), "",
              nlohmann::json{{"email", u->email}, {"role", ToString(*role)}}.dump());
          !a) {
        return Fail(a.error());
      }
    }
    return u;
  });
  if (!user) return Report(user.error());
  std::cout << fmt::format(
      "created user {}{}{}\n", user->email, user->is_super_admin ? " (super-admin)" : "",
      role ? fmt::format(", {} of '{}'", ToString(*role), options.tenant) : "");
  return 0;
}

int UserPasswd(const GlobalOptions& global, const std::string& email) {
  auto normalised = store::NormaliseEmail(email);
  if (!normalised) return Report(normalised.error());
  auto ctx = OpenContext(global, true, 1);
  if (!ctx) return Report(ctx.error());
  // Fail before asking for a password when there is no such user.
  if (auto u = ctx->store->Read([&](store::Tx& tx) { return tx.users().FindByEmail(*normalised); });
      !u) {
    return Report(u.error());
  }
  auto password = ReadNewPassword();
  if (!password) return Report(password.error());
  auto hash = HashPassword(*password);
  if (!hash) return Report(hash.error());
  auto done = ctx->store->Transact([&](store::Tx& tx) -> Status {
    auto u = tx.users().FindByEmail(*normalised);
    if (!u) return Fail(u.error());
    if (auto ok = tx.users().SetPasswordHash(u->id, *hash); !ok) return ok;
    // The audit says that the password changed, never what it is.
    if (auto a = tx.global_audit().Append(kCliActor, "user.password", "user", std::to_string(u->id),
                                          "", "");
        !a) {
      return Fail(a.error());
    }
    return {};
  });
  if (!done) return Report(done.error());
  std::cout << fmt::format("changed the password of {}\n", *normalised);
  return 0;
}

}  // namespace avni::app
