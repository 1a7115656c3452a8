// Reading pole names from meta.json and filling placeholders.
#include "report/poles.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "io/csv_reader.hpp"

namespace hedgesim::report {

namespace {
std::string seat_of(const nlohmann::json& agent) {
  if (agent.contains("seat") && agent["seat"].is_string()) return agent["seat"].get<std::string>();
  return agent.at("name").get<std::string>();
}
}  // namespace

/// "A", "A and B", "A, B and C".
std::string name_list(const std::vector<std::string>& names) {
  std::string out = names.front();
  for (std::size_t i = 1; i < names.size(); ++i)
    out += (i + 1 == names.size() ? " and " : ", ") + names[i];
  return out;
}

Poles poles_of(const nlohmann::json& agents) {
  // Patrons at pole +1 are "the West" of the texts, those at pole -1 "the rival" (whose seats courting aims
  // at).
  Poles p;
  std::vector<std::string> west, rivals, rival_seats;
  for (const auto& a : agents) {
    // Files written before blocs existed give the kinds "rival" and "west" instead of a pole.
    const std::string kind = a.contains("kind") && a["kind"].is_string() ? a["kind"].get<std::string>() : "";
    const int pole = a.contains("pole") && a["pole"].is_number() ? a["pole"].get<int>()
                     : kind == "rival"                           ? -1
                     : kind == "west"                            ? 1
                                                                 : 0;
    if (pole < 0) {
      rivals.push_back(a.at("name").get<std::string>());
      rival_seats.push_back(seat_of(a));
    } else if (pole > 0) {
      west.push_back(seat_of(a));
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
    const auto meta =
        nlohmann::json::parse(io::read_text_file((std::filesystem::path(dir) / "meta.json").string()));
    return poles_of(meta.at("agents"));
  } catch (const std::exception&) {
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
