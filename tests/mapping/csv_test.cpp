// The RFC 4180 reader and writer: every quoting case, line endings, BOM, and every problem
// reported with its line.
#include "mapping/csv.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace avni::mapping {
namespace {

using Fields = std::vector<std::string>;

std::vector<Fields> FieldsOf(const CsvDocument& doc) {
  std::vector<Fields> out;
  for (const auto& r : doc.records) out.push_back(r.fields);
  return out;
}

std::vector<int> LinesOf(const CsvDocument& doc) {
  std::vector<int> out;
  for (const auto& r : doc.records) out.push_back(r.line);
  return out;
}

std::string Messages(const CsvDocument& doc) {
  std::string out;
  for (const auto& e : doc.errors) {
    out += "line " + std::to_string(e.line) + " field " + std::to_string(e.field) + ": " +
           e.message + "\n";
  }
  return out;
}

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(CsvReadTest, PlainFieldsWithLfCrLfAndNoFinalLineBreak) {
  for (const std::string text :
       {"a,b,c\n1,2,3\n", "a,b,c\r\n1,2,3\r\n", "a,b,c\r\n1,2,3", "a,b,c\r1,2,3\r"}) {
    SCOPED_TRACE(text);
    const CsvDocument doc = ReadCsv(text);
    EXPECT_TRUE(doc.errors.empty()) << Messages(doc);
    EXPECT_EQ(FieldsOf(doc), (std::vector<Fields>{{"a", "b", "c"}, {"1", "2", "3"}}));
    EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 2}));
  }
}

TEST(CsvReadTest, EmptyFieldsAreKeptEmptyLinesAreSkipped) {
  const CsvDocument doc = ReadCsv("a,b,c\n,,\n\n\r\n\"\",x,\n");
  EXPECT_TRUE(doc.errors.empty()) << Messages(doc);
  EXPECT_EQ(FieldsOf(doc), (std::vector<Fields>{{"a", "b", "c"}, {"", "", ""}, {"", "x", ""}}));
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 2, 5}));
  EXPECT_TRUE(ReadCsv("").records.empty());
  EXPECT_TRUE(ReadCsv("").errors.empty());
}

TEST(CsvReadTest, QuotedFieldsHoldCommasQuotesAndLineBreaksVerbatim) {
  const std::string text =
      "name,note\n"
      "\"a, b\",\"he said \"\"hi\"\"\"\n"
      "\"two\nlines\",\"crlf\r\ninside\"\n"
      "\"\"\"\",\" spaced \"\n"
      "last,\"lone\rcr\"\n";
  const CsvDocument doc = ReadCsv(text);
  EXPECT_TRUE(doc.errors.empty()) << Messages(doc);
  EXPECT_EQ(FieldsOf(doc), (std::vector<Fields>{{"name", "note"},
                                                {"a, b", "he said \"hi\""},
                                                {"two\nlines", "crlf\r\ninside"},
                                                {"\"", " spaced "},
                                                {"last", "lone\rcr"}}));
  // A record starts on the line where it begins; line breaks inside quotes count as lines.
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 2, 3, 6, 7}));
}

TEST(CsvReadTest, ABomIsDroppedAndUtf8IsKept) {
  const CsvDocument doc = ReadCsv("\xEF\xBB\xBFgroup,value\nObs,Hémoglobine 血红蛋白 😀\n");
  EXPECT_TRUE(doc.errors.empty()) << Messages(doc);
  EXPECT_EQ(FieldsOf(doc),
            (std::vector<Fields>{{"group", "value"}, {"Obs", "Hémoglobine 血红蛋白 😀"}}));
  // Only a BOM at the very start is one; elsewhere it is text.
  EXPECT_EQ(ReadCsv("a\n\xEF\xBB\xBFx\n").records.at(1).fields.at(0), "\xEF\xBB\xBFx");
}

TEST(CsvReadTest, InvalidUtf8IsRefusedNamingEachLine) {
  const std::string text =
      "a,b\n"
      "ok,\xC3\xA9\n"           // é
      "bad,\xFF\n"              // not a lead byte
      "\"also\nbad \xC3\",x\n"  // truncated, on line 5 inside a quoted field
      "overlong,\xC0\xAF\n"
      "surrogate,\xED\xA0\x80\n"
      "past max,\xF4\x90\x80\x80\n"
      "fine,\xF0\x9F\x98\x80\n";
  const CsvDocument doc = ReadCsv(text);
  ASSERT_EQ(doc.errors.size(), 5u) << Messages(doc);
  const std::vector<int> lines{3, 5, 6, 7, 8};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(doc.errors[i].line, lines[i]) << Messages(doc);
    EXPECT_TRUE(Has(doc.errors[i].message, "not UTF-8")) << doc.errors[i].message;
  }
  EXPECT_TRUE(Has(doc.errors[0].message, "0xFF"));
  EXPECT_EQ(doc.errors[0].field, 2);
  // The records with a problem are left out.
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 2, 9}));
}

TEST(CsvReadTest, ANulIsRefused) {
  const CsvDocument doc = ReadCsv(std::string("a,b\nx,y\0z\n", 10));
  ASSERT_EQ(doc.errors.size(), 1u) << Messages(doc);
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_TRUE(Has(doc.errors[0].message, "NUL"));
}

