#pragma once

#include <vector>

#include "common/error.hpp"
#include "domain/ids.hpp"
#include "domain/run_log.hpp"

namespace avni::store {

struct SqlContext;

// The per-run logs of a tenant's runs (see RunLogLine): written once, when a run ends.
class RunLogRepo {
 public:
  RunLogRepo(SqlContext& ctx, TenantId tenant) : ctx_(ctx), tenant_(tenant) {}

  // Puts the run's lines in place of any it had. Messages longer than kMaxMessage bytes are
  // cut. Errors: not_found (no run of that id in this tenant).
  Status Put(RowId run_id, const std::vector<RunLogLine>& lines);
  // The run's lines by seq. Errors: not_found (no run of that id in this tenant).
  Result<std::vector<RunLogLine>> List(RowId run_id);

  static constexpr std::size_t kMaxMessage = 4000;

 private:
  Status CheckRun(RowId run_id);

  SqlContext& ctx_;
  TenantId tenant_;
};

}  // namespace avni::store
