// The observation mapper over a snapshot built from rows: every hint in both directions,
// multi-select, every kind of error with its exact message, ignored questions.
#include "mapping/observation_mapper.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace avni::mapping {
namespace {

using nlohmann::json;

Mapping Row(RowId type, std::string avni, std::string int_value, DataTypeHint hint) {
  Mapping m;
  m.group_id = 1;
  m.type_id = type;
  m.avni_value = std::move(avni);
  m.int_system_value = std::move(int_value);
  m.data_type_hint = hint;
  return m;
}

std::shared_ptr<const TenantMappings> Snapshot() {
  using H = DataTypeHint;
  return TenantMappings::Build(
      TenantId{1}, {{1, TenantId{1}, "", "Observation"}},
      {{10, TenantId{1}, "", "Concept"}, {11, TenantId{1}, "", "Answer"}},
      {Row(10, "Weight", "c-weight", H::kNumeric), Row(10, "Date of birth", "c-dob", H::kDate),
       Row(10, "Visit time", "c-visit", H::kDateTime), Row(10, "Smoker", "c-smoker", H::kBoolean),
       Row(10, "Notes", "c-notes", H::kText), Row(10, "Misc", "c-misc", H::kNA),
       Row(10, "Blood group", "c-blood", H::kCoded), Row(10, "Symptoms", "c-symptoms", H::kCoded),
       Row(10, "A+", "a-plus", H::kNA), Row(10, "Fever", "a-fever", H::kNA),
       Row(10, "Cough", "a-cough", H::kNA), Row(11, "Headache", "x-headache", H::kNA)});
}

class ObservationMapperTest : public ::testing::Test {
 protected:
  // Maps one observation; the test fails when it is refused.
  json One(const std::string& question, json value, Direction direction = Direction::kToAvni,
           std::string* mapped_question = nullptr) {
    auto result = mapper_.Map({{question, std::move(value)}}, direction);
    EXPECT_TRUE(result.has_value()) << (result ? "" : Combine(result.error()).message);
    if (!result || result->observations.size() != 1) return json("<refused>");
    if (mapped_question) *mapped_question = result->observations[0].question;
    return result->observations[0].value;
  }
  // The messages with which one observation is refused.
  std::vector<std::string> Refused(const std::string& question, json value,
                                   Direction direction = Direction::kToAvni) {
    auto result = mapper_.Map({{question, std::move(value)}}, direction);
    EXPECT_FALSE(result.has_value()) << "accepted where a refusal was expected";
    std::vector<std::string> out;
    if (result) return out;
    for (const Error& e : result.error()) {
      EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
      EXPECT_EQ(e.field, question);
      out.push_back(e.message);
    }
    return out;
  }
  std::string RefusedOnce(const std::string& question, json value,
                          Direction direction = Direction::kToAvni) {
    auto messages = Refused(question, std::move(value), direction);
    EXPECT_EQ(messages.size(), 1u);
    return messages.empty() ? "" : messages[0];
  }

