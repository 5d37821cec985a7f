// The text exposition format of the metrics registry: HELP and TYPE lines, label escaping,
// counters per label set, cumulative histogram buckets with _sum and _count.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "metrics/registry.hpp"

namespace avni::metrics {
namespace {

TEST(MetricsTextFormat, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(EscapeLabelValue(R"(a\b"c)"
                             "\nd"),
            R"(a\\b\"c\nd)");
  EXPECT_EQ(EscapeLabelValue("plain name"), "plain name");
}

TEST(MetricsTextFormat, ACounterFamilyWritesHelpTypeAndOneLinePerLabelSet) {
  CounterFamily records("avni_integrator_records_total", "Records\nprocessed",
                        {"tenant", "outcome"});
  records.Add({"JSS \"Bahmni\"", "written"}, 5);
  records.Add({"JSS \"Bahmni\"", "written"}, 2);
  records.Add({"a\\b", "failed"});
  TextWriter out;
  records.Write(out);
  EXPECT_EQ(out.text(),
            "# HELP avni_integrator_records_total Records\\nprocessed\n"
            "# TYPE avni_integrator_records_total counter\n"
            "avni_integrator_records_total{tenant=\"JSS \\\"Bahmni\\\"\",outcome=\"written\"} 7\n"
            "avni_integrator_records_total{tenant=\"a\\\\b\",outcome=\"failed\"} 1\n");
  EXPECT_EQ(records.Value({"JSS \"Bahmni\"", "written"}), 7);
  EXPECT_EQ(records.Value({"nobody", "written"}), 0);
}

TEST(MetricsTextFormat, HistogramBucketsAreCumulativeWithSumAndCount) {
  HistogramFamily runs("avni_integrator_job_run_duration_seconds", "Run durations", {"job"},
                       {1, 10, 100});
  for (const double seconds : {0.5, 1.0, 5.0, 50.0, 500.0, 5000.0}) runs.Observe({"main"}, seconds);
  TextWriter out;
  runs.Write(out);
  EXPECT_EQ(out.text(),
            "# HELP avni_integrator_job_run_duration_seconds Run durations\n"
            "# TYPE avni_integrator_job_run_duration_seconds histogram\n"
            "avni_integrator_job_run_duration_seconds_bucket{job=\"main\",le=\"1\"} 2\n"
            "avni_integrator_job_run_duration_seconds_bucket{job=\"main\",le=\"10\"} 3\n"
            "avni_integrator_job_run_duration_seconds_bucket{job=\"main\",le=\"100\"} 4\n"
            "avni_integrator_job_run_duration_seconds_bucket{job=\"main\",le=\"+Inf\"} 6\n"
            "avni_integrator_job_run_duration_seconds_sum{job=\"main\"} 5556.5\n"
            "avni_integrator_job_run_duration_seconds_count{job=\"main\"} 6\n");
}

TEST(MetricsTextFormat, SamplesWithoutLabelsHaveNoBraces) {
  TextWriter out;
  out.Family("avni_integrator_store_pool_in_use", "Lent out", "gauge");
  out.Sample("avni_integrator_store_pool_in_use", {}, {}, std::int64_t{3});
  out.Sample("avni_integrator_process_start_time_seconds", {}, {}, 1700000000.25);
  EXPECT_EQ(out.text(),
            "# HELP avni_integrator_store_pool_in_use Lent out\n"
            "# TYPE avni_integrator_store_pool_in_use gauge\n"
            "avni_integrator_store_pool_in_use 3\n"
            "avni_integrator_process_start_time_seconds 1700000000.25\n");
}

TEST(MetricsTextFormat, CountsFromManyThreadsAddUp) {
  CounterFamily family("c", "h", {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) family.Add({i % 2 == 0 ? "even" : "odd"});
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(family.Value({"even"}), 4000);
  EXPECT_EQ(family.Value({"odd"}), 4000);
}

}  // namespace
}  // namespace avni::metrics
