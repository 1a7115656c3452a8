// Number and field formatting for CSV output.
#include "io/csv_writer.hpp"

#include <charconv>

namespace hedgesim::io {

void append_number(std::string& out, double v) {
  char buf[32];
  if (v == 0.0) v = 0.0;  // write -0 as 0
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_integer(std::string& out, std::int64_t v) {
  char buf[24];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace hedgesim::io
