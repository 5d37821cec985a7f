// Each refusal classified as the sync engine reads it: OpenMRS's refusals of the data are data
// errors that name identifiers and uuids but never a name or a value; outages, drops, hangs
// and foreign answers are availability failures.

#include "openmrs/errors.hpp"
#include "client_fixture.hpp"
#include "common/taxonomy.hpp"

namespace avni::openmrs {
namespace {

using nlohmann::json;

std::string ErrorBody(const std::string& message, const std::string& code,
                      const std::string& detail = "") {
  return json{{"error", {{"message", message}, {"code", code}, {"detail", detail}}}}.dump();
}

TEST(OpenmrsErrorsTest, ValidationBodiesAreDataErrorsWithTheirGlobalAndFieldErrors) {
  const std::string body =
      json{{"error",
            {{"message", "Invalid Submission"},
             {"code", "webservices.rest.error.invalid.submission"},
             {"globalErrors",
              {{{"code", "Identifier GAN1 already in use by another patient"},
                {"message", "Identifier GAN1 already in use by another patient"}}}},
             {"fieldErrors",
              {{"encounterType",
                {{{"code", "error.null"}, {"message", "Encounter type is Required"}}}}}}}}}
          .dump();
  const Error error = ClassifyOpenmrs(400, body, R"({"identifiers":[{"identifier":"GAN1"}]})");
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(error.message.find("Identifier GAN1 already in use by another patient"),
            std::string::npos)
      << error.message;
  EXPECT_NE(error.message.find("encounterType: Encounter type is Required"), std::string::npos);
}

TEST(OpenmrsErrorsTest, A500IsADataErrorOnlyWhenOpenmrsRefusedTheData) {
  // APIException from the patient service (a duplicate identifier, as OpenMRS 2.x throws it).
  EXPECT_EQ(ClassifyOpenmrs(500,
                            ErrorBody("[Identifier GAN1 already in use by another patient]",
                                      "org.openmrs.api.impl.PatientServiceImpl:1050",
                                      "org.openmrs.api.IdentifierNotUniqueException: ..."),
                            "")
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ClassifyOpenmrs(500,
                            ErrorBody("[At least one nonvoided Patient Identifier is required]",
                                      "org.openmrs.api.impl.PatientServiceImpl:288"),
                            "")
                .code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      ClassifyOpenmrs(500, ErrorBody("[failed]", "org.openmrs.validator.ValidateUtil:104"), "")
          .code,
      ErrorCode::kInvalidArgument);
  // A NullPointerException, a database outage, a proxy's page, a cut body: the server failed.
  EXPECT_EQ(ClassifyOpenmrs(500,
                            ErrorBody("[Cannot invoke \"org.openmrs.Person.getPersonId()\"]",
                                      "org.openmrs.Patient:84"),
                            "")
                .code,
            ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyOpenmrs(
                500,
                ErrorBody("[could not execute statement; invalid value]", "org.hibernate.Foo:1",
                          "org.hibernate.exception.JDBCConnectionException"),
                "")
                .code,
            ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyOpenmrs(500, "<html><body>Internal Error</body></html>", "").code,
            ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyOpenmrs(500, R"({"error": {"mess)", "").code, ErrorCode::kUnavailable);
  EXPECT_EQ(ClassifyOpenmrs(503, "", "").code, ErrorCode::kUnavailable);
  EXPECT_EQ(
      ClassifyOpenmrs(404, ErrorBody("Object with given uuid doesn't exist [null]", "x"), "").code,
      ErrorCode::kNotFound);
}

TEST(OpenmrsErrorsTest, MessagesNeverQuoteNamesOrValuesSent) {
  const std::string sent =
      R"({"person":{"names":[{"givenName":"Sunita","familyName":"Kale"}]},"obs":[{"value":72.5},)"
      R"({"value":"Severe headache"}],"identifiers":[{"identifier":"GAN7"}],)"
      R"("patient":"0f6a6f2c-2a4b-4c5d-9e8f-0123456789ab"})";
  const Error error = ClassifyOpenmrs(
      400,
      ErrorBody("Sunita Kale 72.5 Severe headache => For input string: \"secret\" GAN7 "
                "0f6a6f2c-2a4b-4c5d-9e8f-0123456789ab",
                "x"),
      sent);
  for (const char* hidden : {"Sunita", "Kale", "72.5", "Severe headache", "secret"}) {
    EXPECT_EQ(error.message.find(hidden), std::string::npos) << hidden << ": " << error.message;
  }
  EXPECT_NE(error.message.find("GAN7"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("0f6a6f2c-2a4b-4c5d-9e8f-0123456789ab"), std::string::npos);
}

TEST_F(OpenmrsClientTest, ADuplicateIdentifierIsADataErrorNamingIt) {
  Client& client = MakeClient();
  ASSERT_TRUE(client.CreatePatient(APatient("GAN300001")));
  // A second create with the identifier finds the first: a retry never duplicates.
  auto again = client.CreatePatient(APatient("GAN300001"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(SimGet("/_sim/created").at("identifiers").at("GAN300001"), 1);
  // Two identifiers of one type, the second held by another patient: OpenMRS refuses it.
  ASSERT_TRUE(client.CreatePatient(APatient("GAN300002")));
  NewPatient clash = APatient("GAN300003");
  clash.identifiers.push_back(clash.identifiers.front());
  clash.identifiers.back().identifier = "GAN300002";
  clash.identifiers.back().preferred = false;
  auto refused = client.CreatePatient(clash);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << refused.error().message;
  EXPECT_NE(refused.error().message.find("GAN300002"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(refused.error().message.find("Asha"), std::string::npos) << refused.error().message;
}

TEST_F(OpenmrsClientTest, AnUnknownConceptOrAnAnswerThatIsNoConceptIsADataError) {
  Client& client = MakeClient();
  auto patient = client.CreatePatient(APatient("GAN300001"));
  ASSERT_TRUE(patient) << patient.error().message;
  NewEncounter unknown = AnEncounter(patient->uuid, "avni-1");
  unknown.obs[0].group_members[0].concept_uuid = "no-such-concept";
  auto refused = client.CreateEncounter(unknown);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << refused.error().message;
  EXPECT_FALSE(StopsTheFlow(refused.error()));

  NewEncounter bad_answer = AnEncounter(patient->uuid, "avni-1");
  bad_answer.obs[0].group_members[2].value = "not-a-concept";
  refused = client.CreateEncounter(bad_answer);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument) << refused.error().message;

  NewEncounter not_number = AnEncounter(patient->uuid, "avni-1");
  not_number.obs[0].group_members[1].value = "heavy";
  refused = client.CreateEncounter(not_number);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message.find("heavy"), std::string::npos) << refused.error().message;
}

TEST_F(OpenmrsClientTest, OutagesDropsHangsAndForeignAnswersAreAvailabilityFailures) {
  http::ClientOptions options = testing::LoopbackClientOptions();
  options.read_timeout = std::chrono::milliseconds(300);
  Client& client = MakeClient(Config(), options);
  ASSERT_TRUE(client.Login());
  const std::string path = "location/" + Uuid("location", openmrssim::kLocation);
  const auto fails_for_availability = [&](const json& fault) {
    SimPost("/_sim/faults", fault);
    auto got = client.Get(path);
    control_->Delete("/_sim/faults");
    EXPECT_FALSE(got) << fault.dump();
    if (got) return;
    EXPECT_TRUE(IsAvailability(got.error())) << fault.dump() << ": " << got.error().message;
  };
  fails_for_availability({{"status", 503}});
  fails_for_availability({{"status", 500}});
  fails_for_availability({{"drop_rate", 1}});
  fails_for_availability({{"hang_ms", 2000}});
  fails_for_availability({{"malformed_json_rate", 1}});
  auto fine = client.Get(path);
  ASSERT_TRUE(fine) << fine.error().message;
}

}  // namespace
}  // namespace avni::openmrs
