// Text forms of the domain's enums: the ones stored in the database and shown in the API.
#include <array>
#include <utility>

#include "domain/error_record.hpp"
#include "domain/job.hpp"
#include "domain/mapping.hpp"
#include "domain/user.hpp"

namespace avni {
namespace {

template <typename E, std::size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [e, name] : names) {
    if (e == value) return name;
  }
  return "";
}

template <typename E, std::size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& names,
                       std::string_view text) {
  for (const auto& [e, name] : names) {
    if (name == text) return e;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<Role, std::string_view>, 3> kRoles{{
    {Role::kAdmin, "admin"}, {Role::kEditor, "editor"}, {Role::kViewer, "viewer"}}};

constexpr std::array<std::pair<DataTypeHint, std::string_view>, 7> kHints{{
    {DataTypeHint::kCoded, "Coded"},
    {DataTypeHint::kDate, "Date"},
    {DataTypeHint::kDateTime, "DateTime"},
    {DataTypeHint::kNumeric, "Numeric"},
    {DataTypeHint::kText, "Text"},
    {DataTypeHint::kBoolean, "Boolean"},
    {DataTypeHint::kNA, "NA"}}};

constexpr std::array<std::pair<ErrorOperator, std::string_view>, 3> kOperators{{
    {ErrorOperator::kEquals, "EQUALS"},
    {ErrorOperator::kContains, "CONTAINS"},
    {ErrorOperator::kMatches, "MATCHES"}}};

constexpr std::array<std::pair<FollowUpStep, std::string_view>, 4> kSteps{{
    {FollowUpStep::kProcess, "Process"},
    {FollowUpStep::kTerminal, "Terminal"},
    {FollowUpStep::kInternal, "Internal"},
    {FollowUpStep::kExternal, "External"}}};

constexpr std::array<std::pair<RunStatus, std::string_view>, 4> kRunStatuses{{
    {RunStatus::kRunning, "running"},
    {RunStatus::kSucceeded, "succeeded"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kCancelled, "cancelled"}}};

}  // namespace

std::string_view ToString(Role role) { return NameOf(kRoles, role); }
std::optional<Role> ParseRole(std::string_view text) { return Parse(kRoles, text); }
std::string_view ToString(DataTypeHint hint) { return NameOf(kHints, hint); }
std::optional<DataTypeHint> ParseDataTypeHint(std::string_view text) { return Parse(kHints, text); }
std::string_view ToString(ErrorOperator op) { return NameOf(kOperators, op); }
std::optional<ErrorOperator> ParseErrorOperator(std::string_view text) {
  return Parse(kOperators, text);
}
std::string_view ToString(FollowUpStep step) { return NameOf(kSteps, step); }
std::optional<FollowUpStep> ParseFollowUpStep(std::string_view text) { return Parse(kSteps, text); }
std::string_view ToString(RunStatus status) { return NameOf(kRunStatuses, status); }
std::optional<RunStatus> ParseRunStatus(std::string_view text) { return Parse(kRunStatuses, text); }

}  // namespace avni
