// results: the values of a run set over time, as trajectory.csv (every run) and bands.csv (the mean and the
// 5-95 % band over runs) hold them: one reader for both, streaming (a large ensemble's trajectory does not
// fit in memory as strings), which finds the file in either form (run_files.hpp) and checks each field as it
// is asked for, so that a report filtering by agent pays only for the rows it keeps.
#pragma once

#include <cstddef>
#include <string>

#include "io/csv_reader.hpp"
#include "model/date.hpp"

namespace hedgesim::results {

/// Readers index vectors by step, so a corrupt step number must not become a huge allocation.
inline constexpr long long kMaxStep = 10'000'000;

/// The field as a step, 0 to kMaxStep, or InputError at it.
std::size_t checked_step(const io::CsvReader& csv, std::size_t col);

class TrajectoryReader {
 public:
  enum class Kind { runs, bands };  ///< trajectory.csv, bands.csv

  /// DIR's trajectory.csv or bands.csv (or .gz); InputError if it is missing, lacks a column or, where the
  /// run did not keep it, saying so (run_file).
  TrajectoryReader(const std::string& dir, Kind kind);

  bool next() { return csv_.next(); }
  const std::string& file() const noexcept { return csv_.file(); }
  const std::string& agent() const { return csv_.text(c_agent_); }
  const std::string& variable() const { return csv_.text(c_variable_); }
  /// 0 to kMaxStep, or InputError at the field.
  std::size_t step() const { return checked_step(csv_, c_step_); }
  Date date() const { return csv_.date(c_date_); }
  /// Kind::runs only.
  long long run() const { return csv_.integer(c_run_); }
  /// The run's value (Kind::runs) or the mean over runs (Kind::bands).
  double value() const { return csv_.number(c_value_); }
  /// Kind::bands only: the 5 % and 95 % quantiles over runs.
  double q05() const { return csv_.number(c_q05_); }
  double q95() const { return csv_.number(c_q95_); }

 private:
  io::CsvReader csv_;
  std::size_t c_run_ = 0, c_step_ = 0, c_date_ = 0, c_agent_ = 0, c_variable_ = 0, c_value_ = 0, c_q05_ = 0,
              c_q95_ = 0;
};

}  // namespace hedgesim::results
