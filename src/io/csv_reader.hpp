// Reading the CSV files of a run directory (trajectory.csv, events.csv, attribution.csv, bands.csv): a header
// row, comma-separated fields, and RFC-4180 double quotes around a field that contains a comma, a quote or a
// line break. Every field remembers where it starts, so a bad row or a bad number is reported as
// `file:line:col` (col counts characters, not bytes). CsvReader streams one record at a time, for files too
// large to hold as strings (the attribution of a large ensemble); read_csv() loads a small file whole.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"
#include "model/input_error.hpp"

namespace hedgesim::io {

/// Where a field starts: 1-based line and character column.
struct FieldStart {
  int line = 0;
  int col = 0;
};

/// The whole text of a file of a run directory, decompressed if it is gzip (compression.hpp). Throws
/// InputError({path, 0, 0}, "cannot read ...") naming the reason and telling the user to run `hedgesim run`
/// first, or gunzip's InputError for damaged gzip.
std::string read_text_file(const std::string& path);

/// A field parsed as a finite decimal number (std::from_chars); InputError at `where` otherwise. `column`
/// names the column in the message.
double parse_number(std::string_view text, const SourcePos& where, std::string_view column);
/// A field parsed as a whole number.
long long parse_integer(std::string_view text, const SourcePos& where, std::string_view column);
/// A field parsed as an ISO date "YYYY-MM-DD".
Date parse_date_field(std::string_view text, const SourcePos& where, std::string_view column);

/// Reads a CSV file record by record. The file is read when constructed; the header row must be present.
class CsvReader {
 public:
  /// Reads `path` and its header row; throws InputError when the file is missing or has no header.
  explicit CsvReader(std::string path);

  const std::string& file() const noexcept { return file_; }
  const std::vector<std::string>& header() const noexcept { return header_; }
  /// Index of the column called `name`; InputError naming the file, the column and the columns it has.
  std::size_t column(std::string_view name) const;

  /// Advances to the next record; false at the end of the file. Throws InputError (at the record's line,
  /// column 1) when the record has a different number of fields than the header.
  bool next();
  /// Line on which the current record starts.
  int line() const noexcept { return record_line_; }
  const std::string& text(std::size_t col) const { return fields_.at(col); }
  const std::vector<std::string>& fields() const noexcept { return fields_; }
  const std::vector<FieldStart>& starts() const noexcept { return starts_; }
  SourcePos pos(std::size_t col) const;
  double number(std::size_t col) const { return parse_number(text(col), pos(col), header_.at(col)); }
  long long integer(std::size_t col) const { return parse_integer(text(col), pos(col), header_.at(col)); }
  Date date(std::size_t col) const { return parse_date_field(text(col), pos(col), header_.at(col)); }

 private:
  bool read_record();
  void read_field();
  void read_quoted_field();
  char take();
  [[noreturn]] void fail_here(const std::string& what) const;

  std::string file_;
  std::string content_;
  std::size_t at_ = 0;  // next unread byte of content_
  int line_ = 1;        // position of content_[at_]
  int col_ = 1;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
  std::vector<FieldStart> starts_;
  int record_line_ = 0;
};

/// A whole CSV file in memory: for small files (events.csv) and tests.
struct CsvTable {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<FieldStart>> starts;  ///< where each field of `rows` starts

  /// Index of the column called `name`; InputError naming the file and the missing column.
  std::size_t column(std::string_view name) const;
  SourcePos pos(std::size_t row, std::size_t col) const;
  double number(std::size_t row, std::size_t col) const;
  long long integer(std::size_t row, std::size_t col) const;
  Date date(std::size_t row, std::size_t col) const;
};

/// Reads a whole CSV file; the errors are those of CsvReader.
CsvTable read_csv(const std::string& path);

}  // namespace hedgesim::io
