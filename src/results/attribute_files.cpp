#include "results/attribute_files.hpp"

#include <array>
#include <filesystem>

#include "io/csv_reader.hpp"
#include "model/input_error.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {
namespace {
constexpr const char* kColumns[] = {"metric",
                                    "event",
                                    "date",
                                    "label",
                                    "knockout",
                                    "knockout_low",
                                    "knockout_high",
                                    "shapley",
                                    "shapley_low",
                                    "shapley_high",
                                    "interaction",
                                    "interaction_low",
                                    "interaction_high",
                                    "shapley_permutation_se"};
constexpr std::size_t kNumbers = std::size(kColumns) - 4;

std::array<double*, kNumbers> numbers_of(EventEffectRow& r) {
  return {&r.knockout,         &r.knockout_low,          &r.knockout_high, &r.shapley,
          &r.shapley_low,      &r.shapley_high,          &r.interaction,   &r.interaction_low,
          &r.interaction_high, &r.shapley_permutation_se};
}
}  // namespace

void event_effects_header(io::CsvBuffer& out) {
  for (const char* c : kColumns)
    out.text(c);
  out.end();
}

void event_effect_row(io::CsvBuffer& out, const EventEffectRow& row) {
  out.text(row.metric).text(row.event).text(row.date).text(row.label);
  EventEffectRow copy = row;
  for (const double* x : numbers_of(copy))
    out.num(*x);
  out.end();
}

std::vector<EventEffectRow> read_event_effects(const std::string& file) {
  require_file(file, "hedgesim attribute");
  io::CsvReader csv(file);
  std::array<std::size_t, std::size(kColumns)> c{};
  for (std::size_t i = 0; i < c.size(); ++i)
    c[i] = csv.column(kColumns[i]);
  std::vector<EventEffectRow> rows;
  while (csv.next()) {
    EventEffectRow r;
    r.metric = csv.text(c[0]);
    r.event = csv.text(c[1]);
    r.date = csv.text(c[2]);
    r.label = csv.text(c[3]);
    const auto numbers = numbers_of(r);
    for (std::size_t i = 0; i < kNumbers; ++i)
      *numbers[i] = csv.number(c[4 + i]);
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string AttributeMeta::provenance_line() const {
  return results::provenance_line("attribute " + scenario_name + " (" + method + ")", seed, replicates,
                                  version, commit);
}

AttributeMeta read_attribute_meta(const std::string& dir) {
  AttributeMeta m;
  m.file = (std::filesystem::path(dir) / "meta.json").string();
  const nlohmann::json j =
      read_meta_json_of_kind(m.file, "attribute", "an attribution", "hedgesim attribute");
  m.scenario_name = text_or(j, "scenario_name", "?");
  m.method = text_or(j, "method");
  m.seed = unsigned_field(j, "seed");
  m.replicates = integer_or(j, "replicates");
  m.version = text_or(j, "version");
  m.commit = text_or(j, "commit");
  return m;
}

}  // namespace hedgesim::results
