// The OpenAPI document (GET /api/v1/openapi.json) against the route table the server really
// registers: every route is documented with its access level and nothing else is, so a route
// added without documenting it fails here.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/http_error.hpp"
#include "support/api_test.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

std::string AccessName(api::Access access) {
  switch (access) {
    case api::Access::kPublic:
      return "public";
    case api::Access::kSignedIn:
      return "signed_in";
    case api::Access::kSuperAdmin:
      return "super_admin";
    case api::Access::kTenantViewer:
      return "tenant_viewer";
    case api::Access::kTenantEditor:
      return "tenant_editor";
    case api::Access::kTenantAdmin:
      return "tenant_admin";
  }
  return "unknown";
}

// The keys of a path item that are operations (OpenAPI 3.0.3, section 4.7.9).
const std::set<std::string>& MethodKeys() {
  static const std::set<std::string> kKeys{"get",  "put",   "post",  "delete",
                                           "head", "patch", "trace", "options"};
  return kKeys;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// What a JSON pointer ("/content/application~1json/schema") names in `value`; null when
// nothing, so that a malformed document fails an expectation instead of the test program.
const json& At(const json& value, const std::string& pointer) {
  static const json kNull;
  const json::json_pointer where(pointer);
  return value.contains(where) ? value.at(where) : kNull;
}

// "/api/v1/tenants/{tenant}/members/{user}" -> {"tenant", "user"}.
std::set<std::string> BracedNames(const std::string& path) {
  std::set<std::string> names;
  for (auto open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    const auto close = path.find('}', open);
    if (close == std::string::npos) break;
    names.insert(path.substr(open + 1, close - open - 1));
  }
  return names;
}

std::string Lines(const std::set<std::pair<std::string, std::string>>& operations) {
  std::string out;
  for (const auto& [method, path] : operations) out += "\n  " + method + " " + path;
  return out;
}

struct Operation {
  std::string method;  // upper case, as routes have it
  std::string path;
  const json* item;  // the path item (for its shared parameters)
  const json* op;
};

class OpenApiTest : public ApiTest {
 protected:
  // Fetched as an anonymous caller: the document is public.
  void SetUp() override {
    ApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Reply reply = Call("GET", "/api/v1/openapi.json");
    ASSERT_EQ(reply.status, 200) << reply.raw.substr(0, 500);
    ASSERT_TRUE(reply.body.is_object()) << "the document is not a JSON object";
    doc_ = std::move(reply.body);
    ASSERT_TRUE(doc_.contains("paths") && doc_["paths"].is_object()) << "no paths object";
    for (const auto& [path, item] : doc_["paths"].items()) {
      for (const auto& [key, op] : item.items()) {
        if (MethodKeys().contains(key)) ops_.push_back({Upper(key), path, &item, &op});
      }
    }
  }

  // A local "$ref" followed to what it names (null when it names nothing); anything else as is.
  const json& Resolve(const json& value) const {
    static const json kNull;
    if (!value.is_object() || !value.contains("$ref") || !value["$ref"].is_string()) return value;
    const std::string ref = value["$ref"];
    if (!ref.starts_with("#/")) return kNull;
    const json::json_pointer pointer(ref.substr(1));
    return doc_.contains(pointer) ? doc_.at(pointer) : kNull;
  }

  const Operation* Find(const std::string& method, const std::string& path) const {
    for (const auto& o : ops_) {
      if (o.method == method && o.path == path) return &o;
    }
    return nullptr;
  }

  // The parameters that apply to an operation: the path item's and its own, resolved.
  std::vector<json> Parameters(const Operation& o) const {
    std::vector<json> out;
    for (const json* holder : {o.item, o.op}) {
      if (!holder->contains("parameters")) continue;
      for (const auto& p : (*holder)["parameters"]) out.push_back(Resolve(p));
    }
    return out;
  }

  json doc_;
  std::vector<Operation> ops_;
};

TEST_P(OpenApiTest, IsServedToAnyoneAsOpenApi3Json) {
  const std::string version = doc_.value("openapi", "");
  EXPECT_TRUE(version.starts_with("3.0")) << "openapi is '" << version << "'";
  EXPECT_FALSE(doc_["info"].value("title", "").empty());
  EXPECT_FALSE(doc_["info"].value("version", "").empty());
  Reply r = Call("GET", "/api/v1/openapi.json");
  auto type = r.headers.find("Content-Type");
  ASSERT_NE(type, r.headers.end());
  EXPECT_TRUE(type->second.starts_with("application/json")) << type->second;
  // A stale token must not keep anyone from the public document.
  EXPECT_EQ(Call("GET", "/api/v1/openapi.json", std::nullopt, "expired-token").status, 200);
}

TEST_P(OpenApiTest, DocumentsExactlyTheRegisteredRoutes) {
  std::set<std::pair<std::string, std::string>> routes;
  for (const auto& route : server_->routes()) routes.emplace(route.method, route.path);
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& o : ops_) documented.emplace(o.method, o.path);
  std::set<std::pair<std::string, std::string>> missing;
  std::set<std::pair<std::string, std::string>> extra;
  for (const auto& r : routes) {
    if (!documented.contains(r)) missing.insert(r);
  }
  for (const auto& d : documented) {
    if (!routes.contains(d)) extra.insert(d);
  }
  EXPECT_TRUE(missing.empty()) << "routes not in src/api/openapi.json:" << Lines(missing);
  EXPECT_TRUE(extra.empty()) << "documented operations the server does not serve:" << Lines(extra);
  EXPECT_EQ(documented.size(), ops_.size());
}

