// The Avni client's writes against the simulator: External ID upserts that make a retry safe,
// PUT, PATCH and voiding, parents named by external id, and Avni's refusals classified so that
// the engine parks bad data and retries outages.

#include "avnisim/sim_fixture.hpp"
#include "client_fixture.hpp"
#include "common/taxonomy.hpp"

namespace avni::avniapi {
namespace {

using nlohmann::json;

using sim::NewSubject;

class AvniWriteTest : public AvniClientTest {
 protected:
  void SetUp() override {
    StartSim({});
    MakeClient(Config(/*auth_enabled=*/false));
  }
  std::size_t Count(const std::string& kind) {
    return SimGet("/_sim/entities/" + kind).at("entities").size();
  }
  Client& client() { return *client_; }
};

TEST_F(AvniWriteTest, ACreateRetriedWithTheSameExternalIdUpdatesInsteadOfDuplicating) {
  auto first = client().Create(Resource::kSubject, NewSubject("bahmni-1").dump());
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->external_id, "bahmni-1");
  EXPECT_FALSE(first->id.empty());
  EXPECT_TRUE(first->last_modified);
  json changed = NewSubject("bahmni-1");
  changed["First name"] = "Meena";
  auto retried = client().Create(Resource::kSubject, changed.dump());
  ASSERT_TRUE(retried) << retried.error().message;
  EXPECT_EQ(retried->id, first->id);
  EXPECT_EQ(json::parse(retried->body).at("observations").at("First name"), "Meena");
  EXPECT_EQ(Count("subjects"), 1u);
  const json sent = LastRequest();
  EXPECT_EQ(sent.at("method"), "POST");
  EXPECT_EQ(json::parse(sent.at("body").get<std::string>()).at("External ID"), "bahmni-1");
}

TEST_F(AvniWriteTest, ACreateWithoutExternalIdIsRefusedUnlessTheCallerAcceptsDuplicates) {
  auto refused = client().Create(Resource::kSubject, NewSubject("").dump());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "External ID");
  EXPECT_EQ(Count("subjects"), 0u);
  EXPECT_EQ(SimGet("/_sim/stats").at("requests").value("POST /api/subject", 0), 0);
  WriteOptions options;
  options.allow_without_external_id = true;
  ASSERT_TRUE(client().Create(Resource::kSubject, NewSubject("").dump(), options));
  ASSERT_TRUE(client().Create(Resource::kSubject, NewSubject("").dump(), options));
  EXPECT_EQ(Count("subjects"), 2u);  // what Avni does with a retried unkeyed POST
}

TEST_F(AvniWriteTest, ReplacePatchAndVoidByUuid) {
  auto created = client().Create(Resource::kSubject, NewSubject("b-2").dump());
  ASSERT_TRUE(created) << created.error().message;
  json replacement = NewSubject("");
  replacement["observations"] = {{"Concept 2", "two"}};
  auto replaced = client().Replace(Resource::kSubject, created->id, replacement.dump());
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_EQ(replaced->id, created->id);
  const json after_put = json::parse(replaced->body).at("observations");
  EXPECT_FALSE(after_put.contains("Concept 1"));
  EXPECT_EQ(after_put.at("Concept 2"), "two");

  auto patched = client().Patch(Resource::kSubject, created->id,
                                R"({"observations":{"Concept 2":null,"Concept 3":"3"}})");
  ASSERT_TRUE(patched) << patched.error().message;
  const json after_patch = json::parse(patched->body).at("observations");
  EXPECT_FALSE(after_patch.contains("Concept 2"));
  EXPECT_EQ(after_patch.at("Concept 3"), "3");
  EXPECT_EQ(after_patch.at("First name"), "Asha");

  auto voided = client().Void(Resource::kSubject, created->id);
  ASSERT_TRUE(voided) << voided.error().message;
  EXPECT_TRUE(voided->voided);
  auto read = client().Get(Resource::kSubject, created->id);
  ASSERT_TRUE(read && *read);
  EXPECT_TRUE((*read)->voided);
  EXPECT_EQ(Count("subjects"), 1u);

  auto missing = client().Replace(Resource::kSubject, "nobody", replacement.dump());
  ASSERT_FALSE(missing);
  EXPECT_FALSE(IsAvailability(missing.error())) << missing.error().message;
}

