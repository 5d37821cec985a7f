// The service's log lines: JSON lines that stay valid whatever a message holds, the run context
// (tenant, job, run) on every line of a run, on the threads it hands work to too, and the lines a
// run keeps for its per-run log.
#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "logging/log_context.hpp"
#include "logging/log_sink.hpp"

namespace avni::testing {
namespace {

using nlohmann::json;

class LogSinkTest : public ::testing::Test {
 protected:
  void Install(logging::LogFormat format, spdlog::level::level_enum level = spdlog::level::info) {
    logging::Install(format, level, [this](std::string_view line) {
      std::lock_guard lock(mutex_);
      written_.emplace_back(line);
    });
  }
  std::vector<std::string> Written() {
    std::lock_guard lock(mutex_);
    return written_;
  }
  // Every line written, parsed; a line that is not one JSON object fails the test.
  std::vector<json> JsonLines() {
    std::vector<json> out;
    for (const auto& line : Written()) {
      EXPECT_EQ(line.back(), '\n');
      EXPECT_EQ(line.find('\n'), line.size() - 1) << line;
      json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(parsed.is_object()) << line;
      out.push_back(std::move(parsed));
    }
    return out;
  }

  std::mutex mutex_;
  std::vector<std::string> written_;  // guarded by mutex_
};

TEST_F(LogSinkTest, AJsonLineStaysOneValidObjectWhateverTheMessageHolds) {
  Install(logging::LogFormat::kJson);
  const std::string nasty = "say \"hi\"\nnext line\r\ttab \\ back \x01\x1f end \xff\xfe";
  spdlog::warn("{}", nasty);
  const auto lines = JsonLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("level"), "warn");
  EXPECT_NE(lines[0].at("msg").get<std::string>().find("say \"hi\"\nnext line\r\ttab"),
            std::string::npos);
  // ISO-8601 UTC with milliseconds.
  const std::string ts = lines[0].at("ts");
  ASSERT_EQ(ts.size(), 24u) << ts;
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');
  EXPECT_FALSE(lines[0].contains("tenant"));
}

TEST_F(LogSinkTest, ARunsLinesCarryItsTenantJobAndRunInBothFormats) {
  Install(logging::LogFormat::kJson);
  {
    const logging::ScopedLogContext context(logging::LogContext{7, "main", 42, nullptr});
    spdlog::info("in the run");
  }
  spdlog::info("after the run");
  auto lines = JsonLines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("tenant"), 7);
  EXPECT_EQ(lines[0].at("job"), "main");
  EXPECT_EQ(lines[0].at("run"), 42);
  EXPECT_EQ(lines[0].at("msg"), "in the run");
  EXPECT_FALSE(lines[1].contains("tenant"));
  EXPECT_FALSE(lines[1].contains("run"));

  written_.clear();
  Install(logging::LogFormat::kText);
  {
    const logging::ScopedLogContext context(logging::LogContext{7, "main", 42, nullptr});
    spdlog::warn("in the run");
  }
  const auto text = Written();
  ASSERT_EQ(text.size(), 1u);
  EXPECT_NE(text[0].find("[warn] in the run tenant=7 job=main run=42\n"), std::string::npos)
      << text[0];
}

TEST_F(LogSinkTest, TheContextGoesToTheThreadsARunHandsWorkTo) {
  Install(logging::LogFormat::kJson);
  auto log = std::make_shared<logging::RunLog>();
  {
    const logging::ScopedLogContext context(logging::LogContext{3, "errors", std::nullopt, log});
    const logging::ScopedLogContext with_run(logging::ScopedLogContext::WithRun(3, 9));
    const logging::LogContext copy = *logging::CurrentContext();
    std::thread helper([&] {
      const logging::ScopedLogContext scope(copy);
      spdlog::warn("from a helper");
    });
    helper.join();
  }
  EXPECT_EQ(logging::CurrentContext(), nullptr);
  const auto lines = JsonLines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("run"), 9);
  EXPECT_EQ(lines[0].at("job"), "errors");
  ASSERT_EQ(log->Lines().size(), 1u);
  EXPECT_EQ(log->Lines()[0].message, "from a helper");
}

TEST_F(LogSinkTest, ARunKeepsItsWarningsAndTheInfoLinesThatExplainItWhateverTheLevelWritten) {
  Install(logging::LogFormat::kText, spdlog::level::err);
  auto log = std::make_shared<logging::RunLog>();
  {
    const logging::ScopedLogContext context(logging::LogContext{1, "main", 5, log});
    spdlog::debug("debug detail");
    spdlog::info("plain info");
    {
      const logging::KeepInfoLines keep;
      spdlog::info("retrying in 500 ms");
    }
    spdlog::warn("a warning");
    spdlog::error("an error");
  }
  spdlog::warn("not a run's");
  const auto lines = log->Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].level, "info");
  EXPECT_EQ(lines[0].message, "retrying in 500 ms");
  EXPECT_EQ(lines[1].level, "warn");
  EXPECT_EQ(lines[2].level, "error");
  EXPECT_FALSE(log->truncated());
  // Written: only from the level asked for.
  const auto written = Written();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_NE(written[0].find("an error"), std::string::npos);
}

TEST_F(LogSinkTest, ARunKeepsItsLatestLinesUpToTheCapAndSaysItDroppedSome) {
  Install(logging::LogFormat::kText, spdlog::level::off);
  auto log = std::make_shared<logging::RunLog>();
  {
    const logging::ScopedLogContext context(logging::LogContext{1, "main", 5, log});
    for (std::size_t i = 0; i < logging::kRunLogLines + 50; ++i) spdlog::warn("line {}", i);
  }
  const auto lines = log->Lines();
  ASSERT_EQ(lines.size(), logging::kRunLogLines);
  EXPECT_TRUE(log->truncated());
  EXPECT_EQ(lines.front().message, "line 50");
  EXPECT_EQ(lines.front().seq, 50);
  EXPECT_EQ(lines.back().message, fmt::format("line {}", logging::kRunLogLines + 49));
}

TEST(LogFormatTest, AnUnknownFormatIsRefusedNamingTheFlag) {
  EXPECT_EQ(*logging::ParseLogFormat("json"), logging::LogFormat::kJson);
  EXPECT_EQ(*logging::ParseLogFormat("text"), logging::LogFormat::kText);
  auto bad = logging::ParseLogFormat("xml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "--log-format");
  EXPECT_NE(bad.error().message.find("--log-format must be text"), std::string::npos);
}

}  // namespace
}  // namespace avni::testing
