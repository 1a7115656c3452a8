// CSV output: a row builder that formats numbers with std::to_chars (shortest text that reads back to the
// same double), so that equal results are equal bytes, and quotes text fields only when RFC 4180 needs it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hedgesim::io {

/// Appends the shortest round-trip decimal form of v ("0.1", "-2.5e-07", "1").
void append_number(std::string& out, double v);
void append_integer(std::string& out, std::int64_t v);
/// Appends s, quoted with doubled quotes if it contains a comma, quote or newline.
void append_field(std::string& out, std::string_view s);

/// Builds one line at a time into a buffer: `row.num(x).text("ABC").end()`.
class CsvBuffer {
 public:
  CsvBuffer& text(std::string_view s) {
    sep();
    append_field(buf_, s);
    return *this;
  }
  CsvBuffer& num(double v) {
    sep();
    append_number(buf_, v);
    return *this;
  }
  CsvBuffer& integer(std::int64_t v) {
    sep();
    append_integer(buf_, v);
    return *this;
  }
  CsvBuffer& end() {
    buf_ += '\n';
    first_ = true;
    return *this;
  }
  std::string& str() { return buf_; }

 private:
  void sep() {
    if (!first_) buf_ += ',';
    first_ = false;
  }
  std::string buf_;
  bool first_ = true;
};

}  // namespace hedgesim::io
