// The simulator's writes as avni-server's *ApiControllers make them: External ID upserts,
// duplicates without one, PUT replacing, PATCH merging (null removes), DELETE voiding, the
// answers in read shape, and each refusal's status and body with nothing stored.

#include "sim_fixture.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

class AvniSimWritesTest : public SimFixture {
 protected:
  std::size_t Count(const std::string& kind) { return Entities(kind).size(); }
};

TEST_F(AvniSimWritesTest, PostAnswersTheSubjectInReadShapeStampedWithNow) {
  const json subject = Json(Send("POST", "/api/subject", NewSubject("ext-1")));
  EXPECT_EQ(subject.at("External ID"), "ext-1");
  EXPECT_EQ(subject.at("observations").at("First name"), "Asha");
  EXPECT_EQ(subject.at("observations").at("Blood group"), "O+");
  EXPECT_EQ(subject.at("location").at("Village"), "Village 2");
  EXPECT_EQ(subject.at("audit").at("Last modified at"), FormatIso8601(kNow));
  EXPECT_EQ(subject.at("audit").at("Last modified by"), "admin@sim");
  // Readable by ID and by External ID, and in the next window.
  EXPECT_EQ(Json(Get("/api/subject/ext-1")).at("ID"), subject.at("ID"));
  sim_->SetNow(kNow + std::chrono::seconds(11));
  const json page =
      Json(Get("/api/subjects", {{"lastModifiedDateTime", "2025-01-01T00:00:00.000Z"}}));
  EXPECT_EQ(Ids(page), std::vector<std::string>{subject.at("ID")});
}

TEST_F(AvniSimWritesTest, PostWithAnExternalIdUpsertsAndWithoutOneDuplicates) {
  const json first = Json(Send("POST", "/api/subject", NewSubject("ext-1")));
  json changed = NewSubject("ext-1");
  changed["First name"] = "Meena";
  const json second = Json(Send("POST", "/api/subject", changed));
  EXPECT_EQ(second.at("ID"), first.at("ID"));
  EXPECT_EQ(second.at("observations").at("First name"), "Meena");
  EXPECT_EQ(Count("subjects"), 1u);

  ASSERT_EQ(Send("POST", "/api/subject", NewSubject())->status, 200);
  ASSERT_EQ(Send("POST", "/api/subject", NewSubject())->status, 200);
  EXPECT_EQ(Count("subjects"), 3u);  // the retried POST without External ID duplicated
}

TEST_F(AvniSimWritesTest, PutReplacesAndPatchChangesOnlySentKeys) {
  const json created = Json(Send("POST", "/api/subject", NewSubject("ext-1")));
  const std::string path = "/api/subject/" + created.at("ID").get<std::string>();
  json replacement = NewSubject();
  replacement["observations"] = {{"Concept 2", "two"}};
  const json put = Json(Send("PUT", path, replacement));
  EXPECT_FALSE(put.at("observations").contains("Concept 1"));
  EXPECT_EQ(put.at("observations").at("Concept 2"), "two");
  EXPECT_EQ(put.at("External ID"), "ext-1");  // not sent: kept

  const json patched = Json(Send(
      "PATCH", path,
      {{"Last name", "Sharma"}, {"observations", {{"Concept 2", nullptr}, {"Concept 3", "3"}}}}));
  EXPECT_EQ(patched.at("observations").at("Last name"), "Sharma");
  EXPECT_EQ(patched.at("observations").at("First name"), "Asha");
  EXPECT_FALSE(patched.at("observations").contains("Concept 2"));
  EXPECT_EQ(patched.at("observations").at("Concept 3"), "3");
  EXPECT_EQ(Json(Get(path)).at("observations"), patched.at("observations"));
}

// A search by concept value (how an integration finds a subject by its identifier) follows
// every change of the value: the old value finds nothing, the new one the subject.
TEST_F(AvniSimWritesTest, AConceptSearchFollowsPutAndPatch) {
  const json created = Json(Send("POST", "/api/subject", NewSubject("ext-1")));
  const std::string id = created.at("ID");
  const std::string path = "/api/subject/" + id;
  const auto found = [&](const std::string& value) {
    return Ids(Json(Get("/api/subjects", {{"now", FormatIso8601(kNow + std::chrono::hours(1))},
                                          {"concepts", json{{"Concept 2", value}}.dump()}})));
  };
  json replacement = NewSubject();
  replacement["observations"] = {{"Concept 2", "two"}};
  Json(Send("PUT", path, replacement));
  EXPECT_EQ(found("two"), std::vector<std::string>{id});
  Json(Send("PATCH", path, {{"observations", {{"Concept 2", "deux"}}}}));
  EXPECT_TRUE(found("two").empty());
  EXPECT_EQ(found("deux"), std::vector<std::string>{id});
  Json(Send("PATCH", path, {{"observations", {{"Concept 2", nullptr}}}}));
  EXPECT_TRUE(found("deux").empty());
}

