// The error classifier against the pattern of issue 15, "^(.+)+ZZZQQQ$" (nested quantifiers:
// a backtracking engine tries every way of splitting the message). Prints the time to classify
// messages of 100 to 10,000 characters that almost match, and for comparison how long
// std::regex (what MATCHES ran on before RE2) takes on one such message of 100 characters. That
// one does not finish: it is given --std-regex-seconds, then the program exits (a running
// std::regex_search cannot be stopped). Prints figures; it passes or fails nothing.
//
//   error_classifier [--messages 1000] [--std-regex-seconds 10]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <random>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"
#include "sync/error_classifier.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kEvil = "^(.+)+ZZZQQQ$";

std::string AlmostMatching(std::size_t length) {
  std::string m = "HTTP 422: concept 'Weight' not found ";
  m.resize(length, 'x');
  return m + "ZZZQQ";
}

double MillisSince(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int messages = std::stoi(avni::bench::Arg(argc, argv, "--messages", "1000"));
  const int std_seconds = std::stoi(avni::bench::Arg(argc, argv, "--std-regex-seconds", "10"));

  std::mt19937 random(15);
  std::uniform_int_distribution<std::size_t> length(100, 10'000);
  std::vector<std::string> texts;
  std::size_t bytes = 0;
  for (int i = 0; i < messages; ++i) {
    texts.push_back(AlmostMatching(length(random)));
    bytes += texts.back().size();
  }
  using avni::ErrorOperator;
  using avni::ErrorType;
  const auto classifier = avni::sync::ErrorClassifier::Make(
      {ErrorType{1, {}, "", "evil", ErrorOperator::kMatches, kEvil, {}, 1},
       ErrorType{2, {}, "", "validation", ErrorOperator::kContains, "http 422", {}, 2}});
  const auto started = Clock::now();
  int evil = 0;
  for (const auto& text : texts) {
    const avni::ErrorType* type = classifier.Match(text);
    if (type != nullptr && type->id == 1) ++evil;
  }
  const double ms = MillisSince(started);
  std::printf(
      "RE2 (the classifier), %s: %d messages of 100-10,000 characters (%.1f MB) in "
      "%.2f ms, %.2f us per message; %d matched\n",
      kEvil, messages, bytes / 1e6, ms, ms * 1000 / messages, evil);
  avni::bench::Record({.name = "error_classifier/nested-quantifier pattern, 1,000 messages",
                       .value = ms,
                       .unit = "ms",
                       .better = "lower"});

  const std::string one = AlmostMatching(100);
  std::printf("std::regex (ECMAScript, icase), %s: 1 message of %zu characters ... ", kEvil,
              one.size());
  std::fflush(stdout);
  std::packaged_task<double()> search([&one] {
    const std::regex re(kEvil, std::regex::ECMAScript | std::regex::icase);
    const auto began = Clock::now();
    std::regex_search(one, re);
    return MillisSince(began);
  });
  auto done = search.get_future();
  std::thread(std::move(search)).detach();
  if (done.wait_for(std::chrono::seconds(std_seconds)) == std::future_status::timeout) {
    std::printf("not finished after %d s (stopped there)\n", std_seconds);
    std::fflush(stdout);
    std::_Exit(0);
  }
  std::printf("%.2f ms\n", done.get());
  return 0;
}
