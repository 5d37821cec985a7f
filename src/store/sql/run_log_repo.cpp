#include "store/run_log_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

struct LineRow {
  long long seq = 0, at = 0;
  std::string level, message;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(seq));
    st.exchange(soci::into(at));
    st.exchange(soci::into(level));
    st.exchange(soci::into(message));
  }
};

// At most `max` bytes, cut before a UTF-8 continuation byte, marked when cut.
std::string Cut(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "...";
}

}  // namespace

Status RunLogRepo::CheckRun(RowId run_id) {
  const auto n = QueryValue<long long>(
      ctx_.sql, "SELECT COUNT(*) FROM runs WHERE tenant_id = :tenant AND id = :id", tenant_.value,
      run_id);
  if (n.value_or(0) == 0) return Fail(Error::NotFound(fmt::format("no run with id {}", run_id)));
  return {};
}

Status RunLogRepo::Put(RowId run_id, const std::vector<RunLogLine>& lines) {
  // Proves the run is this tenant's: run_log_lines refers to runs by id alone.
  if (auto ok = CheckRun(run_id); !ok) return ok;
  Exec(ctx_.sql, "DELETE FROM run_log_lines WHERE tenant_id = :tenant AND run_id = :run",
       tenant_.value, run_id);
  for (const auto& line : lines) {
    const long long seq = line.seq, at = Millis(line.at);
    Exec(ctx_.sql,
         "INSERT INTO run_log_lines (run_id, tenant_id, seq, at, level, message) VALUES (:run, "
         ":tenant, :seq, :at, :level, :message)",
         run_id, tenant_.value, seq, at, line.level, Cut(line.message, kMaxMessage));
  }
  return {};
}

Result<std::vector<RunLogLine>> RunLogRepo::List(RowId run_id) {
  if (auto ok = CheckRun(run_id); !ok) return Fail(ok.error());
  const auto rows = QueryAll<LineRow>(
      ctx_.sql,
      "SELECT seq, at, level, message FROM run_log_lines WHERE tenant_id = :tenant AND run_id = "
      ":run ORDER BY seq",
      tenant_.value, run_id);
  std::vector<RunLogLine> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back({row.seq, AtMillis(row.at), row.level, row.message});
  return out;
}

}  // namespace avni::store