TEST_F(AvniWriteTest, EncountersEnrolmentsVisitsAndTasksNameTheirParents) {
  ASSERT_TRUE(client().Create(Resource::kSubject, NewSubject("s-1").dump()));
  auto encounter = client().Create(Resource::kEncounter,
                                   json{{"External ID", "e-1"},
                                        {"Encounter type", "General Visit"},
                                        {"Subject external ID", "s-1"},
                                        {"Encounter date time", "2025-05-02T10:00:00.000Z"},
                                        {"observations", {{"Weight", 52.5}}}}
                                       .dump());
  ASSERT_TRUE(encounter) << encounter.error().message;
  auto enrolment = client().Create(Resource::kProgramEnrolment,
                                   json{{"External ID", "p-1"},
                                        {"Program", "Maternal Health"},
                                        {"Subject external ID", "s-1"},
                                        {"Enrolment datetime", "2025-05-02T10:00:00.000Z"}}
                                       .dump());
  ASSERT_TRUE(enrolment) << enrolment.error().message;
  auto visit =
      client().Create(Resource::kProgramEncounter, json{{"External ID", "v-1"},
                                                        {"Encounter type", "Monthly Visit"},
                                                        {"Enrolment external ID", "p-1"},
                                                        {"Earliest scheduled date", "2025-06-02"}}
                                                       .dump());
  ASSERT_TRUE(visit) << visit.error().message;
  EXPECT_EQ(json::parse(visit->body).at("Enrolment ID"), enrolment->id);
  // avni-server has no PATCH for enrolments: refused before sending.
  auto patch = client().Patch(Resource::kProgramEnrolment, "p-1", "{}");
  ASSERT_FALSE(patch);
  EXPECT_EQ(patch.error().field, "resource");
  WriteOptions unkeyed;
  unkeyed.allow_without_external_id = true;
  auto task = client().Create(Resource::kTask,
                              json{{"Task type", "Call"},
                                   {"Task status", "Assigned"},
                                   {"Name", "Call Asha"},
                                   {"Subject external ID", "s-1"},
                                   {"metadata", {{"Phone number", "99"}}}}
                                  .dump(),
                              unkeyed);
  ASSERT_TRUE(task) << task.error().message;
  EXPECT_EQ(Count("encounters"), 1u);
  EXPECT_EQ(Count("programEncounters"), 1u);
  EXPECT_EQ(Count("tasks"), 1u);
}

TEST_F(AvniWriteTest, AvnisRefusalsAreDataErrorsAndItsOutagesAreNot) {
  json bad_type = NewSubject("x-1");
  bad_type["Subject type"] = "Cow";  // avni-server: 500 "Subject type not found ..."
  json bad_answer = NewSubject("x-2");
  bad_answer["observations"] = {{"Blood group", "Itch"}};  // 400
  json no_name = NewSubject("x-3");
  no_name.erase("First name");  // 400
  json bad_concept = NewSubject("x-4");
  bad_concept["observations"] = {{"Shoe size", "9"}};  // 500 "Concept with name=... not found"
  for (const json& body : {bad_type, bad_answer, no_name, bad_concept}) {
    auto result = client().Create(Resource::kSubject, body.dump());
    ASSERT_FALSE(result) << body.dump();
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument) << result.error().message;
    EXPECT_NE(result.error().message.find("POST /api/subject"), std::string::npos);
  }
  ASSERT_TRUE(client().Create(Resource::kSubject, NewSubject("taken").dump()));
  auto subject = client().Get(Resource::kSubject, "taken");
  ASSERT_TRUE(subject && *subject);
  // Another subject claiming the same External ID: avni-server's constraint violation, 409.
  auto other = client().Create(Resource::kSubject, NewSubject("other").dump());
  ASSERT_TRUE(other);
  auto clash = client().Replace(Resource::kSubject, other->id, NewSubject("taken").dump());
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict) << clash.error().message;
  EXPECT_EQ(Count("subjects"), 2u);

  SimPost("/_sim/faults", {{"status", 503}, {"count", 1}});
  auto outage = client().Create(Resource::kSubject, NewSubject("y-1").dump());
  ASSERT_FALSE(outage);
  EXPECT_TRUE(IsAvailability(outage.error()));
  auto after = client().Create(Resource::kSubject, NewSubject("y-1").dump());
  EXPECT_TRUE(after) << after.error().message;  // the fault was for one request only
}

// Avni's refusals repeat what they refused; the client's message (which reaches the logs and the
// error records) names the refusal, never the values sent.
TEST_F(AvniWriteTest, ARefusalsMessageNeverRepeatsTheValuesSent) {
  json bad_answer = NewSubject("x-5");
  bad_answer["First name"] = "Sunitaverylongname";
  bad_answer["observations"] = {{"Blood group", "Sunitaverylongname Kamble"}};  // 400
  auto refused = client().Create(Resource::kSubject, bad_answer.dump());
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << refused.error().message;
  EXPECT_NE(refused.error().message.find("HTTP 400"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("Answer concept with name=<value> not found"),
            std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("Sunitaverylongname"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("Kamble"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace avni::avniapi
