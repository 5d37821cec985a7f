// Reads as webservices.rest answers them: the ref, default and full representations, lists
// in ref by default, limit/startIndex paging with next and prev links, searches by identifier
// and by name, concepts with datatypes, answers and set members, the read-only metadata, and
// 404 for an unknown uuid.

#include <fmt/format.h>

#include "sim_fixture.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

class OpenmrsSimResourcesTest : public OpenmrsSimFixture {
 protected:
  SimOptions Options() override {
    SimOptions options;
    options.patients = 120;
    options.encounters_per_patient = 3;
    return options;
  }
};

TEST_F(OpenmrsSimResourcesTest, PatientByIdentifierInEachRepresentation) {
  const json ref = Json(Get("/patient", {{"identifier", "GAN200007"}}));
  ASSERT_EQ(ref.at("results").size(), 1u);
  const json& found = ref.at("results")[0];
  EXPECT_EQ(found.size(), 3u);  // uuid, display, links: a list is ref unless v says otherwise
  EXPECT_TRUE(found.at("display").get<std::string>().starts_with("GAN200007 - "));
  EXPECT_EQ(found.at("links")[0].at("rel"), "self");
  EXPECT_EQ(found.at("links")[0].at("resourceAlias"), "patient");
  const std::string uuid = found.at("uuid");

  const json def = Json(Get("/patient/" + uuid));
  EXPECT_EQ(def.at("identifiers")[0].size(), 3u);  // identifiers by ref
  EXPECT_EQ(def.at("person").at("uuid"), uuid);    // a patient is its person
  EXPECT_TRUE(def.at("person").contains("gender"));
  EXPECT_FALSE(def.contains("auditInfo"));
  EXPECT_EQ(def.at("links")[1].at("rel"), "full");

  const json full = Json(Get("/patient/" + uuid, {{"v", "full"}}));
  EXPECT_EQ(full.at("identifiers")[0].at("identifier"), "GAN200007");
  EXPECT_EQ(full.at("identifiers")[0].at("identifierType").at("uuid"),
            Uuid("patientidentifiertype", kIdentifierType));
  EXPECT_EQ(full.at("person").at("attributes")[0].at("attributeType").at("display"),
            kPhoneAttributeType);
  EXPECT_TRUE(full.at("person").at("birthdate").get<std::string>().ends_with("T00:00:00.000+0000"));
  EXPECT_TRUE(full.contains("auditInfo"));

  EXPECT_EQ(Json(Get("/patient", {{"identifier", "GAN999999"}})).at("results").size(), 0u);
}

TEST_F(OpenmrsSimResourcesTest, UnknownUuidIs404WithOpenmrsBody) {
  auto res = Get("/patient/no-such-uuid");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  const json error = json::parse(res->body).at("error");
  EXPECT_EQ(error.at("message"), "Object with given uuid doesn't exist [null]");
  EXPECT_TRUE(error.contains("code"));
  EXPECT_EQ(Get("/cows/x")->status, 404);
}

TEST_F(OpenmrsSimResourcesTest, NextLinksWalkEveryResultOnceAndPrevGoesBack) {
  std::vector<std::string> seen;
  std::string next = std::string(kRest) + "/concept?limit=10";
  int pages = 0;
  json page;
  while (!next.empty() && pages < 10) {
    // Links are absolute: follow them by their path.
    const std::string path = next.substr(next.find("/openmrs/"));
    auto res = client_->Get(path, Auth());
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
    page = json::parse(res->body);
    ++pages;
    for (const auto& p : page.at("results")) seen.push_back(p.at("uuid"));
    next.clear();
    for (const auto& link : page.value("links", json::array())) {
      if (link.at("rel") == "next") next = link.at("uri");
    }
  }
  const std::size_t concepts = sim_->GetMetadata().Concepts().size();
  EXPECT_EQ(pages, static_cast<int>((concepts + 9) / 10));
  std::vector<std::string> unique = seen;
  std::sort(unique.begin(), unique.end());
  EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end());
  EXPECT_EQ(seen.size(), concepts);
  const json& last_links = page.at("links");
  ASSERT_EQ(last_links.size(), 1u);
  EXPECT_EQ(last_links[0].at("rel"), "prev");
  EXPECT_NE(last_links[0].at("uri").get<std::string>().find(
                fmt::format("startIndex={}", (pages - 2) * 10)),
            std::string::npos);

  // webservices.rest's limits: over 100 or not above 0 is a 500, not a clamp.
  EXPECT_EQ(Get("/concept", {{"limit", "101"}})->status, 500);
  EXPECT_EQ(Get("/concept", {{"limit", "0"}})->status, 500);
  const std::string end = std::to_string(concepts);
  EXPECT_EQ(Json(Get("/concept", {{"startIndex", end}})).at("results").size(), 0u);
  EXPECT_EQ(Get("/concept", {{"startIndex", std::to_string(concepts + 1)}})->status, 500);
  // Patients: a name search pages the same way.
  const json first = Json(Get("/patient", {{"q", "Asha"}, {"limit", "5"}}));
  EXPECT_EQ(first.at("results").size(), 5u);
  EXPECT_EQ(first.at("links")[0].at("rel"), "next");
}

