#include "support/api_test.hpp"

#include <httplib.h>

#include "crypto/password.hpp"

namespace avni::testing {

std::string Reply::error_code() const {
  if (!body.is_object() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

std::string Reply::error_field() const {
  return body.is_object() ? body.value(nlohmann::json::json_pointer("/error/details/field"), "")
                          : "";
}

ServerOptions ApiTest::TestServerOptions() {
  ServerOptions options;
  options.port = 0;
  options.threads = 4;
  return options;
}

void ApiTest::SetUp() {
  StoreTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  auth_ = std::make_unique<auth::Authenticator>(*store_, clock_);
  ASSERT_TRUE(Serve(TestServerOptions(), {}));
}

void ApiTest::RestartServer(api::ApiOptions api_options) {
  ASSERT_TRUE(Serve(TestServerOptions(), std::move(api_options)));
}

bool ApiTest::RestartServer(ServerOptions options) { return Serve(std::move(options), {}); }

bool ApiTest::Serve(ServerOptions options, api::ApiOptions api_options) {
  if (server_) server_->Stop();
  if (serving_.joinable()) serving_.join();
  server_.reset();
  api::Services services{*store_, *auth_, clock_, api_options};
  services.web_assets = web_assets_;
  server_ = std::make_unique<HttpServer>(services, options);
  auto bound = server_->Bind();
  EXPECT_TRUE(bound.has_value()) << bound.error().message;
  if (!bound) return false;
  serving_ = std::thread([this] { server_->Serve(); });
  return true;
}

void ApiTest::TearDown() {
  if (server_) server_->Stop();
  if (serving_.joinable()) serving_.join();
  server_.reset();
  auth_.reset();
  StoreTest::TearDown();
}

Reply ApiTest::Call(const std::string& method, const std::string& path,
                    const std::optional<nlohmann::json>& body, const std::string& token,
                    const std::map<std::string, std::string>& headers) {
  return CallRaw(method, path, body ? body->dump() : "", token, headers);
}

Reply ApiTest::CallRaw(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& token,
                       const std::map<std::string, std::string>& headers) {
  httplib::Client client("127.0.0.1", port());
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(30));
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  for (const auto& [k, v] : headers) h.emplace(k, v);
  const std::string type = "application/json";
  auto send = [&]() -> httplib::Result {
    if (method == "GET") return client.Get(path.c_str(), h);
    if (method == "POST") return client.Post(path.c_str(), h, body, type.c_str());
    if (method == "PUT") return client.Put(path.c_str(), h, body, type.c_str());
    if (method == "PATCH") return client.Patch(path.c_str(), h, body, type.c_str());
    return client.Delete(path.c_str(), h, body, type.c_str());
  };
  if (method != "GET" && method != "POST" && method != "PUT" && method != "PATCH" &&
      method != "DELETE") {
    ADD_FAILURE() << "unknown method " << method;
    return {};
  }
  httplib::Result res = send();
  Reply reply;
  if (!res) return reply;
  reply.status = res->status;
  reply.raw = res->body;
  for (const auto& [k, v] : res->headers) reply.headers.emplace(k, v);
  reply.body = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

User ApiTest::MakeUser(const std::string& email, const std::string& password, bool super_admin) {
  auto hash = HashPassword(password);
  EXPECT_TRUE(hash.has_value());
  auto user = store_->Transact(
      [&](store::Tx& tx) { return tx.users().Create(email, hash.value_or(""), super_admin); });
  EXPECT_TRUE(user.has_value()) << (user ? "" : user.error().message);
  return user.value_or(User{});
}

void ApiTest::AddMember(TenantId tenant, RowId user_id, Role role) {
  auto m = store_->Transact(
      [&](store::Tx& tx) { return tx.tenant(tenant).members().Put(user_id, role); });
  EXPECT_TRUE(m.has_value()) << (m ? "" : m.error().message);
}

std::string ApiTest::SignIn(const std::string& email, const std::string& password) {
  Reply r =
      Call("POST", "/api/v1/auth/login", nlohmann::json{{"email", email}, {"password", password}});
  EXPECT_EQ(r.status, 200) << r.raw;
  if (r.status != 200) return "";
  return r.body.value("token", "");
}

std::string ApiTest::SuperAdminToken() {
  MakeUser("root@example.org", "password-123", true);
  return SignIn("root@example.org");
}

std::string ApiTest::MakeApiKey(TenantId tenant, Role role, const std::string& name) {
  auto [key, prefix] = auth::Authenticator::NewApiKey();
  auto made = store_->Transact([&](store::Tx& tx) {
    return tx.tenant(tenant).api_keys().Create(name, prefix, auth::Authenticator::HashToken(key),
                                               role, std::nullopt);
  });
  EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
  return key;
}

std::string ApiTest::TenantPath(TenantId t, const std::string& rest) {
  return "/api/v1/tenants/" + std::to_string(t.value) + rest;
}

std::string ApiTest::Count(const std::string& from_where) {
  return db_->QueryColumn("SELECT COUNT(*) FROM " + from_where).at(0);
}

void TenantAdminApiTest::SetUp() {
  ApiTest::SetUp();
  if (IsSkipped() || HasFatalFailure()) return;
  tenant_ = MakeTenant("JSS Bahmni");
  admin_ = MakeUser("admin@example.org");
  AddMember(tenant_, admin_.id, Role::kAdmin);
  token_ = SignIn("admin@example.org");
}

std::string TenantAdminApiTest::Where() const {
  return " WHERE tenant_id = " + std::to_string(tenant_.value);
}

std::vector<std::string> TenantAdminApiTest::AuditActions() {
  return db_->QueryColumn("SELECT action || ':' || entity_id FROM audit_log" + Where() +
                          " ORDER BY id");
}

}  // namespace avni::testing
