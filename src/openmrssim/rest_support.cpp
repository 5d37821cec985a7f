#include "openmrssim/rest_support.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>

#include <httplib.h>

namespace avni::openmrssim {
namespace {

constexpr std::string_view kMetaResources[] = {"encountertype",
                                               "visittype",
                                               "location",
                                               "provider",
                                               "encounterrole",
                                               "patientidentifiertype",
                                               "personattributetype",
                                               "visitattributetype"};

}  // namespace

bool IsMetaResource(std::string_view resource) {
  return std::find(std::begin(kMetaResources), std::end(kMetaResources), resource) !=
         std::end(kMetaResources);
}

std::string ReadPrivilege(std::string_view resource) {
  static const std::map<std::string_view, std::string_view> kNames = {
      {"patient", "Get Patients"},
      {"person", "Get People"},
      {"encounter", "Get Encounters"},
      {"obs", "Get Observations"},
      {"visit", "Get Visits"},
      {"concept", "Get Concepts"},
      {"encountertype", "Get Encounter Types"},
      {"visittype", "Get Visit Types"},
      {"location", "Get Locations"},
      {"provider", "Get Providers"},
      {"encounterrole", "Get Encounter Roles"},
      {"patientidentifiertype", "Get Identifier Types"},
      {"personattributetype", "Get Person Attribute Types"},
      {"visitattributetype", "Get Visit Attribute Types"}};
  const auto it = kNames.find(resource);
  return std::string(it == kNames.end() ? "Get Global Properties" : it->second);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::expected<Rep, RestError> ReadRep(const httplib::Request& req, Rep fallback) {
  if (!req.has_param("v")) return fallback;
  const std::string v = req.get_param_value("v");
  if (v.empty()) {
    return std::unexpected(ServerError("?v=(empty string) is not allowed",
                                       "org.openmrs.module.webservices.rest.web.RestUtil:458"));
  }
  const auto rep = ParseRep(v);
  if (!rep) {
    return std::unexpected(Conversion(
        "the simulator serves v=ref, v=default and v=full; custom representations are not "
        "simulated: " +
        v));
  }
  return *rep;
}

}  // namespace avni::openmrssim
