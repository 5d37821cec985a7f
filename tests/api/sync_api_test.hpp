#pragma once
// Shared by the tests of the error record, error type and sync status API: a tenant with an
// admin, an editor and a viewer signed in, and error records and types made through the store.

#include <optional>
#include <string>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {

class SyncApiTest : public TenantAdminApiTest {
 protected:
  void SetUp() override {
    TenantAdminApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AddMember(tenant_, MakeUser("editor@example.org").id, Role::kEditor);
    AddMember(tenant_, MakeUser("viewer@example.org").id, Role::kViewer);
    editor_token_ = SignIn("editor@example.org");
    viewer_token_ = SignIn("viewer@example.org");
  }

  std::string Path(const std::string& rest) const { return TenantPath(tenant_, rest); }

  ErrorType MakeType(const std::string& name, ErrorOperator op, const std::string& value,
                     int priority, FollowUpStep step = FollowUpStep::kProcess,
                     std::optional<TenantId> tenant = std::nullopt) {
    ErrorType t;
    t.name = name;
    t.op = op;
    t.value = value;
    t.priority = priority;
    t.follow_up_step = step;
    auto made = store_->Transact(
        [&](store::Tx& tx) { return tx.tenant(tenant.value_or(tenant_)).errors().CreateType(t); });
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made ? *made : ErrorType{};
  }

  // Records a failure as the sync engine does; returns the record's id.
  RowId RecordError(const std::string& entity_type, const std::string& entity_id,
                    const std::string& message, const std::string& body = "{}",
                    std::optional<RowId> type = std::nullopt,
                    std::optional<Timestamp> next_attempt = std::nullopt,
                    std::optional<TenantId> tenant = std::nullopt) {
    store::Failure f{entity_type, entity_id, type, message, body, next_attempt};
    auto r = store_->Transact([&](store::Tx& tx) {
      return tx.tenant(tenant.value_or(tenant_)).errors().RecordFailure(f);
    });
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? r->id : 0;
  }

  // One column of this tenant's error records, by id.
  std::vector<std::string> Records(const std::string& column) {
    return db_->QueryColumn("SELECT " + column + " FROM error_records" + Where() + " ORDER BY id");
  }
  // "before | after" of the tenant's audit entries of `action`, oldest first.
  std::vector<std::string> AuditOf(const std::string& action) {
    return db_->QueryColumn("SELECT before_json || ' | ' || after_json FROM audit_log" + Where() +
                            " AND action = '" + action + "' ORDER BY id");
  }

  std::string editor_token_, viewer_token_;
};

}  // namespace avni::testing