TEST_P(OpenApiTest, EachOperationHasTheAccessOfItsRoute) {
  ASSERT_TRUE(doc_.contains("security") && doc_["security"].is_array() && !doc_["security"].empty())
      << "the document needs a default security requirement";
  for (const auto& route : server_->routes()) {
    const Operation* o = Find(route.method, route.path);
    if (o == nullptr) continue;  // reported by DocumentsExactlyTheRegisteredRoutes
    SCOPED_TRACE(route.method + " " + route.path);
    const json& op = *o->op;
    EXPECT_EQ(op.value("x-access", ""), AccessName(route.access));
    const json& responses = At(op, "/responses");
    if (route.access == api::Access::kPublic) {
      EXPECT_TRUE(op.contains("security") && op["security"] == json::array())
          << "a public operation needs \"security\": []";
      continue;
    }
    EXPECT_TRUE(responses.contains("401")) << "a route that needs a caller can answer 401";
    const json& security = op.contains("security") ? op["security"] : doc_["security"];
    ASSERT_TRUE(security.is_array() && !security.empty()) << "needs a caller, says none";
    for (const auto& requirement : security) {
      // An empty requirement object would let anonymous callers in.
      EXPECT_TRUE(requirement.is_object() && !requirement.empty()) << requirement.dump();
      for (const auto& [scheme, scopes] : requirement.items()) {
        EXPECT_TRUE(doc_["components"]["securitySchemes"].contains(scheme)) << scheme;
      }
    }
  }
}

TEST_P(OpenApiTest, PathParametersAreDeclared) {
  for (const auto& o : ops_) {
    SCOPED_TRACE(o.method + " " + o.path);
    std::set<std::string> declared;
    for (const auto& p : Parameters(o)) {
      ASSERT_TRUE(p.is_object() && p.contains("name") && p.contains("in")) << p.dump();
      if (p["in"] != "path") continue;
      declared.insert(p["name"].get<std::string>());
      EXPECT_EQ(p.value("required", false), true) << "path parameter " << p["name"];
      EXPECT_TRUE(p.contains("schema")) << "path parameter " << p["name"];
    }
    EXPECT_EQ(declared, BracedNames(o.path));
  }
}

TEST_P(OpenApiTest, OperationsAreDescribed) {
  std::set<std::string> tags;
  for (const auto& tag : doc_["tags"]) tags.insert(tag.value("name", ""));
  std::set<std::string> ids;
  for (const auto& o : ops_) {
    SCOPED_TRACE(o.method + " " + o.path);
    const json& op = *o.op;
    EXPECT_FALSE(op.value("summary", "").empty());
    const std::string id = op.value("operationId", "");
    EXPECT_FALSE(id.empty());
    EXPECT_TRUE(ids.insert(id).second) << "operationId " << id << " repeats";
    ASSERT_TRUE(op.contains("tags") && op["tags"].is_array() && op["tags"].size() == 1);
    EXPECT_TRUE(tags.contains(op["tags"][0].get<std::string>())) << "tag not declared";

    ASSERT_TRUE(op.contains("responses") && op["responses"].is_object());
    bool success = false;
    for (const auto& [status, response] : op["responses"].items()) {
      success = success || status.starts_with('2');
      const json& resolved = Resolve(response);
      EXPECT_FALSE(resolved.value("description", "").empty()) << status;
      if (!status.starts_with('4')) continue;
      // Every refusal speaks the one error shape.
      EXPECT_EQ(At(resolved, "/content/application~1json/schema/$ref"),
                "#/components/schemas/Error")
          << status;
    }
    EXPECT_TRUE(success) << "no 2xx response";

    if (op.contains("requestBody")) {
      const json& content = At(Resolve(op["requestBody"]), "/content");
      ASSERT_TRUE(content.is_object() && !content.empty()) << "a request body of no media type";
      // Other media (a bundle's zip, a CSV file) are taken whole.
      if (content.contains("application/json")) {
        const json& body = Resolve(At(content, "/application~1json/schema"));
        EXPECT_EQ(body.value("type", ""), "object");
        // The server refuses unknown fields; the document must say so.
        EXPECT_EQ(body.value("additionalProperties", true), false);
      }
      EXPECT_TRUE(o.method != "GET") << "a GET with a body";
    }
  }
}

