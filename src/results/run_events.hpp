// results: a run's events (events.csv), typed, from the file or from a compiled model, and merged the one way
// every report numbers them. The file has a row per event and target; an event is the rows that share step,
// date, type, actor, magnitude and label, and events are numbered 1, 2, ... by date (the file's order within
// a date), so that "event 3" is the same event in the report's table, every figure and explain.
#pragma once

#include <string>
#include <vector>

#include "model/compiled_model.hpp"
#include "model/date.hpp"
#include "model/input_error.hpp"
#include "results/run_meta.hpp"

namespace hedgesim::results {

/// A row of events.csv: an event and one of its targets. Positions are those of the file's fields (empty
/// for rows made from memory).
struct EventRow {
  int step = 0;
  Date date;
  std::string type, actor, target, label;
  double magnitude = 0.0;
  SourcePos date_pos, target_pos;
};

/// An event with its targets, numbered in date order.
struct RunEvent {
  int number = 0;
  int step = 0;
  Date date;
  std::string type, actor, label;
  double magnitude = 0.0;
  std::vector<std::string> targets;

  bool involves(const std::string& agent) const;
};

/// DIR's events.csv (or events.csv.gz), row by row. InputError at the field for a bad number or date.
std::vector<EventRow> read_event_rows(const std::string& dir);

/// The rows `hedgesim run` writes for `m`, with the same values, from memory.
std::vector<EventRow> event_rows_of(const CompiledModel& m);

/// Every row's date lies in the run and its target is an agent of it, or InputError at the field: a report
/// would otherwise blame the command line for what is a mismatch between events.csv and meta.json.
void check_rows_fit_run(const std::vector<EventRow>& rows, const RunMeta& meta, const TimeGrid& grid);

/// The rows merged into events and numbered (see the header comment).
std::vector<RunEvent> merge_events(const std::vector<EventRow>& rows);

}  // namespace hedgesim::results
