// Subjects read per second through the Avni client from the simulator, and the client's CPU
// per record.
//   avni_client [--subjects 20000] [--observations 20] [--page 100] [--runs 3]
// The simulator runs in this process on loopback, so the client's own CPU is the reading
// thread's CPU time (libcurl transfers in the caller's thread). The baseline is the same pages
// fetched with the bare HTTP client and not parsed: the cost of transport and the simulator.

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include <fmt/format.h>

#include "avni/client.hpp"
#include "avnisim/simulator.hpp"
#include "bench_util.hpp"
#include "http/client.hpp"

namespace {

using avni::Timestamp;

double ThreadCpuSeconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

struct Figure {
  double seconds = 0;
  double cpu = 0;
  std::int64_t records = 0;
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using avni::bench::Arg;
  const std::int64_t subjects = std::stoll(Arg(argc, argv, "--subjects", "20000"));
  const int observations = std::stoi(Arg(argc, argv, "--observations", "20"));
  const int page_size = std::stoi(Arg(argc, argv, "--page", "100"));
  const int runs = std::stoi(Arg(argc, argv, "--runs", "3"));

  avni::sim::SimOptions options;
  options.subjects = subjects;
  options.observations = observations;
  options.same_time = 3;
  avni::sim::Simulator simulator(options);
  const int port = simulator.Start();
  if (port < 0) {
    fmt::print(stderr, "avni_client: the simulator cannot listen\n");
    return 1;
  }
  const std::string base = fmt::format("http://127.0.0.1:{}", port);

  avni::SystemClock clock;
  avni::avniapi::AvniConfig config;
  config.api_url = base;
  config.user = "admin@sim";
  config.auth_enabled = false;
  // The simulator listens on loopback, which the outbound target policy refuses by default.
  avni::http::ClientOptions loopback;
  loopback.targets.allow_private = true;
  avni::avniapi::Client client(config, clock, loopback);
  const Timestamp now = clock.Now() - std::chrono::seconds(10);

  auto read_all = [&]() -> Figure {
    Figure f;
    const double cpu0 = ThreadCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    avni::avniapi::ListQuery query;
    query.since = Timestamp{};
    query.now = now;
    query.size = page_size;
    for (;; ++query.page) {
      auto page = client.List(avni::avniapi::Resource::kSubject, query);
      if (!page) {
        fmt::print(stderr, "avni_client: {}\n", page.error().message);
        std::exit(1);
      }
      f.records += static_cast<std::int64_t>(page->records.size());
      if (page->last) break;
    }
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    f.cpu = ThreadCpuSeconds() - cpu0;
    return f;
  };

  avni::http::Client bare(loopback);
  auto read_bare = [&]() -> Figure {
    Figure f;
    const double cpu0 = ThreadCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    const std::int64_t pages = (subjects + page_size - 1) / page_size;
    for (std::int64_t p = 0; p < pages; ++p) {
      avni::http::Request request;
      request.url =
          fmt::format("{}/api/subjects?lastModifiedDateTime={}&now={}&page={}&size={}", base,
                      avni::FormatIso8601(Timestamp{}), avni::FormatIso8601(now), p, page_size);
      request.headers = {{"USER-NAME", "admin@sim"}};
      auto response = bare.Send(request);
      if (!response || response->status != 200) {
        fmt::print(stderr, "avni_client: baseline read failed\n");
        std::exit(1);
      }
    }
    f.records = subjects;
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    f.cpu = ThreadCpuSeconds() - cpu0;
    return f;
  };

  fmt::print("avni_client: {} subjects x {} observations, page size {}, {} runs (medians)\n",
             subjects, observations, page_size, runs);
  std::vector<double> rate, cpu_us, base_rate, base_cpu_us;
  for (int r = 0; r < runs; ++r) {
    const Figure f = read_all();
    if (f.records != subjects) {
      fmt::print(stderr, "avni_client: read {} of {} subjects\n", f.records, subjects);
      return 1;
    }
    rate.push_back(f.records / f.seconds);
    cpu_us.push_back(f.cpu * 1e6 / f.records);
    const Figure b = read_bare();
    base_rate.push_back(b.records / b.seconds);
    base_cpu_us.push_back(b.cpu * 1e6 / b.records);
  }
  const double client_rate = Median(rate), bare_rate = Median(base_rate);
  fmt::print("  client    {:>9.0f} subjects/s  client-thread CPU {:>6.1f} us/subject\n",
             client_rate, Median(cpu_us));
  fmt::print(
      "  baseline  {:>9.0f} subjects/s  client-thread CPU {:>6.1f} us/subject "
      "(same pages, bare HTTP, not parsed)\n",
      bare_rate, Median(base_cpu_us));
  fmt::print(
      "  client/baseline time {:.2f}x; parsing costs {:.1f} us/subject; peak RSS {:.1f} MiB "
      "(simulator included)\n",
      bare_rate / client_rate, Median(cpu_us) - Median(base_cpu_us), avni::bench::PeakRssMiB());
  avni::bench::Record({.name = "avni_client/subjects read",
                       .value = client_rate,
                       .unit = "subjects/s",
                       .baseline = bare_rate,
                       .baseline_name = "same pages, bare HTTP, not parsed"});
  simulator.Stop();
  return 0;
}
