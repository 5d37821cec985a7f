#include "mapping/mapping_import.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "domain/mapping.hpp"
#include "mapping/csv.hpp"
#include "store/store.hpp"

namespace avni::mapping {
namespace {

enum Column : std::size_t { kGroup, kType, kAvni, kInt, kHint, kAbout, kColumns };
constexpr std::array<std::string_view, kColumns> kNames{
    "group", "type", "avni_value", "int_system_value", "data_type_hint", "about"};
constexpr std::array<bool, kColumns> kRequired{true, true, true, true, false, false};
// The schema's limits, in characters.
constexpr std::array<std::size_t, kColumns> kMaxChars{200, 200, 1000, 1000, 0, 0};

std::size_t Utf8Chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// A value as a message quotes it: on one line, and cut when long.
std::string Shown(std::string_view value) {
  constexpr std::size_t kShown = 60;
  std::size_t cut = value.size();
  if (cut > kShown) {
    cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  }
  std::string out;
  for (char c : value.substr(0, cut)) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return cut < value.size() ? out + "..." : out;
}

std::string HeaderName(std::string_view cell) {
  const auto first = cell.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  cell = cell.substr(first, cell.find_last_not_of(" \t") - first + 1);
  std::string out(cell);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// (group, type, value) as one hash key. The CSV reader refuses NUL, so it cannot be in a part.
std::string Key(std::string_view group, std::string_view type, std::string_view value) {
  std::string key;
  key.reserve(group.size() + type.size() + value.size() + 2);
  key.append(group).append(1, '\0').append(type).append(1, '\0').append(value);
  return key;
}

struct Line {
  int line = 0;
  std::array<std::string, kColumns> values;
  DataTypeHint hint = DataTypeHint::kNA;
  bool valid = true;
};

// The file's header and lines, read and checked on their own (without the database).
class FileReader {
 public:
  explicit FileReader(std::vector<ImportError>& errors) : errors_(errors) {}

  // False when the header is missing or unusable: the lines cannot then be read.
  bool Read(std::string_view csv, std::vector<Line>& lines) {
    CsvDocument doc = ReadCsv(csv);
    const bool header_broken = !doc.records.empty() && !doc.errors.empty() &&
                               doc.errors.front().line <= doc.records.front().line;
    if (!doc.records.empty() && !header_broken) ReadHeader(doc.records.front());
    for (const auto& e : doc.errors) {
      Add(e.line, header_ok_ ? ColumnOfField(e.field) : "", e.message);
    }
    if (doc.records.empty() && doc.errors.empty()) {
      Add(1, "",
          fmt::format("the file is empty; its first line must be the header: {}",
                      fmt::join(kNames, ",")));
    }
    if (!header_ok_) return false;
    lines.reserve(doc.records.size() - 1);
    for (std::size_t r = 1; r < doc.records.size(); ++r) lines.push_back(Check(doc.records[r]));
    return true;
  }

 private:
  void Add(int line, std::string_view field, std::string message) {
    errors_.push_back(ImportError{line, std::string(field), std::move(message)});
  }

  std::string ColumnOfField(int field) const {
    if (field < 1 || static_cast<std::size_t>(field) > cells_.size()) return "";
    return cells_[static_cast<std::size_t>(field - 1)];
  }

  void ReadHeader(const CsvRecord& header) {
    const std::size_t before = errors_.size();
    index_.fill(-1);
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string name = HeaderName(header.fields[i]);
      cells_.push_back(name);
      const auto known = std::find(kNames.begin(), kNames.end(), name);
      if (known == kNames.end()) {
        Add(header.line, name,
            fmt::format("unknown column '{}' in the header; the columns are {} (remove or rename "
                        "it)",
                        Shown(header.fields[i]), fmt::join(kNames, ", ")));
        continue;
      }
      auto& at = index_[static_cast<std::size_t>(known - kNames.begin())];
      if (at >= 0) {
        Add(header.line, name, fmt::format("column '{}' appears twice in the header", name));
      }
      at = static_cast<int>(i);
    }
    for (std::size_t c = 0; c < kColumns; ++c) {
      if (kRequired[c] && index_[c] < 0) {
        Add(header.line, kNames[c],
            fmt::format("required column '{}' is missing from the header (the header needs "
                        "group, type, avni_value and int_system_value)",
                        kNames[c]));
      }
    }
    header_ok_ = errors_.size() == before;
  }

  Line Check(CsvRecord& record) {
    Line line;
    line.line = record.line;
    for (std::size_t c = 0; c < kColumns; ++c) {
      if (index_[c] >= 0) {
        line.values[c] =
            FromSpreadsheetSafe(std::move(record.fields[static_cast<std::size_t>(index_[c])]));
      }
    }
    auto fail = [&](std::size_t c, std::string message) {
      line.valid = false;
      Add(line.line, kNames[c], std::move(message));
    };
    for (std::size_t c = 0; c < kColumns; ++c) {
      const std::string& v = line.values[c];
      if (kRequired[c] && v.empty()) {
        fail(c, fmt::format("{} is empty; every line needs one", kNames[c]));
      } else if (kMaxChars[c] > 0 && Utf8Chars(v) > kMaxChars[c]) {
        fail(c, fmt::format("{} has {} characters; at most {} are allowed", kNames[c], Utf8Chars(v),
                            kMaxChars[c]));
      }
    }
    const std::string& hint = line.values[kHint];
    if (!hint.empty()) {
      if (auto parsed = ParseDataTypeHint(hint)) {
        line.hint = *parsed;
      } else {
        fail(kHint, fmt::format("unknown data_type_hint '{}'; use one of Coded, Date, DateTime, "
                                "Numeric, Text, Boolean, NA (empty means NA)",
                                Shown(hint)));
      }
    }
    return line;
  }

  std::vector<ImportError>& errors_;
  std::array<int, kColumns> index_{};
  std::vector<std::string> cells_;  // the header's names, lower case, by field
  bool header_ok_ = false;
};

// Where the file's lines go, worked out in memory against the tenant's mappings.
struct Plan {
  std::vector<std::string> new_groups, new_types;
  std::vector<Mapping> updates;  // final values, non-voided
  // Updated mappings whose current int_system_value another line of the file takes, as voided
  // rows. They are written before `updates` and the inserts, so that a value that moves from
  // one mapping to another (even round a cycle) is free when it arrives: a partial unique index
  // is checked row by row, not at the end of the statement.
  std::vector<Mapping> freed;
  std::vector<const Line*> inserts;
};

class Planner {
 public:
  Planner(const std::vector<MappingGroup>& groups, const std::vector<MappingType>& types,
          const std::vector<Mapping>& mappings, ImportReport& report)
      : report_(report) {
    for (const auto& g : groups) {
      group_names_.emplace(g.id, g.name);
      known_groups_.insert(g.name);
    }
    for (const auto& t : types) {
      type_names_.emplace(t.id, t.name);
      known_types_.insert(t.name);
    }
    for (const auto& m : mappings) {
      if (m.voided) continue;
      const std::string& g = group_names_.at(m.group_id);
      const std::string& t = type_names_.at(m.type_id);
      by_avni_.emplace(Key(g, t, m.avni_value), &m);
      by_int_.emplace(Key(g, t, m.int_system_value), &m);
    }
  }

