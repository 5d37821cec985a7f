#pragma once
// A tenant's mappings as CSV: export, and an all-or-nothing import that reports every problem
// of the file with its line.
//
// The CSV form (RFC 4180, UTF-8) has a header naming its columns, in any order:
//   group, type, avni_value, int_system_value   required
//   data_type_hint (empty: NA), about           optional
// A line is identified by (group, type, avni_value) among the tenant's non-voided mappings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/ids.hpp"
#include "store/mapping_repo.hpp"

namespace avni::store {
class Store;
}

namespace avni::mapping {

// The columns in the order export writes them.
const std::vector<std::string>& MappingCsvColumns();

// One problem of the file: its line (where the record starts), the column at fault ("" when
// the problem is not in one column) and, for a person, what is wrong and how to fix it.
struct ImportError {
  int line = 0;
  std::string field;
  std::string message;
};

// What an import did, or (dry run, or errors) would do. With errors nothing was written; the
// counts then cover the lines without errors.
struct ImportReport {
  std::int64_t created = 0;    // lines whose (group, type, avni_value) has no mapping yet
  std::int64_t updated = 0;    // lines that change a mapping's int_system_value, hint or about
  std::int64_t unchanged = 0;  // lines equal to their mapping
  std::int64_t groups_created = 0;
  std::int64_t types_created = 0;
  bool dry_run = false;
  std::vector<ImportError> errors;  // every problem found, ordered by line

  bool ok() const { return errors.empty(); }
};

struct ImportOptions {
  bool dry_run = false;  // check and count, write nothing
  // Who imports, for the audit entry of an applied import ("ana@example.org", "cli").
  std::string actor;
};

// Imports `csv` into the tenant's mappings in one transaction of `store`: missing groups and
// types are created, new lines inserted and changed ones updated, and one audit entry
// ("mapping.import", with the counts) appended; or, when the report has errors or it is a dry
// run, nothing is written. The file is checked whole against the tenant's mappings read once:
// no query per line. A line whose int_system_value a non-voided mapping of another avni_value
// holds is an error, unless the file also gives that mapping a new int_system_value.
// Errors (as Error, not in the report): those of the store (unavailable; conflict when another
// writer changed the tenant's mappings meanwhile: nothing was written, try again).
Result<ImportReport> ImportMappingsCsv(store::Store& store, TenantId tenant, std::string_view csv,
                                       const ImportOptions& options);

// The tenant's non-voided mappings as CSV, header first, columns in MappingCsvColumns() order,
// sorted by group, type and avni_value (byte order). Importing it back changes nothing. With a
// filter, only the mappings it matches (its voided, sort and paging fields are ignored: voided
// mappings are never exported, and all that match are).
Result<std::string> ExportMappingsCsv(store::Store& store, TenantId tenant,
                                      const std::optional<store::MappingFilter>& filter = {});

}  // namespace avni::mapping
