#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/time.hpp"

namespace avni::store {

struct SqlContext;

// A tenant's cursor of one entity type, as far as its age goes.
struct CursorAge {
  std::string tenant;  // the tenant's name
  std::string entity_type;
  std::optional<Timestamp> read_upto_time;  // none for cursors by number or feed marker
  Timestamp updated_at;                     // when the cursor last moved
};

// A tenant's open error records of one error type (none: no type matched them).
struct OpenErrorCount {
  std::string tenant;
  std::optional<std::string> error_type;
  std::int64_t count = 0;
};

struct JobPauseState {
  std::string tenant;
  std::string job;
  bool paused = false;
};

// What /metrics reads across every tenant: one aggregate query each, whatever the number of
// tenants (never one query per tenant). Not scoped to a tenant: it serves the operator, who
// sees every tenant; it returns names and counts, never records.
class FleetRepo {
 public:
  explicit FleetRepo(SqlContext& ctx) : ctx_(ctx) {}

  // Every cursor, by tenant name and entity type.
  Result<std::vector<CursorAge>> CursorAges();
  // Open error records by tenant and error type.
  Result<std::vector<OpenErrorCount>> OpenErrorCounts();
  // Every job and whether it is paused, by tenant name and job name.
  Result<std::vector<JobPauseState>> JobPauses();

 private:
  SqlContext& ctx_;
};

}  // namespace avni::store
