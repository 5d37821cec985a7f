#pragma once
// Bundles as the Java Avni integration service writes them (see src/mapping/bundle.hpp for the
// format), made by hand in tests, and zips made and read with libzip. Header-only: a test
// program that includes it links PkgConfig::LIBZIP.

#include <zip.h>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace avni::testing {

using ZipEntries = std::vector<std::pair<std::string, std::string>>;

// A zip of `files` (name, content), deflated, in that order. Throws on a libzip failure.
inline std::string ZipFiles(const ZipEntries& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_t* archive = buffer ? zip_open_from_source(buffer, ZIP_TRUNCATE, &error) : nullptr;
  zip_error_fini(&error);
  if (archive == nullptr) throw std::runtime_error("cannot start a zip");
  zip_source_keep(buffer);
  for (const auto& [name, content] : files) {
    zip_source_t* data = zip_source_buffer(archive, content.data(), content.size(), 0);
    if (data == nullptr || zip_file_add(archive, name.c_str(), data, ZIP_FL_ENC_UTF_8) < 0) {
      throw std::runtime_error("cannot add " + name);
    }
  }
  if (zip_close(archive) < 0) throw std::runtime_error("cannot write the zip");
  zip_stat_t stat;
  zip_stat_init(&stat);
  std::string out;
  if (!zip_source_is_deleted(buffer) && zip_source_stat(buffer, &stat) == 0 &&
      zip_source_open(buffer) == 0) {
    out.resize(stat.size);
    zip_source_read(buffer, out.data(), stat.size);
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  return out;
}

// The entries of a zip by name. Throws when it is not one.
inline std::map<std::string, std::string> UnzipFiles(std::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* archive = buffer ? zip_open_from_source(buffer, ZIP_RDONLY, &error) : nullptr;
  zip_error_fini(&error);
  if (archive == nullptr) {
    if (buffer) zip_source_free(buffer);
    throw std::runtime_error("not a zip");
  }
  std::map<std::string, std::string> out;
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t stat;
    zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat);
    zip_file_t* file = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    std::string content(stat.size, '\0');
    zip_fread(file, content.data(), stat.size);
    zip_fclose(file);
    out.emplace(stat.name, std::move(content));
  }
  zip_discard(archive);
  return out;
}

// A bundle built row by row with the properties, order and defaults of the Java contracts
// (NamedEntityContract, MappingMetadataContract, ErrorTypeContract,
// IntegrationSystemConfigContract), including the ones bundles do not use (id, ...).
struct JavaBundle {
  nlohmann::ordered_json types = nlohmann::ordered_json::array();
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  nlohmann::ordered_json mappings = nlohmann::ordered_json::array();
  nlohmann::ordered_json error_types = nlohmann::ordered_json::array();
  nlohmann::ordered_json configs = nlohmann::ordered_json::array();

  JavaBundle& Type(const std::string& uuid, const std::string& name, bool voided = false) {
    types.push_back({{"id", 0}, {"uuid", uuid}, {"voided", voided}, {"name", name}});
    return *this;
  }
  JavaBundle& Group(const std::string& uuid, const std::string& name, bool voided = false) {
    groups.push_back({{"id", 0}, {"uuid", uuid}, {"voided", voided}, {"name", name}});
    return *this;
  }
  // `hint` null is what the Java service writes for a mapping without a data type hint.
  JavaBundle& Mapping(const std::string& uuid, const std::string& group_uuid,
                      const std::string& type_uuid, const std::string& avni_value,
                      const std::string& int_value, nlohmann::ordered_json hint = "NA",
                      bool voided = false, nlohmann::ordered_json about = nullptr) {
    mappings.push_back({{"id", 0},
                        {"uuid", uuid},
                        {"voided", voided},
                        {"integrationSystemId", 0},
                        {"mappingGroup", 0},
                        {"mappingType", 0},
                        {"avniValue", avni_value},
                        {"intSystemValue", int_value},
                        {"dataTypeHint", std::move(hint)},
                        {"about", std::move(about)},
                        {"mappingGroupUuid", group_uuid},
                        {"mappingTypeUuid", type_uuid}});
    return *this;
  }
  JavaBundle& ErrorType(const std::string& uuid, const std::string& name, const std::string& op,
                        const std::string& value, const std::string& step = "Process") {
    error_types.push_back({{"id", 0},
                           {"uuid", uuid},
                           {"voided", false},
                           {"name", name},
                           {"comparisonOperator", op},
                           {"comparisonValue", value},
                           {"followUpStep", step}});
    return *this;
  }
  JavaBundle& Config(const std::string& uuid, const std::string& key, const std::string& value,
                     bool secret = false, bool voided = false) {
    configs.push_back({{"id", 0},
                       {"uuid", uuid},
                       {"voided", voided},
                       {"key", key},
                       {"value", value},
                       {"secret", secret}});
    return *this;
  }

  // The five files; `leave_out` is left out, `replace` swaps in other text for a file.
  ZipEntries Files(const std::string& leave_out = "",
                   const std::map<std::string, std::string>& replace = {}) const {
    ZipEntries files;
    for (const auto& [name, rows] :
         {std::pair<std::string, const nlohmann::ordered_json*>{"mappingTypes.json", &types},
          {"mappingGroups.json", &groups},
          {"mappingMetadata.json", &mappings},
          {"errorTypes.json", &error_types},
          {"integrationSystemConfigs.json", &configs}}) {
      if (name == leave_out) continue;
      auto it = replace.find(name);
      files.emplace_back(name, it != replace.end() ? it->second : rows->dump(2));
    }
    return files;
  }
  std::string Zip(const std::string& leave_out = "",
                  const std::map<std::string, std::string>& replace = {}) const {
    return ZipFiles(Files(leave_out, replace));
  }
};

}  // namespace avni::testing