TEST_F(OpenmrsSimResourcesTest, ConceptsShowDatatypeAnswersAndSetMembers) {
  const json blood = Json(Get("/concept/" + Concept("Blood group"), {{"v", "full"}}));
  EXPECT_EQ(blood.at("datatype").at("display"), "Coded");
  EXPECT_EQ(blood.at("datatype").at("hl7Abbreviation"), "CWE");
  ASSERT_EQ(blood.at("answers").size(), 4u);
  EXPECT_EQ(blood.at("answers")[2].at("display"), "O+");
  EXPECT_EQ(blood.at("answers")[2].at("uuid"), Concept("O+"));
  const json form = Json(Get("/concept/" + Concept("Vitals")));
  EXPECT_EQ(form.at("set"), true);
  EXPECT_EQ(form.at("setMembers").size(), 4u);
  EXPECT_EQ(form.at("setMembers")[0].at("display"), "Weight");
  const json weight = Json(Get("/concept/" + Concept("Weight"), {{"v", "full"}}));
  EXPECT_EQ(weight.at("units"), "kg");

  // q matches by word starts: "Concept 1" also finds "Concept 10".."Concept 19".
  const json found = Json(Get("/concept", {{"q", "Concept 1"}}));
  EXPECT_EQ(found.at("results").size(), 11u);
  EXPECT_EQ(found.at("results")[0].at("display"), "Concept 1");
}

TEST_F(OpenmrsSimResourcesTest, MetadataResourcesListAndRead) {
  const json types = Json(Get("/encountertype", {{"v", "default"}}));
  EXPECT_EQ(types.at("results").size(), 7u);
  for (const char* resource :
       {"visittype", "location", "provider", "encounterrole", "patientidentifiertype",
        "personattributetype", "visitattributetype"}) {
    const json list = Json(Get(std::string("/") + resource));
    ASSERT_FALSE(list.at("results").empty()) << resource;
    const std::string uuid = list.at("results")[0].at("uuid");
    EXPECT_EQ(Json(Get(std::string("/") + resource + "/" + uuid)).at("uuid"), uuid) << resource;
  }
  const json id_type =
      Json(Get("/patientidentifiertype/" + Uuid("patientidentifiertype", kIdentifierType)));
  EXPECT_EQ(id_type.at("uniquenessBehavior"), "UNIQUE");
  EXPECT_EQ(Json(Get("/encountertype", {{"q", "lab"}})).at("results").size(), 1u);
}

TEST_F(OpenmrsSimResourcesTest, EncountersByPatientAndTypeWithFormGroupObs) {
  const std::string patient =
      Json(Get("/patient", {{"identifier", "GAN200001"}})).at("results")[0].at("uuid");
  const json all = Json(Get("/encounter", {{"patient", patient}, {"v", "full"}}));
  ASSERT_EQ(all.at("results").size(), 3u);
  const json lab =
      Json(Get("/encounter", {{"patient", patient},
                              {"encounterType", Uuid("encountertype", kLabEncounterType)},
                              {"v", "full"}}));
  ASSERT_EQ(lab.at("results").size(), 1u);
  EXPECT_EQ(lab.at("results")[0].at("obs")[0].at("concept").at("display"), "Haemoglobin");
  const json& consultation = all.at("results")[0];
  EXPECT_EQ(consultation.at("encounterType").at("display"), kConsultationEncounterType);
  EXPECT_EQ(consultation.at("visit").at("visitType").at("display"), "OPD");
  const json& vitals = consultation.at("obs")[0];
  EXPECT_EQ(vitals.at("concept").at("uuid"), Concept("Vitals"));
  ASSERT_EQ(vitals.at("groupMembers").size(), 4u);
  // Coded values read as the answer concept (uuid and display, and more).
  const json& coded = vitals.at("groupMembers")[1].at("value");
  EXPECT_TRUE(coded.is_object());
  EXPECT_TRUE(coded.contains("uuid"));
  EXPECT_TRUE(coded.contains("display"));
  EXPECT_TRUE(vitals.at("groupMembers")[0].at("value").is_number());
  // An unknown patient finds nothing (the default search handler), not a 404.
  EXPECT_EQ(Json(Get("/encounter", {{"patient", "nobody"}})).at("results").size(), 0u);
}

TEST_F(OpenmrsSimResourcesTest, VisitsByPatientAndLocation) {
  const std::string patient =
      Json(Get("/patient", {{"identifier", "GAN200002"}})).at("results")[0].at("uuid");
  const json visits = Json(Get(
      "/visit", {{"patient", patient}, {"location", Uuid("location", kLocation)}, {"v", "full"}}));
  ASSERT_EQ(visits.at("results").size(), 1u);
  EXPECT_EQ(visits.at("results")[0].at("encounters").size(), 3u);
  EXPECT_EQ(Get("/visit", {{"patient", "nobody"}})->status, 404);
}

}  // namespace
}  // namespace avni::openmrssim
