// The real avni-integrator binary, run as an implementer would run it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "avnisim/simulator.hpp"
#include "crypto/password.hpp"
#include "crypto/secret_box.hpp"
#include "openmrssim/simulator.hpp"
#include "store/sql/migrations.hpp"
#include "store/store.hpp"
#include "support/process.hpp"
#include "support/raw_http.hpp"
#include "support/test_database.hpp"

namespace avni::testing {
namespace {

using namespace std::chrono_literals;

// Each test: a fresh database of its backend and its own key file.
class CliTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    std::string why;
    db_ = TestDatabase::Create(GetParam(), &why);
    if (!db_) {
      if (PostgresRequired()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    char tmpl[] = "/tmp/avni-cli-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Runs `avni-integrator ARGS --db DSN --secret-key-file KEY`, with `env` added.
  ProcessResult Cli(std::vector<std::string> args, const std::string& input = "",
                    std::vector<std::string> env = {}) {
    args.insert(args.begin(), BinaryPath());
    args.insert(args.end(), {"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key"});
    env.push_back("AVNI_INT_SECRET_KEY=");
    return RunProcess(args, input, env);
  }

  std::unique_ptr<store::Store> OpenStore() {
    auto s = store::Store::Open(db_->dsn());
    EXPECT_TRUE(s.has_value()) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }

  // Sets a tenant's config key straight in the store, with the key file the CLI made.
  void SetConfig(const std::string& tenant_name, const std::string& key, const std::string& value,
                 bool secret) {
    auto box = SecretBox::Load(dir_ + "/secret.key");
    ASSERT_TRUE(box) << box.error().message;
    store::StoreOptions store_options;
    store_options.secrets = box->get();
    auto opened = store::Store::Open(db_->dsn(), store_options);
    ASSERT_TRUE(opened) << opened.error().message;
    auto done = (*opened)->Transact([&](store::Tx& tx) -> Status {
      auto tenant = tx.tenants().FindByName(tenant_name);
      if (!tenant) return Fail(tenant.error());
      auto entry = tx.tenant(tenant->id).config().Set(key, value, secret);
      if (!entry) return Fail(entry.error());
      return {};
    });
    ASSERT_TRUE(done) << done.error().message;
  }

  std::optional<TestDatabase> db_;
  std::string dir_;
};

TEST_P(CliTest, ServeAnswersHealthAndReadyAndStopsCleanlyOnSigterm) {
  auto server = StartServe({"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key"});
  ASSERT_TRUE(server.has_value());
  auto& [process, port] = *server;
  const auto health = HttpGet(port, "/health");
  EXPECT_EQ(health.first, 200);
  EXPECT_NE(health.second.find("\"up\""), std::string::npos);
  const auto ready = HttpGet(port, "/ready");
  EXPECT_EQ(ready.first, 200) << ready.second;
  EXPECT_EQ(HttpGet(port, "/no-such-thing").first, 404);
  EXPECT_EQ(process.Stop(SIGTERM, 20s), 0) << process.Stderr();
  EXPECT_EQ(HttpGet(port, "/health").first, 0);  // nothing listens any more
}

// `make run`'s demo: the simulators in the server's process, the demo tenant synced at once,
// the answer left unmapped parked by name; plain serve has no demo.
TEST_P(CliTest, ServeDemoSyncsTheDemoTenantAtOnceAndParksTheUnmappedAnswer) {
  auto plain = StartServe({"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key"});
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->process.Stop(SIGTERM, 20s), 0);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "0");

