#pragma once
// RFC 4180 CSV: a reader that finds every problem of a text (with the line it is on) and a
// writer whose output that reader gives back exactly.

#include <string>
#include <string_view>
#include <vector>

namespace avni::mapping {

// One record, with the line it starts on (1-based; a quoted field holding line breaks makes a
// record span several lines).
struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// One problem of the text: where it is and, for a person, what is wrong and how to fix it.
// The message does not repeat the line number.
struct CsvError {
  int line = 0;
  int field = 0;  // 1-based field of the record; 0 when the problem is not in one field
  std::string message;
};

struct CsvDocument {
  std::vector<CsvRecord> records;  // the records without problems, in order
  std::vector<CsvError> errors;    // every problem found, in order of position
};

// Reads CSV text as RFC 4180 describes it, and is lenient only where no data can be misread:
// - fields are separated by commas; a field in double quotes may hold commas, line breaks and
//   quotes (written twice: ""); what is inside quotes is kept byte for byte;
// - records end with CRLF, LF or a lone CR; the last record needs no line break;
// - the text is UTF-8, optionally beginning with a byte order mark (dropped);
// - empty lines between records are skipped.
// Problems (each reported, and the record it is in left out of `records`): a quoted field that
// is never closed (reported on the line where it opens; nothing after it can be read), a quote
// inside an unquoted field, text after a closing quote, bytes that are not UTF-8 or a NUL, and
// a record whose number of fields differs from the first record's (the header's).
CsvDocument ReadCsv(std::string_view text);

// One field as it is written: in double quotes (with quotes doubled) when it holds a comma, a
// quote, a CR or an LF; as it is otherwise.
std::string CsvField(std::string_view value);

// Appends one record and its CRLF line break (RFC 4180). A record of one empty field is
// written as "" so that it does not read back as an empty line.
void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields);

// Spreadsheets run a cell that begins with '=', '+', '-', '@', a tab or a carriage return as a
// formula: an exported value such as "=HYPERLINK(...)" would run in an administrator's
// spreadsheet. SpreadsheetSafe puts a "'" in front of such a value, and of one that already is
// a run of "'" followed by one of those (so that the round trip is exact); spreadsheets show
// the cell without it. FromSpreadsheetSafe takes that one "'" off again on import:
// FromSpreadsheetSafe(SpreadsheetSafe(v)) == v for every v.
std::string SpreadsheetSafe(std::string_view value);
std::string FromSpreadsheetSafe(std::string value);

}  // namespace avni::mapping
