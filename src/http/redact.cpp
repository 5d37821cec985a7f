#include "http/redact.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace avni::http {
namespace {

using nlohmann::json;

bool LooksLikeUuid(std::string_view text) {
  if (text.size() < 32 || text.size() > 40) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

bool WordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The values a request carried that may be a patient's name or an observation: every string
// and number leaf, except uuids and patient identifiers (which an error record may name).
void CollectValues(const json& node, std::string_view key, std::set<std::string>& out) {
  if (node.is_object()) {
    for (const auto& [k, v] : node.items()) CollectValues(v, k, out);
  } else if (node.is_array()) {
    for (const auto& v : node) CollectValues(v, key, out);
  } else if (node.is_string()) {
    const auto& text = node.get_ref<const std::string&>();
    if (key != "identifier" && !LooksLikeUuid(text) && text.size() >= 2) out.insert(text);
  } else if (node.is_number()) {
    std::string text = node.dump();
    if (text.size() >= 2) out.insert(std::move(text));
  }
}

std::string ReplaceWholeWords(std::string text, const std::string& value) {
  std::size_t at = 0;
  while ((at = text.find(value, at)) != std::string::npos) {
    const bool starts = at == 0 || !WordChar(text[at - 1]) || !WordChar(value.front());
    const std::size_t end = at + value.size();
    const bool ends = end == text.size() || !WordChar(text[end]) || !WordChar(value.back());
    if (starts && ends) {
      text.replace(at, value.size(), "<value>");
      at += 7;
    } else {
      at = end;
    }
  }
  return text;
}

}  // namespace

std::string Redact(std::string_view text, std::string_view sent) {
  std::string out(text);
  // Quoted text in a message is the value OpenMRS could not take ("For input string: \"x\"").
  for (std::size_t open = out.find('"'); open != std::string::npos; open = out.find('"', open)) {
    const std::size_t close = out.find('"', open + 1);
    if (close == std::string::npos) break;
    out.replace(open, close - open + 1, "\"<value>\"");
    open += 9;
  }
  const json body = json::parse(sent, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return out;
  std::set<std::string> values;
  CollectValues(body, "", values);
  // Longest first, so that a value containing another is replaced whole.
  std::vector<std::string> ordered(values.begin(), values.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const auto& value : ordered) out = ReplaceWholeWords(std::move(out), value);
  return out;
}

}  // namespace avni::http