  // The status of the first run of the demo's main job after run `after`, once it has ended.
  const auto await_main_run = [&](const std::string& after) {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto status = db_->QueryColumn(
          "SELECT r.status FROM runs r JOIN jobs j ON j.id = r.job_id WHERE j.name = 'main' AND "
          "r.id > " +
          after + " ORDER BY r.id LIMIT 1");
      if (!status.empty() && status.front() != "running") return status.front();
      std::this_thread::sleep_for(200ms);
    }
    return std::string("no run ended");
  };
  for (int start = 0; start < 2; ++start) {
    SCOPED_TRACE(start == 0 ? "first start" : "restart");
    const std::string last_run = db_->QueryColumn("SELECT COALESCE(MAX(id), 0) FROM runs").at(0);
    auto server =
        StartServe({"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key", "--demo"});
    ASSERT_TRUE(server.has_value());
    auto& [process, port] = *server;
    // The first run is asked for at start: every generated subject reaches OpenMRS, and the
    // three that answer "O+" are parked naming it. A restart finds empty simulators again: the
    // tenant's sync state starts afresh and the same happens.
    EXPECT_EQ(await_main_run(last_run), "succeeded")
        << db_->QueryColumn("SELECT message FROM runs ORDER BY id DESC LIMIT 1").at(0);
    EXPECT_EQ(
        db_->QueryColumn("SELECT COUNT(*) FROM entity_links WHERE entity_type = 'Subject'").at(0),
        "300");
    EXPECT_EQ(
        db_->QueryColumn("SELECT COUNT(*) FROM error_records WHERE entity_type = 'Subject'").at(0),
        "3");
    const auto messages = db_->QueryColumn(
        "SELECT l.message FROM error_record_log l JOIN error_records r ON r.id = "
        "l.error_record_id WHERE r.entity_type = 'Subject'");
    ASSERT_FALSE(messages.empty());
    for (const auto& m : messages) {
      EXPECT_NE(m.find("no mapping for answer \"O+\" of question \"Blood group\""),
                std::string::npos)
          << m;
    }
    // The encounters Bahmni recorded for the patients it registered too reached Avni through
    // the encounter feed (those answering "O+" wait, parked, for the same mapping).
    EXPECT_NE(
        db_->QueryColumn("SELECT COUNT(*) FROM entity_links WHERE entity_type = 'BahmniEncounter'")
            .at(0),
        "0");
    EXPECT_EQ(process.Stop(SIGTERM, 30s), 0) << process.Stderr();
  }
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "1");
  for (const auto& run :
       db_->QueryColumn("SELECT status || ': ' || message FROM runs WHERE status = 'failed'")) {
    ADD_FAILURE() << run;
  }
  // Without --allow-private-targets the demo is refused, saying why.
  auto refused = RunProcess({BinaryPath(), "serve", "--demo", "--port", "0", "--db", db_->dsn(),
                             "--secret-key-file", dir_ + "/secret.key"},
                            "", {"AVNI_INT_SECRET_KEY="});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("add --allow-private-targets"), std::string::npos) << refused.err;
}

TEST_P(CliTest, ServeTakesTheHttpFrontsLimits) {
  auto server = StartServe({"--db", db_->dsn(), "--secret-key-file", dir_ + "/secret.key",
                            "--max-connections-per-address", "2", "--header-timeout", "1"});
  ASSERT_TRUE(server.has_value());
  auto& [process, port] = *server;
  auto first = RawConnection::Open(port);
  auto second = RawConnection::Open(port);
  auto third = RawConnection::Open(port);
  ASSERT_TRUE(first && second && third);
  auto refused = third->ReadResponse(2s);
  ASSERT_TRUE(refused.has_value()) << "a third connection from one address was served";
  EXPECT_EQ(refused->status, 503);
  // The two that send nothing are closed once their header deadline passes.
  EXPECT_TRUE(first->ClosedByServer(3s));
  EXPECT_TRUE(second->ClosedByServer(3s));
  EXPECT_EQ(process.Stop(SIGTERM, 20s), 0) << process.Stderr();
}

