#pragma once
// The fixture of the /tenants/{t}/mappings tests (mappings_test.cpp, mapping_list_test.cpp).

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "support/api_test.hpp"

namespace avni::testing {

using Strings = std::vector<std::string>;

inline bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Percent-encodes every byte but the unreserved ones, for query values.
inline std::string Enc(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

class MappingsApiTest : public TenantAdminApiTest {
 protected:
  void SetUp() override {
    TenantAdminApiTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto made = store_->Transact([&](store::Tx& tx) -> Status {
      auto repo = tx.tenant(tenant_).mappings();
      auto obs = repo.CreateGroup("Observation");
      auto prog = repo.CreateGroup("Program");
      auto concept_type = repo.CreateType("Concept");
      auto answer = repo.CreateType("Answer");
      if (!obs || !prog || !concept_type || !answer) return Fail(Error::Internal("set-up"));
      obs_ = obs->id;
      prog_ = prog->id;
      concept_ = concept_type->id;
      answer_ = answer->id;
      return {};
    });
    ASSERT_TRUE(made.has_value()) << made.error().message;
  }

  std::string Path(const std::string& rest = "") const {
    return TenantPath(tenant_, "/mappings" + rest);
  }
  std::string Path(RowId id, const std::string& rest = "") const {
    return Path("/" + std::to_string(id) + rest);
  }
  nlohmann::json Body(const std::string& avni, const std::string& int_value,
                      const std::string& hint = "NA", RowId group = 0, RowId type = 0) const {
    return {{"group_id", group ? group : obs_},
            {"type_id", type ? type : concept_},
            {"avni_value", avni},
            {"int_system_value", int_value},
            {"data_type_hint", hint}};
  }
  RowId Post(const nlohmann::json& body) {
    Reply r = Call("POST", Path(), body, token_);
    EXPECT_EQ(r.status, 201) << body.dump() << " -> " << r.raw;
    return r.body.value("id", RowId{0});
  }
  // Each of the tenant's mappings as stored: "id group type avni int hint about live|voided".
  Strings Stored() {
    return db_->QueryColumn(
        "SELECT CAST(id AS TEXT) || ' ' || CAST(group_id AS TEXT) || ' ' || CAST(type_id AS TEXT) "
        "|| ' ' || avni_value || ' ' || int_system_value || ' ' || data_type_hint || ' ' || about "
        "|| ' ' || CASE WHEN voided THEN 'voided' ELSE 'live' END FROM mappings" +
        Where() + " ORDER BY id");
  }
  std::string Row(RowId id, RowId group, RowId type, const std::string& avni,
                  const std::string& int_value, const std::string& hint, const std::string& about,
                  bool voided = false) {
    return std::to_string(id) + " " + std::to_string(group) + " " + std::to_string(type) + " " +
           avni + " " + int_value + " " + hint + " " + about + " " + (voided ? "voided" : "live");
  }
  // The avni_value of each item of a list reply, in order.
  Strings Values(const std::string& query) {
    Reply r = Call("GET", Path(query), std::nullopt, token_);
    EXPECT_EQ(r.status, 200) << query << " -> " << r.raw;
    Strings out;
    for (const auto& item : r.body["items"]) out.push_back(item["avni_value"]);
    EXPECT_EQ(r.body.value("total", -1), static_cast<int>(out.size())) << query;
    return out;
  }
  // before and after of the tenant's audit entries, oldest first (null when empty).
  std::vector<std::pair<nlohmann::json, nlohmann::json>> AuditStates() {
    std::vector<std::pair<nlohmann::json, nlohmann::json>> out;
    const auto parse = [](const std::string& s) {
      return s.empty() ? nlohmann::json() : nlohmann::json::parse(s);
    };
    const auto before =
        db_->QueryColumn("SELECT before_json FROM audit_log" + Where() + " ORDER BY id");
    const auto after =
        db_->QueryColumn("SELECT after_json FROM audit_log" + Where() + " ORDER BY id");
    for (std::size_t i = 0; i < before.size(); ++i) {
      out.emplace_back(parse(before[i]), parse(after[i]));
    }
    return out;
  }

  RowId obs_ = 0, prog_ = 0, concept_ = 0, answer_ = 0;
};

}  // namespace avni::testing