  Plan Make(const std::vector<Line>& lines) {
    // Every (group, type, value) of the file, with its first line, to name both lines of a
    // duplicate and to know which existing mappings the file changes.
    std::unordered_map<std::string, int> file_avni, file_int;
    for (const Line& l : lines) {
      const auto& v = l.values;
      if (!v[kGroup].empty() && !v[kType].empty() && !v[kAvni].empty()) {
        auto [at, fresh] = file_avni.emplace(Key(v[kGroup], v[kType], v[kAvni]), l.line);
        if (!fresh) {
          Fail(l, kAvni,
               fmt::format("group '{}', type '{}', avni_value '{}' is also on line {}; keep one "
                           "of the two lines",
                           Shown(v[kGroup]), Shown(v[kType]), Shown(v[kAvni]), at->second));
        }
      }
      if (!v[kGroup].empty() && !v[kType].empty() && !v[kInt].empty()) {
        auto [at, fresh] = file_int.emplace(Key(v[kGroup], v[kType], v[kInt]), l.line);
        if (!fresh) {
          Fail(l, kInt,
               fmt::format("group '{}', type '{}', int_system_value '{}' is also on line {}; a "
                           "value maps to one avni_value only",
                           Shown(v[kGroup]), Shown(v[kType]), Shown(v[kInt]), at->second));
        }
      }
    }
    Plan plan;
    for (const Line& l : lines) {
      if (!l.valid || failed_.contains(l.line)) continue;
      const auto& v = l.values;
      if (const Mapping* holder = Find(by_int_, Key(v[kGroup], v[kType], v[kInt]));
          holder && holder->avni_value != v[kAvni] &&
          !file_avni.contains(Key(v[kGroup], v[kType], holder->avni_value))) {
        Fail(l, kInt,
             fmt::format("int_system_value '{}' is already mapped in group '{}', type '{}' to "
                         "avni_value '{}' (mapping {}), which this file does not change; void "
                         "or change that mapping first, or add a line for it",
                         Shown(v[kInt]), Shown(v[kGroup]), Shown(v[kType]),
                         Shown(holder->avni_value), holder->id));
        continue;
      }
      // The first line that names a group or type not yet there creates it.
      if (known_groups_.insert(v[kGroup]).second) plan.new_groups.push_back(v[kGroup]);
      if (known_types_.insert(v[kType]).second) plan.new_types.push_back(v[kType]);
      const Mapping* existing = Find(by_avni_, Key(v[kGroup], v[kType], v[kAvni]));
      if (!existing) {
        ++report_.created;
        plan.inserts.push_back(&l);
      } else if (existing->int_system_value == v[kInt] && existing->data_type_hint == l.hint &&
                 existing->about == v[kAbout]) {
        ++report_.unchanged;
      } else {
        ++report_.updated;
        Mapping m = *existing;
        // A value that another line takes is let go of first (see Plan::freed).
        if (m.int_system_value != v[kInt] &&
            file_int.contains(Key(v[kGroup], v[kType], m.int_system_value))) {
          plan.freed.push_back(m);
          plan.freed.back().voided = true;
        }
        m.int_system_value = v[kInt];
        m.data_type_hint = l.hint;
        m.about = v[kAbout];
        plan.updates.push_back(std::move(m));
      }
    }
    report_.groups_created = static_cast<std::int64_t>(plan.new_groups.size());
    report_.types_created = static_cast<std::int64_t>(plan.new_types.size());
    return plan;
  }

