#pragma once
// Private to error_records.cpp: which error records a request means, as GET's query parameters
// or an actions body's "filter" name them. Header-only (inline) so that it needs no build
// change.

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/sync_common.hpp"
#include "api/json_body.hpp"
#include "api/route.hpp"
#include "common/error.hpp"
#include "store/error_repo.hpp"
#include "sync/error_classifier.hpp"

namespace avni::api::error_filter {

inline constexpr std::size_t kMaxFilterText = 1000;
inline constexpr std::size_t kMaxErrorTypeRef = 200;

// A filter as the caller wrote it, before its error type is looked up. `prefix` is what its
// fields are called in errors: "" for query parameters, "filter." in an actions body.
struct FilterSpec {
  std::optional<std::string> entity_type, error_type, text;
  std::optional<Timestamp> from, to;
  std::optional<bool> disabled;
  std::string prefix;

  bool empty() const {
    return !entity_type && !error_type && !text && !from && !to && !disabled.has_value();
  }
};

inline Status CheckRange(const FilterSpec& f) {
  if (f.from && f.to && *f.to <= *f.from) {
    return Fail(Error::InvalidArgument(
        f.prefix + "to",
        fmt::format("{0}to must be after {0}from: the range is from inclusive, to exclusive",
                    f.prefix)));
  }
  return {};
}

inline Result<std::optional<Timestamp>> QueryTime(const Request& request, const std::string& name) {
  auto text = request.QueryValue(name);
  if (!text) return std::optional<Timestamp>();
  auto t = ParseIsoTime(*text, name);
  if (!t) return Fail(t.error());
  return std::optional<Timestamp>(*t);
}

// GET's query parameters. Errors: invalid_argument naming the parameter.
inline Result<FilterSpec> FilterFromQuery(const Request& request) {
  FilterSpec f;
  std::optional<Error> error;
  auto into = [&error](auto& target, auto read) {
    if (error) return;
    if (read) {
      target = std::move(*read);
    } else {
      error = read.error();
    }
  };
  into(f.entity_type, QueryString(request, "entity_type", kMaxEntityType));
  into(f.error_type, QueryString(request, "error_type", kMaxErrorTypeRef));
  into(f.text, QueryString(request, "text", kMaxFilterText));
  into(f.from, QueryTime(request, "from"));
  into(f.to, QueryTime(request, "to"));
  if (error) return Fail(*error);
  if (auto disabled = request.QueryValue("disabled")) {
    if (*disabled != "true" && *disabled != "false") {
      return Fail(Error::InvalidArgument("disabled", "disabled must be true or false"));
    }
    f.disabled = *disabled == "true";
  }
  if (auto ok = CheckRange(f); !ok) return Fail(ok.error());
  return f;
}

// The "filter" object of an actions body. error_type may be a name or an id (text or number).
inline Result<FilterSpec> FilterFromBody(nlohmann::json object) {
  FilterSpec f;
  f.prefix = "filter.";
  if (!object.is_object()) {
    return Fail(Error::InvalidArgument(
        "filter", fmt::format("filter must be an object {{entity_type, error_type, text, from, "
                              "to, disabled}}, not {}",
                              object.type_name())));
  }
  if (object.contains("error_type") && object["error_type"].is_number_integer()) {
    const auto id = Int64Of(object["error_type"]);
    if (!id) {
      return Fail(Error::InvalidArgument(
          "filter.error_type", "filter.error_type is not the id of an error type: too large"));
    }
    object["error_type"] = std::to_string(*id);
  }
  JsonBody body(std::move(object), f.prefix);
  auto entity_type = body.OptionalString("entity_type", kMaxEntityType);
  if (!entity_type) return Fail(entity_type.error());
  auto error_type = body.OptionalString("error_type", kMaxErrorTypeRef);
  if (!error_type) return Fail(error_type.error());
  auto text = body.OptionalString("text", kMaxFilterText);
  if (!text) return Fail(text.error());
  auto from = body.OptionalString("from", 100);
  if (!from) return Fail(from.error());
  auto to = body.OptionalString("to", 100);
  if (!to) return Fail(to.error());
  auto disabled = body.OptionalBool("disabled");
  if (!disabled) return Fail(disabled.error());
  if (auto done = body.Finish(); !done) return Fail(done.error());
  // Filters are single lines: no tab or line break either.
  for (const auto& [name, value] :
       {std::pair{"entity_type", &*entity_type}, std::pair{"error_type", &*error_type},
        std::pair{"text", &*text}}) {
    if (!*value) continue;
    if (auto ok = CheckText(f.prefix + name, **value, false); !ok) return Fail(ok.error());
  }
  f.entity_type = std::move(*entity_type);
  f.error_type = std::move(*error_type);
  f.text = std::move(*text);
  f.disabled = *disabled;
  if (*from) {
    auto t = ParseIsoTime(**from, "filter.from");
    if (!t) return Fail(t.error());
    f.from = *t;
  }
  if (*to) {
    auto t = ParseIsoTime(**to, "filter.to");
    if (!t) return Fail(t.error());
    f.to = *t;
  }
  if (auto ok = CheckRange(f); !ok) return Fail(ok.error());
  return f;
}

inline bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// The store's filter for `spec`. The error type is "Unclassified" (records of no type), the id
// of one of the tenant's types, or its name. Errors: invalid_argument naming error_type when it
// names no type of this tenant.
inline Result<store::ErrorRecordFilter> Resolve(store::ErrorRepo& repo, const FilterSpec& spec) {
  store::ErrorRecordFilter f;
  f.entity_type = spec.entity_type;
  f.text = spec.text;
  f.seen_from = spec.from;
  f.seen_to = spec.to;
  f.processing_disabled = spec.disabled;
  if (!spec.error_type) return f;
  const std::string& wanted = *spec.error_type;
  if (wanted == sync::kDefaultErrorTypeName) {
    f.unclassified = true;
    return f;
  }
  auto types = repo.ListTypes();
  if (!types) return Fail(types.error());
  const bool numeric = AllDigits(wanted);
  const auto by_id = std::find_if(types->begin(), types->end(), [&](const ErrorType& t) {
    return numeric && std::to_string(t.id) == wanted;
  });
  const auto by_name = std::find_if(types->begin(), types->end(),
                                    [&](const ErrorType& t) { return t.name == wanted; });
  const auto found = by_id != types->end() ? by_id : by_name;
  if (found == types->end()) {
    return Fail(Error::InvalidArgument(
        spec.prefix + "error_type",
        fmt::format("{}error_type '{}' names no error type of this tenant: give the name or id of "
                    "one that GET error-types lists, or {} for records of no type",
                    spec.prefix, wanted, sync::kDefaultErrorTypeName)));
  }
  f.error_type_id = found->id;
  return f;
}

}  // namespace avni::api::error_filter
