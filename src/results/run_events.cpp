#include "results/run_events.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "io/csv_reader.hpp"
#include "results/run_files.hpp"

namespace hedgesim::results {

bool RunEvent::involves(const std::string& agent) const {
  return actor == agent || std::find(targets.begin(), targets.end(), agent) != targets.end();
}

std::vector<EventRow> read_event_rows(const std::string& dir) {
  const io::CsvTable t = io::read_csv(run_file(dir, "events.csv"));
  const std::size_t c_step = t.column("step"), c_date = t.column("date"), c_type = t.column("type"),
                    c_actor = t.column("actor"), c_target = t.column("target"),
                    c_magnitude = t.column("magnitude"), c_label = t.column("label");
  std::vector<EventRow> rows;
  rows.reserve(t.rows.size());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    rows.push_back({static_cast<int>(t.integer(r, c_step)), t.date(r, c_date), row[c_type], row[c_actor],
                    row[c_target], row[c_label], t.number(r, c_magnitude), t.pos(r, c_date),
                    t.pos(r, c_target)});
  }
  return rows;
}

std::vector<EventRow> event_rows_of(const CompiledModel& m) {
  std::vector<EventRow> rows;
  for (const CompiledEvent& ev : m.events)
    for (const int t : ev.targets)
      rows.push_back({ev.step,
                      ev.date,
                      m.spec.event_types[ev.type].id,
                      m.agent_ids[ev.actor],
                      m.agent_ids[t],
                      ev.label,
                      ev.magnitude,
                      {},
                      {}});
  return rows;
}

void check_rows_fit_run(const std::vector<EventRow>& rows, const RunMeta& meta, const TimeGrid& grid) {
  for (const EventRow& row : rows) {
    if (row.date < grid.start || row.date > grid.last_date())
      throw InputError(row.date_pos, "the event's date " + format_date(row.date) +
                                         " is outside the run, which covers " + format_date(grid.start) +
                                         " to " + format_date(grid.last_date()) + " (" + meta.file +
                                         "); is this events.csv from another run?");
    if (!meta.find(row.target))
      throw InputError(row.target_pos, "'" + row.target + "' is not an agent of the run (" + meta.file +
                                           "); is this events.csv from another run?");
  }
}

std::vector<RunEvent> merge_events(const std::vector<EventRow>& rows) {
  std::vector<RunEvent> events;
  // Everything but the target -> the event's position in `events`.
  using Key = std::tuple<int, int, std::string, std::string, double, std::string>;
  std::map<Key, std::size_t> index;
  for (const EventRow& row : rows) {
    const auto [it, inserted] = index.try_emplace(
        Key{row.step, row.date.days, row.type, row.actor, row.magnitude, row.label}, events.size());
    if (inserted)
      events.push_back({0, row.step, row.date, row.type, row.actor, row.label, row.magnitude, {}});
    events[it->second].targets.push_back(row.target);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const RunEvent& a, const RunEvent& b) { return a.date < b.date; });
  for (std::size_t i = 0; i < events.size(); ++i)
    events[i].number = static_cast<int>(i + 1);
  return events;
}

}  // namespace hedgesim::results
