// `mappings import` and `mappings export`: a tenant's mappings as a CSV file.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include "app/commands.hpp"
#include "mapping/mapping_import.hpp"

namespace avni::app {
namespace {

constexpr const char* kCliActor = "cli";

std::string Shown(const std::string& file) { return file == "-" ? "standard input" : file; }

Result<std::string> ReadAll(const std::string& file) {
  if (file == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Fail(Error::InvalidArgument(
        "FILE", fmt::format("cannot read '{}': {}", file, std::strerror(errno))));
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Status WriteAll(const std::string& file, const std::string& text) {
  if (file == "-") {
    std::cout << text << std::flush;
    if (!std::cout) return Fail(Error::Unavailable("cannot write to standard output"));
    return {};
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (out) out << text << std::flush;
  if (!out) {
    return Fail(Error::InvalidArgument(
        "FILE", fmt::format("cannot write '{}': {}; choose a folder you may write to", file,
                            std::strerror(errno))));
  }
  return {};
}

Result<TenantId> FindTenant(store::Store& store, const std::string& name) {
  auto tenant = store.Read([&](store::Tx& tx) { return tx.tenants().FindByName(name); });
  if (!tenant) return Fail(tenant.error());
  return tenant->id;
}

}  // namespace

int MappingsImport(const GlobalOptions& global, const MappingsFileOptions& options) {
  auto text = ReadAll(options.file);
  if (!text) return Report(text.error());
  auto ctx = OpenContext(global, /*migrate=*/true, 1);
  if (!ctx) return Report(ctx.error());
  auto tenant = FindTenant(*ctx->store, options.tenant);
  if (!tenant) return Report(tenant.error());
  auto report =
      mapping::ImportMappingsCsv(*ctx->store, *tenant, *text, {options.dry_run, kCliActor});
  if (!report) return Report(report.error());
  if (!report->ok()) {
    for (const auto& e : report->errors) {
      std::cerr << fmt::format("line {}{}: {}\n", e.line, e.field.empty() ? "" : ", " + e.field,
                               e.message);
    }
    const std::size_t n = report->errors.size();
    std::cerr << fmt::format("avni-integrator: {} error{} in {}; nothing was written\n", n,
                             n == 1 ? "" : "s", Shown(options.file));
    return 2;
  }
  std::cout << fmt::format(
      "{} '{}': {} created, {} updated, {} unchanged; {} mapping group{} and {} mapping type{} "
      "created\n",
      options.dry_run ? "dry run, nothing written; would import into" : "imported into",
      options.tenant, report->created, report->updated, report->unchanged, report->groups_created,
      report->groups_created == 1 ? "" : "s", report->types_created,
      report->types_created == 1 ? "" : "s");
  return 0;
}

int MappingsExport(const GlobalOptions& global, const MappingsFileOptions& options) {
  auto ctx = OpenContext(global, /*migrate=*/true, 1);
  if (!ctx) return Report(ctx.error());
  auto tenant = FindTenant(*ctx->store, options.tenant);
  if (!tenant) return Report(tenant.error());
  auto csv = mapping::ExportMappingsCsv(*ctx->store, *tenant);
  if (!csv) return Report(csv.error());
  if (auto written = WriteAll(options.file, *csv); !written) return Report(written.error());
  // Standard output is the file itself when FILE is "-".
  if (options.file != "-") {
    std::cout << fmt::format("exported the mappings of '{}' to {} ({} bytes)\n", options.tenant,
                             options.file, csv->size());
  }
  return 0;
}

}  // namespace avni::app