TEST_P(OpenApiTest, EveryReferenceResolvesAndErrorCodesAreThoseTheServerSends) {
  std::vector<std::string> dangling;
  std::vector<const json*> todo{&doc_};
  while (!todo.empty()) {
    const json* node = todo.back();
    todo.pop_back();
    if (node->is_object() && node->contains("$ref") && Resolve(*node).is_null()) {
      dangling.push_back((*node)["$ref"].dump());
    }
    if (node->is_structured()) {
      for (const auto& child : *node) todo.push_back(&child);
    }
  }
  EXPECT_TRUE(dangling.empty()) << "dangling $ref: " << json(dangling).dump();

  std::set<std::string> sent;
  for (ErrorCode code :
       {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kConflict,
        ErrorCode::kUnauthenticated, ErrorCode::kForbidden, ErrorCode::kFailedPrecondition,
        ErrorCode::kRateLimited, ErrorCode::kUnavailable, ErrorCode::kInternal}) {
    const json body = json::parse(api::ErrorResponse(Error{code, "m", "f"}).body);
    sent.insert(body["error"]["code"].get<std::string>());
  }
  const json& error = At(doc_, "/components/schemas/Error/properties/error/properties");
  std::set<std::string> documented;
  for (const auto& code : At(error, "/code/enum")) documented.insert(code.get<std::string>());
  EXPECT_EQ(documented, sent);
  EXPECT_TRUE(At(error, "/details/properties").contains("field"));
  EXPECT_TRUE(At(error, "/message/type") == "string");
}

// The documented sort values of each list are exactly those the server takes: each is asked
// for, and each field the server names when refusing a sort is tried both ways.
TEST_P(OpenApiTest, DocumentedSortValuesAreThoseTheServerTakes) {
  const std::string token = SuperAdminToken();
  const TenantId tenant = MakeTenant("sorted");
  int lists = 0;
  for (const auto& o : ops_) {
    std::set<std::string> documented;
    bool paged = false;
    for (const auto& p : Parameters(o)) {
      if (p.value("in", "") != "query") continue;
      if (p.value("name", "") == "page") paged = true;
      if (p.value("name", "") != "sort") continue;
      for (const auto& v : At(p, "/schema/enum")) documented.insert(v.get<std::string>());
      EXPECT_TRUE(documented.contains(At(p, "/schema/default").get<std::string>()))
          << "the default sort is not among the documented values";
    }
    if (documented.empty()) continue;
    SCOPED_TRACE(o.method + " " + o.path);
    ++lists;
    EXPECT_TRUE(paged) << "sorted but no page parameter";
    std::string url = o.path;
    if (auto at = url.find("{tenant}"); at != std::string::npos) {
      url.replace(at, 8, std::to_string(tenant.value));
    }
    ASSERT_TRUE(BracedNames(url).empty()) << url;

    Reply refused = Call(o.method, url + "?sort=no_such_field", std::nullopt, token);
    ASSERT_EQ(refused.status, 400) << refused.raw;
    EXPECT_EQ(refused.body["error"]["details"].value("field", ""), "sort");
    std::string named = refused.body["error"].value("message", "");
    const auto list = named.find("one of: ");
    ASSERT_NE(list, std::string::npos) << named;
    named = named.substr(list + 8) + ", ";
    std::set<std::string> taken;
    for (std::size_t from = 0, comma; (comma = named.find(", ", from)) != std::string::npos;
         from = comma + 2) {
      const std::string field = named.substr(from, comma - from);
      for (const std::string& value : {field, "-" + field}) {
        Reply r = Call(o.method, url + "?sort=" + value, std::nullopt, token);
        if (r.status == 200) {
          taken.insert(value);
          EXPECT_TRUE(r.body.contains("items") && r.body.contains("total")) << r.raw;
        } else {
          EXPECT_EQ(r.status, 400) << value << ": " << r.raw;
        }
      }
    }
    EXPECT_EQ(documented, taken);
  }
  EXPECT_GT(lists, 0) << "no sorted list documented";
}

AVNI_ON_EVERY_BACKEND(OpenApiTest);

}  // namespace
}  // namespace avni::testing
