#include "mapping/bundle_format.hpp"

#include <fmt/format.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "domain/error_rule.hpp"

namespace avni::mapping {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The schema's limits (uuid, names, mapping values) and the config API's (key, value).
constexpr std::size_t kUuidMax = 100;
constexpr std::size_t kNameMax = 200;
constexpr std::size_t kValueMax = 1000;
constexpr std::size_t kLongTextMax = 10'000;  // about, comparisonValue
constexpr std::size_t kKeyMax = 200;
constexpr std::size_t kConfigValueMax = 10'000;

// Characters, not bytes; the text is valid UTF-8 (the JSON parser refuses anything else).
std::size_t Utf8Chars(std::string_view text) {
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return chars;
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; a person needs the rest.
std::string Plain(const std::exception& e) {
  std::string_view what = e.what();
  if (what.starts_with("[json.exception.")) {
    if (auto end = what.find("] "); end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return std::string(what);
}

// The properties of one row of one file. Every wrong property adds a problem naming the file,
// the row and the property ("mappingMetadata.json[3].avniValue is required"); ok() says
// whether the row had none.
class RowReader {
 public:
  RowReader(const json& row, std::string_view file, std::size_t index,
            std::vector<BundleProblem>& problems)
      : row_(row), file_(file), index_(index), problems_(problems) {}

  // A string. Absent or null: nullopt, a problem when required.
  std::optional<std::string> Text(const char* name, bool required, std::size_t max_chars,
                                  bool allow_empty = false) {
    const json* value = Get(name);
    if (value == nullptr) {
      if (required) Refuse(name, "is required");
      return std::nullopt;
    }
    if (!value->is_string()) {
      Refuse(name, fmt::format("must be a string, not {}", value->type_name()));
      return std::nullopt;
    }
    std::string text = value->get<std::string>();
    if (text.empty() && !allow_empty) {
      Refuse(name, "must not be empty");
      return std::nullopt;
    }
    if (Utf8Chars(text) > max_chars) {
      Refuse(name, fmt::format("must have at most {} characters", max_chars));
      return std::nullopt;
    }
    return text;
  }

  // A boolean; absent or null is false, as for Java's primitive booleans.
  bool Flag(const char* name) {
    const json* value = Get(name);
    if (value == nullptr) return false;
    if (!value->is_boolean()) {
      Refuse(name, fmt::format("must be true or false, not {}", value->type_name()));
      return false;
    }
    return value->get<bool>();
  }

  std::optional<int> Int(const char* name) {
    const json* value = Get(name);
    if (value == nullptr) return std::nullopt;
    // 2^63 and above are unsigned to nlohmann/json; read as int64 they would wrap into range.
    if (!value->is_number_integer() ||
        (value->is_number_unsigned() && value->get<std::uint64_t>() > 1'000'000'000) ||
        value->get<std::int64_t>() < -1'000'000'000 || value->get<std::int64_t>() > 1'000'000'000) {
      Refuse(name, "must be a whole number between -1000000000 and 1000000000");
      return std::nullopt;
    }
    return static_cast<int>(value->get<std::int64_t>());
  }

  // One of an enum's names, spelt exactly (as Jackson reads enums). Absent or null: nullopt.
  template <typename E>
  std::optional<E> Enum(const char* name, std::optional<E> (*parse)(std::string_view),
                        std::string_view choices, bool required) {
    const json* value = Get(name);
    if (value == nullptr) {
      if (required) Refuse(name, fmt::format("is required: one of {}", choices));
      return std::nullopt;
    }
    std::optional<E> parsed;
    if (value->is_string()) parsed = parse(value->get<std::string>());
    if (!parsed) Refuse(name, fmt::format("is {}; it must be one of {}", value->dump(), choices));
    return parsed;
  }

  void Refuse(const char* name, std::string what) {
    ok_ = false;
    std::string field = fmt::format("[{}].{}", index_, name);
    std::string message = fmt::format("{}{} {}", file_, field, what);
    AddProblem(problems_, {std::string(file_), std::move(field), std::move(message)});
  }
  // The same for a check made elsewhere, whose message already names Path(name).
  void Refuse(const char* name, const Error& refused) {
    ok_ = false;
    AddProblem(problems_,
               {std::string(file_), fmt::format("[{}].{}", index_, name), refused.message});
  }
  // A property as problems name it: "errorTypes.json[3].comparisonValue".
  std::string Path(const char* name) const { return fmt::format("{}[{}].{}", file_, index_, name); }

  bool ok() const { return ok_; }
  std::size_t index() const { return index_; }

 private:
  const json* Get(const char* name) const {
    auto it = row_.find(name);
    return it == row_.end() || it->is_null() ? nullptr : &*it;
  }

  const json& row_;
  std::string_view file_;
  std::size_t index_;
  std::vector<BundleProblem>& problems_;
  bool ok_ = true;
};

// Refuses a value (a uuid, a name, a key) already seen in an earlier row of the same file.
class UniqueIn {
 public:
  explicit UniqueIn(const char* property) : property_(property) {}
  void Check(RowReader& row, const std::string& value) {
    auto [it, fresh] = seen_.emplace(value, row.index());
    if (!fresh) {
      row.Refuse(property_, fmt::format("'{}' repeats [{}].{}; each may appear once in a file",
                                        value, it->second, property_));
    }
  }

 private:
  const char* property_;
  std::map<std::string, std::size_t> seen_;
};

void FileProblem(std::vector<BundleProblem>& problems, std::string_view file, std::string message) {
  AddProblem(problems, {std::string(file), "", std::move(message)});
}

// Reads one file: a JSON array of objects, each read by `read` into a Row. Rows with problems
// are left out.
template <typename Row>
std::vector<Row> ParseFile(const std::map<std::string, std::string>& files, std::string_view file,
                           std::vector<BundleProblem>& problems,
                           const std::function<Row(RowReader&)>& read) {
  std::vector<Row> rows;
  auto it = files.find(std::string(file));
  if (it == files.end()) {
    std::string where;
    for (const auto& [name, content] : files) {
      if (name.ends_with("/" + std::string(file))) where = name;
    }
    FileProblem(problems, file,
                where.empty()
                    ? fmt::format("{} is missing from the bundle; a bundle holds {}, {}, {}, {} "
                                  "and {}",
                                  file, kBundleFiles[0], kBundleFiles[1], kBundleFiles[2],
                                  kBundleFiles[3], kBundleFiles[4])
                    : fmt::format("{} is missing from the top of the bundle (found '{}'); zip "
                                  "the files themselves, not their folder",
                                  file, where));
    return rows;
  }
  json doc;
  try {
    doc = json::parse(it->second);
  } catch (const json::exception& e) {
    FileProblem(problems, file, fmt::format("{} is not valid JSON: {}", file, Plain(e)));
    return rows;
  }
  if (!doc.is_array()) {
    FileProblem(problems, file,
                fmt::format("{} must hold a JSON array of rows, not {}", file, doc.type_name()));
    return rows;
  }
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (!doc[i].is_object()) {
      AddProblem(problems,
                 {std::string(file), fmt::format("[{}]", i),
                  fmt::format("{}[{}] must be an object, not {}", file, i, doc[i].type_name())});
      continue;
    }
    RowReader reader(doc[i], file, i, problems);
    Row row = read(reader);
    if (reader.ok()) rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<BundleNamedRow> ParseNamed(const std::map<std::string, std::string>& files,
                                       std::string_view file,
                                       std::vector<BundleProblem>& problems) {
  UniqueIn uuids("uuid"), names("name");
  return ParseFile<BundleNamedRow>(files, file, problems, [&](RowReader& r) {
    BundleNamedRow row;
    row.uuid = r.Text("uuid", true, kUuidMax).value_or("");
    row.name = r.Text("name", true, kNameMax).value_or("");
    row.voided = r.Flag("voided");
    if (r.ok()) uuids.Check(r, row.uuid);
    if (r.ok()) names.Check(r, row.name);
    return row;
  });
}

constexpr std::string_view kHints = "Coded, Date, DateTime, Numeric, Text, Boolean, NA";
constexpr std::string_view kOperators = "EQUALS, CONTAINS, MATCHES";
constexpr std::string_view kSteps = "Process, Terminal, Internal, External";

std::vector<BundleMappingRow> ParseMappings(const std::map<std::string, std::string>& files,
                                            std::vector<BundleProblem>& problems) {
  UniqueIn uuids("uuid");
  return ParseFile<BundleMappingRow>(files, kMappingMetadataFile, problems, [&](RowReader& r) {
    BundleMappingRow row;
    row.uuid = r.Text("uuid", true, kUuidMax).value_or("");
    row.group_uuid = r.Text("mappingGroupUuid", true, kUuidMax).value_or("");
    row.type_uuid = r.Text("mappingTypeUuid", true, kUuidMax).value_or("");
    row.avni_value = r.Text("avniValue", true, kValueMax).value_or("");
    row.int_system_value = r.Text("intSystemValue", true, kValueMax).value_or("");
    row.hint =
        r.Enum("dataTypeHint", &ParseDataTypeHint, kHints, false).value_or(DataTypeHint::kNA);
    row.about = r.Text("about", false, kLongTextMax, /*allow_empty=*/true);
    row.voided = r.Flag("voided");
    if (r.ok()) uuids.Check(r, row.uuid);
    return row;
  });
}

std::vector<BundleErrorTypeRow> ParseErrorTypes(const std::map<std::string, std::string>& files,
                                                std::vector<BundleProblem>& problems) {
  UniqueIn uuids("uuid"), names("name");
  return ParseFile<BundleErrorTypeRow>(files, kErrorTypesFile, problems, [&](RowReader& r) {
    BundleErrorTypeRow row;
    row.uuid = r.Text("uuid", true, kUuidMax).value_or("");
    row.name = r.Text("name", true, kNameMax).value_or("");
    row.op = r.Enum("comparisonOperator", &ParseErrorOperator, kOperators, true)
                 .value_or(ErrorOperator::kEquals);
    row.value = r.Text("comparisonValue", false, kLongTextMax, /*allow_empty=*/true).value_or("");
    row.step =
        r.Enum("followUpStep", &ParseFollowUpStep, kSteps, false).value_or(FollowUpStep::kProcess);
    row.priority = r.Int("priority");
    row.voided = r.Flag("voided");
    if (r.ok()) uuids.Check(r, row.uuid);
    if (r.ok()) names.Check(r, row.name);
    // The rules the error-types API stores, checked by the same function. A voided row is
    // skipped on import, so its value does not matter.
    if (r.ok() && !row.voided) {
      if (auto ok = CheckErrorRule(row.op, row.value, r.Path("comparisonValue")); !ok) {
        r.Refuse("comparisonValue", ok.error());
      }
    }
    return row;
  });
}

std::vector<BundleConfigRow> ParseConfigs(const std::map<std::string, std::string>& files,
                                          std::vector<BundleProblem>& problems) {
  UniqueIn keys("key");
  return ParseFile<BundleConfigRow>(files, kConfigsFile, problems, [&](RowReader& r) {
    BundleConfigRow row;
    row.uuid = r.Text("uuid", false, kUuidMax, /*allow_empty=*/true).value_or("");
    row.key = r.Text("key", true, kKeyMax).value_or("");
    row.value = r.Text("value", false, kConfigValueMax, /*allow_empty=*/true).value_or("");
    row.secret = r.Flag("secret");
    row.voided = r.Flag("voided");
    if (r.ok()) keys.Check(r, row.key);
    return row;
  });
}

// Pretty-printed like the Java service's files. Text that is not UTF-8 (which the store should
// never hold) is written with replacement characters rather than failing the export.
std::string Text(const ordered_json& rows) {
  return rows.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

// "id" and the other int properties are database ids of the Java service that bundles do not
// use; written as 0, as its exporter does.
ordered_json NamedJson(const std::vector<BundleNamedRow>& rows) {
  ordered_json out = ordered_json::array();
  for (const auto& r : rows) {
    out.push_back({{"id", 0}, {"uuid", r.uuid}, {"voided", r.voided}, {"name", r.name}});
  }
  return out;
}

ordered_json MappingsJson(const std::vector<BundleMappingRow>& rows) {
  ordered_json out = ordered_json::array();
  for (const auto& r : rows) {
    out.push_back({{"id", 0},
                   {"uuid", r.uuid},
                   {"voided", r.voided},
                   {"integrationSystemId", 0},
                   {"mappingGroup", 0},
                   {"mappingType", 0},
                   {"avniValue", r.avni_value},
                   {"intSystemValue", r.int_system_value},
                   {"dataTypeHint", ToString(r.hint)},
                   {"about", r.about.value_or("")},
                   {"mappingGroupUuid", r.group_uuid},
                   {"mappingTypeUuid", r.type_uuid}});
  }
  return out;
}

ordered_json ErrorTypesJson(const std::vector<BundleErrorTypeRow>& rows) {
  ordered_json out = ordered_json::array();
  for (const auto& r : rows) {
    out.push_back({{"id", 0},
                   {"uuid", r.uuid},
                   {"voided", r.voided},
                   {"name", r.name},
                   {"comparisonOperator", ToString(r.op)},
                   {"comparisonValue", r.value},
                   {"followUpStep", ToString(r.step)},
                   {"priority", r.priority.value_or(0)}});
  }
  return out;
}

ordered_json ConfigsJson(const std::vector<BundleConfigRow>& rows) {
  ordered_json out = ordered_json::array();
  for (const auto& r : rows) {
    out.push_back({{"id", 0},
                   {"uuid", r.uuid},
                   {"voided", r.voided},
                   {"key", r.key},
                   {"value", r.value},
                   {"secret", r.secret}});
  }
  return out;
}

}  // namespace

void AddProblem(std::vector<BundleProblem>& problems, BundleProblem problem) {
  if (problems.size() < kMaxBundleProblems) problems.push_back(std::move(problem));
}

BundleContent ParseBundle(const std::map<std::string, std::string>& files,
                          std::vector<BundleProblem>& problems) {
  BundleContent content;
  content.types = ParseNamed(files, kMappingTypesFile, problems);
  content.groups = ParseNamed(files, kMappingGroupsFile, problems);
  content.mappings = ParseMappings(files, problems);
  content.error_types = ParseErrorTypes(files, problems);
  content.configs = ParseConfigs(files, problems);
  return content;
}

std::vector<std::pair<std::string, std::string>> FormatBundle(const BundleContent& content) {
  return {{std::string(kMappingTypesFile), Text(NamedJson(content.types))},
          {std::string(kMappingGroupsFile), Text(NamedJson(content.groups))},
          {std::string(kMappingMetadataFile), Text(MappingsJson(content.mappings))},
          {std::string(kErrorTypesFile), Text(ErrorTypesJson(content.error_types))},
          {std::string(kConfigsFile), Text(ConfigsJson(content.configs))}};
}

}  // namespace avni::mapping
