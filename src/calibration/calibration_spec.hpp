// A calibration file (docs/calibration.md): which scenario is fitted to which observed data through which
// observation model, the cut-off year after which rows are held out, the ABC-SMC settings, and the prior of
// each fitted parameter (a [[parameters]] table as in experiment files, plus whether the calibration claims
// the data can identify it). load_calibration checks the file on its own; resolve_calibration reads what it
// names and checks them against each other (file:line:col, exit 2).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "calibration/observation.hpp"
#include "experiment/experiment_spec.hpp"
#include "model/compiled_model.hpp"

namespace hedgesim::calibration {

/// ABC-SMC's settings ([abc]; docs/calibration.md).
struct AbcSettings {
  int particles = 200;              ///< N: the population each generation keeps
  int generations = 8;              ///< after the prior's generation 0
  double tolerance_quantile = 0.5;  ///< the next tolerance: this quantile of the last population's distances
  double min_acceptance = 0.02;     ///< stop once a generation accepts fewer proposals than this share
  std::int64_t max_simulations = 1000000;  ///< stop before a batch would take the total past this
  int batch = 0;                           ///< proposals simulated at once; 0 = particles
  /// After the ABC generations, likelihood tempering inside the last tolerance: each temperature's step keeps
  /// the effective sample size at temper_ess * N, and mcmc_steps Metropolis-Hastings moves per particle
  /// follow it. mcmc_steps = 0 leaves the tempering out (the last ABC population is then weighted by the
  /// likelihood at once).
  int mcmc_steps = 3;
  double temper_ess = 0.5;
};

struct CalibrationSpec {
  std::string file;  ///< the calibration file as given
  std::string name;
  std::string scenario_path, observation_path, observed_path;  ///< resolved from the file's directory
  SourcePos scenario_pos, observation_pos, observed_pos;
  int fit_until = 0;  ///< the last year whose rows the fit may use; later rows are out of sample
  SourcePos fit_until_pos;
  std::uint64_t seed = 0;
  int replicates = 1;  ///< runs per proposal, averaged before the observation model
  AbcSettings abc;
  /// [fixed]: parameters set to a value for this calibration, not fitted (e.g. a rival hypothesis's switch)
  std::vector<std::pair<std::string, double>> fixed;
  std::vector<SourcePos> fixed_pos;
  std::vector<ParameterAxis> parameters;  ///< the priors
  std::vector<bool> identifiable;         ///< per parameter: does the calibration claim the data identify it
};

/// Reads and checks a calibration file (or text that `path` names in messages; relative paths are taken from
/// its directory, and the files they name must exist). InputError file:line:col for every defect.
CalibrationSpec parse_calibration(std::string_view text, const std::string& path);
CalibrationSpec load_calibration(const std::string& path);

/// A calibration with everything it names read and checked against each other: the compiled scenario (with
/// the [fixed] values set), the
/// observation model (its variables are the model's), and the observed rows (countries the model's hedgers,
/// years inside the scenario's window, indicators linked). The priors are checked against the model's
/// parameter ranges.
struct ResolvedCalibration {
  CalibrationSpec spec;
  CompiledModel model;
  ObservationModel observation;
  ObservedData observed;
  /// The fitted parameters of the model: each one's index in the model's parameters, and its column in
  /// spec.parameters (the others are link parameters).
  std::vector<int> parameters;
  std::vector<int> model_columns;
  /// A fitted parameter of the observation model, `<indicator>.intercept` or `<indicator>.slope` in
  /// [[parameters]]: its column in spec.parameters, the indicator's index in observation.indicators.
  struct LinkParameter {
    int column = 0, indicator = 0;
    bool slope = false;
  };
  std::vector<LinkParameter> link_parameters;
  /// The observation model's links with the link parameters at the values of one proposal (`values`: one
  /// per spec.parameters, in the parameters' units).
  std::vector<IndicatorLink> links_at(const double* values) const;
  /// Indices in observed.rows of the rows the fit uses, set once by resolve_calibration: the distance of
  /// every proposal reads them.
  std::vector<std::size_t> fit_indices;
  /// The observed rows the fit uses: `use = fit` and year <= fit_until. The only rows a distance reads.
  std::vector<const Observation*> fit_rows() const;
  /// The `use = fit` rows after the cut-off: held out, compared with the predictions only.
  std::vector<const Observation*> held_out_rows() const;
};
/// `fix`: "NAME=VALUE" settings from the command line (`calibrate --fix`), added to the file's [fixed] (and
/// replacing a [fixed] value of the same name), so that rival hypotheses share one calibration file. Checked
/// as [fixed] is; a malformed one is an InputError at "<command line>".
ResolvedCalibration resolve_calibration(const std::string& path, const std::vector<std::string>& fix = {});

}  // namespace hedgesim::calibration
