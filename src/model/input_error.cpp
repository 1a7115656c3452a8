// InputError formatting and the name-suggestion helpers shared by every validator.
#include "model/input_error.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace hedgesim {

namespace {
std::string format_position(const SourcePos& p) {
  std::string s = p.file.empty() ? std::string("<input>") : p.file;
  s += ':' + std::to_string(p.line) + ':' + std::to_string(p.col);
  return s;
}

// std::tolower on a plain char is undefined for bytes >= 0x80 (UTF-8 names such as "Vučić").
int lower(char c) {
  return std::tolower(static_cast<unsigned char>(c));
}
}  // namespace

InputError::InputError(SourcePos where, const std::string& what)
    : std::runtime_error(format_position(where) + ": " + what), where_(std::move(where)), detail_(what) {}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      const std::size_t cost = (lower(a[i - 1]) == lower(b[j - 1])) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  const std::string* best = nullptr;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (best == nullptr || d < best_d) {
      best = &c;
      best_d = d;
    }
  }
  // A suggestion is only useful when it is plausibly a typo: at most a third of the name differs.
  if (best == nullptr || best_d > std::max<std::size_t>(2, name.size() / 3)) return "";
  return " (did you mean '" + *best + "'?)";
}

std::string join_quoted(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += "'" + names[i] + "'";
  }
  return out;
}

}  // namespace hedgesim
