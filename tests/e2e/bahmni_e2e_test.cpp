// End to end: the real `avni-integrator serve` syncing the Avni and OpenMRS simulators (started
// in this test's process, on loopback) through a tenant of type bahmni that an operator set up:
// the tenant and the user with the CLI, then the config, the example's mapping rows
// (examples/bahmni/mappings.csv) and the jobs through the API, as the README shows; on SQLite and
// PostgreSQL. Every test ends by checking the data record by record in the simulators: each Avni
// subject has one patient and one registration visit, each Avni subject, encounter, enrolment
// and program encounter one OpenMRS encounter (the OpenMRS simulator's creation counts per
// identifier and per Avni uuid), and each patient one registration back in Avni.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "avnisim/simulator.hpp"
#include "common/time.hpp"
#include "openmrssim/simulator.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kTenant = "JSS Bahmni";
constexpr const char* kEmail = "operator@example.org";
constexpr const char* kPassword = "correct-horse-battery-7";
constexpr const char* kIdentifierConcept = "Registration Number";
constexpr const char* kGeneralVisit = "General Visit";
constexpr const char* kRegistration = "Bahmni Patient Registration";
// The Avni simulator's frozen clock: after its generated data (2024), before the service's own
// clock (the real one, less the read lag). Its writes (the patient feed's registrations) are
// stamped with it, so an edit a test makes later is stamped after it (kAvniEdit).
constexpr const char* kAvniNow = "2025-01-01T00:00:00.000Z";
constexpr const char* kAvniEdit = "2025-02-01T00:00:00.000Z";

std::string ReadExample(const std::string& name) {
  std::ifstream in(std::string(AVNI_EXAMPLES_DIR) + "/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The example's mapping CSV without the rows whose Avni value is in `left_out`.
std::string ExampleMappings(const std::set<std::string>& left_out = {}) {
  std::istringstream in(ReadExample("mappings.csv"));
  std::string out, line;
  while (std::getline(in, line)) {
    bool skip = false;
    for (const auto& value : left_out) {
      skip = skip || line.starts_with("Observation,Concept," + value + ",");
    }
    if (!skip) out += line + "\n";
  }
  return out;
}

// The example's row `group,type,avni_value`: its int_system_value and data_type_hint.
std::pair<std::string, std::string> ExampleRow(const std::string& group, const std::string& type,
                                               const std::string& avni_value) {
  std::istringstream in(ReadExample("mappings.csv"));
  const std::string prefix = group + "," + type + "," + avni_value + ",";
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(prefix)) continue;
    std::istringstream fields(line.substr(prefix.size()));
    std::string value, hint;
    std::getline(fields, value, ',');
    std::getline(fields, hint, ',');
    return {value, hint};
  }
  ADD_FAILURE() << "the example has no row " << prefix;
  return {};
}

std::string ExampleConstant(const std::string& key) {
  const json example = json::parse(ReadExample("config.json"));
  for (const auto& item : example.at("items")) {
    if (item.at("key") == key) return item.at("value");
  }
  ADD_FAILURE() << "the example has no constant " << key;
  return "";
}

// Polls `done` until it holds or `limit` passes; whether it held.
bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

struct Reply {
  int status = 0;  // 0: no answer
  json body;       // null when the body is not JSON
  std::string raw;
};

// One HTTP call to 127.0.0.1:port.
Reply Call(int port, const std::string& method, const std::string& path, const std::string& body,
           const std::string& content_type, const std::string& token = "") {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5s);
  client.set_read_timeout(30s);
  httplib::Request req;
  req.method = method;
  req.path = path;
  if (!token.empty()) req.headers.emplace("Authorization", "Bearer " + token);
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.headers.emplace("Content-Type", content_type);
    req.body = body;
  }
  auto res = client.send(req);
  if (!res) return {};
  return {res->status, json::parse(res->body, nullptr, /*allow_exceptions=*/false), res->body};
}

