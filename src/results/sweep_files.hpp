// The CSV files of a sweep (`hedgesim sweep`; docs/output-format.md): design.csv, summary.csv and
// indices.csv, their columns spelled once for the writer (experiment/sweep.cpp, which streams rows through
// io::CsvBuffer as the journal is read) and read back into typed values for the figures (report/plot_study).
// results.csv is written here too and read by no one in hedgesim (it is for the user's own tools). The
// sweep's meta.json is sweep_meta's.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "io/csv_writer.hpp"
#include "model/input_error.hpp"

namespace hedgesim::results {

// ---- design.csv -------------------------------------------------------------------------------------------

/// Where a design point sits in a Sobol' or Morris design: its base sample or trajectory, and its role there
/// (A, B, AB_<p>, BA_<p>; start, step_<p>). Grid and LHS designs have none.
struct DesignRole {
  std::int64_t block = 0;
  std::string role;
};

/// `point[,block,role],<parameter>...`.
void design_header(io::CsvBuffer& out, const std::vector<std::string>& parameters, bool roles);
/// One point: its number, its role when the design has roles (nullptr otherwise), its parameter values.
void design_row(io::CsvBuffer& out, std::int64_t point, const DesignRole* role, const double* values,
                std::size_t count);

/// design.csv's points with the value of each of `parameters`, each found by its name (other columns are
/// ignored), in the file's order.
struct DesignPoints {
  std::vector<long long> ids;               ///< the points' numbers
  std::vector<std::vector<double>> values;  ///< [point][parameter], in the order of `parameters`
};
/// InputError (file:line:col) for a missing file or column, a malformed number, a point listed twice or a
/// file without points.
DesignPoints read_design(const std::string& file, const std::vector<std::string>& parameters);

// ---- results.csv and summary.csv --------------------------------------------------------------------------

/// `point,replicate,metric,value`.
void results_header(io::CsvBuffer& out);
void results_row(io::CsvBuffer& out, std::int64_t point, int replicate, const std::string& metric,
                 double value);

/// One point's statistics of one metric over its replicates.
struct SummaryRow {
  std::int64_t point = 0;
  std::string metric;
  double mean = 0, sd = 0, q05 = 0, q50 = 0, q95 = 0;
};
/// `point,metric,mean,sd,q05,q50,q95`.
void summary_header(io::CsvBuffer& out);
void summary_row(io::CsvBuffer& out, const SummaryRow& row);

/// summary.csv's `mean` of each of `metrics` at each of the points `ids` (design.csv's), as
/// metric -> [point in the order of ids]; rows of other metrics are skipped. InputError for a point not in
/// `ids`, a metric given twice at a point, or one missing at a point (an unfinished file).
std::map<std::string, std::vector<double>> read_point_means(const std::string& file,
                                                            const std::vector<std::string>& metrics,
                                                            const std::vector<long long>& ids);

// ---- indices.csv ------------------------------------------------------------------------------------------

/// One sensitivity index of one metric: S1, ST, S2 (Sobol; S2's second parameter in `other`) or mu,
/// mu_star, sigma (Morris), its bootstrap interval and the writer's note (empty, or why the value is noise).
struct IndexRow {
  std::string metric, index, parameter, other;
  double value = 0, ci_low = 0, ci_high = 0;
  std::string note;
  SourcePos where;  ///< when read: the row's first field
};
/// `metric,index,parameter,other,value,ci_low,ci_high,note`.
void indices_header(io::CsvBuffer& out);
void index_row(io::CsvBuffer& out, const IndexRow& row);
/// Every row of indices.csv. `note` is optional (files before it was added have none). InputError for a
/// missing file, column or number, an index that is none of the six, or an empty metric or parameter.
std::vector<IndexRow> read_indices(const std::string& file);

}  // namespace hedgesim::results
