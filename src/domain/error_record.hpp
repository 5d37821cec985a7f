#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "domain/ids.hpp"

namespace avni {

enum class ErrorOperator { kEquals, kContains, kMatches };
enum class FollowUpStep { kProcess, kTerminal, kInternal, kExternal };

std::string_view ToString(ErrorOperator op);
std::optional<ErrorOperator> ParseErrorOperator(std::string_view text);
std::string_view ToString(FollowUpStep step);
std::optional<FollowUpStep> ParseFollowUpStep(std::string_view text);

// A tenant's rule that classifies an error message, and what to do about such errors.
struct ErrorType {
  RowId id = 0;
  TenantId tenant_id;
  std::string uuid;
  std::string name;
  ErrorOperator op = ErrorOperator::kContains;
  std::string value;
  FollowUpStep follow_up_step = FollowUpStep::kProcess;
  int priority = 0;  // lower is tried first
};

// One source entity whose processing failed and needs a person (or a later retry).
struct ErrorRecord {
  RowId id = 0;
  TenantId tenant_id;
  std::string entity_type;
  std::string entity_id;
  std::optional<RowId> error_type_id;
  bool processing_disabled = false;
  int attempts = 0;
  Timestamp first_seen_at;
  Timestamp last_seen_at;
  std::optional<Timestamp> next_attempt_at;
};

// One occurrence (or a run of identical occurrences) of an error record's failure.
struct ErrorLogEntry {
  RowId id = 0;
  RowId error_record_id = 0;
  std::optional<RowId> error_type_id;
  std::string message;
  std::string body;
  Timestamp first_logged_at;
  Timestamp logged_at;
  int count = 1;
};

}  // namespace avni