// `key` of `object` when it is text, else "" (Avni writes null for an absent External ID).
std::string Text(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The `key` list of an answer (empty when the answer has none: no answer, an error).
json ListOf(const Reply& reply, const char* key) {
  if (!reply.body.is_object()) return json::array();
  const auto it = reply.body.find(key);
  return it != reply.body.end() && it->is_array() ? *it : json::array();
}

// What a test starts with.
struct Scenario {
  int subjects = 6;  // each with a general encounter, an enrolment and a program encounter
  int same_time = 1;
  int page_size = 5;
  // Patients registered in Bahmni before the first sync, holding the first subjects' identifiers.
  std::int64_t bahmni_patients = 0;
  std::set<std::string> unmapped;  // Observation / Concept rows left out of the import
};

class BahmniE2eTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    std::string why;
    db_ = TestDatabase::Create(GetParam(), &why);
    if (!db_) {
      if (PostgresRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    char tmpl[] = "/tmp/avni-e2e-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }

  void TearDown() override {
    if (HasFailure() && server_) {
      // What the service said, but its access log.
      std::istringstream log(server_->process.Stderr());
      std::string line;
      while (std::getline(log, line)) {
        if (line.find("] [info] ") == std::string::npos ||
            line.find(" /api/") == std::string::npos) {
          std::cerr << line << "\n";
        }
      }
    }
    if (server_) server_->process.Stop(SIGTERM, 30s);
    server_.reset();
    if (avni_) avni_->Stop();
    if (openmrs_) openmrs_->Stop();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // `avni-integrator ARGS` on this test's database and key file.
  ProcessResult Cli(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), BinaryPath());
    args.insert(args.end(), {"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key"});
    return RunProcess(args, input, {"AVNI_INT_SECRET_KEY="});
  }

  // The simulators, then the tenant as an operator sets it up, and the server.
  void Start(const Scenario& scenario) {
    sim::SimOptions avni;
    avni.subjects = scenario.subjects;
    avni.same_time = scenario.same_time;
    avni.observations = 3;
    avni.encounters_per_subject = 1;
    avni.enrolments_per_subject = 1;
    avni.program_encounters_per_enrolment = 1;
    avni.identifier_concept = kIdentifierConcept;
    avni.metadata = json::parse(ReadExample("avni-metadata.json"));
    avni_ = std::make_unique<sim::Simulator>(avni);
    avni_->SetNow(*ParseIso8601(kAvniNow));
    avni_port_ = avni_->Start();
    ASSERT_GT(avni_port_, 0);
    if (avni_password_ != "password") {  // Keycloak sign-ins with this password, then tokens
      Reply auth =
          Call(avni_port_, "POST", "/_sim/auth",
               json{{"idp", "keycloak"}, {"users", {{"admin@sim", avni_password_}}}}.dump(),
               "application/json");
      ASSERT_EQ(auth.status, 200) << auth.raw;
    }
    openmrssim::SimOptions openmrs;
    openmrs.users = {{"superman", openmrs_password_}};
    openmrs.patients = scenario.bahmni_patients;
    openmrs.first_identifier = 100001;  // the Avni simulator's first identifier
    openmrs_ = std::make_unique<openmrssim::Simulator>(openmrs);
    openmrs_port_ = openmrs_->Start();
    ASSERT_GT(openmrs_port_, 0);

    auto created = Cli({"tenant", "create", kTenant, "--type", "bahmni"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    auto user =
        Cli({"user", "create", "--email", kEmail, "--super-admin"}, std::string(kPassword) + "\n");
    ASSERT_EQ(user.exit_code, 0) << user.err;
    ASSERT_NO_FATAL_FAILURE(Serve());
    tenant_path_ = TenantPathOf(kTenant);
    ASSERT_FALSE(tenant_path_.empty());

    json items = json::array(
        {{{"key", "avni_api_url"}, {"value", fmt::format("http://127.0.0.1:{}", avni_port_)}},
         {{"key", "avni_user"}, {"value", "admin@sim"}},
         {{"key", "avni_password"}, {"value", avni_password_}, {"is_secret", true}},
         {{"key", "openmrs_base_url"},
          {"value", fmt::format("http://127.0.0.1:{}", openmrs_port_)}},
         {{"key", "openmrs_user"}, {"value", "superman"}},
         {{"key", "openmrs_password"}, {"value", openmrs_password_}, {"is_secret", true}}});
    const json example = json::parse(ReadExample("config.json"));
    for (const auto& item : example.at("items")) items.push_back(item);
    Reply config = Api("PUT", tenant_path_ + "/config", json{{"items", items}});
    ASSERT_EQ(config.status, 200) << config.raw;
    Reply imported = Call(port(), "POST", tenant_path_ + "/mappings/import",
                          ExampleMappings(scenario.unmapped), "text/csv", token_);
    ASSERT_EQ(imported.status, 200) << imported.raw;
    // Runs only when a test asks for them, a few records a page.
    Reply main = Api("PATCH", tenant_path_ + "/jobs/main",
                     json{{"cron", "-"}, {"settings", {{"page_size", scenario.page_size}}}});
    ASSERT_EQ(main.status, 200) << main.raw;
    Reply errors = Api("PATCH", tenant_path_ + "/jobs/errors", json{{"cron", "-"}});
    ASSERT_EQ(errors.status, 200) << errors.raw;
  }

  // Starts serve on this test's database (again, after a kill) and signs in. Failing runs (the
  // fault tests) never pause a job; a killed instance's jobs are taken over after
  // `lease_seconds_`.
  void Serve() {
    std::vector<std::string> args{"--db",
                                  db_->dsn(),
                                  "--secret-key-file",
                                  dir_ + "/secret.key",
                                  "--lease-seconds",
                                  std::to_string(lease_seconds_),
                                  "--pause-after",
                                  "0"};
    args.insert(args.end(), serve_args_.begin(), serve_args_.end());
    auto started = StartServe(args);
    ASSERT_TRUE(started.has_value());
    server_.reset();
    server_.emplace(std::move(*started));
    Reply login = Call(port(), "POST", "/api/v1/auth/login",
                       json{{"email", kEmail}, {"password", kPassword}}.dump(), "application/json");
    ASSERT_EQ(login.status, 200) << login.raw;
    token_ = login.body.at("token");
  }

  int port() const { return server_ ? server_->port : 0; }

  Reply Api(const std::string& method, const std::string& path,
            const std::optional<json>& body = std::nullopt) {
    return Call(port(), method, path, body ? body->dump() : "", "application/json", token_);
  }

  // "/api/v1/tenants/<id>" of the tenant named `name`.
  std::string TenantPathOf(const std::string& name) {
    Reply tenants = Api("GET", "/api/v1/tenants?size=500");
    EXPECT_EQ(tenants.status, 200) << tenants.raw;
    for (const auto& t : ListOf(tenants, "items")) {
      if (t.at("name") == name) return fmt::format("/api/v1/tenants/{}", t.at("id").dump());
    }
    ADD_FAILURE() << "no tenant " << name << " in " << tenants.raw;
    return "";
  }

  // The newest run of `job` (null when none).
  json LatestRun(const std::string& job, const std::string& tenant_path) {
    Reply runs = Api("GET", tenant_path + "/runs?size=1&job=" + job);
    EXPECT_EQ(runs.status, 200) << runs.raw;
    const json items = ListOf(runs, "items");
    return items.empty() ? json() : items.front();
  }

  // Asks for a run of `job` now (waiting while the job's lease is held, by a run or by a killed
  // instance) and returns its id, or -1.
  std::int64_t RequestRun(const std::string& job, const std::string& tenant_path = "") {
    const std::string path = tenant_path.empty() ? tenant_path_ : tenant_path;
    const json before = LatestRun(job, path);
    const std::int64_t last = before.is_null() ? 0 : before.at("id").get<std::int64_t>();
    Reply asked;
    EXPECT_TRUE(Eventually([&] {
      asked = Api("POST", path + "/jobs/" + job + "/run");
      return asked.status == 202;
    })) << asked.raw;
    return asked.status == 202 ? last : -1;
  }

  // The first run of `job` after run `after`, once it has ended (null if none ends in time).
  json AwaitRun(const std::string& job, std::int64_t after, const std::string& tenant_path = "") {
    const std::string path = tenant_path.empty() ? tenant_path_ : tenant_path;
    json ended;
    const bool done = Eventually(
        [&] {
          Reply runs = Api("GET", path + "/runs?size=20&job=" + job);
          for (const auto& run : ListOf(runs, "items")) {
            if (run.at("id").get<std::int64_t>() <= after) continue;
            // Newest first: the last one seen is the first after `after`.
            ended = run.at("status") == "running" ? json() : run;
          }
          return !ended.is_null();
        },
        120s);
    EXPECT_TRUE(done) << "no run of " << job << " ended";
    return ended;
  }

  // Runs `job` now and returns the run once it has ended.
  json RunJob(const std::string& job, const std::string& tenant_path = "") {
    const std::int64_t last = RequestRun(job, tenant_path);
    if (last < 0) return json();
    return AwaitRun(job, last, tenant_path);
  }

  json ErrorRecords() {
    Reply records = Api("GET", tenant_path_ + "/error-records?size=500");
    EXPECT_EQ(records.status, 200) << records.raw;
    return ListOf(records, "items");
  }

  json AvniEntities(const std::string& kind) {
    Reply r = Call(avni_port_, "GET", "/_sim/entities/" + kind, "", "");
    EXPECT_EQ(r.status, 200) << r.raw;
    return ListOf(r, "entities");
  }
  json OpenmrsEntities(const std::string& kind) {
    Reply r = Call(openmrs_port_, "GET", "/_sim/entities/" + kind, "", "");
    EXPECT_EQ(r.status, 200) << r.raw;
    return ListOf(r, "entities");
  }

  // The OpenMRS encounters that carried `avni_uuid` in their Avni Entity UUID obs, voided ones
  // too (each of its Avni records is to have one), as the simulator holds them.
  json EncountersOf(const std::string& avni_uuid) {
    return OpenmrsEntities("encounters?avniUuid=" + avni_uuid);
  }
  // Those of them that are live.
  json LiveEncountersOf(const std::string& avni_uuid) {
    json out = json::array();
    for (const auto& e : EncountersOf(avni_uuid)) {
      if (!e.value("voided", false)) out.push_back(e);
    }
    return out;
  }

  // The values of the live members of an encounter's form obs.
  static std::set<std::string> FormValues(const json& encounter) {
    std::set<std::string> out;
    for (const auto& group : encounter.value("obs", json::array())) {
      for (const auto& m : group.value("groupMembers", json::array())) {
        if (m.value("voided", false)) continue;
        const json& v = m.value("value", json());
        out.insert(v.is_string() ? v.get<std::string>() : v.dump());
      }
    }
    return out;
  }

  static std::int64_t Created(const json& counts, const std::string& avni_uuid, const char* what) {
    return counts.at("avniUuids").value(avni_uuid, json::object()).value(what, 0);
  }

  // Record by record: every Avni subject but `skipped` has one patient (created once in
  // OpenMRS, `created_patients` overriding the count of an identifier), one registration visit
  // and one registration encounter; each of its general encounters, enrolments and program
  // encounters one OpenMRS encounter (and an enrolment one visit); and each live patient one
  // registration back in Avni, upserted by its uuid. No error record is left but those of
  // `skipped` subjects.
  void ExpectEachRecordDeliveredOnce(const std::set<std::string>& skipped = {},
                                     const std::map<std::string, int>& created_patients = {}) {
    const json counts = openmrs_->CreationCounts();
    std::map<std::string, std::string> subject_of_identifier;
    int subjects = 0;
    for (const auto& s : AvniEntities("subjects")) {
      const std::string id = s.at("ID");
      if (skipped.contains(id)) continue;
      ++subjects;
      SCOPED_TRACE("subject " + id);
      const std::string identifier = "GAN" + Text(s["observations"], kIdentifierConcept);
      subject_of_identifier[identifier] = id;
      const auto override = created_patients.find(identifier);
      EXPECT_EQ(counts.at("identifiers").value(identifier, 0),
                override == created_patients.end() ? 1 : override->second)
          << identifier;
      EXPECT_EQ(Created(counts, id, "encounters"), 1);
      EXPECT_EQ(Created(counts, id, "visits"), 1);
    }
    EXPECT_GT(subjects, 0);
    int encounters = 0;
    for (const auto& e : AvniEntities("encounters")) {
      if (e.at("Encounter type") != kGeneralVisit) continue;
      if (skipped.contains(e.at("Subject ID").get<std::string>())) continue;
      ++encounters;
      const std::string id = e.at("ID");
      EXPECT_EQ(Created(counts, id, "encounters"), 1) << "encounter " << id;
    }
    EXPECT_EQ(encounters, subjects);
    for (const auto& e : AvniEntities("programEnrolments")) {
      if (skipped.contains(e.at("Subject ID").get<std::string>())) continue;
      const std::string id = e.at("ID");
      EXPECT_EQ(Created(counts, id, "encounters"), 1) << "enrolment " << id;
      EXPECT_EQ(Created(counts, id, "visits"), 1) << "enrolment " << id;
    }
    for (const auto& e : AvniEntities("programEncounters")) {
      if (skipped.contains(e.at("Subject ID").get<std::string>())) continue;
      const std::string id = e.at("ID");
      EXPECT_EQ(Created(counts, id, "encounters"), 1) << "program encounter " << id;
    }
    // Back from the patient feed: each live patient of a subject, registered once on it.
    std::map<std::string, std::vector<json>> registrations;  // by External ID (patient uuid)
    for (const auto& e : AvniEntities("encounters")) {
      if (e.at("Encounter type") != kRegistration) continue;
      registrations[Text(e, "External ID")].push_back(e);
    }
    int patients = 0;
    for (const auto& p : OpenmrsEntities("patients")) {
      if (p.value("voided", false)) continue;
      std::string subject;
      for (const auto& i : p.value("identifiers", json::array())) {
        const auto found = subject_of_identifier.find(Text(i, "identifier"));
        if (found != subject_of_identifier.end()) subject = found->second;
      }
      if (subject.empty()) continue;
      ++patients;
      const std::string uuid = p.at("uuid");
      SCOPED_TRACE("patient " + uuid);
      ASSERT_EQ(registrations[uuid].size(), 1u);
      EXPECT_EQ(registrations[uuid][0].at("Subject ID"), subject);
      EXPECT_EQ(Text(registrations[uuid][0]["observations"], "Bahmni Entity UUID"), uuid);
    }
    EXPECT_EQ(patients, subjects);
    for (const auto& r : ErrorRecords()) {
      EXPECT_TRUE(skipped.contains(r.at("entity_id").get<std::string>())) << r.dump();
    }
  }

  std::optional<TestDatabase> db_;
  std::string dir_;
  std::unique_ptr<sim::Simulator> avni_;
  std::unique_ptr<openmrssim::Simulator> openmrs_;
  int avni_port_ = 0, openmrs_port_ = 0;
  std::optional<Serving> server_;
  std::string token_;
  std::string tenant_path_;
  int lease_seconds_ = 30;                  // serve's default
  std::vector<std::string> serve_args_;     // more arguments of serve
  std::string avni_password_ = "password";  // another one turns the Avni simulator's Keycloak on
  std::string openmrs_password_ = "Admin123";
};

// 1 and 2: a full sync each way, with subjects sharing timestamps across pages of five, then an
// update and a void in Avni.
TEST_P(BahmniE2eTest, AFullSyncEachWayCrossesPagesAndAnUpdateAndAVoidPropagate) {
  constexpr int kSubjects = 14;
  // Seven subjects (and their encounters, enrolments and program encounters) share each
  // millisecond: every tie crosses a page boundary.
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = kSubjects, .same_time = 7, .page_size = 5}));
  const json first = RunJob("main");
  ASSERT_EQ(Text(first, "status"), "succeeded") << first.dump();
  EXPECT_EQ(first["counts"]["failed"], 0) << ErrorRecords().dump();
  // Subjects, general encounters, enrolments, program encounters, and the patient feed's
  // registrations back in Avni.
  EXPECT_EQ(first["counts"]["written"], 5 * kSubjects);
  EXPECT_GE(avni_->Stats()["/api/subjects"], kSubjects / 5);
  ExpectEachRecordDeliveredOnce();
  const json counts = openmrs_->CreationCounts();

  // In Avni: a subject's answer changes, another subject's general encounter is voided.
  const json subjects = AvniEntities("subjects");
  json changed = subjects.at(0);
  const std::string old_value = changed["observations"]["Concept 1"];
  changed["observations"]["Concept 1"] = "changed in Avni";
  changed["audit"]["Last modified at"] = kAvniEdit;
  ASSERT_TRUE(avni_->AddSubject(changed));
  json voided;
  for (const auto& e : AvniEntities("encounters")) {
    if (e.at("Subject ID") == subjects.at(1).at("ID") && e.at("Encounter type") == kGeneralVisit) {
      voided = e;
    }
  }
  ASSERT_FALSE(voided.is_null());
  const json written = EncountersOf(voided.at("ID"));
  ASSERT_EQ(written.size(), 1u);
  voided["Voided"] = true;
  voided["audit"]["Last modified at"] = kAvniEdit;
  ASSERT_TRUE(avni_->AddEntity("encounters", voided));

  const json second = RunJob("main");
  ASSERT_EQ(Text(second, "status"), "succeeded") << second.dump();
  EXPECT_EQ(second["counts"]["failed"], 0) << ErrorRecords().dump();
  // The registration encounter holds the new answer, not the old one.
  const json registration = EncountersOf(changed.at("ID"));
  ASSERT_EQ(registration.size(), 1u);
  const auto values = FormValues(registration[0]);
  EXPECT_TRUE(values.contains("changed in Avni")) << registration[0].dump();
  EXPECT_FALSE(values.contains(old_value)) << registration[0].dump();
  // The voided encounter's OpenMRS encounter is voided, and no other carries it.
  const json now_voided = EncountersOf(voided.at("ID"));
  ASSERT_EQ(now_voided.size(), 1u);
  EXPECT_EQ(now_voided[0].at("uuid"), written[0].at("uuid"));
  EXPECT_TRUE(now_voided[0].value("voided", false)) << now_voided[0].dump();
  // Nothing new was made for either.
  EXPECT_EQ(openmrs_->CreationCounts(), counts);
}

