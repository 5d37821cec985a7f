// GET /metrics: the service's metrics in the Prometheus text format (README, "Monitoring").
// Open when no --metrics-token is set; otherwise it wants "Authorization: Bearer <token>".
#include "api/routes.hpp"
#include "auth/authenticator.hpp"
#include "metrics/service_metrics.hpp"

namespace avni::api {
namespace {

// Whether `presented` is `expected`, in time that depends on neither: their hashes (of one
// length) are compared byte by byte to the end.
bool SameToken(std::string_view presented, std::string_view expected) {
  const std::string a = auth::Authenticator::HashToken(presented);
  const std::string b = auth::Authenticator::HashToken(expected);
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

Error Unauthenticated(std::string message) {
  return Error{ErrorCode::kUnauthenticated, std::move(message), {}};
}

}  // namespace

void AddMetricsRoutes(std::vector<Route>& routes, Services& services) {
  Route route{"GET", "/metrics", Access::kPublic,
              [&services](Request& request) -> Result<Response> {
                if (services.metrics == nullptr) {
                  return Fail(Error::NotFound("this server exports no metrics"));
                }
                const std::string& token = services.options.metrics_token;
                if (!token.empty()) {
                  auto it = request.headers.find("authorization");
                  if (it == request.headers.end() || !it->second.starts_with("Bearer ")) {
                    return Fail(Unauthenticated(
                        "/metrics needs 'Authorization: Bearer <token>' with the token given "
                        "to serve --metrics-token"));
                  }
                  if (!SameToken(std::string_view(it->second).substr(7), token)) {
                    return Fail(Unauthenticated("wrong metrics token"));
                  }
                }
                return Response{200, services.metrics->Render(), metrics::kTextContentType};
              },
              "The service's metrics (Prometheus text format)"};
  route.own_credentials = true;
  routes.push_back(std::move(route));
}

}  // namespace avni::api
