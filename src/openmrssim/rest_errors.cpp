#include "openmrssim/rest_errors.hpp"

namespace avni::openmrssim {

using nlohmann::ordered_json;

RestError WrapError(int status, const std::string& reason, const std::string& message,
                    const std::string& code) {
  ordered_json error;
  error["message"] = reason.empty() ? "[" + message + "]" : reason + " [" + message + "]";
  error["code"] = code;
  error["detail"] = "";
  return RestError{status, ordered_json{{"error", std::move(error)}}, false};
}

RestError NotFound() {
  return WrapError(404, "Object with given uuid doesn't exist", "null",
                   "org.openmrs.module.webservices.rest.web.resource.impl.DelegatingCrudResource:"
                   "157");
}

RestError Conversion(const std::string& message_chain) {
  return WrapError(
      400, "", message_chain,
      "org.openmrs.module.webservices.rest.web.resource.impl.BaseDelegatingResource:751");
}

RestError ServerError(const std::string& message, const std::string& code) {
  return WrapError(500, "", message, code);
}

RestError Validation(const std::vector<ValidationError>& global_errors,
                     const std::vector<std::pair<std::string, ValidationError>>& field_errors) {
  ordered_json globals = ordered_json::array();
  for (const auto& e : global_errors) globals.push_back({{"code", e.code}, {"message", e.message}});
  ordered_json fields = ordered_json::object();
  for (const auto& [field, e] : field_errors) {
    fields[field].push_back({{"code", e.code}, {"message", e.message}});
  }
  ordered_json error;
  error["message"] = "Invalid Submission";
  error["code"] = "webservices.rest.error.invalid.submission";
  error["globalErrors"] = std::move(globals);
  error["fieldErrors"] = std::move(fields);
  return RestError{400, ordered_json{{"error", std::move(error)}}, false};
}

RestError NotLoggedIn(const std::string& privilege) {
  RestError error = WrapError(401, "User is not logged in", "Privileges required: " + privilege,
                              "org.openmrs.aop.AuthorizationAdvice:126");
  error.www_authenticate = true;
  return error;
}

}  // namespace avni::openmrssim