// 3: what the Java service wrote (a patient, and an encounter carrying an Avni encounter's uuid in
// its Avni Entity UUID obs) is found and updated, never duplicated.
TEST_P(BahmniE2eTest, AnEncounterTheJavaServiceWroteIsUpdatedNotDuplicated) {
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 3}));
  const json subject = AvniEntities("subjects").at(0);
  json avni_encounter;
  for (const auto& e : AvniEntities("encounters")) {
    if (e.at("Subject ID") == subject.at("ID")) avni_encounter = e;
  }
  ASSERT_FALSE(avni_encounter.is_null());
  const std::string location = ExampleConstant("IntegrationBahmniLocation");
  const json patient = {
      {"person",
       {{"names", json::array({{{"givenName", "Written"}, {"familyName", "By Java"}}})},
        {"gender", "F"},
        {"birthdate", "1990-01-01"}}},
      {"identifiers",
       json::array(
           {{{"identifier", "GAN" + subject["observations"][kIdentifierConcept].get<std::string>()},
             {"identifierType", ExampleConstant("IntegrationBahmniIdentifierType")},
             {"location", location},
             {"preferred", true}}})}};
  Reply made = Call(openmrs_port_, "POST", "/_sim/patients", patient.dump(), "application/json");
  ASSERT_EQ(made.status, 201) << made.raw;
  const json encounter = {
      {"patient", made.body.at("uuid")},
      {"encounterType",
       ExampleRow("GeneralEncounter", "CommunityEncounter_EncounterType", kGeneralVisit).first},
      {"location", location},
      {"encounterDatetime", "2024-01-15T10:00:00.000+0000"},
      {"obs",
       json::array(
           {{{"concept",
              ExampleRow("GeneralEncounter", "CommunityEncounter_BahmniForm", kGeneralVisit).first},
             {"groupMembers",
              json::array(
                  {{{"concept", ExampleRow("Common", "AvniUUID_Concept", "Avni Entity UUID").first},
                    {"value", avni_encounter.at("ID")}},
                   {{"concept", ExampleRow("Observation", "Concept", "Concept 1").first},
                    {"value", "written by the Java service"}}})}}})}};
  Reply java =
      Call(openmrs_port_, "POST", "/_sim/encounters", encounter.dump(), "application/json");
  ASSERT_EQ(java.status, 201) << java.raw;
  const std::string java_uuid = java.body.at("uuid");

  const json run = RunJob("main");
  ASSERT_EQ(Text(run, "status"), "succeeded") << run.dump();
  // The Java service's encounter now holds the Avni encounter's answers; no other was made.
  const json carrying = EncountersOf(avni_encounter.at("ID"));
  ASSERT_EQ(carrying.size(), 1u);
  EXPECT_EQ(carrying[0].at("uuid"), java_uuid);
  const auto values = FormValues(carrying[0]);
  EXPECT_TRUE(values.contains(avni_encounter["observations"]["Concept 1"].get<std::string>()))
      << carrying[0].dump();
  EXPECT_FALSE(values.contains("written by the Java service")) << carrying[0].dump();
  // Its patient was found by the identifier: every record is there once (the Java service's
  // patient and encounter count as the one made).
  ExpectEachRecordDeliveredOnce();
}