TEST(CsvReadTest, AStrayQuoteInAnUnquotedFieldIsNamedAndReadingGoesOn) {
  const CsvDocument doc = ReadCsv("a,b\nx,5\" pipe\nok,1\ny\"\"z,2\n");
  ASSERT_EQ(doc.errors.size(), 2u) << Messages(doc);
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_EQ(doc.errors[0].field, 2);
  EXPECT_TRUE(Has(doc.errors[0].message, "inside unquoted field 2")) << doc.errors[0].message;
  EXPECT_EQ(doc.errors[1].line, 4);
  EXPECT_EQ(doc.errors[1].field, 1);
  EXPECT_EQ(FieldsOf(doc), (std::vector<Fields>{{"a", "b"}, {"ok", "1"}}));
}

TEST(CsvReadTest, TextAfterAClosingQuoteIsNamed) {
  const CsvDocument doc = ReadCsv("a,b\n\"x\"y,1\nok,2\n");
  ASSERT_EQ(doc.errors.size(), 1u) << Messages(doc);
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_EQ(doc.errors[0].field, 1);
  EXPECT_TRUE(Has(doc.errors[0].message, "after the closing quote")) << doc.errors[0].message;
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 3}));
}

TEST(CsvReadTest, AnUnterminatedQuoteIsReportedWhereItOpens) {
  const CsvDocument doc = ReadCsv("a,b\nok,1\nx,\"never closed\nmore,2\nlast,3\n");
  ASSERT_EQ(doc.errors.size(), 1u) << Messages(doc);
  EXPECT_EQ(doc.errors[0].line, 3);
  EXPECT_EQ(doc.errors[0].field, 2);
  EXPECT_TRUE(Has(doc.errors[0].message, "never closed")) << doc.errors[0].message;
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 2}));
}

TEST(CsvReadTest, AWrongNumberOfFieldsNamesBothCounts) {
  const CsvDocument doc = ReadCsv("a,b,c\n1,2\n1,2,3\n1,2,3,4\n\"x\ny\",2\n");
  ASSERT_EQ(doc.errors.size(), 3u) << Messages(doc);
  EXPECT_EQ(doc.errors[0].line, 2);
  EXPECT_EQ(doc.errors[0].field, 0);
  EXPECT_TRUE(Has(doc.errors[0].message, "2 fields where the header (line 1) has 3"))
      << doc.errors[0].message;
  EXPECT_EQ(doc.errors[1].line, 4);
  EXPECT_TRUE(Has(doc.errors[1].message, "4 fields")) << doc.errors[1].message;
  EXPECT_EQ(doc.errors[2].line, 5);
  EXPECT_TRUE(Has(doc.errors[2].message, "runs to line 6")) << doc.errors[2].message;
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 3}));
}

TEST(CsvReadTest, EveryProblemOfAFileIsReportedInOrder) {
  const CsvDocument doc =
      ReadCsv("a,b\nx\"y,1\n\"ok\",2\n1,2,3\n\xFE,4\n\"z\"q,5\nfine,6\n\"open,7\n");
  std::vector<int> lines;
  for (const auto& e : doc.errors) lines.push_back(e.line);
  EXPECT_EQ(lines, (std::vector<int>{2, 4, 5, 6, 8})) << Messages(doc);
  EXPECT_EQ(LinesOf(doc), (std::vector<int>{1, 3, 7}));
}

TEST(CsvWriteTest, FieldsAreQuotedOnlyWhenTheyNeedIt) {
  EXPECT_EQ(CsvField("plain text"), "plain text");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  std::string out;
  AppendCsvRecord(out, {"a", "b,c", ""});
  AppendCsvRecord(out, {""});
  EXPECT_EQ(out, "a,\"b,c\",\r\n\"\"\r\n");
}

TEST(CsvWriteTest, WhatIsWrittenReadsBackExactly) {
  const std::vector<Fields> records{{"group", "value", "about"},
                                    {"a, b", "\"quoted\"", "line\nbreak"},
                                    {"", "crlf\r\ninside", "lone\rcr"},
                                    {" spaces ", "é 血 😀", "\"\""},
                                    {"x", "", ""}};
  std::string out;
  for (const auto& r : records) AppendCsvRecord(out, r);
  const CsvDocument doc = ReadCsv(out);
  EXPECT_TRUE(doc.errors.empty()) << Messages(doc);
  EXPECT_EQ(FieldsOf(doc), records);
  // A record of one empty field survives too.
  std::string one;
  AppendCsvRecord(one, {"h"});
  AppendCsvRecord(one, {""});
  EXPECT_EQ(FieldsOf(ReadCsv(one)), (std::vector<Fields>{{"h"}, {""}}));
}

// Issue 15: "=HYPERLINK(...)" was exported as it is, and ran in the spreadsheet that opened it.
TEST(CsvSpreadsheetTest, FormulaStartsGetAQuoteThatImportTakesOff) {
  EXPECT_EQ(SpreadsheetSafe("=1+2"), "'=1+2");
  EXPECT_EQ(SpreadsheetSafe("+91 98450"), "'+91 98450");
  EXPECT_EQ(SpreadsheetSafe("-5"), "'-5");
  EXPECT_EQ(SpreadsheetSafe("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(SpreadsheetSafe("\t=x"), "'\t=x");
  EXPECT_EQ(SpreadsheetSafe("''=x"), "'''=x");
  for (const char* plain : {"", "Weight", "a=b", "5-3", "'quoted'", "'", "don't"}) {
    EXPECT_EQ(SpreadsheetSafe(plain), plain);
  }
  for (const char* v : {"=1+2", "-5", "'=x", "''@y", "'", "'a", "", "plain", "\r=cmd"}) {
    EXPECT_EQ(FromSpreadsheetSafe(SpreadsheetSafe(v)), v) << v;
  }
}

}  // namespace
}  // namespace avni::mapping
