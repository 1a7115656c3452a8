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

Poles poles_of(const nlohmann::json& agents) {
  Poles p;
  std::vector<std::string> west;
  for (const auto& a : agents) {
    const std::string kind = a.at("kind").get<std::string>();
    if (kind == "rival") {
      p.rival = a.at("name").get<std::string>();
      p.rival_seat = seat_of(a);
    } else if (kind == "west") {
      west.push_back(seat_of(a));
    }
  }
  if (!west.empty()) {
    p.west_seats = west.front();
    for (std::size_t i = 1; i < west.size(); ++i)
      p.west_seats += (i + 1 == west.size() ? " and " : ", ") + west[i];
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