// 4: an answer without a mapping row parks the subject naming it (and its encounters, enrolment
// and program encounter waiting for the patient); once an editor adds the row through the API,
// the errors job delivers them all and no error record is left.
TEST_P(BahmniE2eTest, AnUnmappedAnswerIsParkedNamingItAndTheErrorsJobDeliversItOnceMapped) {
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 4, .unmapped = {"O+"}}));
  json subject = AvniEntities("subjects").at(2);
  const std::string id = subject.at("ID");
  subject["observations"]["Blood group"] = "O+";
  ASSERT_TRUE(avni_->AddSubject(subject));

  const json first = RunJob("main");
  ASSERT_EQ(Text(first, "status"), "succeeded") << first.dump();
  EXPECT_EQ(first["counts"]["failed"], 4);
  std::map<std::string, std::string> parked;  // entity type -> message
  for (const auto& r : ErrorRecords()) {
    parked[r.at("entity_type").get<std::string>()] = r.at("message").get<std::string>();
  }
  ASSERT_EQ(parked.size(), 4u);
  EXPECT_NE(parked["Subject"].find("no mapping for answer \"O+\" of question \"Blood group\""),
            std::string::npos)
      << parked["Subject"];
  for (const auto& r : ErrorRecords()) {
    if (r.at("entity_type") == "Subject") {
      EXPECT_EQ(r.at("entity_id"), id);
    }
  }
  EXPECT_TRUE(EncountersOf(id).empty());

  const auto [uuid, hint] = ExampleRow("Observation", "Concept", "O+");
  Reply mapped = Api("POST", tenant_path_ + "/mappings",
                     json{{"group", "Observation"},
                          {"type", "Concept"},
                          {"avni_value", "O+"},
                          {"int_system_value", uuid},
                          {"data_type_hint", hint}});
  ASSERT_EQ(mapped.status, 201) << mapped.raw;
  // Due now rather than after their backoff; then the errors job.
  Reply due = Api("POST", tenant_path_ + "/error-records/actions",
                  json{{"action", "reprocess"}, {"filter", json::object()}, {"all", true}});
  ASSERT_EQ(due.status, 200) << due.raw;
  EXPECT_EQ(due.body["affected"], 4);
  const json errors = RunJob("errors");
  ASSERT_EQ(Text(errors, "status"), "succeeded") << errors.dump();
  EXPECT_TRUE(ErrorRecords().empty()) << ErrorRecords().dump();
  // The answer reached OpenMRS as its concept.
  const json registration = LiveEncountersOf(id);
  ASSERT_EQ(registration.size(), 1u);
  EXPECT_NE(registration[0].dump().find(uuid), std::string::npos) << registration[0].dump();
  // The next main run reads the new patient from the feed; then everything is there once.
  const json again = RunJob("main");
  ASSERT_EQ(Text(again, "status"), "succeeded") << again.dump();
  ExpectEachRecordDeliveredOnce();
}