TEST_F(AvniSimWritesTest, DeleteVoidsAndTheSubjectReappearsInTheNextWindow) {
  const json created = Json(Send("POST", "/api/subject", NewSubject("ext-1")));
  const std::string after_create = FormatIso8601(kNow);
  sim_->SetNow(kNow + std::chrono::minutes(1));
  const json voided = Json(Send("DELETE", "/api/subject/ext-1", json::object()));
  EXPECT_EQ(voided.at("Voided"), true);
  sim_->SetNow(kNow + std::chrono::minutes(2));
  const json page = Json(Get("/api/subjects", {{"lastModifiedDateTime", after_create}}));
  ASSERT_EQ(page.at("content").size(), 1u);
  EXPECT_EQ(page.at("content")[0].at("ID"), created.at("ID"));
  EXPECT_EQ(page.at("content")[0].at("Voided"), true);
  EXPECT_EQ(Send("DELETE", "/api/subject/nope", json::object())->status, 404);
}

TEST_F(AvniSimWritesTest, RefusedSubjectWritesAnswerAvniServersStatusesAndStoreNothing) {
  const auto expect = [&](json body, int status, const std::string& fragment,
                          const std::string& path = "/api/subject") {
    auto res = Send("POST", path, body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    EXPECT_NE(res->body.find(fragment), std::string::npos) << res->body;
  };
  json bad_type = NewSubject("x1");
  bad_type["Subject type"] = "Cow";
  expect(bad_type, 500, "Subject type not found with name 'Cow'");
  json bad_address = NewSubject("x2");
  bad_address["Address"] = "Nowhere";
  expect(bad_address, 500, "Address 'Nowhere' not found");
  json block = NewSubject("x3");
  block["Address"] = "State 1, District 1, Block 1";
  expect(block, 500, "of type 'Block' is not valid for subject type 'Individual'");
  json bad_concept = NewSubject("x4");
  bad_concept["observations"] = {{"Shoe size", "9"}};
  expect(bad_concept, 500, "Concept with name=Shoe size not found");
  json bad_answer = NewSubject("x5");
  bad_answer["observations"] = {{"Symptoms", {"Fever", "Itch"}}};
  expect(bad_answer, 400, "Answer concept with name=Itch not found");
  json no_name = NewSubject("x6");
  no_name.erase("First name");
  expect(no_name, 400, "First name cannot be null");
  json no_gender = NewSubject("x7");
  no_gender["Gender"] = "Unknown";
  expect(no_gender, 400, "Gender cannot be null for Person subject type");
  expect(NewSubject("x8"), 500, "version 3 and above requires 'Address map'",
         "/api/subject?version=3");
  EXPECT_EQ(Count("subjects"), 0u);

  json by_map = NewSubject("x9");
  by_map["Address map"] = {{"State", "State 1"}, {"Village", "Village 2"}};
  EXPECT_EQ(Send("POST", "/api/subject?version=3", by_map)->status, 200);
  auto missing = Send("PUT", "/api/subject/nope", NewSubject());
  EXPECT_EQ(missing->status, 500);
  EXPECT_NE(missing->body.find("Subject not found with id 'nope' or External ID 'null'"),
            std::string::npos);
}

TEST_F(AvniSimWritesTest, AnExternalIdOwnedByAnotherSubjectIs409) {
  ASSERT_EQ(Send("POST", "/api/subject", NewSubject("taken"))->status, 200);
  const json other = Json(Send("POST", "/api/subject", NewSubject("mine")));
  auto res = Send("PUT", "/api/subject/" + other.at("ID").get<std::string>(), NewSubject("taken"));
  EXPECT_EQ(res->status, 409);
  EXPECT_NE(res->body.find("constraint violation"), std::string::npos);
  EXPECT_EQ(Json(Get("/api/subject/mine")).at("ID"), other.at("ID"));  // unchanged
}

TEST_F(AvniSimWritesTest, EncountersEnrolmentsAndVisitsNameParentsByExternalId) {
  const json subject = Json(Send("POST", "/api/subject", NewSubject("s-1")));
  const json encounter = Json(Send("POST", "/api/encounter",
                                   {{"External ID", "e-1"},
                                    {"Encounter type", "General Visit"},
                                    {"Subject external ID", "s-1"},
                                    {"Encounter date time", "2025-05-02T10:00:00.000Z"},
                                    {"observations", {{"Weight", 52.5}}}}));
  EXPECT_EQ(encounter.at("Subject ID"), subject.at("ID"));
  EXPECT_EQ(Json(Get("/api/subject/s-1")).at("encounters"), json::array({encounter.at("ID")}));
  const json enrolment = Json(Send("POST", "/api/programEnrolment",
                                   {{"External ID", "p-1"},
                                    {"Program", "Maternal Health"},
                                    {"Subject ID", subject.at("ID")},
                                    {"Enrolment datetime", "2025-05-02T10:00:00.000Z"}}));
  const json visit = Json(Send("POST", "/api/programEncounter",
                               {{"Encounter type", "Monthly Visit"},
                                {"Enrolment external ID", "p-1"},
                                {"Earliest scheduled date", "2025-06-02"}}));
  EXPECT_EQ(visit.at("Enrolment ID"), enrolment.at("ID"));
  EXPECT_EQ(visit.at("Subject ID"), subject.at("ID"));
  EXPECT_EQ(visit.at("Program"), "Maternal Health");

  auto no_subject = Send("POST", "/api/encounter",
                         {{"Encounter type", "General Visit"},
                          {"Subject external ID", "nobody"},
                          {"Encounter date time", "2025-05-02"}});
  EXPECT_EQ(no_subject->status, 500);
  EXPECT_NE(no_subject->body.find("Individual not found with UUID 'null' or External ID 'nobody'"),
            std::string::npos);
  auto no_date = Send("POST", "/api/encounter",
                      {{"Encounter type", "General Visit"}, {"Subject external ID", "s-1"}});
  EXPECT_EQ(no_date->status, 400);
  EXPECT_EQ(no_date->body, "Both encounter datetime and earliest visit datetime cannot be null");
  auto bad_program =
      Send("POST", "/api/programEnrolment", {{"Program", "Nope"}, {"Subject external ID", "s-1"}});
  EXPECT_EQ(bad_program->status, 500);
  EXPECT_NE(bad_program->body.find("Program not found with name 'Nope'"), std::string::npos);
  EXPECT_EQ(Send("PATCH", "/api/programEnrolment/p-1", json::object())->status, 405);
  EXPECT_EQ(Count("encounters"), 1u);
  EXPECT_EQ(Count("programEncounters"), 1u);

  const json task = Json(Send("POST", "/api/task",
                              {{"Task type", "Call"},
                               {"Task status", "Assigned"},
                               {"Name", "Call Asha"},
                               {"Subject external ID", "s-1"},
                               {"metadata", {{"Phone number", "99"}}}}));
  EXPECT_EQ(task.at("Subject ID"), subject.at("ID"));
  EXPECT_EQ(
      Send("POST", "/api/task", {{"Task type", "Visit"}, {"Task status", "Assigned"}})->status,
      500);
}

TEST_F(AvniSimWritesTest, MetadataConfiguresTypesAndConcepts) {
  auto res = client_->Post("/_sim/metadata",
                           R"({"subjectTypes": [{"name": "Farm", "person": false}],
                               "concepts": [{"name": "Crop", "dataType": "Coded",
                                             "answers": ["Rice", "Wheat"]}],
                               "forms": {"Farm": ["Crop"]}})",
                           "application/json");
  ASSERT_EQ(res->status, 200) << res->body;
  json farm = {{"Subject type", "Farm"},
               {"Address", "State 1, District 2, Block 3, Village 7"},
               {"First name", "North field"},
               {"observations", {{"Crop", "Rice"}}}};
  auto no_date = Send("POST", "/api/subject", farm);
  EXPECT_EQ(no_date->status, 400);
  EXPECT_EQ(no_date->body, "Registration date cannot be null");
  farm["Registration date"] = "2025-01-01";
  EXPECT_EQ(Send("POST", "/api/subject", farm)->status, 200);
  EXPECT_EQ(Send("POST", "/api/subject", NewSubject())->status, 500);  // Individual is gone
  EXPECT_EQ(client_->Post("/_sim/metadata", R"({"forms": {"Farm": ["Nope"]}})", "application/json")
                ->status,
            400);
}

}  // namespace
}  // namespace avni::sim
