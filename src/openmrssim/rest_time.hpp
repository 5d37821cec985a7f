#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace avni::openmrssim {

// How webservices.rest writes a java.util.Date (RestConstants.DATE_FORMAT,
// "yyyy-MM-dd'T'HH:mm:ss.SSSZ"), in the simulated server's zone (UTC):
// 2024-01-31T10:11:12.000+0000. Note "+0000", not "Z".
std::string FormatRestDate(Timestamp t);
// dd/MM/yyyy, the en_GB date OpenMRS puts in display strings.
std::string FormatDisplayDate(Timestamp t);

// What ConversionUtil.convert(String, Date) accepts: yyyy-MM-dd'T'HH:mm:ss.SSSZ (Z, +0530 or
// +05:30), the same without the fraction or the zone, "yyyy-MM-dd HH:mm:ss" and "yyyy-MM-dd".
// No zone means the server's (UTC). Anything else: nullopt.
std::optional<Timestamp> ParseRestDate(std::string_view text);

}  // namespace avni::openmrssim