// 5: kill -9 while the main job writes, restart, let the run finish: nothing is duplicated.
TEST_P(BahmniE2eTest, KillNineMidRunThenRestartLeavesEveryRecordDeliveredExactlyOnce) {
  constexpr int kSubjects = 16;
  lease_seconds_ = 3;  // the restarted instance takes the killed one's job over after this
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = kSubjects, .page_size = 5}));
  // OpenMRS answers slowly, so that the run is caught in the middle.
  Reply slow =
      Call(openmrs_port_, "POST", "/_sim/faults", R"({"latency_ms": 15})", "application/json");
  ASSERT_EQ(slow.status, 200) << slow.raw;
  const std::int64_t last = RequestRun("main");
  ASSERT_GE(last, 0);
  // Some links, not all: the Avni -> Bahmni flows write 4 per subject.
  const auto links = [&] {
    return std::stoi(db_->QueryColumn("SELECT COUNT(*) FROM entity_links").at(0));
  };
  ASSERT_TRUE(Eventually([&] { return links() >= 3; }, 60s));
  server_->process.Stop(SIGKILL, 10s);
  const int at_kill = links();
  EXPECT_LT(at_kill, 4 * kSubjects) << "the run ended before the kill";
  SCOPED_TRACE(fmt::format("killed with {} links, {} patients in OpenMRS", at_kill,
                           openmrs_->CreationCounts()["identifiers"].size()));
  ASSERT_EQ(Call(openmrs_port_, "DELETE", "/_sim/faults", "", "").status, 200);

  ASSERT_NO_FATAL_FAILURE(Serve());
  // The killed run's lease expires; the next run takes over where the last page was committed.
  json run;
  for (int attempt = 0; attempt < 3 && Text(run, "status") != "succeeded"; ++attempt) {
    run = RunJob("main");
  }
  ASSERT_EQ(Text(run, "status"), "succeeded") << run.dump();
  ExpectEachRecordDeliveredOnce();
  // The killed run does not stay "running".
  Reply runs = Api("GET", tenant_path_ + "/runs?size=50&job=main");
  for (const auto& r : ListOf(runs, "items")) {
    if (r.at("id").get<std::int64_t>() == last + 1) {
      EXPECT_NE(r.at("status"), "running");
    }
  }
}