 private:
  static const Mapping* Find(const std::unordered_map<std::string, const Mapping*>& index,
                             const std::string& key) {
    const auto at = index.find(key);
    return at == index.end() ? nullptr : at->second;
  }

  void Fail(const Line& l, Column c, std::string message) {
    failed_.insert(l.line);
    report_.errors.push_back(ImportError{l.line, std::string(kNames[c]), std::move(message)});
  }

  ImportReport& report_;
  std::unordered_map<RowId, std::string> group_names_, type_names_;
  std::unordered_map<std::string, const Mapping*> by_avni_, by_int_;
  std::unordered_set<std::string> known_groups_, known_types_;
  std::unordered_set<int> failed_;  // lines with an error found here
};

// Creates the plan's groups and types; answers the ids of every name.
Result<std::pair<std::unordered_map<std::string, RowId>, std::unordered_map<std::string, RowId>>>
CreateNames(store::MappingRepo& repo, const Plan& plan) {
  std::unordered_map<std::string, RowId> groups, types;
  auto listed_groups = repo.ListGroups();
  if (!listed_groups) return Fail(listed_groups.error());
  for (const auto& g : *listed_groups) groups.emplace(g.name, g.id);
  auto listed_types = repo.ListTypes();
  if (!listed_types) return Fail(listed_types.error());
  for (const auto& t : *listed_types) types.emplace(t.name, t.id);
  for (const auto& name : plan.new_groups) {
    auto g = repo.CreateGroup(name);
    if (!g) return Fail(g.error());
    groups.emplace(name, g->id);
  }
  for (const auto& name : plan.new_types) {
    auto t = repo.CreateType(name);
    if (!t) return Fail(t.error());
    types.emplace(name, t->id);
  }
  return std::make_pair(std::move(groups), std::move(types));
}

Status Apply(store::Tx& tx, TenantId tenant, const Plan& plan, const ImportReport& report,
             const std::string& actor) {
  auto scope = tx.tenant(tenant);
  auto repo = scope.mappings();
  auto ids = CreateNames(repo, plan);
  if (!ids) return Fail(ids.error());
  auto bulk = scope.mapping_bulk();
  if (auto n = bulk.UpdateMany(plan.freed); !n) return Fail(n.error());
  if (auto n = bulk.UpdateMany(plan.updates); !n) return Fail(n.error());
  std::vector<Mapping> inserts;
  inserts.reserve(plan.inserts.size());
  for (const Line* l : plan.inserts) {
    Mapping m;
    m.group_id = ids->first.at(l->values[kGroup]);
    m.type_id = ids->second.at(l->values[kType]);
    m.avni_value = l->values[kAvni];
    m.int_system_value = l->values[kInt];
    m.data_type_hint = l->hint;
    m.about = l->values[kAbout];
    inserts.push_back(std::move(m));
  }
  if (auto n = bulk.InsertMany(inserts); !n) return Fail(n.error());
  const nlohmann::json counts{{"created", report.created},
                              {"updated", report.updated},
                              {"unchanged", report.unchanged},
                              {"groups_created", report.groups_created},
                              {"types_created", report.types_created}};
  if (auto a = scope.audit().Append(actor, "mapping.import", "mapping", "csv", "", counts.dump());
      !a) {
    return Fail(a.error());
  }
  return {};
}

}  // namespace

const std::vector<std::string>& MappingCsvColumns() {
  static const std::vector<std::string> kAll(kNames.begin(), kNames.end());
  return kAll;
}

Result<ImportReport> ImportMappingsCsv(store::Store& store, TenantId tenant, std::string_view csv,
                                       const ImportOptions& options) {
  ImportReport report;
  report.dry_run = options.dry_run;
  std::vector<Line> lines;
  const bool readable = FileReader(report.errors).Read(csv, lines);
  // Fills `report`; on a store error the caller gets that error instead.
  auto run = [&](store::Tx& tx) -> Status {
    auto scope = tx.tenant(tenant);
    auto groups = scope.mappings().ListGroups();
    if (!groups) return Fail(groups.error());
    auto types = scope.mappings().ListTypes();
    if (!types) return Fail(types.error());
    auto mappings = scope.mapping_bulk().LoadAll();
    if (!mappings) return Fail(mappings.error());
    const Plan plan = Planner(*groups, *types, *mappings, report).Make(lines);
    if (report.ok() && !options.dry_run) {
      if (auto done = Apply(tx, tenant, plan, report, options.actor); !done) {
        return Fail(done.error());
      }
    }
    return {};
  };
  if (readable) {
    auto ran = options.dry_run || !report.ok() ? store.Read(run) : store.Transact(run);
    if (!ran) return Fail(ran.error());
  }
  std::stable_sort(report.errors.begin(), report.errors.end(),
                   [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
  return report;
}

}  // namespace avni::mapping
