#include "openmrs/errors.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <vector>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/taxonomy.hpp"
#include "http/redact.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxMessage = 600;

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

std::string Text(const json& node, std::string_view key) {
  if (!node.is_object()) return "";
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

// OpenMRS's own words: the message, then each global error and each field error.
std::string Describe(const json& error) {
  std::vector<std::string> parts;
  if (const auto message = Text(error, "message"); !message.empty()) parts.push_back(message);
  if (const auto globals = error.find("globalErrors");
      globals != error.end() && globals->is_array()) {
    for (const json& g : *globals) {
      if (const auto m = Text(g, "message"); !m.empty()) parts.push_back(m);
    }
  }
  if (const auto fields = error.find("fieldErrors"); fields != error.end() && fields->is_object()) {
    for (const auto& [field, list] : fields->items()) {
      if (!list.is_array()) continue;
      for (const json& f : list) {
        if (const auto m = Text(f, "message"); !m.empty()) {
          parts.push_back(fmt::format("{}: {}", field, m));
        }
      }
    }
  }
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out;
}

// A failure of the server itself, wherever the trace mentions it: never a verdict on the data.
bool NamesAnOutage(std::string_view text) {
  static constexpr std::array<std::string_view, 8> kNames = {"JDBCConnectionException",
                                                             "CannotCreateTransactionException",
                                                             "DataAccessResourceFailure",
                                                             "Communications link failure",
                                                             "OutOfMemoryError",
                                                             "LockAcquisitionException",
                                                             "Deadlock",
                                                             "CannotAcquireLock"};
  return std::any_of(kNames.begin(), kNames.end(),
                     [&](std::string_view name) { return Contains(text, name); });
}

// OpenMRS's API refusing the data: its validators and its API exceptions about the data
// (openmrs-core's org.openmrs.api: APIException and the patient identifier exceptions thrown
// by PatientServiceImpl.checkPatientIdentifiers, e.g. IdentifierNotUniqueException "Identifier
// X already in use by another patient"), and webservices.rest's own refusals of a request.
bool NamesADataRefusal(std::string_view code, std::string_view text) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "ValidationException",          "APIException",
      "IdentifierNotUniqueException", "DuplicateIdentifierException",
      "InvalidCheckDigitException",   "InvalidIdentifierFormatException",
      "BlankIdentifierException",     "PatientIdentifierException",
      "ConversionException",          "IllegalRequestException"};
  if (code.starts_with("org.openmrs.validator.")) return true;
  return std::any_of(kNames.begin(), kNames.end(), [&](std::string_view name) {
    return Contains(code, name) || Contains(text, name);
  });
}

}  // namespace

std::string Redact(std::string_view text, std::string_view sent) {
  return http::Redact(text, sent);
}

Error ClassifyOpenmrs(int status, std::string_view body, std::string_view sent) {
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const json error = parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()
                         ? parsed["error"]
                         : json();
  if (error.is_null()) {
    // A proxy's page or a cut answer: the status decides (a 500 is then an outage), and none of
    // the body is quoted.
    Error e = ClassifyHttp(status, "");
    e.message = fmt::format("HTTP {} without OpenMRS's error body", status);
    return e;
  }
  const std::string code = Text(error, "code");
  const std::string detail = Text(error, "detail");
  std::string described = Redact(Describe(error), sent);
  if (described.size() > kMaxMessage) described = described.substr(0, kMaxMessage) + "...";
  std::string message = fmt::format("HTTP {}: {}", status, described);
  if (!code.empty()) message += fmt::format(" ({})", code);

  Error classified = ClassifyHttp(status, "");
  if (status == 500) {
    const std::string all = Describe(error) + "\n" + code + "\n" + detail;
    const bool refusal = !NamesAnOutage(all) && (NamesADataRefusal(code, all) ||
                                                 LooksLikeValidationMessage(Describe(error)));
    classified = refusal ? Error::InvalidArgument("", "") : Error::Unavailable("");
  }
  classified.message = std::move(message);
  return classified;
}

}  // namespace avni::openmrs
