#include "domain/tenant_config.hpp"

#include <charconv>

#include <fmt/format.h>

namespace avni {
namespace {

Error Bad(std::string_view key, std::string_view what, std::string_view value) {
  return Error::InvalidArgument(std::string(key),
                                fmt::format("config {} must be {}, not '{}'", key, what, value));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsHttpUrl(std::string_view url) {
  const auto rest = url.starts_with("https://")  ? url.substr(8)
                    : url.starts_with("http://") ? url.substr(7)
                                                 : std::string_view();
  return !rest.empty() && rest.front() != '/' && url.find_first_of(" ?#") == std::string::npos;
}

}  // namespace

const TenantConfig::Value* TenantConfig::Find(std::string_view key) const {
  const auto it = values_.find(key);
  if (it == values_.end() || it->second.text.empty()) return nullptr;
  return &it->second;
}

Result<std::string> TenantConfig::Text(std::string_view key, std::string_view example) const {
  const Value* v = Find(key);
  if (v == nullptr) {
    return Fail(Error::InvalidArgument(
        std::string(key), fmt::format("config {} is not set; set it, e.g. {}", key, example)));
  }
  return v->text;
}

std::string TenantConfig::TextOr(std::string_view key, std::string_view fallback) const {
  const Value* v = Find(key);
  return v != nullptr ? v->text : std::string(fallback);
}

Result<std::string> TenantConfig::Secret(std::string_view key, std::string_view what) const {
  const Value* v = Find(key);
  if (v == nullptr) {
    return Fail(Error::InvalidArgument(
        std::string(key), fmt::format("config {} is not set; set {} as a secret", key, what)));
  }
  if (!v->is_secret) {
    return Fail(Error::InvalidArgument(
        std::string(key),
        fmt::format("config {} is stored in plain text; store it again as a secret", key)));
  }
  return v->text;
}

Result<bool> TenantConfig::Flag(std::string_view key, bool fallback) const {
  const Value* v = Find(key);
  if (v == nullptr) return fallback;
  if (v->text == "true") return true;
  if (v->text == "false") return false;
  return Fail(Bad(key, "true or false", v->text));
}

Result<std::int64_t> TenantConfig::Int(std::string_view key, std::int64_t fallback,
                                       std::int64_t min, std::int64_t max) const {
  const Value* v = Find(key);
  if (v == nullptr) return fallback;
  std::int64_t n = 0;
  const auto& s = v->text;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < min || n > max) {
    return Fail(Bad(key, fmt::format("a whole number from {} to {}", min, max), s));
  }
  return n;
}

Result<double> TenantConfig::Number(std::string_view key, double fallback, double min,
                                    double max) const {
  const Value* v = Find(key);
  if (v == nullptr) return fallback;
  double n = 0;
  const auto& s = v->text;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || !(n >= min && n <= max)) {
    return Fail(Bad(key, fmt::format("a number from {} to {}", min, max), s));
  }
  return n;
}

Result<std::string> TenantConfig::Url(std::string_view key, std::string_view example) const {
  auto url = Text(key, example);
  if (!url) return url;
  if (!IsHttpUrl(*url)) {
    return Fail(Bad(key, fmt::format("an http(s) URL without a query, e.g. {}", example), *url));
  }
  while (url->ends_with('/')) url->pop_back();
  return url;
}

std::vector<std::string> TenantConfig::List(std::string_view key) const {
  std::vector<std::string> out;
  const Value* v = Find(key);
  if (v == nullptr) return out;
  std::string_view rest = v->text;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = Trim(rest.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace avni
