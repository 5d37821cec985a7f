#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_server.hpp"
#include "auth/authenticator.hpp"
#include "support/store_test.hpp"

namespace avni::testing {

// A reply from the server under test.
struct Reply {
  int status = 0;       // 0: no answer
  nlohmann::json body;  // null when the body is not JSON
  std::string raw;
  std::multimap<std::string, std::string> headers;

  // The "code" and the "details.field" of an error body ("" when there is none).
  std::string error_code() const;
  std::string error_field() const;
};

// Base of the API tests: a real HttpServer on a free loopback port, over a fresh database of
// the backend the test is instantiated for (AVNI_ON_EVERY_BACKEND), with the fake clock.
class ApiTest : public StoreTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Replaces the server SetUp started (port 0, 4 handler threads) by one with these options
  // (its port is chosen afresh when options.port is 0). Returns whether it is serving.
  bool RestartServer(ServerOptions options);

  // One HTTP call. `token` goes in "Authorization: Bearer"; `headers` are added as given.
  Reply Call(const std::string& method, const std::string& path,
             const std::optional<nlohmann::json>& body = std::nullopt,
             const std::string& token = "", const std::map<std::string, std::string>& headers = {});
  // The same with a raw body (for malformed JSON and the like).
  Reply CallRaw(const std::string& method, const std::string& path, const std::string& body,
                const std::string& token = "",
                const std::map<std::string, std::string>& headers = {});

  // A user made straight in the store (password hashed as the service does).
  User MakeUser(const std::string& email, const std::string& password = "password-123",
                bool super_admin = false);
  void AddMember(TenantId tenant, RowId user_id, Role role);
  // Signs in through the API and returns the session token.
  std::string SignIn(const std::string& email, const std::string& password = "password-123");
  // A super-admin, signed in: the token.
  std::string SuperAdminToken();
  // An API key made straight in the store (not audited); returns the key to present.
  std::string MakeApiKey(TenantId tenant, Role role, const std::string& name = "ci");

  // Stops the server and starts another on the same database with `options` (a new port).
  void RestartServer(api::ApiOptions options);

  // "/api/v1/tenants/<t>" followed by `rest`.
  static std::string TenantPath(TenantId t, const std::string& rest = "");
  // How many rows `from_where` (e.g. "audit_log WHERE tenant_id IS NULL") holds in the raw
  // database, as text.
  std::string Count(const std::string& from_where);

  int port() const { return server_->port(); }
  // The options SetUp serves with: a free loopback port, 4 handler threads.
  static ServerOptions TestServerOptions();
  // Stops the server, if any, and serves with these options; whether it is serving.
  bool Serve(ServerOptions options, api::ApiOptions api_options);

  // The admin app the server serves at `/` (none unless a test sets it before Serve).
  const api::WebAssets* web_assets_ = nullptr;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
};

// Base of the tests of one tenant's resources: over ApiTest, a tenant "JSS Bahmni" whose admin
// is the user "admin@example.org", signed in through the API (token_).
class TenantAdminApiTest : public ApiTest {
 protected:
  void SetUp() override;

  // " WHERE tenant_id = <tenant_>": appended to a query of the raw database to read this
  // tenant's rows only.
  std::string Where() const;
  // "action:entity_id" of each of the tenant's audit entries, oldest first.
  std::vector<std::string> AuditActions();

  TenantId tenant_;
  User admin_;
  std::string token_;
};

}  // namespace avni::testing