// 6: OpenMRS fails 10% of the requests with a 500, drops connections (before the request is
// handled, and after: a write made whose answer is lost) and expires the sessions during the
// run: the runs retry, and every record arrives exactly once, without error records.
TEST_P(BahmniE2eTest, FaultsOnOpenmrsAreRetriedAndEveryRecordArrivesExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 5}));
  Reply faults = Call(openmrs_port_, "POST", "/_sim/faults",
                      R"({"status": 500, "rate": 0.1, "drop_rate": 0.05, "lost_answer_rate": 0.05,
                          "seed": 12})",
                      "application/json");
  ASSERT_EQ(faults.status, 200) << faults.raw;
  std::int64_t last = RequestRun("main");
  ASSERT_GE(last, 0);
  // Once the run has written something, every session expires under it.
  ASSERT_TRUE(Eventually(
      [&] { return db_->QueryColumn("SELECT COUNT(*) FROM entity_links").at(0) != "0"; }));
  openmrs_->ExpireSessions();
  json run = AwaitRun("main", last);
  // A run that gave up on OpenMRS fails and leaves its cursor; the next goes on.
  for (int attempt = 0; attempt < 3 && Text(run, "status") != "succeeded"; ++attempt) {
    last = RequestRun("main");
    run = AwaitRun("main", last);
  }
  ASSERT_EQ(Text(run, "status"), "succeeded") << run.dump();
  EXPECT_TRUE(ErrorRecords().empty()) << ErrorRecords().dump();
  // The faults were met: sign-ins again after the expiry.
  EXPECT_GE(openmrs_->Stats()["GET /openmrs/ws/rest/v1/session"], 2);
  ASSERT_EQ(Call(openmrs_port_, "DELETE", "/_sim/faults", "", "").status, 200);
  ExpectEachRecordDeliveredOnce();
}

// Found by the test above with a short lease: a record whose calls are retried for longer than
// the flow lock lives (the lease: 30 s by default, while the engine retries a call for up to
// 2 minutes) could not commit its page ("the Subject flow lock expired and was taken over",
// though nothing took it over). The engine now renews the lock as it waits between retries.
TEST_P(BahmniE2eTest, ARecordRetriedForLongerThanTheLeaseStillCommitsItsPage) {
  lease_seconds_ = 2;
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 2}));
  // OpenMRS answers the next four requests 503: the engine waits at least 3.75 s (0.25-0.5,
  // 0.5-1, 1-2, 2-4 s) on the first record, longer than the lock lives.
  Reply faults = Call(openmrs_port_, "POST", "/_sim/faults", R"({"status": 503, "count": 4})",
                      "application/json");
  ASSERT_EQ(faults.status, 200) << faults.raw;
  const json run = RunJob("main");
  ASSERT_EQ(Text(run, "status"), "succeeded") << run.dump();
  ExpectEachRecordDeliveredOnce();
}

// 7: a patient feed entry whose patient was purged is skipped; the entries after it are
// delivered.
TEST_P(BahmniE2eTest, AFeedEntryWhosePatientIsGoneIsSkippedAndTheFeedGoesOn) {
  // Three patients registered in Bahmni for the first three subjects; the second is purged.
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 4, .bahmni_patients = 3}));
  std::string purged;
  for (const auto& p : OpenmrsEntities("patients")) {
    for (const auto& i : p["identifiers"]) {
      if (i["identifier"] == "GAN100002") purged = p.at("uuid");
    }
  }
  ASSERT_FALSE(purged.empty());
  ASSERT_EQ(Call(openmrs_port_, "DELETE", "/_sim/patients/" + purged, "", "").status, 204);

  const json run = RunJob("main");
  ASSERT_EQ(Text(run, "status"), "succeeded") << run.dump();
  EXPECT_EQ(run["counts"]["failed"], 0) << ErrorRecords().dump();
  for (const auto& e : AvniEntities("encounters")) {
    EXPECT_NE(Text(e, "External ID"), purged) << e.dump();
  }
  // GAN100002 was made twice: by Bahmni (purged since) and by the sync, its subject having no
  // patient any more. Every other record once, and every live patient back in Avni, the one
  // after the purged entry too.
  ExpectEachRecordDeliveredOnce({}, {{"GAN100002", 2}});
}

