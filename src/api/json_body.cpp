#include "api/json_body.hpp"

#include <limits>

#include <fmt/format.h>

namespace avni::api {
namespace {

Error Bad(const std::string& field, std::string message) {
  return Error::InvalidArgument(field, std::move(message));
}

std::string TypeName(const nlohmann::json& v) { return v.type_name(); }

}  // namespace

Result<JsonBody> JsonBody::Parse(std::string_view text) {
  if (text.empty()) return Fail(Bad("body", "a JSON object body is required"));
  int depth = 0;
  bool too_deep = false;
  // The callback sees every nesting step before the parser builds it, so a hostile body of a
  // million brackets is refused before it costs memory or stack.
  const nlohmann::json::parser_callback_t limit = [&](int d, nlohmann::json::parse_event_t event,
                                                      nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start ||
        event == nlohmann::json::parse_event_t::array_start) {
      depth = std::max(depth, d + 1);
      if (d + 1 > kMaxDepth) too_deep = true;
    }
    return !too_deep;
  };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text.begin(), text.end(), limit);
  } catch (const nlohmann::json::parse_error& e) {
    if (too_deep) {
      return Fail(Bad("body", fmt::format("JSON nested deeper than {} levels", kMaxDepth)));
    }
    std::string why = e.what();
    if (auto at = why.find("] "); at != std::string::npos) why = why.substr(at + 2);
    return Fail(Bad("body", "body is not valid JSON: " + why));
  }
  if (too_deep) {
    return Fail(Bad("body", fmt::format("JSON nested deeper than {} levels", kMaxDepth)));
  }
  if (!value.is_object()) {
    return Fail(Bad("body", fmt::format("body must be a JSON object, not {}", TypeName(value))));
  }
  return JsonBody(std::move(value));
}

JsonBody::JsonBody(nlohmann::json object, std::string prefix)
    : object_(std::move(object)), prefix_(std::move(prefix)) {}

std::string JsonBody::Name(std::string_view field) const { return prefix_ + std::string(field); }

bool JsonBody::Has(std::string_view field) const {
  return object_.contains(field) && !object_.at(std::string(field)).is_null();
}

Result<const nlohmann::json*> JsonBody::Get(std::string_view field, bool required) {
  read_.insert(std::string(field));
  auto it = object_.find(field);
  if (it == object_.end() || it->is_null()) {
    if (required) return Fail(Bad(Name(field), Name(field) + " is required"));
    return nullptr;
  }
  return &*it;
}

Result<std::string> JsonBody::String(std::string_view field, std::size_t max_chars) {
  auto value = OptionalString(field, max_chars);
  if (!value) return Fail(value.error());
  if (!*value) return Fail(Bad(Name(field), Name(field) + " is required"));
  return std::move(**value);
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view field,
                                                            std::size_t max_chars) {
  auto v = Get(field, false);
  if (!v) return Fail(v.error());
  if (*v == nullptr) return std::optional<std::string>();
  if (!(*v)->is_string()) {
    return Fail(
        Bad(Name(field), fmt::format("{} must be a string, not {}", Name(field), TypeName(**v))));
  }
  const auto& s = (*v)->get_ref<const std::string&>();
  // nlohmann/json has already refused invalid UTF-8; count characters, not bytes.
  std::size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  if (chars > max_chars) {
    return Fail(Bad(Name(field),
                    fmt::format("{} must have at most {} characters", Name(field), max_chars)));
  }
  if (auto ok = CheckText(Name(field), s, true); !ok) return Fail(ok.error());
  return std::optional<std::string>(s);
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view field) {
  auto v = Get(field, false);
  if (!v) return Fail(v.error());
  if (*v == nullptr) return std::optional<bool>();
  if (!(*v)->is_boolean()) {
    return Fail(Bad(Name(field),
                    fmt::format("{} must be true or false, not {}", Name(field), TypeName(**v))));
  }
  return std::optional<bool>((*v)->get<bool>());
}

Result<std::optional<std::int64_t>> JsonBody::OptionalInt(std::string_view field) {
  auto v = Get(field, false);
  if (!v) return Fail(v.error());
  if (*v == nullptr) return std::optional<std::int64_t>();
  if (!(*v)->is_number_integer()) {
    return Fail(Bad(Name(field),
                    fmt::format("{} must be a whole number, not {}", Name(field), TypeName(**v))));
  }
  const auto n = Int64Of(**v);
  if (!n) {
    return Fail(Bad(Name(field), fmt::format("{} is too large: at most {}", Name(field),
                                             std::numeric_limits<std::int64_t>::max())));
  }
  return std::optional<std::int64_t>(*n);
}

Result<nlohmann::json> JsonBody::Array(std::string_view field) {
  auto v = Get(field, true);
  if (!v) return Fail(v.error());
  if (!(*v)->is_array()) {
    return Fail(
        Bad(Name(field), fmt::format("{} must be an array, not {}", Name(field), TypeName(**v))));
  }
  return **v;
}

Status JsonBody::Finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (!read_.contains(key)) {
      return Fail(Bad(Name(key), fmt::format("unknown field '{}'", Name(key))));
    }
  }
  return {};
}

Status CheckText(std::string_view field, std::string_view value, bool multiline) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool control = c < 0x20 || c == 0x7F;
    if (!control || (multiline && (c == '\t' || c == '\n' || c == '\r'))) continue;
    return Fail(Bad(std::string(field),
                    fmt::format("{} must not contain control characters: U+{:04X} at byte {}; "
                                "remove it",
                                field, c, i)));
  }
  return {};
}

std::optional<std::int64_t> Int64Of(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(n);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace avni::api
