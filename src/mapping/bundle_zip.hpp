#pragma once
// Zip archives in memory (libzip), for bundles. Private to the mapping module.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace avni::mapping {

// Limits on what an archive may unpack to, so that a small upload cannot fill the memory.
struct ZipLimits {
  std::size_t max_entries = 1000;
  std::size_t max_entry_bytes = 64u << 20;
  std::size_t max_total_bytes = 256u << 20;
};

// Makes a deflated zip of `files` (name, content), in that order.
// Errors: internal when libzip fails.
Result<std::string> WriteZip(const std::vector<std::pair<std::string, std::string>>& files);

// The regular files of a zip, by name (folders are left out). Errors: invalid_argument (field
// "body") for bytes that are not a readable zip, an entry over the limits, an encrypted entry,
// or a name that appears twice; the message names the entry.
Result<std::map<std::string, std::string>> ReadZip(std::string_view bytes,
                                                   const ZipLimits& limits = {});

}  // namespace avni::mapping
