// The observation model (docs/ODD.md, section 7, equation O1): how an observed indicator (a share of CFSP
// declarations aligned with, a share of the public for EU membership, a share of trade) is linked to a
// hedger's state variable, with what measurement error; and the observed data themselves
// (data/observed/indicators.csv), read against that model. It owns model/observation.toml's format and the
// reading of the observed-data CSV; it knows no country by name (the countries are the model's hedgers). The
// calibrator (issue 13) compares simulated observations with these rows; nothing in the engine reads them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/input_error.hpp"
#include "model/spec.hpp"

namespace hedgesim::calibration {

/// How the expected observation follows the variable's yearly mean x (O1).
enum class Link {
  linear,   ///< intercept + slope * x
  logistic  ///< scale / (1 + exp(-(intercept + slope * x)))
};

/// What is drawn around the expected observation (O1).
enum class ErrorModel {
  normal,    ///< value ~ Normal(expected, noise_sd)
  bernoulli  ///< value ~ Bernoulli(expected): a yes/no indicator, the link gives its probability
};

/// One indicator of model/observation.toml.
struct IndicatorLink {
  std::string id;
  std::string description;
  std::string unit;
  Var variable = Var::signal;  ///< a hedger variable
  Link link = Link::linear;
  double scale = 1, intercept = 0, slope = 1;
  ErrorModel error = ErrorModel::normal;
  double noise_sd = 0;  ///< normal error only
  SourcePos where;      ///< the [[indicator]] table, for messages
};

struct ObservationModel {
  std::string file;
  std::vector<IndicatorLink> indicators;
  /// The indicator called `id`, or nullptr.
  const IndicatorLink* find(std::string_view id) const;
  std::vector<std::string> ids() const;
};

/// Reads model/observation.toml-style text that `path` names in messages; variables are checked against
/// the model's hedger variables. InputError `file:line:col` for every defect.
ObservationModel parse_observation_model(std::string_view text, const std::string& path);
ObservationModel load_observation_model(const std::string& path);

/// O1's expected observation of an indicator when its variable's yearly mean is x.
double expected_observation(const IndicatorLink& link, double x);

/// One row of the observed data that the fit may use.
struct Observation {
  std::string country;  ///< a hedger's id
  int year = 0;
  int indicator = 0;  ///< index into ObservationModel::indicators
  double value = 0;
  bool fit = true;  ///< `use = fit`; false for `alt`, a disagreeing source kept for the record
  SourcePos where;  ///< the row's first field
};

struct ObservedData {
  std::string file;
  std::vector<Observation> rows;
};

/// Reads the observed-data CSV (columns country, year, indicator, value, use; others such as unit, source
/// and note are kept in the file for people). Countries must be hedgers of `spec`, indicators linked in
/// `observation`, years whole numbers from 1900 to 2100, a bernoulli indicator's value 0 or 1, `use` `fit`
/// or `alt`, and no (country, year, indicator) fitted twice. InputError `file:line:col` otherwise.
ObservedData read_observed_data(const std::string& path, const ObservationModel& observation,
                                const ModelSpec& spec);

}  // namespace hedgesim::calibration
