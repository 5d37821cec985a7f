#pragma once

#include <expected>
#include <string>

#include <nlohmann/json.hpp>

#include "avnisim/entity_store.hpp"
#include "avnisim/metadata.hpp"

namespace avni::sim {

// A refused write: the status and body avni-server answers.
struct WriteError {
  int status = 500;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
};

// An exception avni-server lets reach ErrorInterceptors.unknownException: status and trace.
WriteError TraceError(int status, const std::string& exception_class, const std::string& message);
// A ValidationException the controller turns into 400 with its message as the body.
WriteError ValidationError(const std::string& message);
// avni-server's IllegalArgumentException for a missing parent, type or address: a 500.
WriteError IllegalArgument(const std::string& message);

using Built = std::expected<nlohmann::json, WriteError>;

// The optional string at `key` (null and non-strings are absent), trimmed when asked.
std::string StringAt(const nlohmann::json& body, const char* key);

// RequestUtils.createObservations / patchObservations: `target` gets the request's values.
// An unknown concept is a 500 (a NullPointerException there), a coded value that names no
// answer of the concept a 400. `patch`: null removes a value and others stay; otherwise the
// request replaces all.
std::expected<void, WriteError> ApplyObservations(const Metadata& metadata,
                                                  const nlohmann::json& request,
                                                  nlohmann::json& target, bool patch);

// The subject a POST/PUT (or, with `patch`, a PATCH) makes of `base` (an existing subject, or
// an object holding only the new ID). `version` is the ?version= parameter (1..3).
Built BuildSubject(const Metadata& metadata, const Stores& stores, nlohmann::json base,
                   const nlohmann::json& body, bool patch, int version);

}  // namespace avni::sim
