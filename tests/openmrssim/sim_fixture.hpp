#pragma once

// A started OpenMRS simulator and a cpp-httplib client signed in to it, for the simulator's
// contract tests.

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "openmrssim/simulator.hpp"

namespace avni::openmrssim {

inline constexpr const char* kRest = "/openmrs/ws/rest/v1";

class OpenmrsSimFixture : public ::testing::Test {
 protected:
  virtual SimOptions Options() { return SimOptions{}; }

  void SetUp() override {
    sim_ = std::make_unique<Simulator>(Options());
    sim_->SetNow(kNow);
    port_ = sim_->Start();
    ASSERT_GT(port_, 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(5, 0);
    cookie_ = Login("superman", "Admin123");
    ASSERT_FALSE(cookie_.empty());
  }
  void TearDown() override { sim_->Stop(); }

  // GET session with Basic credentials; the JSESSIONID it set ("" when none).
  std::string Login(const std::string& user, const std::string& password) {
    httplib::Headers headers = {httplib::make_basic_authentication_header(user, password)};
    auto res = client_->Get(std::string(kRest) + "/session", headers);
    if (!res) return "";
    return SessionCookie(*res);
  }
  static std::string SessionCookie(const httplib::Response& res) {
    const std::string set = res.get_header_value("Set-Cookie");
    const auto start = set.find("JSESSIONID=");
    if (start == std::string::npos) return "";
    const auto end = set.find(';', start);
    return set.substr(start + 11, end - start - 11);
  }
  httplib::Headers Auth() const { return {{"Cookie", "JSESSIONID=" + cookie_}}; }

  // A REST path (under /openmrs/ws/rest/v1) with the session cookie.
  httplib::Result Get(const std::string& path, const httplib::Params& params = {}) {
    return client_->Get(std::string(kRest) + path, params, Auth());
  }
  httplib::Result Post(const std::string& path, const nlohmann::json& body) {
    return client_->Post(std::string(kRest) + path, Auth(), body.dump(), "application/json");
  }
  httplib::Result Delete(const std::string& path) {
    return client_->Delete(std::string(kRest) + path, Auth());
  }
  // A 2xx answer as JSON; fails the test on anything else.
  nlohmann::json Json(const httplib::Result& res, int status = 200) {
    EXPECT_TRUE(res);
    if (!res) return nlohmann::json::object();
    EXPECT_EQ(res->status, status) << res->body;
    return nlohmann::json::parse(res->body, nullptr, false);
  }
  nlohmann::json SimJson(const std::string& path) {
    auto res = client_->Get(path);
    EXPECT_TRUE(res && res->status == 200);
    return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
  }

  std::string Uuid(std::string_view resource, std::string_view name) const {
    return sim_->GetMetadata().UuidOf(resource, name);
  }
  std::string Concept(std::string_view name) const { return sim_->GetMetadata().ConceptUuid(name); }

  // A patient create body: the person inline and one identifier.
  nlohmann::json NewPatient(const std::string& identifier, const std::string& given = "Asha") {
    return {{"person",
             {{"names", {{{"givenName", given}, {"familyName", "Patil"}, {"preferred", true}}}},
              {"gender", "F"},
              {"birthdate", "1990-01-02"}}},
            {"identifiers",
             {{{"identifier", identifier},
               {"identifierType", Uuid("patientidentifiertype", kIdentifierType)},
               {"location", Uuid("location", kLocation)},
               {"preferred", true}}}}};
  }
  std::string CreatePatient(const std::string& identifier) {
    return Json(Post("/patient", NewPatient(identifier)), 201).value("uuid", "");
  }
  // An encounter body with one form group obs holding `members`.
  nlohmann::json NewEncounter(const std::string& patient, const nlohmann::json& members,
                              const std::string& form = "Avni General Visit Form") {
    return {{"patient", patient},
            {"encounterType", Uuid("encountertype", "Avni General Visit")},
            {"location", Uuid("location", kLocation)},
            {"encounterDatetime", "2025-05-01T10:00:00.000+0000"},
            {"encounterProviders",
             {{{"provider", Uuid("provider", kProvider)},
               {"encounterRole", Uuid("encounterrole", kEncounterRole)}}}},
            {"obs", {{{"concept", Concept(form)}, {"groupMembers", members}}}}};
  }

  const Timestamp kNow = *ParseIso8601("2025-06-01T00:00:00.000Z");
  std::unique_ptr<Simulator> sim_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> client_;
  std::string cookie_;
};

}  // namespace avni::openmrssim