// 8: a record whose shape makes the transform throw is parked as an internal error; the others
// are delivered and the service keeps serving, another tenant's run included.
TEST_P(BahmniE2eTest, ARecordThatMakesTheTransformThrowIsParkedAndTheServiceGoesOn) {
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 4}));
  // A raw record as no Avni writes it: "Voided" is text, which the transform reads as a boolean.
  json odd = AvniEntities("subjects").at(0);
  odd["ID"] = "0dd00000-0000-4000-8000-000000000001";
  odd["Voided"] = "no";
  odd["observations"][kIdentifierConcept] = "199999";
  odd["encounters"] = json::array();
  odd["enrolments"] = json::array();
  Reply planted =
      Call(avni_port_, "POST", "/_sim/entities/subjects", odd.dump(), "application/json");
  ASSERT_EQ(planted.status, 200) << planted.raw;
  auto other = Cli({"tenant", "create", "Other", "--type", "demo"});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  const std::string other_path = TenantPathOf("Other");
  ASSERT_EQ(Api("PATCH", other_path + "/jobs/main", json{{"cron", "-"}}).status, 200);

  const json run = RunJob("main");
  ASSERT_EQ(Text(run, "status"), "succeeded") << run.dump();
  EXPECT_EQ(run["counts"]["failed"], 1);
  const json records = ErrorRecords();
  ASSERT_EQ(records.size(), 1u) << records.dump();
  EXPECT_EQ(records[0].at("entity_type"), "Subject");
  EXPECT_EQ(records[0].at("entity_id"), odd.at("ID"));
  EXPECT_NE(records[0].at("message").get<std::string>().find("internal error"), std::string::npos)
      << records[0].dump();
  EXPECT_EQ(HttpGet(port(), "/health").first, 200);
  const json theirs = RunJob("main", other_path);
  EXPECT_EQ(Text(theirs, "status"), "succeeded") << theirs.dump();
  // Everything else arrived; the parked record is the only error record.
  EXPECT_EQ(openmrs_->CreationCounts()["identifiers"].value("GAN199999", 0), 0);
  ExpectEachRecordDeliveredOnce({odd.at("ID").get<std::string>()});
}

