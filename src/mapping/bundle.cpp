// Bundle export and import: the zip and JSON of the Java service's format (bundle.hpp) around
// the store. Reading and writing the files is in bundle_format.cpp, the zip in bundle_zip.cpp,
// the upserts in bundle_apply.cpp and bundle_mappings.cpp.
#include "mapping/bundle.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <map>

#include "mapping/bundle_apply.hpp"
#include "mapping/bundle_format.hpp"
#include "mapping/bundle_zip.hpp"
#include "store/store.hpp"

namespace avni::mapping {
namespace {

// Configs have no uuid here, but the Java importer needs one per config. Derived from the
// tenant's uuid and the key (BLAKE2b), so that every export of a tenant gives a key the same
// uuid and re-importing into the Java service updates rather than duplicates. Shaped as an
// RFC 9562 version 8 (custom) UUID.
std::string ConfigUuid(std::string_view tenant_uuid, std::string_view key) {
  const std::string input = fmt::format("avni-integrator config\n{}\n{}", tenant_uuid, key);
  std::array<unsigned char, 16> hash{};
  crypto_generichash(hash.data(), hash.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), nullptr, 0);
  hash[6] = static_cast<unsigned char>((hash[6] & 0x0F) | 0x80);
  hash[8] = static_cast<unsigned char>((hash[8] & 0x3F) | 0x80);
  std::string out;
  for (std::size_t i = 0; i < hash.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += fmt::format("{:02x}", hash[i]);
  }
  return out;
}

template <typename T>
std::vector<BundleNamedRow> NamedRows(const std::vector<T>& stored) {
  std::vector<BundleNamedRow> rows;
  for (const T& row : stored) rows.push_back({row.uuid, row.name, false});
  return rows;
}

// The tenant's rows in the bundle's shape; secret config values blanked.
Result<BundleContent> ReadContent(store::Tx& tx, TenantId tenant_id) {
  auto tenant = tx.tenants().Get(tenant_id);
  if (!tenant) return Fail(tenant.error());
  store::TenantScope scope = tx.tenant(tenant_id);
  store::MappingRepo repo = scope.mappings();
  auto groups = repo.ListGroups();
  if (!groups) return Fail(groups.error());
  auto types = repo.ListTypes();
  if (!types) return Fail(types.error());
  auto mappings = scope.mapping_bulk().LoadAll();
  if (!mappings) return Fail(mappings.error());
  auto error_types = scope.errors().ListTypes();
  if (!error_types) return Fail(error_types.error());
  auto configs = scope.config().List();
  if (!configs) return Fail(configs.error());

  BundleContent content;
  content.groups = NamedRows(*groups);
  content.types = NamedRows(*types);
  std::map<RowId, std::string> group_uuid, type_uuid;
  for (const auto& g : *groups) group_uuid.emplace(g.id, g.uuid);
  for (const auto& t : *types) type_uuid.emplace(t.id, t.uuid);
  for (const Mapping& m : *mappings) {
    content.mappings.push_back({m.uuid, group_uuid[m.group_id], type_uuid[m.type_id], m.avni_value,
                                m.int_system_value, m.data_type_hint, m.about, m.voided});
  }
  for (const ErrorType& e : *error_types) {
    content.error_types.push_back(
        {e.uuid, e.name, e.op, e.value, e.follow_up_step, e.priority, false});
  }
  for (const ConfigEntry& c : *configs) {
    const bool secret = c.is_secret || KeyLooksSecret(c.key);
    content.configs.push_back(
        {ConfigUuid(tenant->uuid, c.key), c.key, secret ? "" : c.value, secret, false});
  }
  return content;
}

BundleReport EmptyReport() {
  BundleReport report;
  for (std::string_view file : kBundleFiles) report.files.push_back({std::string(file)});
  return report;
}

}  // namespace

Result<std::string> ExportBundle(store::Store& store, TenantId tenant) {
  auto content = store.Read([&](store::Tx& tx) { return ReadContent(tx, tenant); });
  if (!content) return Fail(content.error());
  return WriteZip(FormatBundle(*content));
}

Result<BundleReport> ImportBundle(store::Store& store, TenantId tenant, std::string_view zip,
                                  const BundleImportHook& before_commit) {
  BundleReport report = EmptyReport();
  auto files = ReadZip(zip);
  if (!files) {
    report.errors.push_back({"", "", files.error().message});
    return report;
  }
  std::vector<BundleProblem> problems;
  const BundleContent content = ParseBundle(*files, problems);
  if (!problems.empty()) {
    report.errors = std::move(problems);
    return report;
  }

  BundleReport applied = EmptyReport();
  auto done = store.Transact([&](store::Tx& tx) -> Status {
    if (auto ok = ApplyBundle(tx, tenant, content, applied, problems); !ok) return ok;
    // Refused: roll back whatever was written before the refusal.
    if (!problems.empty()) return Fail(Error::InvalidArgument("bundle", "bundle refused"));
    if (before_commit) return before_commit(tx, applied);
    return {};
  });
  if (!problems.empty()) {
    report.errors = std::move(problems);
    return report;
  }
  if (!done) return Fail(done.error());
  return applied;
}

}  // namespace avni::mapping
