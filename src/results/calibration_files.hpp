// The files of a calibration (`hedgesim calibrate`; docs/calibration.md) that figures read back:
// predictive.csv (each observed row with its prior and posterior predictive bands) and the few fields of its
// meta.json a figure prints. Columns are spelled once here for the writer (calibration/fit.cpp) and the
// reader (report/plot_calibration).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "io/csv_writer.hpp"
#include "model/input_error.hpp"

namespace hedgesim::results {

/// One row of predictive.csv.
struct PredictiveRow {
  std::string country;
  int year = 0;
  std::string indicator;
  double observed = 0;
  std::string use;  ///< "fit", "held_out" or "alt"
  double noise_sd = 0;
  double prior_mean = 0, prior_q05 = 0, prior_q95 = 0;
  double posterior_mean = 0, posterior_q05 = 0, posterior_q95 = 0;
};
void predictive_header(io::CsvBuffer& out);
void predictive_row(io::CsvBuffer& out, const PredictiveRow& row);
/// Every row of DIR/predictive.csv. InputError (file:line:col) for a missing file or column, a malformed
/// number, or a `use` other than fit, held_out or alt.
std::vector<PredictiveRow> read_predictive(const std::string& file);

/// What a calibration figure prints of meta.json.
struct CalibrationMeta {
  std::string file, name, scenario;
  int fit_until = 0;
  std::optional<std::uint64_t> seed;
  long long replicates = -1;
  std::string version, commit;
  std::string provenance_line() const;
};
/// DIR/meta.json of `hedgesim calibrate`. InputError if missing, not JSON, of another kind or without
/// `fit_until`.
CalibrationMeta read_calibration_meta(const std::string& dir);

}  // namespace hedgesim::results
