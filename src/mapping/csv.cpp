#include "mapping/csv.hpp"

#include <fmt/format.h>

#include <cstddef>

namespace avni::mapping {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// How many bytes the UTF-8 sequence at text[i] (a byte >= 0x80) has; 0 when it is not valid
// UTF-8 (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, or a
// code point past U+10FFFF).
std::size_t Utf8Length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {
    if (text_.starts_with(kBom)) text_.remove_prefix(kBom.size());
  }

  CsvDocument Read() {
    while (pos_ < text_.size()) {
      if (AtLineBreak()) {  // an empty line
        SkipLineBreak();
        continue;
      }
      if (!ReadRecord()) break;
    }
    return std::move(doc_);
  }

 private:
  bool AtLineBreak() const { return text_[pos_] == '\n' || text_[pos_] == '\r'; }
  bool AtFieldEnd() const { return pos_ >= text_.size() || text_[pos_] == ',' || AtLineBreak(); }

  // Moves past one CRLF, LF or CR.
  void SkipLineBreak() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  void Problem(int field, std::string message) {
    bad_ = true;
    doc_.errors.push_back(CsvError{line_, field, std::move(message)});
  }

  // Appends text_[pos_] (and the rest of its UTF-8 sequence) to `out` and moves past it,
  // reporting a byte that is not UTF-8 text once per line.
  void TakeChar(std::string& out, int field) {
    const unsigned char c = static_cast<unsigned char>(text_[pos_]);
    std::size_t length = 1;
    if (c >= 0x80) {
      length = Utf8Length(text_, pos_);
      if (length == 0) {
        if (utf8_reported_line_ != line_) {
          utf8_reported_line_ = line_;
          Problem(field, fmt::format("byte 0x{:02X} is not UTF-8 text; save the file as UTF-8", c));
        }
        length = 1;
      }
    } else if (c == 0) {
      Problem(field, "a NUL character; remove it");
    }
    out.append(text_.substr(pos_, length));
    pos_ += length;
  }

  // A quoted field, from its opening quote. False when it is never closed.
  bool ReadQuoted(std::string& out, int field) {
    const int opened = line_;
    ++pos_;
    for (;;) {
      if (pos_ >= text_.size()) {
        bad_ = true;
        doc_.errors.push_back(
            CsvError{opened, field,
                     fmt::format("the quoted field {} opened on this line is never closed; add the "
                                 "closing \" (a \" inside a quoted field is written twice: \"\")",
                                 field)});
        return false;
      }
      const char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          out += '"';
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      // Line breaks inside quotes are data; they still count as lines.
      if (c == '\n' || (c == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n'))) {
        ++line_;
      }
      TakeChar(out, field);
    }
    if (!AtFieldEnd()) {
      Problem(field, fmt::format("text after the closing quote of field {}; put the whole field "
                                 "in quotes and write each \" inside it twice (\"\")",
                                 field));
      while (!AtFieldEnd()) TakeChar(out, field);
    }
    return true;
  }

  void ReadUnquoted(std::string& out, int field) {
    bool reported = false;
    while (!AtFieldEnd()) {
      if (text_[pos_] == '"' && !reported) {
        reported = true;
        Problem(field, fmt::format("a \" inside unquoted field {}; put the whole field in quotes "
                                   "and write each \" inside it twice (\"\")",
                                   field));
      }
      TakeChar(out, field);
    }
  }

  // One record, from its first byte to past its line break. False when the rest of the text
  // cannot be read (an unclosed quote swallowed it).
  bool ReadRecord() {
    CsvRecord record{line_, {}};
    bad_ = false;
    for (;;) {
      std::string value;
      const int field = static_cast<int>(record.fields.size()) + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        if (!ReadQuoted(value, field)) return false;
      } else {
        ReadUnquoted(value, field);
      }
      record.fields.push_back(std::move(value));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      break;
    }
    const int end_line = line_;
    if (pos_ < text_.size()) SkipLineBreak();
    if (!expected_fields_) {
      expected_fields_ = record.fields.size();
      header_line_ = record.line;
    } else if (record.fields.size() != expected_fields_) {
      bad_ = true;
      doc_.errors.push_back(CsvError{
          record.line, 0,
          fmt::format(
              "{} field{} where the header (line {}) has {}{}", record.fields.size(),
              record.fields.size() == 1 ? "" : "s", header_line_, expected_fields_,
              end_line != record.line
                  ? fmt::format(" (the record runs to line {}: is a quote missing?)", end_line)
                  : "")});
    }
    if (!bad_) doc_.records.push_back(std::move(record));
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int utf8_reported_line_ = 0;
  bool bad_ = false;  // the record being read has a problem
  std::size_t expected_fields_ = 0;
  int header_line_ = 0;
  CsvDocument doc_;
};

}  // namespace

CsvDocument ReadCsv(std::string_view text) { return Reader(text).Read(); }

std::string CsvField(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendCsvRecord(std::string& out, const std::vector<std::string>& fields) {
  if (fields.size() == 1 && fields[0].empty()) {
    out += "\"\"\r\n";
    return;
  }
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += CsvField(fields[i]);
  }
  out += "\r\n";
}

namespace {

// Whether `value` is some "'"s (at least `quotes`) and then a character that starts a formula.
bool QuotedFormula(std::string_view value, std::size_t quotes) {
  const std::size_t first = value.find_first_not_of('\'');
  if (first == std::string_view::npos || first < quotes) return false;
  return std::string_view("=+-@\t\r").find(value[first]) != std::string_view::npos;
}

}  // namespace

std::string SpreadsheetSafe(std::string_view value) {
  if (!QuotedFormula(value, 0)) return std::string(value);
  return "'" + std::string(value);
}

std::string FromSpreadsheetSafe(std::string value) {
  if (QuotedFormula(value, 1)) value.erase(0, 1);
  return value;
}

}  // namespace avni::mapping