  std::shared_ptr<const TenantMappings> mappings_ = Snapshot();
  ObservationMapper mapper_{*mappings_, MapperOptions{}};
};

TEST_F(ObservationMapperTest, NumericTakesNumbersAndNumericText) {
  std::string question;
  EXPECT_EQ(One("c-weight", 72.5, Direction::kToAvni, &question), json(72.5));
  EXPECT_EQ(question, "Weight");
  EXPECT_EQ(One("c-weight", 72), json(72));
  EXPECT_TRUE(One("c-weight", "72").is_number_integer());
  EXPECT_EQ(One("c-weight", "72"), json(72));
  EXPECT_EQ(One("c-weight", " -0.25 "), json(-0.25));
  EXPECT_EQ(One("c-weight", "+1e2"), json(100.0));
  EXPECT_EQ(RefusedOnce("c-weight", "72kg"),
            R"(question "c-weight" (Numeric): "72kg" is not a number)");
  EXPECT_EQ(RefusedOnce("c-weight", "0x10"),
            R"(question "c-weight" (Numeric): "0x10" is not a number)");
  EXPECT_EQ(RefusedOnce("c-weight", "nan"),
            R"(question "c-weight" (Numeric): "nan" is not a number)");
  EXPECT_EQ(RefusedOnce("c-weight", ""), R"(question "c-weight" (Numeric): "" is not a number)");
  EXPECT_EQ(RefusedOnce("c-weight", true),
            R"(question "c-weight" (Numeric): expected a number, got boolean)");
}

TEST_F(ObservationMapperTest, DateIsARealCalendarDay) {
  EXPECT_EQ(One("c-dob", "2024-02-29"), json("2024-02-29"));
  EXPECT_EQ(One("c-dob", "1999-12-31"), json("1999-12-31"));
  const std::string tail = R"( is not a date: expected YYYY-MM-DD)";
  EXPECT_EQ(RefusedOnce("c-dob", "2023-02-29"), R"(question "c-dob" (Date): "2023-02-29")" + tail);
  EXPECT_EQ(RefusedOnce("c-dob", "1900-02-29"), R"(question "c-dob" (Date): "1900-02-29")" + tail);
  EXPECT_EQ(RefusedOnce("c-dob", "2023-13-01"), R"(question "c-dob" (Date): "2023-13-01")" + tail);
  EXPECT_EQ(RefusedOnce("c-dob", "2023-1-5"), R"(question "c-dob" (Date): "2023-1-5")" + tail);
  EXPECT_EQ(RefusedOnce("c-dob", "2023-01-05T00:00:00Z"),
            R"(question "c-dob" (Date): "2023-01-05T00:00:00Z")" + tail);
  EXPECT_EQ(RefusedOnce("c-dob", 20230105),
            R"(question "c-dob" (Date): expected a date as text (YYYY-MM-DD), got number)");
}

TEST_F(ObservationMapperTest, DateTimeIsNormalisedToUtcWithMilliseconds) {
  EXPECT_EQ(One("c-visit", "2023-01-05T10:00:00+05:30"), json("2023-01-05T04:30:00.000Z"));
  EXPECT_EQ(One("c-visit", "2023-01-05T10:00Z"), json("2023-01-05T10:00:00.000Z"));
  EXPECT_EQ(One("c-visit", "2023-01-05T10:00:00.1Z"), json("2023-01-05T10:00:00.100Z"));
  EXPECT_EQ(One("c-visit", "2023-01-01T01:00:00.123456-0200"), json("2023-01-01T03:00:00.123Z"));
  EXPECT_EQ(One("c-visit", "2023-01-01T02:00:00+05:30"), json("2022-12-31T20:30:00.000Z"));
  EXPECT_EQ(One("c-visit", "2024-02-28T23:30:00-01"), json("2024-02-29T00:30:00.000Z"));
  EXPECT_EQ(RefusedOnce("c-visit", "2023-01-05T10:00:00"),
            R"(question "c-visit" (DateTime): "2023-01-05T10:00:00" has no time zone: add Z or )"
            R"(an offset such as +05:30)");
  const std::string tail =
      " is not a date-time: expected ISO-8601 with a time zone, e.g. 2023-01-05T10:00:00.000Z or "
      "2023-01-05T15:30:00+05:30";
  EXPECT_EQ(RefusedOnce("c-visit", "2023-01-05 10:00:00Z"),
            R"(question "c-visit" (DateTime): "2023-01-05 10:00:00Z")" + tail);
  EXPECT_EQ(RefusedOnce("c-visit", "2023-01-05T24:00:00Z"),
            R"(question "c-visit" (DateTime): "2023-01-05T24:00:00Z")" + tail);
  EXPECT_EQ(RefusedOnce("c-visit", "2023-01-05T10:00:00+5:30"),
            R"(question "c-visit" (DateTime): "2023-01-05T10:00:00+5:30")" + tail);
  EXPECT_EQ(RefusedOnce("c-visit", "2023-02-30T10:00:00Z"),
            R"(question "c-visit" (DateTime): "2023-02-30T10:00:00Z")" + tail);
  EXPECT_EQ(RefusedOnce("c-visit", "2023-01-05T10:00:00X"),
            R"(question "c-visit" (DateTime): "2023-01-05T10:00:00X")" + tail);
  EXPECT_EQ(RefusedOnce("c-visit", "2023-01-05T10:00:00+05:30:00"),
            R"(question "c-visit" (DateTime): "2023-01-05T10:00:00+05:30:00")" + tail);
  EXPECT_EQ(RefusedOnce("c-visit", "0000-01-01T00:30:00+01:00"),
            R"(question "c-visit" (DateTime): "0000-01-01T00:30:00+01:00" is outside the years )"
            R"(0000-9999 in UTC)");
  EXPECT_EQ(One("c-visit", "0000-01-01T00:30:00-01:00"), json("0000-01-01T01:30:00.000Z"));
  EXPECT_EQ(RefusedOnce("c-visit", json::array()),
            R"(question "c-visit" (DateTime): expected a date-time as text, got array)");
}

TEST_F(ObservationMapperTest, BooleanTakesTrueFalseAndYesNoInAnyCase) {
  EXPECT_EQ(One("c-smoker", true), json(true));
  EXPECT_EQ(One("c-smoker", false), json(false));
  EXPECT_EQ(One("c-smoker", "TRUE"), json(true));
  EXPECT_EQ(One("c-smoker", "false"), json(false));
  EXPECT_EQ(One("c-smoker", "Yes"), json(true));
  EXPECT_EQ(One("c-smoker", "no"), json(false));
  EXPECT_EQ(RefusedOnce("c-smoker", "maybe"),
            R"(question "c-smoker" (Boolean): "maybe" is not a boolean: expected true/false or )"
            R"(yes/no)");
  EXPECT_EQ(RefusedOnce("c-smoker", 1),
            R"(question "c-smoker" (Boolean): expected a boolean, got number)");
}

TEST_F(ObservationMapperTest, TextAndNaPassUnchanged) {
  EXPECT_EQ(One("c-notes", "free text, \"quoted\""), json("free text, \"quoted\""));
  EXPECT_EQ(One("c-notes", 5), json(5));
  const json object = {{"anything", {1, 2, 3}}};
  EXPECT_EQ(One("c-misc", object), object);
}

TEST_F(ObservationMapperTest, CodedAnswersMapByTheirOwnRows) {
  EXPECT_EQ(One("c-blood", "a-plus"), json("A+"));
  EXPECT_EQ(One("c-symptoms", json::array({"a-fever", "a-cough"})),
            json::array({"Fever", "Cough"}));
  EXPECT_EQ(One("c-symptoms", json::array()), json::array());
}

TEST_F(ObservationMapperTest, FromAvniMapsQuestionsAndAnswersByAvniValue) {
  std::string question;
  EXPECT_EQ(One("Blood group", "A+", Direction::kFromAvni, &question), json("a-plus"));
  EXPECT_EQ(question, "c-blood");
  EXPECT_EQ(One("Symptoms", json::array({"Cough", "Fever"}), Direction::kFromAvni),
            json::array({"a-cough", "a-fever"}));
  EXPECT_EQ(One("Visit time", "2023-01-05T10:00:00.000Z", Direction::kFromAvni, &question),
            json("2023-01-05T10:00:00.000Z"));
  EXPECT_EQ(question, "c-visit");
  EXPECT_EQ(One("Weight", "60", Direction::kFromAvni), json(60));
  // Ids of the other system are not Avni values.
  EXPECT_EQ(RefusedOnce("c-weight", 60, Direction::kFromAvni),
            R"(no mapping for question "c-weight": expected a mapping in group "Observation", )"
            R"(type "Concept" with avni_value "c-weight")");
  EXPECT_EQ(RefusedOnce("Blood group", "a-plus", Direction::kFromAvni),
            R"(no mapping for answer "a-plus" of question "Blood group": expected a mapping in )"
            R"(group "Observation", type "Concept" with avni_value "a-plus")");
}

TEST_F(ObservationMapperTest, UnmappedQuestionsAndAnswersAreErrorsNamingTheMissingMapping) {
  EXPECT_EQ(RefusedOnce("c-unknown", 1),
            R"(no mapping for question "c-unknown": expected a mapping in group "Observation", )"
            R"(type "Concept" with int_system_value "c-unknown")");
  EXPECT_EQ(RefusedOnce("c-blood", "a-zero"),
            R"(no mapping for answer "a-zero" of question "c-blood": expected a mapping in group )"
            R"("Observation", type "Concept" with int_system_value "a-zero")");
  // Each unmapped answer of a multi-select on its own.
  EXPECT_EQ(Refused("c-symptoms", json::array({"a-fever", "a-rash", "a-pain"})),
            (std::vector<std::string>{
                R"(no mapping for answer "a-rash" of question "c-symptoms": expected a mapping in )"
                R"(group "Observation", type "Concept" with int_system_value "a-rash")",
                R"(no mapping for answer "a-pain" of question "c-symptoms": expected a mapping in )"
                R"(group "Observation", type "Concept" with int_system_value "a-pain")"}));
  EXPECT_EQ(
      RefusedOnce("c-symptoms", json::array({"a-fever", 3})),
      R"(question "c-symptoms" (Coded): expected each answer in the list as text, got number)");
  EXPECT_EQ(RefusedOnce("c-blood", 7),
            R"(question "c-blood" (Coded): expected an answer as text or a list of them, got )"
            R"(number)");
}

TEST_F(ObservationMapperTest, EveryErrorOfARecordIsReportedInOrderAndNothingIsReturned) {
  auto result = mapper_.Map({{"c-weight", 70},
                             {"c-unknown", "x"},
                             {"c-dob", "yesterday"},
                             {"c-notes", "fine"},
                             {"c-blood", "a-zero"}},
                            Direction::kToAvni);
  ASSERT_FALSE(result.has_value());
  const auto& errors = result.error();
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "c-unknown");
  EXPECT_EQ(errors[1].field, "c-dob");
  EXPECT_EQ(errors[2].field, "c-blood");
  const Error combined = Combine(errors);
  EXPECT_EQ(combined.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(combined.message,
            errors[0].message + "\n" + errors[1].message + "\n" + errors[2].message);
}

TEST_F(ObservationMapperTest, AWholeRecordKeepsItsOrder) {
  auto result = mapper_.Map({{"c-weight", "70.5"}, {"c-blood", "a-plus"}, {"c-notes", "ok"}},
                            Direction::kToAvni);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->observations,
            (std::vector<Observation>{{"Weight", 70.5}, {"Blood group", "A+"}, {"Notes", "ok"}}));
  EXPECT_EQ(result->ignored, 0);
}

