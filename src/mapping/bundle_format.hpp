#pragma once
// The JSON of a bundle's five files (the format is described in bundle.hpp): reading them into
// rows with every problem named, and writing rows back out. No store access. Private to the
// mapping module.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/error_record.hpp"
#include "domain/mapping.hpp"
#include "mapping/bundle.hpp"

namespace avni::mapping {

// A refused bundle reports at most this many problems (the rest are likely the same mistake).
inline constexpr std::size_t kMaxBundleProblems = 100;

// A mapping group or mapping type (NamedEntityContract).
struct BundleNamedRow {
  std::string uuid;
  std::string name;
  bool voided = false;
};

// A mapping (MappingMetadataContract); its group and type by uuid.
struct BundleMappingRow {
  std::string uuid;
  std::string group_uuid;
  std::string type_uuid;
  std::string avni_value;
  std::string int_system_value;
  DataTypeHint hint = DataTypeHint::kNA;
  std::optional<std::string> about;  // nullopt: not in the file
  bool voided = false;
};

struct BundleErrorTypeRow {
  std::string uuid;
  std::string name;
  ErrorOperator op = ErrorOperator::kEquals;
  std::string value;
  FollowUpStep step = FollowUpStep::kProcess;
  std::optional<int> priority;  // nullopt: not in the file
  bool voided = false;
};

struct BundleConfigRow {
  std::string uuid;  // written on export; ignored on import (configs are found by key)
  std::string key;
  std::string value;
  bool secret = false;
  bool voided = false;
};

struct BundleContent {
  std::vector<BundleNamedRow> types;
  std::vector<BundleNamedRow> groups;
  std::vector<BundleMappingRow> mappings;
  std::vector<BundleErrorTypeRow> error_types;
  std::vector<BundleConfigRow> configs;
};

// Reads the five files from `files` (entry name -> bytes). Every file missing or not of the
// format adds a problem naming it (and the row and property at fault); rows with problems are
// left out of the result. Stops adding after kMaxBundleProblems.
BundleContent ParseBundle(const std::map<std::string, std::string>& files,
                          std::vector<BundleProblem>& problems);

// The five files of `content` (name, JSON text), in kBundleFiles order. Secret values are
// written as given: the caller blanks them.
std::vector<std::pair<std::string, std::string>> FormatBundle(const BundleContent& content);

// Adds a problem unless kMaxBundleProblems are already there.
void AddProblem(std::vector<BundleProblem>& problems, BundleProblem problem);

}  // namespace avni::mapping
