// The CSV files of a comparison (`hedgesim compare`; docs/output-format.md): differences.csv (each metric's
// difference A - B with its interval, spread, effect size and whether it is material) and
// difference-over-time.csv (per step, agent and variable, the mean difference and its quantiles). Their
// columns are spelled once here for the writer (experiment/compare.cpp), and difference-over-time.csv is read
// back here for the difference figure (report/plot_study). The comparison's meta.json is compare_meta's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/csv_writer.hpp"
#include "model/date.hpp"
#include "model/input_error.hpp"

namespace hedgesim::results {

/// One metric's row of differences.csv.
struct MetricDifferenceRow {
  std::string metric;
  double mean_a = 0, mean_b = 0, difference = 0, ci_low = 0, ci_high = 0;
  int replicates = 0;
  double spread = 0, effect = 0;
  bool material = false;
};
/// `metric,mean_a,mean_b,difference,ci_low,ci_high,replicates,spread,effect,material`.
void differences_header(io::CsvBuffer& out);
void difference_row(io::CsvBuffer& out, const MetricDifferenceRow& row);

/// One row of difference-over-time.csv: the mean of A - B over replicates at a step, and its 5 % and 95 %
/// quantiles.
struct TimeDifferenceRow {
  long long step = 0;
  Date date;
  std::string agent, variable;
  double mean = 0, q05 = 0, q95 = 0;
  SourcePos where;  ///< when read: the row's first field
};
/// `step,date,agent,variable,mean,q05,q95`.
void time_differences_header(io::CsvBuffer& out);
void time_difference_row(io::CsvBuffer& out, const TimeDifferenceRow& row);
/// Every row of difference-over-time.csv, in the file's order. InputError (file:line:col) for a missing file
/// or column, a malformed number or date, a negative step, or a second row for the same step, agent and
/// variable.
std::vector<TimeDifferenceRow> read_time_differences(const std::string& file);

}  // namespace hedgesim::results
