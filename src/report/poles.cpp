// Reading pole names from meta.json and filling placeholders.
#include "report/poles.hpp"

#include <exception>
#include <vector>

namespace hedgesim::report {

/// "A", "A and B", "A, B and C".
std::string name_list(const std::vector<std::string>& names) {
  std::string out = names.front();
  for (std::size_t i = 1; i < names.size(); ++i)
    out += (i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

Poles poles_of(const std::vector<results::RunAgent>& agents) {
  // Patrons at pole +1 are "the West" of the texts, those at pole -1 "the rival" (whose seats courting aims
  // at).
  Poles p;
  std::vector<std::string> west, rivals, rival_seats;
  for (const results::RunAgent& a : agents) {
    if (a.pole < 0) {
      rivals.push_back(a.name);
      rival_seats.push_back(a.seat);
    } else if (a.pole > 0) {
      west.push_back(a.seat);
    }
  }
  if (!west.empty()) p.west_seats = name_list(west);
  if (!rivals.empty()) {
    p.rival = name_list(rivals);
    p.rival_seat = name_list(rival_seats);
  }
  return p;
}

Poles read_poles(const std::string& dir) {
  try {
    return poles_of(results::read_run_meta(dir).agents);
  } catch (const std::exception&) {  // decoration: a missing or odd meta.json leaves the generic names
    return Poles{};
  }
}

std::string fill_poles(std::string_view text, const Poles& poles) {
  const std::pair<std::string_view, const std::string*> keys[] = {
      {"{rival_seat}", &poles.rival_seat}, {"{west_seats}", &poles.west_seats}, {"{rival}", &poles.rival}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    for (const auto& [key, value] : keys)
      if (text.substr(i, key.size()) == key) {
        out += *value;
        i += key.size();
        replaced = true;
        break;
      }
    if (!replaced) out += text[i++];
  }
  return out;
}

}  // namespace hedgesim::report