TEST_P(CliTest, MigrateAppliesTheSchemaAndIsIdempotent) {
  auto first = Cli({"migrate"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string known = std::to_string(store::AllMigrations().back().version);
  EXPECT_NE(first.out.find("schema at version " + known + " (this binary knows " + known + ")"),
            std::string::npos)
      << first.out;
  auto second = Cli({"migrate"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.err.find("applied migration"), std::string::npos) << second.err;
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM schema_migrations").at(0),
            std::to_string(store::AllMigrations().size()));
}

TEST_P(CliTest, TenantCreateListAndDuplicate) {
  auto created = Cli({"tenant", "create", "JSS Bahmni", "--type", "bahmni"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("created tenant 'JSS Bahmni'"), std::string::npos);
  auto dup = Cli({"tenant", "create", "JSS Bahmni"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("already exists"), std::string::npos) << dup.err;
  auto list = Cli({"tenant", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("JSS Bahmni"), std::string::npos);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM tenants").at(0), "1");
  // The creation is audited against the tenant.
  EXPECT_EQ(db_->QueryColumn("SELECT action FROM audit_log WHERE tenant_id IS NOT NULL").at(0),
            "tenant.create");
}

TEST_P(CliTest, UserCreateReadsThePasswordFromStdinAndStoresOnlyAnArgon2Hash) {
  ASSERT_EQ(Cli({"tenant", "create", "JSS"}).exit_code, 0);
  auto created =
      Cli({"user", "create", "--email", "Admin@Example.org", "--tenant", "JSS", "--role", "editor"},
          "a-long-password\n");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const auto hash = db_->QueryColumn("SELECT password_hash FROM users").at(0);
  EXPECT_TRUE(hash.starts_with("$argon2id$")) << hash;
  EXPECT_TRUE(VerifyPassword(hash, "a-long-password"));
  EXPECT_EQ(db_->QueryColumn("SELECT email FROM users").at(0), "admin@example.org");
  EXPECT_EQ(db_->QueryColumn("SELECT role FROM memberships").at(0), "editor");

  auto changed = Cli({"user", "passwd", "--email", "admin@example.org"}, "another-password\n");
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  const auto new_hash = db_->QueryColumn("SELECT password_hash FROM users").at(0);
  EXPECT_TRUE(VerifyPassword(new_hash, "another-password"));
  EXPECT_FALSE(VerifyPassword(new_hash, "a-long-password"));
  // Neither password appears in the audit log.
  for (const auto& row : db_->QueryColumn("SELECT after_json FROM audit_log")) {
    EXPECT_EQ(row.find("password"), std::string::npos) << row;
  }
}

TEST_P(CliTest, UserCreateWithAnUnknownTenantLeavesNoUserBehind) {
  auto created =
      Cli({"user", "create", "--email", "a@b.org", "--tenant", "Nope"}, "long-enough-pw\n");
  EXPECT_EQ(created.exit_code, 1);
  EXPECT_NE(created.err.find("no tenant named 'Nope'"), std::string::npos) << created.err;
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM users").at(0), "0");
}

TEST_P(CliTest, BadUserInputIsNamedAndWritesNothing) {
  ASSERT_EQ(Cli({"migrate"}).exit_code, 0);
  auto short_pw = Cli({"user", "create", "--email", "a@b.org"}, "short\n");
  EXPECT_EQ(short_pw.exit_code, 2);
  EXPECT_NE(short_pw.err.find("password must have at least"), std::string::npos) << short_pw.err;
  auto bad_email = Cli({"user", "create", "--email", "not-an-email"}, "long-enough-pw\n");
  EXPECT_EQ(bad_email.exit_code, 2);
  EXPECT_NE(bad_email.err.find("email"), std::string::npos) << bad_email.err;
  auto no_stdin = Cli({"user", "create", "--email", "a@b.org"}, "");
  EXPECT_EQ(no_stdin.exit_code, 2);
  EXPECT_NE(no_stdin.err.find("standard input"), std::string::npos) << no_stdin.err;
  // A password is never accepted on the command line.
  auto on_argv = Cli({"user", "create", "--email", "a@b.org", "--password", "long-enough-pw"});
  EXPECT_NE(on_argv.exit_code, 0);
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM users").at(0), "0");
}

TEST_P(CliTest, ASchemaNewerThanTheBinaryStopsServeWithOneClearLine) {
  ASSERT_EQ(Cli({"migrate"}).exit_code, 0);
  db_->Execute(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES (42, 'future', 0)");
  auto serve = Cli({"serve", "--port", "0"});
  EXPECT_EQ(serve.exit_code, 1);
  EXPECT_NE(serve.err.find("schema is at version 42"), std::string::npos) << serve.err;
  EXPECT_NE(serve.err.find("run a newer avni-integrator"), std::string::npos) << serve.err;
}

TEST_P(CliTest, AnUnknownLogFormatStopsServeNamingTheFlag) {
  auto serve = Cli({"serve", "--port", "0", "--log-format", "xml"});
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find("--log-format must be text"), std::string::npos) << serve.err;
  EXPECT_NE(serve.err.find("not 'xml'"), std::string::npos) << serve.err;
}

TEST_P(CliTest, SecretKeyFileIsCreatedOnFirstStartOwnerOnly) {
  ASSERT_EQ(Cli({"migrate"}).exit_code, 0);
  const auto key = std::filesystem::status(dir_ + "/secret.key");
  EXPECT_EQ(key.permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_P(CliTest, AvniCheckLogsInReadsAPageAndSaysWhatIsWrong) {
  sim::SimOptions options;
  options.subjects = 7;
  options.auth.idp = "keycloak";
  sim::Simulator simulator(options);
  const int port = simulator.Start();
  ASSERT_GT(port, 0);
  ASSERT_EQ(Cli({"tenant", "create", "NGO", "--type", "bahmni"}).exit_code, 0);

  // Nothing configured yet: the first key missing is named, exit 2.
  auto unconfigured = Cli({"avni", "check", "--tenant", "NGO"});
  EXPECT_EQ(unconfigured.exit_code, 2) << unconfigured.out << unconfigured.err;
  EXPECT_NE(unconfigured.out.find("avni_api_url"), std::string::npos) << unconfigured.out;

  auto set = [&](const std::string& key, const std::string& value, bool secret) {
    SetConfig("NGO", key, value, secret);
  };
  set("avni_api_url", "http://127.0.0.1:" + std::to_string(port), false);
  set("avni_user", "admin@sim", false);
  set("avni_password", "wrong-Pa55", true);
  // The simulator listens on loopback: the check is told it may call it.
  auto refused = Cli({"avni", "check", "--tenant", "NGO", "--allow-private-targets"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("login   FAIL"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("wrong-Pa55"), std::string::npos) << refused.out;

  set("avni_password", "password", true);
  auto ok = Cli({"avni", "check", "--tenant", "NGO", "--allow-private-targets"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("keycloak token for admin@sim"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("7 subject(s) on the first page"), std::string::npos) << ok.out;
  simulator.Stop();
}

TEST_P(CliTest, BahmniCheckNamesWhatIsMissingAndLooksUpEveryUuid) {
  openmrssim::Simulator openmrs(openmrssim::SimOptions{});
  const int port = openmrs.Start();
  ASSERT_GT(port, 0);
  ASSERT_EQ(Cli({"tenant", "create", "JSS", "--type", "bahmni"}).exit_code, 0);

  auto unconfigured = Cli({"bahmni", "check", "--tenant", "JSS"});
  EXPECT_EQ(unconfigured.exit_code, 2) << unconfigured.out << unconfigured.err;
  EXPECT_NE(unconfigured.out.find("config   FAIL config openmrs_base_url is not set"),
            std::string::npos)
      << unconfigured.out;

  SetConfig("JSS", "openmrs_base_url", "http://127.0.0.1:" + std::to_string(port), false);
  SetConfig("JSS", "openmrs_user", "superman", false);
  SetConfig("JSS", "openmrs_password", "Admin123", true);
  // No constants or mappings yet: every one is named at once.
  auto bare = Cli({"bahmni", "check", "--tenant", "JSS", "--allow-private-targets"});
  EXPECT_EQ(bare.exit_code, 2) << bare.out << bare.err;
  EXPECT_NE(bare.out.find("mappings FAIL the Bahmni settings have 15 problems"), std::string::npos)
      << bare.out;
  EXPECT_NE(bare.out.find("config BahmniIdentifierPrefix is not set"), std::string::npos);
  EXPECT_NE(bare.out.find("mapping Common / AvniUUID_Concept is missing"), std::string::npos);

  // The committed example: everything it names is in the simulator's OpenMRS.
  std::ifstream csv(std::string(AVNI_EXAMPLES_DIR) + "/mappings.csv");
  std::stringstream rows;
  rows << csv.rdbuf();
  ASSERT_EQ(Cli({"mappings", "import", "--tenant", "JSS", "-"}, rows.str()).exit_code, 0);
  std::ifstream config_file(std::string(AVNI_EXAMPLES_DIR) + "/config.json");
  const auto config = nlohmann::json::parse(config_file);
  for (const auto& item : config.at("items")) {
    SetConfig("JSS", item.at("key"), item.at("value"), false);
  }
  auto ok = Cli({"bahmni", "check", "--tenant", "JSS", "--allow-private-targets"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("login    ok   signed in as superman"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("uuids the settings name are in OpenMRS"), std::string::npos) << ok.out;

  // A form the encounter feed reads into a program encounter, which OpenMRS does not have, is
  // named with its row.
  ASSERT_EQ(
      Cli({"mappings", "import", "--tenant", "JSS", "-"},
          "group,type,avni_value,int_system_value,data_type_hint,about\n"
          "ProgramEncounter,EncounterType,ANC Visit,0e0e0e0e-0000-4000-8000-000000000000,NA,\n")
          .exit_code,
      0);
  auto no_form = Cli({"bahmni", "check", "--tenant", "JSS", "--allow-private-targets"});
  EXPECT_EQ(no_form.exit_code, 2) << no_form.out << no_form.err;
  EXPECT_NE(no_form.out.find("ProgramEncounter / EncounterType 'ANC Visit': OpenMRS has no "
                             "concept 0e0e0e0e-0000-4000-8000-000000000000"),
            std::string::npos)
      << no_form.out;

  // A location OpenMRS does not have is named with the key that names it.
  SetConfig("JSS", "IntegrationBahmniLocation", "0f0f0f0f-0000-4000-8000-000000000000", false);
  auto wrong = Cli({"bahmni", "check", "--tenant", "JSS", "--allow-private-targets"});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.out << wrong.err;
  EXPECT_NE(wrong.out.find("IntegrationBahmniLocation: OpenMRS has no location "
                           "0f0f0f0f-0000-4000-8000-000000000000"),
            std::string::npos)
      << wrong.out;

  // A wrong password: a sign-in failure, exit 1, the password never printed.
  SetConfig("JSS", "openmrs_password", "Wrong-Pa55word", true);
  auto refused = Cli({"bahmni", "check", "--tenant", "JSS", "--allow-private-targets"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("login    FAIL"), std::string::npos) << refused.out;
  EXPECT_EQ(refused.out.find("Wrong-Pa55word"), std::string::npos) << refused.out;
  openmrs.Stop();
}

TEST_P(CliTest, AvniCheckCallsALoopbackServerOnlyWhenTheOperatorAllowsIt) {
  sim::SimOptions options;
  options.subjects = 3;
  sim::Simulator simulator(options);
  const int port = simulator.Start();
  ASSERT_GT(port, 0);
  ASSERT_EQ(Cli({"tenant", "create", "NGO", "--type", "bahmni"}).exit_code, 0);
  auto opened = store::Store::Open(db_->dsn());
  ASSERT_TRUE(opened) << opened.error().message;
  ASSERT_TRUE((*opened)->Transact([&](store::Tx& tx) -> Status {
    auto tenant = tx.tenants().FindByName("NGO");
    if (!tenant) return Fail(tenant.error());
    auto config = tx.tenant(tenant->id).config();
    for (auto [key, value] : {std::pair<std::string, std::string>{
                                  "avni_api_url", "http://127.0.0.1:" + std::to_string(port)},
                              {"avni_user", "admin@sim"},
                              {"avni_auth_enabled", "false"}}) {
      if (auto set = config.Set(key, value, false); !set) return Fail(set.error());
    }
    return {};
  }));
  const std::vector<std::string> check = {"avni", "check", "--tenant", "NGO"};

  auto refused = Cli(check);
  EXPECT_EQ(refused.exit_code, 2) << refused.out << refused.err;
  EXPECT_NE(refused.out.find("FAIL avni_api_url: 127.0.0.1:" + std::to_string(port) +
                             " is a loopback address"),
            std::string::npos)
      << refused.out;
  EXPECT_NE(refused.out.find("--allow-private-targets"), std::string::npos) << refused.out;
  EXPECT_TRUE(simulator.Stats().empty()) << "the simulator was called";

  auto with_flag = check;
  with_flag.push_back("--allow-private-targets");
  auto with_list = check;
  with_list.insert(with_list.end(), {"--allowed-targets", "10.0.5.0/24,127.0.0.1/32"});
  for (const auto& [args, env] :
       {std::pair{with_flag, std::vector<std::string>{}},
        std::pair{with_list, std::vector<std::string>{}},
        std::pair{check, std::vector<std::string>{"AVNI_INT_ALLOW_PRIVATE_TARGETS=1"}}}) {
    auto ok = Cli(args, "", env);
    EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("3 subject(s) on the first page"), std::string::npos) << ok.out;
  }

  auto bad = Cli({"avni", "check", "--tenant", "NGO", "--allowed-targets", "127.0.0.1/40"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--allowed-targets: '127.0.0.1/40'"), std::string::npos) << bad.err;
  simulator.Stop();
}

AVNI_ON_EVERY_BACKEND(CliTest);

// Failures that do not depend on a backend.

TEST(CliFailureTest, WrongDsnIsOneLineNamingTheOptionAndWritesNothing) {
  char tmpl[] = "/tmp/avni-cli-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto r = RunProcess(
      {BinaryPath(), "migrate", "--db", "mysql://x/y", "--secret-key-file", dir + "/k/secret.key"},
      "", {"AVNI_INT_SECRET_KEY="});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find("unknown database kind 'mysql'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sqlite:PATH"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/k"));
  std::filesystem::remove_all(dir);
}

TEST(CliFailureTest, UnreachablePostgresSaysWhereAndHowToFix) {
  auto r = RunProcess(
      {BinaryPath(), "migrate", "--db", "postgresql://avni:pw-secret@127.0.0.1:1/avni"}, "",
      {"AVNI_INT_SECRET_KEY=0101010101010101010101010101010101010101010101010101010101010101"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot connect to PostgreSQL at postgresql://avni@127.0.0.1:1/avni"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("check that the server runs"), std::string::npos);
  EXPECT_EQ(r.err.find("pw-secret"), std::string::npos);
}

TEST(CliFailureTest, PortInUseIsReportedWithTheFix) {
  // Hold a port, then ask serve for it.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  char tmpl[] = "/tmp/avni-cli-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto r = RunProcess(
      ServeCommand({"--port", std::to_string(port), "--db", "sqlite:" + dir + "/db.sqlite"}), "",
      {"AVNI_INT_SECRET_KEY="});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--port"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(CliFailureTest, ARequestTimeoutShorterThanTheHeaderTimeoutIsNamed) {
  char tmpl[] = "/tmp/avni-cli-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto r = RunProcess({BinaryPath(), "serve", "--port", "0", "--header-timeout", "20",
                       "--request-timeout", "5", "--db", "sqlite:" + dir + "/db.sqlite"},
                      "", {"AVNI_INT_SECRET_KEY="});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--request-timeout (5 s)"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--header-timeout (20 s)"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir + "/db.sqlite"));
  std::filesystem::remove_all(dir);
}

TEST(CliFailureTest, ReadOnlyDataFolderIsReportedWithTheFix) {
  // Root may write anywhere, so the binary runs as `nobody` in a folder it cannot write.
  if (::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) != 0) {
    GTEST_SKIP() << "needs root and setpriv to drop to an unprivileged user";
  }
  if (RunProcess({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                  "/usr/bin/test", "-x", BinaryPath()})
          .exit_code != 0) {
    GTEST_SKIP() << "the unprivileged user cannot reach " << BinaryPath();
  }
  char tmpl[] = "/tmp/avni-ro-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all |
                                        std::filesystem::perms::others_read |
                                        std::filesystem::perms::others_exec);
  auto r = RunProcess(
      {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", BinaryPath(),
       "migrate", "--db", "sqlite:" + dir + "/integrator.db"},
      "", {"AVNI_INT_SECRET_KEY=0101010101010101010101010101010101010101010101010101010101010101"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("is not writable"), std::string::npos) << r.err;
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}

// The database goes away under a running service and comes back: /ready follows it, /health
// stays up, and the service recovers without a restart.
TEST(CliOutageTest, ReadyFollowsAPostgresOutageAndRecovers) {
  char tmpl[] = "/tmp/avni-outage-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string script = std::string(AVNI_TEST_SOURCE_DIR) + "/scripts/pg-throwaway";
  const std::string pg_dir = dir + "/pg";
  auto started = RunProcess({script, "start", pg_dir});
  ASSERT_EQ(started.exit_code, 0) << started.err;
  std::string dsn = started.out;
  while (!dsn.empty() && dsn.back() == '\n') dsn.pop_back();
  {
    auto server = StartServe({"--db", dsn, "--secret-key-file", dir + "/secret.key"});
    ASSERT_TRUE(server.has_value());
    auto& [process, port] = *server;
    EXPECT_EQ(HttpGet(port, "/ready").first, 200);

    ASSERT_EQ(RunProcess({script, "pause", pg_dir}).exit_code, 0);
    const auto down = HttpGet(port, "/ready");
    EXPECT_EQ(down.first, 503);
    EXPECT_NE(down.second.find("unavailable"), std::string::npos) << down.second;
    // Issue 15: the answer said what libpq said (the server's address, "Connection refused");
    // that goes to the log, the answer is plain.
    EXPECT_NE(down.second.find("try again shortly"), std::string::npos) << down.second;
    for (const char* backend : {"127.0.0.1", "onnection", "soci", "postgresql", "libpq"}) {
      EXPECT_EQ(down.second.find(backend), std::string::npos) << backend << ": " << down.second;
    }
    EXPECT_EQ(HttpGet(port, "/health").first, 200);

    ASSERT_EQ(RunProcess({script, "resume", pg_dir}).exit_code, 0);
    // Every pooled connection was lost; each is reopened on its next use.
    int status = 0;
    for (int i = 0; i < 20 && status != 200; ++i) status = HttpGet(port, "/ready").first;
    EXPECT_EQ(status, 200) << process.Stderr();
    EXPECT_EQ(process.Stop(SIGTERM, 20s), 0);
    // The operator still learns why.
    EXPECT_NE(process.Stderr().find("database: "), std::string::npos) << process.Stderr();
  }
  RunProcess({script, "stop", pg_dir});
  std::filesystem::remove_all(dir);
}

TEST_P(CliTest, MappingsImportAndExportCsvFilesAllOrNothing) {
  ASSERT_EQ(Cli({"tenant", "create", "JSS"}).exit_code, 0);
  const std::string header = "group,type,avni_value,int_system_value,data_type_hint,about\n";
  auto imported = Cli({"mappings", "import", "--tenant", "JSS", "-"},
                      header + "Observation,Concept,Yes,1065,Coded,\"say \"\"yes\"\"\"\n");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.out.find("1 created, 0 updated, 0 unchanged"), std::string::npos)
      << imported.out;
  EXPECT_EQ(db_->QueryColumn("SELECT about FROM mappings").at(0), "say \"yes\"");

  auto exported = Cli({"mappings", "export", "--tenant", "JSS", "-"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.out,
            "group,type,avni_value,int_system_value,data_type_hint,about\r\n"
            "Observation,Concept,Yes,1065,Coded,\"say \"\"yes\"\"\"\r\n");
  const std::string file = dir_ + "/mappings.csv";
  ASSERT_EQ(Cli({"mappings", "export", "--tenant", "JSS", file}).exit_code, 0);
  auto dry = Cli({"mappings", "import", "--tenant", "JSS", file, "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("dry run, nothing written"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("0 created, 0 updated, 1 unchanged"), std::string::npos) << dry.out;

  // Every error is one line naming its line; nothing of the file is written.
  auto bad = Cli({"mappings", "import", "--tenant", "JSS", "-"},
                 header +
                     "Observation,Concept,New,1,Coded,\n"
                     "Observation,Concept,Maybe,2,Codded,\n"
                     "Observation,Concept,\"Open,3,NA,\n");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("line 3, data_type_hint: unknown data_type_hint 'Codded'"),
            std::string::npos)
      << bad.err;
  EXPECT_NE(bad.err.find("line 4, avni_value: the quoted field 3"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("2 errors in standard input; nothing was written"), std::string::npos)
      << bad.err;
  EXPECT_EQ(db_->QueryColumn("SELECT COUNT(*) FROM mappings").at(0), "1");
  EXPECT_EQ(
      db_->QueryColumn("SELECT COUNT(*) FROM audit_log WHERE action = 'mapping.import'").at(0),
      "1");
  EXPECT_EQ(Cli({"mappings", "import", "--tenant", "Nobody", file}).exit_code, 1);
}

TEST(CliFailureTest, HelpListsEveryCommand) {
  auto r = RunProcess({BinaryPath(), "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"serve", "migrate", "tenant", "user", "mappings", "--db"}) {
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  }
}

}  // namespace
}  // namespace avni::testing
