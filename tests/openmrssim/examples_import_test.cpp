// examples/bahmni/mappings.csv imports cleanly into a tenant through the real `mappings import`
// code, on SQLite and PostgreSQL: the example a deployment starts from is a valid file.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "mapping/mapping_import.hpp"
#include "support/store_test.hpp"

namespace avni::testing {
namespace {

class OpenmrsSimExampleImportTest : public StoreTest {};

TEST_P(OpenmrsSimExampleImportTest, TheCommittedMappingsImportWithoutAnError) {
  std::ifstream in(std::string(AVNI_EXAMPLES_DIR) + "/mappings.csv", std::ios::binary);
  std::stringstream csv;
  csv << in.rdbuf();
  ASSERT_FALSE(csv.str().empty());
  const TenantId tenant = MakeTenant("demo-bahmni");
  auto report = mapping::ImportMappingsCsv(*store_, tenant, csv.str(), {false, "tester"});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  std::string errors;
  for (const auto& e : report->errors) errors += std::to_string(e.line) + ": " + e.message + "\n";
  EXPECT_TRUE(report->ok()) << errors;
  std::int64_t lines = -1;  // the header
  for (const char c : csv.str()) lines += c == '\n';
  EXPECT_EQ(report->created, lines);
  // Importing it again changes nothing.
  auto again = mapping::ImportMappingsCsv(*store_, tenant, csv.str(), {false, "tester"});
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->unchanged, lines);
}

AVNI_ON_EVERY_BACKEND(OpenmrsSimExampleImportTest);

}  // namespace
}  // namespace avni::testing