// 9: the service's whole output, at the most verbose level, in JSON and in text, while a sync
// meets faults on both sides (retries, failed runs), parks a record and pings a health check,
// holds none of the generated names and observation values, the passwords, the session token of
// the signed-in user, an API key, the secret key or the ping URL. The run logs neither; they hold
// the retries and the parked record, and every line of a run names its tenant, job and run.
TEST_P(BahmniE2eTest, NoSecretOrPersonalDataReachesTheLogsAtAnyLevelInEitherFormat) {
  avni_password_ = "avni-Pw-Quokka-8814";
  openmrs_password_ = "Omrs-Pw-Wombat-5521";
  serve_args_ = {"--log-level", "trace", "--log-format", "json"};
  ASSERT_NO_FATAL_FAILURE(Start({.subjects = 5, .unmapped = {"O+"}}));
  // Names and a free-text answer that nothing else in a log could hold by chance; one subject
  // synced, one parked (its answer has no mapping row).
  json synced = AvniEntities("subjects").at(0);
  synced["observations"]["First name"] = "Zorawarquill";
  synced["observations"]["Last name"] = "Featherstonehaugh";
  synced["observations"]["Concept 1"] = "Private note Okapi-3317";
  ASSERT_TRUE(avni_->AddSubject(synced));
  json parked = AvniEntities("subjects").at(2);
  parked["observations"]["First name"] = "Brindlemarsh";
  parked["observations"]["Blood group"] = "O+";
  ASSERT_TRUE(avni_->AddSubject(parked));
  const std::string ping_secret = "ping-Lemur-7730-check";
  const std::string ping_url = fmt::format("http://127.0.0.1:{}/{}", openmrs_port_, ping_secret);
  Reply main = Api("PATCH", tenant_path_ + "/jobs/main",
                   json{{"settings", {{"page_size", 5}, {"ping_url", ping_url}}}});
  ASSERT_EQ(main.status, 200) << main.raw;
  Reply key =
      Api("POST", tenant_path_ + "/api-keys", json{{"name", "dashboard"}, {"role", "viewer"}});
  ASSERT_EQ(key.status, 201) << key.raw;
  const std::string api_key = key.body.value("key", "");
  ASSERT_FALSE(api_key.empty()) << key.raw;
  EXPECT_EQ(Call(port(), "GET", tenant_path_ + "/runs", "", "", api_key).status, 200);
  // A wrong password for the operator's account, and the right one once more.
  EXPECT_EQ(Call(port(), "POST", "/api/v1/auth/login",
                 json{{"email", kEmail}, {"password", std::string(kPassword) + "x"}}.dump(),
                 "application/json")
                .status,
            401);

  const auto faults = [&](const char* openmrs_faults, const char* avni_faults) {
    ASSERT_EQ(
        Call(openmrs_port_, "POST", "/_sim/faults", openmrs_faults, "application/json").status,
        200);
    ASSERT_EQ(Call(avni_port_, "POST", "/_sim/faults", avni_faults, "application/json").status,
              200);
  };
  std::vector<std::int64_t> runs;
  const auto run = [&](const std::string& job) {
    const std::int64_t last = RequestRun(job);
    ASSERT_GE(last, 0);
    const json ended = AwaitRun(job, last);
    ASSERT_FALSE(ended.is_null());
    runs.push_back(ended.at("id").get<std::int64_t>());
  };
  ASSERT_NO_FATAL_FAILURE(faults(R"({"status": 500, "rate": 0.2, "drop_rate": 0.05, "seed": 3})",
                                 R"({"status": 503, "rate": 0.2, "seed": 5})"));
  ASSERT_NO_FATAL_FAILURE(run("main"));
  ASSERT_NO_FATAL_FAILURE(run("main"));
  // The same in text, with every request failing for a while: runs fail and say why.
  server_->process.Stop(SIGTERM, 30s);
  std::string output = server_->process.Stderr();
  serve_args_ = {"--log-level", "trace", "--log-format", "text"};
  ASSERT_NO_FATAL_FAILURE(Serve());
  ASSERT_NO_FATAL_FAILURE(
      faults(R"({"status": 502, "count": 40})", R"({"status": 500, "rate": 0.3, "seed": 8})"));
  ASSERT_NO_FATAL_FAILURE(run("main"));
  ASSERT_NO_FATAL_FAILURE(faults(R"({"status": 500, "rate": 0.2, "seed": 4})", R"({"rate": 0})"));
  Reply due = Api("POST", tenant_path_ + "/error-records/actions",
                  json{{"action", "reprocess"}, {"filter", json::object()}, {"all", true}});
  ASSERT_EQ(due.status, 200) << due.raw;
  ASSERT_NO_FATAL_FAILURE(run("errors"));
  ASSERT_NO_FATAL_FAILURE(run("main"));
  ASSERT_EQ(Call(openmrs_port_, "DELETE", "/_sim/faults", "", "").status, 200);
  ASSERT_EQ(Call(avni_port_, "DELETE", "/_sim/faults", "", "").status, 200);
  const std::string json_output = output;
  const std::string text_output = server_->process.Stderr();
  output += text_output;

  // What must never appear.
  std::set<std::string> secrets = {avni_password_, openmrs_password_, kPassword, token_,
                                   api_key,        ping_secret,       ping_url};
  std::ifstream key_file(dir_ + "/secret.key");
  std::stringstream key_text;
  key_text << key_file.rdbuf();
  std::string secret_key = key_text.str();
  while (!secret_key.empty() && std::isspace(static_cast<unsigned char>(secret_key.back()))) {
    secret_key.pop_back();
  }
  if (secret_key.size() >= 16) secrets.insert(secret_key);
  std::set<std::string> personal = {"Zorawarquill", "Featherstonehaugh", "Private note Okapi-3317",
                                    "Brindlemarsh"};
  for (const char* kind : {"subjects", "encounters", "programEnrolments", "programEncounters"}) {
    for (const auto& entity : AvniEntities(kind)) {
      for (const auto& [question, answer] : entity["observations"].items()) {
        const bool name = question == "First name" || question == "Last name";
        // The simulator's free-text answers ("Value 1-12345").
        const bool text = question.starts_with("Concept ") && answer.is_string();
        if ((name || text) && answer.is_string() && answer.get<std::string>().size() >= 4) {
          personal.insert(answer.get<std::string>());
        }
      }
    }
  }
  for (const auto& patient : OpenmrsEntities("patients")) {
    for (const auto& n : patient["person"]["names"]) {
      for (const char* part : {"givenName", "familyName"}) {
        if (Text(n, part).size() >= 4) personal.insert(Text(n, part));
      }
    }
  }
  ASSERT_GT(personal.size(), 10u);
  // The run logs too.
  std::string run_logs;
  bool retried = false, parked_line = false;
  for (const std::int64_t id : runs) {
    Reply log = Api("GET", fmt::format("{}/runs/{}/log", tenant_path_, id));
    ASSERT_EQ(log.status, 200) << log.raw;
    run_logs += log.raw;
    for (const auto& line : ListOf(log, "lines")) {
      const std::string message = line.at("message");
      retried = retried || message.starts_with("retrying in ");
      parked_line =
          parked_line || (message.find(parked.at("ID").get<std::string>()) != std::string::npos &&
                          message.find("parked") != std::string::npos);
    }
  }
  EXPECT_TRUE(retried) << run_logs;
  EXPECT_TRUE(parked_line) << run_logs;
  for (const auto& needle : secrets) {
    EXPECT_EQ(output.find(needle), std::string::npos) << "a secret in the log: " << needle;
    EXPECT_EQ(run_logs.find(needle), std::string::npos) << "a secret in a run log: " << needle;
  }
  for (const auto& needle : personal) {
    const auto at = output.find(needle);
    EXPECT_EQ(at, std::string::npos)
        << "personal data in the log: " << needle
        << " in: " << output.substr(at == std::string::npos ? 0 : (at > 200 ? at - 200 : 0), 400);
    EXPECT_EQ(run_logs.find(needle), std::string::npos) << "personal data in a run log: " << needle;
  }

  // Every JSON line is one object; a run's lines name the tenant, the job and the run.
  std::istringstream lines(json_output);
  std::string line;
  int run_lines = 0, text_run_lines = 0;
  const std::string tenant_id = tenant_path_.substr(tenant_path_.rfind('/') + 1);
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(parsed.is_object()) << line;
    EXPECT_TRUE(parsed.contains("ts") && parsed.contains("level") && parsed.contains("msg"))
        << line;
    if (parsed.contains("run")) {
      ++run_lines;
      EXPECT_EQ(parsed.at("tenant").dump(), tenant_id) << line;
      EXPECT_TRUE(parsed.at("job") == "main" || parsed.at("job") == "errors") << line;
    }
  }
  EXPECT_GT(run_lines, 0);
  std::istringstream text(text_output);
  while (std::getline(text, line)) {
    if (line.find(" job=") != std::string::npos && line.find(" run=") != std::string::npos &&
        line.find(" tenant=" + tenant_id) != std::string::npos) {
      ++text_run_lines;
    }
  }
  EXPECT_GT(text_run_lines, 0);
}

AVNI_ON_EVERY_BACKEND(BahmniE2eTest);

}  // namespace
}  // namespace avni::testing
