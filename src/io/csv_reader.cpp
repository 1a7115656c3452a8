// The CSV reader: an RFC-4180 record scanner over the file's text that tracks line and character column, and
// the field parsers (numbers, whole numbers, dates) that turn a bad field into an InputError at its position.
#include "io/csv_reader.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "io/compression.hpp"
#include "io/memory.hpp"

namespace hedgesim::io {

namespace {

const char kHowToCreate[] = "; run `hedgesim run` first to create it";

std::string comma_list(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i > 0 ? ", " : "") + names[i];
  return out;
}

bool is_utf8_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t find_column(const std::string& file, const std::vector<std::string>& header,
                        std::string_view name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw InputError({file, 1, 1}, "the file has no column '" + std::string(name) + "'; its columns are " +
                                     comma_list(header) +
                                     " (was it written by another version of hedgesim?)");
}

}  // namespace

std::string read_text_file(const std::string& path) {
  // std::FILE rather than a stream: errno after fopen/fread is the reason we can show the user.
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw InputError({path, 0, 0}, "cannot read " + path + ": " + std::strerror(errno) + kHowToCreate);
  std::string text;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0)
    text.append(buf, n);
  if (std::ferror(f.get()))
    throw InputError({path, 0, 0}, "cannot read " + path + ": " + std::strerror(errno) + kHowToCreate);
  // A gzip'd file (hedgesim run --compress gzip) reads as its text; at most half the free memory, so that a
  // file crafted to expand without end is refused instead of exhausting the machine.
  if (is_gzip(text)) return gunzip(text, path, available_memory_bytes().value_or(std::uint64_t{1} << 32) / 2);
  return text;
}

double parse_number(std::string_view text, const SourcePos& where, std::string_view column) {
  double v = 0.0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v))
    throw InputError(where, "'" + std::string(text) + "' in column '" + std::string(column) +
                                "' is not a number; expected a decimal number such as -0.25");
  return v;
}

long long parse_integer(std::string_view text, const SourcePos& where, std::string_view column) {
  long long v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc{} || ptr != end)
    throw InputError(where, "'" + std::string(text) + "' in column '" + std::string(column) +
                                "' is not a whole number; expected e.g. 0, 1, 2");
  return v;
}

Date parse_date_field(std::string_view text, const SourcePos& where, std::string_view column) {
  const auto d = parse_date(text);
  if (!d)
    throw InputError(where, "'" + std::string(text) + "' in column '" + std::string(column) +
                                "' is not a date; expected YYYY-MM-DD, e.g. 2019-10-18");
  return *d;
}

// ---- CsvReader
// ---------------------------------------------------------------------------------------------

CsvReader::CsvReader(std::string path) : file_(std::move(path)), content_(read_text_file(file_)) {
  if (content_.starts_with("\xEF\xBB\xBF")) at_ = 3;  // a UTF-8 byte-order mark is not part of the header
  if (!read_record()) throw InputError({file_, 1, 1}, "the file is empty; expected a header row");
  header_ = fields_;
}

std::size_t CsvReader::column(std::string_view name) const {
  return find_column(file_, header_, name);
}

SourcePos CsvReader::pos(std::size_t col) const {
  const FieldStart& s = starts_.at(col);
  return {file_, s.line, s.col};
}

bool CsvReader::next() {
  if (!read_record()) return false;
  if (fields_.size() != header_.size())
    throw InputError({file_, record_line_, 1},
                     "this row has " + std::to_string(fields_.size()) + " fields but the header has " +
                         std::to_string(header_.size()) + " (" + comma_list(header_) +
                         "); put a field containing a comma in double quotes");
  return true;
}

char CsvReader::take() {
  const char c = content_[at_++];
  if (c == '\n') {
    ++line_;
    col_ = 1;
  } else if (!is_utf8_continuation(c)) {
    ++col_;
  }
  return c;
}

void CsvReader::fail_here(const std::string& what) const {
  throw InputError({file_, line_, col_}, what);
}

bool CsvReader::read_record() {
  // Blank lines carry no record (a hand-edited file often ends with several).
  while (at_ < content_.size() && (content_[at_] == '\n' || content_[at_] == '\r'))
    take();
  if (at_ >= content_.size()) return false;
  record_line_ = line_;
  fields_.clear();
  starts_.clear();
  while (true) {
    read_field();
    if (at_ >= content_.size()) break;
    const char c = take();
    if (c == ',') continue;
    if (c == '\r' && at_ < content_.size() && content_[at_] == '\n') take();
    break;  // c was the line break
  }
  return true;
}

void CsvReader::read_field() {
  starts_.push_back({line_, col_});
  fields_.emplace_back();
  if (at_ < content_.size() && content_[at_] == '"') {
    read_quoted_field();
    return;
  }
  std::string& field = fields_.back();
  while (at_ < content_.size() && content_[at_] != ',' && content_[at_] != '\n' && content_[at_] != '\r')
    field += take();
}

void CsvReader::read_quoted_field() {
  const FieldStart open = starts_.back();
  std::string& field = fields_.back();
  take();  // the opening quote
  while (true) {
    if (at_ >= content_.size())
      throw InputError(
          {file_, open.line, open.col},
          "this quoted field is not closed; a field that starts with a double quote must end with "
          "one");
    const char c = take();
    if (c != '"') {
      field += c;
    } else if (at_ < content_.size() && content_[at_] == '"') {
      field += take();  // "" stands for one quote
    } else {
      break;
    }
  }
  if (at_ < content_.size() && content_[at_] != ',' && content_[at_] != '\n' && content_[at_] != '\r')
    fail_here("unexpected text after a closing double quote; inside a quoted field write a quote as \"\"");
}

// ---- CsvTable
// ----------------------------------------------------------------------------------------------

std::size_t CsvTable::column(std::string_view name) const {
  return find_column(file, header, name);
}

SourcePos CsvTable::pos(std::size_t row, std::size_t col) const {
  const FieldStart& s = starts.at(row).at(col);
  return {file, s.line, s.col};
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  return parse_number(rows.at(row).at(col), pos(row, col), header.at(col));
}

long long CsvTable::integer(std::size_t row, std::size_t col) const {
  return parse_integer(rows.at(row).at(col), pos(row, col), header.at(col));
}

Date CsvTable::date(std::size_t row, std::size_t col) const {
  return parse_date_field(rows.at(row).at(col), pos(row, col), header.at(col));
}

CsvTable read_csv(const std::string& path) {
  CsvReader reader(path);
  CsvTable table{path, reader.header(), {}, {}};
  while (reader.next()) {
    table.rows.push_back(reader.fields());
    table.starts.push_back(reader.starts());
  }
  return table;
}

}  // namespace hedgesim::io
