#include "openmrs/config.hpp"

#include <fmt/format.h>

namespace avni::openmrs {

Result<OpenmrsConfig> ReadOpenmrsConfig(const TenantConfig& values) {
  OpenmrsConfig config;
  auto url = values.Url("openmrs_base_url", "https://bahmni.example.org");
  if (!url) return Fail(url.error());
  if (url->ends_with("/openmrs")) {
    // Every path the client sends starts with /openmrs: the setting is the prefix before it.
    return Fail(Error::InvalidArgument(
        "openmrs_base_url",
        fmt::format("config openmrs_base_url is the address before /openmrs, e.g. "
                    "https://bahmni.example.org; drop the trailing /openmrs from '{}'",
                    *url)));
  }
  config.base_url = std::move(*url);

  auto user = values.Text("openmrs_user", "superman");
  if (!user) return Fail(user.error());
  config.user = std::move(*user);

  auto password = values.Secret("openmrs_password", "the OpenMRS user's password");
  if (!password) return Fail(password.error());
  config.password = std::move(*password);

  auto rate = values.Number("openmrs_requests_per_second", 0, 0, 10000);
  if (!rate) return Fail(rate.error());
  config.requests_per_second = *rate;
  return config;
}

}  // namespace avni::openmrs