TEST_F(ObservationMapperTest, IgnoredQuestionsAreSkippedAndCounted) {
  MapperOptions options;
  options.ignored_questions = {"c-unknown", "c-notes"};
  ObservationMapper mapper(*mappings_, options);
  auto result =
      mapper.Map({{"c-unknown", "x"}, {"c-weight", 60}, {"c-notes", "secret"}}, Direction::kToAvni);
  ASSERT_TRUE(result.has_value()) << Combine(result.error()).message;
  EXPECT_EQ(result->ignored, 2);
  EXPECT_EQ(result->observations, (std::vector<Observation>{{"Weight", 60}}));
}

TEST_F(ObservationMapperTest, AnswersCanHaveTheirOwnMappingType) {
  MapperOptions options;
  options.answer_type = "Answer";
  ObservationMapper mapper(*mappings_, options);
  auto ok = mapper.Map({{"c-symptoms", json::array({"x-headache"})}}, Direction::kToAvni);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->observations[0].value, json::array({"Headache"}));
  // Answers of the question type are no longer found.
  auto refused = mapper.Map({{"c-blood", "a-plus"}}, Direction::kToAvni);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().at(0).message,
            R"(no mapping for answer "a-plus" of question "c-blood": expected a mapping in group )"
            R"("Observation", type "Answer" with int_system_value "a-plus")");
}

TEST_F(ObservationMapperTest, AGroupWithoutMappingsRefusesEveryQuestion) {
  MapperOptions options;
  options.questions_group = "Encounter";
  ObservationMapper mapper(*mappings_, options);
  auto result = mapper.Map({{"c-weight", 60}}, Direction::kToAvni);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().at(0).message,
            R"(no mapping for question "c-weight": expected a mapping in group "Encounter", )"
            R"(type "Concept" with int_system_value "c-weight")");
}

}  // namespace
}  // namespace avni::mapping
