// Reading experiment files (docs/experiment-format.md) with the model's TableReader, and checking them
// against the scenario's model. Every message names the key at fault, what is wrong and what is allowed; the
// names of allowed values come from the k*Names arrays of experiment_spec.hpp.
#include "experiment/experiment_spec.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <climits>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "model/load.hpp"
#include "model/toml_reader.hpp"

namespace hedgesim {

namespace {

namespace fs = std::filesystem;
using toml_io::fmt_number;
using toml_io::TableReader;

template <std::size_t N>
std::vector<std::string> names_of(const std::array<std::string_view, N>& names, std::size_t first = 0) {
  std::vector<std::string> out;
  for (std::size_t i = first; i < N; ++i)
    out.emplace_back(names[i]);
  return out;
}

/// The index of `name` in `names`, or -1.
template <std::size_t N>
int index_in(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

// ---- [experiment] -----------------------------------------------------------------------------------------

void read_head(ExperimentSpec& e, const TableReader& head) {
  head.allow_only({"name", "scenario", "seed", "replicates", "chunk_points"});
  e.name = head.has("name") ? toml_io::checked_id(head, "name") : fs::path(e.file).stem().string();
  const std::string scenario = head.string("scenario");
  e.scenario_pos = head.pos("scenario");
  e.scenario_path = (fs::path(e.file).parent_path() / scenario).lexically_normal().string();
  std::error_code ec;
  if (!fs::is_regular_file(e.scenario_path, ec))
    throw InputError(e.scenario_pos, "cannot read scenario file '" + e.scenario_path +
                                         "': no such file; a relative path is taken from the directory of "
                                         "the experiment file");
  e.seed = static_cast<std::uint64_t>(head.integer("seed", 0, INT64_MAX));
  e.replicates = static_cast<int>(head.integer("replicates", 1, kMaxReplicates));
  e.chunk_points = static_cast<int>(head.integer_or("chunk_points", 0, 0, kMaxChunkPoints));
}

// ---- [design] ---------------------------------------------------------------------------------------------

/// The keys each design kind allows (index = DesignKind).
const std::vector<std::string>& design_keys(DesignKind k) {
  static const std::array<std::vector<std::string>, 5> keys = {{
      {},
      {"kind", "levels"},
      {"kind", "samples"},
      {"kind", "samples", "levels", "bootstrap", "confidence"},
      {"kind", "samples", "second_order", "s1_estimator", "bootstrap", "confidence"},
  }};
  return keys[static_cast<int>(k)];
}

S1Estimator read_s1_estimator(const TableReader& d) {
  const std::string name = d.string("s1_estimator");
  const std::vector<std::string> allowed = {s1_estimator_name(S1Estimator::saltelli2010),
                                            s1_estimator_name(S1Estimator::janon2014)};
  const auto it = std::find(allowed.begin(), allowed.end(), name);
  if (it == allowed.end())
    throw InputError(d.pos("s1_estimator"),
                     "unknown s1_estimator '" + name + "'" + did_you_mean(name, allowed) +
                         "; allowed: " + join_quoted(allowed) +
                         " (Saltelli et al. 2010, SALib's default; Janon et al. 2014)");
  return static_cast<S1Estimator>(it - allowed.begin());
}

void read_design(ExperimentSpec& e, const TableReader& d) {
  e.design_pos = d.pos();
  d.allow_only({"kind", "samples", "levels", "second_order", "s1_estimator", "bootstrap", "confidence"});
  const std::string kind = d.string("kind");
  const int k = index_in(kDesignKindNames, kind);
  if (k <= 0)  // "none" is not written: it is the absence of [design]
    throw InputError(d.pos("kind"), "unknown design kind '" + kind + "'" +
                                        did_you_mean(kind, design_kind_names()) +
                                        "; allowed: " + join_quoted(design_kind_names()));
  e.design = static_cast<DesignKind>(k);
  const std::vector<std::string>& allowed = design_keys(e.design);
  for (auto&& [key, node] : d.table())
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
      throw InputError(d.key_pos(key.str()), "'" + std::string(key.str()) +
                                                 "' does not apply to design kind '" + kind +
                                                 "'; keys for '" + kind + "': " + join_quoted(allowed));
  if (e.design != DesignKind::grid) e.samples = static_cast<int>(d.integer("samples", 2, kMaxSamples));
  if (e.design == DesignKind::grid) e.levels = static_cast<int>(d.integer("levels", 2, kMaxGridLevels));
  if (e.design == DesignKind::morris) {
    e.levels = static_cast<int>(d.integer_or("levels", 4, 2, kMaxMorrisLevels));
    if (e.levels % 2 != 0)
      throw InputError(d.pos("levels"), "'levels' = " + std::to_string(e.levels) +
                                            " must be even for a 'morris' design (the jump is levels / 2 "
                                            "steps of the grid); allowed: 2, 4, 6, ... " +
                                            std::to_string(kMaxMorrisLevels));
  }
  e.second_order = d.boolean_or("second_order", false);
  if (d.has("s1_estimator")) e.s1_estimator = read_s1_estimator(d);
  e.bootstrap = static_cast<int>(d.integer_or("bootstrap", 1000, 1, kMaxBootstrap));
  if (d.has("confidence")) {
    e.confidence = d.number("confidence", -1e300, 1e300);
    if (!(e.confidence > 0.0 && e.confidence < 1.0))
      throw InputError(d.pos("confidence"), "'confidence' = " + fmt_number(e.confidence) +
                                                " is out of range in [design]; allowed: more than 0 and "
                                                "less than 1, e.g. 0.95");
  }
}

// ---- [[parameters]] ---------------------------------------------------------------------------------------

}  // namespace

ParameterAxis read_parameter_axis(const TableReader& in, std::set<std::string>& seen,
                                  const std::vector<std::string>& extra_keys) {
  std::vector<std::string> keys = {"name", "min", "max", "distribution", "mean", "sd"};
  keys.insert(keys.end(), extra_keys.begin(), extra_keys.end());
  in.allow_only(keys);
  ParameterAxis a;
  a.pos = in.pos();
  a.name = in.string("name");
  a.name_pos = in.pos("name");
  if (!seen.insert(a.name).second)
    throw InputError(a.name_pos,
                     "parameter '" + a.name + "' is listed twice in [[parameters]]; each may be varied once");
  const TableReader r(in.file(), in.table(), "[[parameters]] '" + a.name + "'");
  a.lo = r.number("min", -1e300, 1e300);
  a.hi = r.number("max", -1e300, 1e300);
  a.min_pos = r.pos("min");
  a.max_pos = r.pos("max");
  if (!(a.lo < a.hi))
    throw InputError(a.max_pos, "'max' = " + fmt_number(a.hi) + " must be greater than 'min' = " +
                                    fmt_number(a.lo) + " in " + r.context());
  const std::string dist = r.string_or("distribution", "uniform");
  const int d = index_in(kDistributionNames, dist);
  if (d < 0)
    throw InputError(r.pos("distribution"), "unknown distribution '" + dist + "'" +
                                                did_you_mean(dist, distribution_names()) +
                                                "; allowed: " + join_quoted(distribution_names()));
  a.dist = static_cast<Distribution>(d);
  if (a.dist != Distribution::normal) {
    for (const char* key : {"mean", "sd"})
      if (r.has(key))
        throw InputError(r.key_pos(key), "'" + std::string(key) +
                                             "' applies only to a 'normal' distribution; " + r.context() +
                                             " has a '" + dist + "' distribution, so remove the key");
  }
  if (a.dist == Distribution::loguniform && a.lo <= 0.0)
    throw InputError(a.min_pos, "a 'loguniform' distribution needs 'min' > 0; 'min' = " + fmt_number(a.lo) +
                                    " in " + r.context());
  if (a.dist == Distribution::normal) {
    for (const char* key : {"mean", "sd"})
      if (!r.has(key))
        throw InputError(a.pos, r.context() + " is missing the required key '" + key +
                                    "'; a 'normal' distribution needs 'mean' and 'sd'");
    a.mean = r.number("mean", -1e300, 1e300);
    if (a.mean < a.lo || a.mean > a.hi)
      throw InputError(r.pos("mean"), "'mean' = " + fmt_number(a.mean) + " is outside the bounds of " +
                                          r.context() + "; allowed: " + fmt_number(a.lo) + " to " +
                                          fmt_number(a.hi) + " (its 'min' and 'max')");
    a.sd = r.number("sd", -1e300, 1e300);
    if (!(a.sd > 0.0))
      throw InputError(r.pos("sd"),
                       "'sd' = " + fmt_number(a.sd) + " in " + r.context() + " must be greater than 0");
  }
  return a;
}

namespace {

// ---- [[metrics]] ------------------------------------------------------------------------------------------

bool is_valid_metric_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxMetricNameLength) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

/// The keys each statistic allows besides name, agent, variable and statistic (index = Statistic).
std::vector<std::string> statistic_keys(Statistic s) {
  std::vector<std::string> keys = {"name", "agent", "variable", "statistic"};
  switch (s) {
    case Statistic::at:
      keys.push_back("date");
      break;
    case Statistic::final:
      break;
    case Statistic::mean:
    case Statistic::min:
    case Statistic::max:
      keys.insert(keys.end(), {"from", "to"});
      break;
    case Statistic::first_below:
    case Statistic::first_above:
      keys.insert(keys.end(), {"from", "to", "threshold"});
      break;
    case Statistic::series:
      keys.insert(keys.end(), {"from", "to", "every"});
      break;
  }
  return keys;
}

std::vector<std::string> metric_variable_names() {
  std::vector<std::string> names = var_names();
  names.emplace_back(kGapVariable);
  return names;
}

MetricSpec read_metric(const TableReader& in, std::set<std::string>& seen) {
  in.allow_only({"name", "agent", "variable", "statistic", "date", "from", "to", "threshold", "every"});
  MetricSpec m;
  m.pos = in.pos();
  m.name = in.string("name");
  m.name_pos = in.pos("name");
  if (!is_valid_metric_name(m.name))
    throw InputError(m.name_pos, "'name' = \"" + m.name + "\" is not a valid metric name; use 1 to " +
                                     std::to_string(kMaxMetricNameLength) +
                                     " lowercase letters, digits or '_'");
  if (!seen.insert(m.name).second)
    throw InputError(m.name_pos, "duplicate metric name '" + m.name + "'; names must be unique");
  const TableReader r(in.file(), in.table(), "[[metrics]] '" + m.name + "'");
  m.agent = r.string("agent");
  m.agent_pos = r.pos("agent");
  m.variable = r.string("variable");
  m.variable_pos = r.pos("variable");
  // A dyad variable is named "<variable>@<patron>"; whether the patron exists is checked against the model.
  const std::string base = m.variable.substr(0, m.variable.find('@'));
  if (m.variable != kGapVariable && !var_from_name(base))
    throw InputError(m.variable_pos, "unknown variable '" + m.variable + "'" +
                                         did_you_mean(m.variable, metric_variable_names()) +
                                         "; allowed: " + join_quoted(metric_variable_names()) +
                                         " (a patron's relation to a hedger as '<variable>@<patron>', e.g. "
                                         "'engagement@RUS')");
  const std::string stat = r.string("statistic");
  const int s = index_in(kStatisticNames, stat);
  if (s < 0)
    throw InputError(r.pos("statistic"), "unknown statistic '" + stat + "'" +
                                             did_you_mean(stat, statistic_names()) +
                                             "; allowed: " + join_quoted(statistic_names()));
  m.stat = static_cast<Statistic>(s);
  const std::vector<std::string> allowed = statistic_keys(m.stat);
  for (auto&& [key, node] : r.table())
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end())
      throw InputError(r.key_pos(key.str()), "'" + std::string(key.str()) +
                                                 "' does not apply to statistic '" + stat + "'; keys for '" +
                                                 stat + "': " + join_quoted(allowed));
  auto required = [&](const char* key) {
    if (!r.has(key))
      throw InputError(m.pos, r.context() + " is missing the required key '" + key + "'; statistic '" + stat +
                                  "' needs it");
  };
  if (m.stat == Statistic::at) {
    required("date");
    m.date = r.date("date");
    m.date_pos = r.pos("date");
  }
  if (r.has("from")) {
    m.from = r.date("from");
    m.from_pos = r.pos("from");
  }
  if (r.has("to")) {
    m.to = r.date("to");
    m.to_pos = r.pos("to");
  }
  if (m.from && m.to && *m.from > *m.to)
    throw InputError(m.to_pos, "'to' " + format_date(*m.to) + " comes before 'from' " + format_date(*m.from) +
                                   " in " + r.context() + "; the window must have from <= to");
  if (m.stat == Statistic::first_below || m.stat == Statistic::first_above) {
    required("threshold");
    m.threshold = r.number("threshold", -1e300, 1e300);
  }
  if (r.has("every")) {
    m.every_days = static_cast<int>(r.integer("every", 1, 3660));
    m.every_pos = r.pos("every");
  }
  // Each sample is named <name>_<YYYYMMDD>, which must still be a valid metric name.
  if (m.stat == Statistic::series && m.name.size() + 9 > kMaxMetricNameLength)
    throw InputError(m.name_pos, "'name' = \"" + m.name +
                                     "\" is too long for a series: each sample is named '" + m.name +
                                     "_<YYYYMMDD>', at most " + std::to_string(kMaxMetricNameLength) +
                                     " characters; use at most " + std::to_string(kMaxMetricNameLength - 9));
  return m;
}

// ---- design size ------------------------------------------------------------------------------------------

std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  if (a != 0 && b > INT64_MAX / a) return INT64_MAX;
  return a * b;
}

void check_design_size(const ExperimentSpec& e, const TableReader& d) {
  const std::int64_t n = design_points(e);
  if (n <= kMaxDesignPoints) return;
  const int k = static_cast<int>(e.parameters.size());
  const std::string kind = design_kind_name(e.design);
  std::string formula, key;
  switch (e.design) {
    case DesignKind::grid:
      formula = "levels^k = " + std::to_string(e.levels) + "^" + std::to_string(k);
      key = "levels";
      break;
    case DesignKind::morris:
      formula = "samples * (k + 1) = " + std::to_string(e.samples) + " * " + std::to_string(k + 1);
      key = "samples";
      break;
    case DesignKind::sobol:
      formula = e.second_order
                    ? "samples * (2k + 2) = " + std::to_string(e.samples) + " * " + std::to_string(2 * k + 2)
                    : "samples * (k + 2) = " + std::to_string(e.samples) + " * " + std::to_string(k + 2);
      key = "samples";
      break;
    default:
      formula = "samples";
      key = "samples";
      break;
  }
  throw InputError(d.pos(key),
                   "the '" + kind + "' design has " +
                       (n == INT64_MAX ? std::string("more than 9223372036854775807") : std::to_string(n)) +
                       " points (" + formula + " with k = " + std::to_string(k) +
                       " parameters), more than the " + std::to_string(kMaxDesignPoints) +
                       " allowed; lower '" + key + "' or vary fewer parameters");
}

// ---- resolution -------------------------------------------------------------------------------------------

int days_between(Date a, Date b) {
  return b.days - a.days;
}

/// Floor division for a possibly negative numerator and a positive divisor.
int floor_div(int a, int b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

}  // namespace

// ---- names
// --------------------------------------------------------------------------------------------------

std::string design_kind_name(DesignKind k) {
  return std::string(kDesignKindNames[static_cast<int>(k)]);
}
std::string distribution_name(Distribution d) {
  return std::string(kDistributionNames[static_cast<int>(d)]);
}
std::string statistic_name(Statistic s) {
  return std::string(kStatisticNames[static_cast<int>(s)]);
}
std::vector<std::string> design_kind_names() {
  return names_of(kDesignKindNames, 1);
}
std::vector<std::string> distribution_names() {
  return names_of(kDistributionNames);
}
std::vector<std::string> statistic_names() {
  return names_of(kStatisticNames);
}

// ---- ParameterAxis
// ------------------------------------------------------------------------------------------

double ParameterAxis::value_at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  switch (dist) {
    case Distribution::uniform:
      return std::clamp(lo + u * (hi - lo), lo, hi);
    case Distribution::loguniform:
      if (u <= 0.0) return lo;
      if (u >= 1.0) return hi;
      return std::clamp(std::exp(std::log(lo) + u * (std::log(hi) - std::log(lo))), lo, hi);
    case Distribution::normal: {
      // Inverse CDF of N(mean, sd) truncated to [lo, hi]: p = Phi(a) + u (Phi(b) - Phi(a)). The upper half is
      // computed through the complement q = 1 - p so that bounds far in the upper tail keep their precision.
      const boost::math::normal_distribution<double> n(mean, sd);
      const double p_lo = boost::math::cdf(n, lo), p_hi = boost::math::cdf(n, hi);
      const double q_lo = boost::math::cdf(boost::math::complement(n, lo));
      const double q_hi = boost::math::cdf(boost::math::complement(n, hi));
      const double p = p_lo + u * (p_hi - p_lo);
      const double q = q_lo - u * (q_lo - q_hi);
      double x = 0.0;
      if (p < 0.5) {
        if (!(p > 0.0)) return lo;
        x = boost::math::quantile(n, p);
      } else {
        if (!(q > 0.0)) return hi;
        x = boost::math::quantile(boost::math::complement(n, q));
      }
      return std::clamp(x, lo, hi);
    }
  }
  return lo;
}

// ---- loading
// ------------------------------------------------------------------------------------------------

ExperimentSpec load_experiment(const std::string& path) {
  return parse_experiment(toml_io::read_toml_file(path, {}, "experiment file"), path);
}

ExperimentSpec parse_experiment(std::string_view text, const std::string& path) {
  const toml::table root = toml_io::parse_toml_text(text, path);
  const TableReader r(path, root, "the experiment file");
  r.allow_only({"experiment", "design", "parameters", "metrics"});
  ExperimentSpec e;
  e.file = path;
  e.design_pos = {path, 1, 1};
  read_head(e, TableReader(path, r.subtable("experiment"), "[experiment]"));
  std::optional<TableReader> design;
  if (r.has("design")) {
    design.emplace(path, r.subtable("design"), "[design]");
    read_design(e, *design);
  }
  std::set<std::string> seen;
  for (const toml::table* t : r.tables("parameters"))
    e.parameters.push_back(read_parameter_axis(TableReader(path, *t, "[[parameters]]"), seen));
  seen.clear();
  for (const toml::table* t : r.tables("metrics"))
    e.metrics.push_back(read_metric(TableReader(path, *t, "[[metrics]]"), seen));

  if (e.design == DesignKind::none && !e.parameters.empty())
    throw InputError(e.parameters.front().pos,
                     "[[parameters]] are varied by a [design], but the file has none; add a [design] with "
                     "kind " +
                         join_quoted(design_kind_names()) + ", or remove the [[parameters]]");
  if (e.design != DesignKind::none && e.parameters.empty())
    throw InputError(e.design_pos, "a '" + design_kind_name(e.design) +
                                       "' design needs at least one [[parameters]] entry to vary; add one "
                                       "(name, min, max)");
  if (e.metrics.empty())
    throw InputError(
        {path, 1, 1},
        "the experiment has no [[metrics]]; add at least one (name, agent, variable, statistic)");
  if (design) check_design_size(e, *design);
  return e;
}

std::int64_t design_points(const ExperimentSpec& e) {
  const std::int64_t k = static_cast<std::int64_t>(e.parameters.size());
  switch (e.design) {
    case DesignKind::none:
      return 1;
    case DesignKind::grid: {
      std::int64_t n = 1;
      for (std::int64_t i = 0; i < k; ++i)
        n = saturating_mul(n, e.levels);
      return n;
    }
    case DesignKind::lhs:
      return e.samples;
    case DesignKind::morris:
      return saturating_mul(e.samples, k + 1);
    case DesignKind::sobol:
      return saturating_mul(e.samples, e.second_order ? 2 * k + 2 : k + 2);
  }
  return 0;
}

void check_parameters(const ExperimentSpec& e, const ModelSpec& model) {
  check_parameter_axes(e.parameters, model);
}

void check_parameter_axes(const std::vector<ParameterAxis>& axes, const ModelSpec& model) {
  std::vector<std::string> variable;
  for (const ParameterSpec& p : model.parameters)
    if (p.name != "step_days") variable.push_back(p.name);
  for (const ParameterAxis& a : axes) {
    if (a.name == "step_days")
      throw InputError(
          a.name_pos,
          "'step_days' cannot be varied by an experiment: it sets the length of a step, and so the "
          "dates of the recorded states that the metrics refer to; compare scenarios with "
          "different step_days instead");
    const ParameterSpec* p = model.find_parameter(a.name);
    if (p == nullptr)
      throw InputError(a.name_pos,
                       "unknown parameter '" + a.name + "'" + did_you_mean(a.name, variable) +
                           "; parameters of the model that can be varied: " + join_quoted(variable));
    const std::string allowed = "; allowed: " + fmt_number(p->min) + " to " + fmt_number(p->max) +
                                " (the range in " + model.dir + "/parameters.toml)";
    if (a.lo < p->min)
      throw InputError(a.min_pos, "'min' = " + fmt_number(a.lo) + " of parameter '" + a.name +
                                      "' is below the model's range" + allowed);
    if (a.hi > p->max)
      throw InputError(a.max_pos, "'max' = " + fmt_number(a.hi) + " of parameter '" + a.name +
                                      "' is above the model's range" + allowed);
  }
}

namespace {

/// A resolved series window (steps step_from..step_to) as `at` metrics, one per sampled step: every
/// ceil(every / step_days)-th step from the window's first (every step without `every`).
void sample_series(const MetricDef& window, const MetricSpec& ms, const CompiledModel& m,
                   std::vector<MetricDef>& out) {
  const int step_days = m.params.step_days;
  const int stride = ms.every_days > 0 ? (ms.every_days + step_days - 1) / step_days : 1;
  const int samples = (window.step_to - window.step_from) / stride + 1;
  if (samples > kMaxSeriesSamples)
    throw InputError(
        ms.every_days > 0 ? ms.every_pos : ms.pos,
        "[[metrics]] '" + ms.name + "' samples " + std::to_string(samples) + " dates, more than the " +
            std::to_string(kMaxSeriesSamples) + " a series may; set 'every' to at least " +
            std::to_string(((window.step_to - window.step_from) / (kMaxSeriesSamples - 1) + 1) * step_days) +
            " days, or narrow 'from' and 'to'");
  for (int k = window.step_from; k <= window.step_to; k += stride) {
    MetricDef d = window;
    d.stat = Statistic::at;
    d.step_at = d.step_from = d.step_to = k;
    d.from = d.to = m.date_of_step(k);
    std::string digits = format_date(d.from);
    digits.erase(std::remove(digits.begin(), digits.end(), '-'), digits.end());
    d.name = ms.name + "_" + digits;
    d.series = ms.name;
    out.push_back(std::move(d));
  }
}

/// The names a series makes may collide with another metric's ("x_20190801" and a series "x"): reported at
/// the later of the two in the file, naming the series.
void check_unique_names(const std::vector<MetricDef>& defs, const std::vector<MetricSpec>& metrics) {
  std::map<std::string, std::string> series_of;  // name made -> the series that made it ("" for none)
  for (const MetricDef& d : defs) {
    const auto [it, fresh] = series_of.emplace(d.name, d.series);
    // Two plain metrics of one name are load_experiment's to refuse (specs built in code may repeat one).
    if (fresh || (d.series.empty() && it->second.empty())) continue;
    const std::string series = d.series.empty() ? it->second : d.series;
    const std::string owner = d.series.empty() ? d.name : d.series;
    const auto spec =
        std::find_if(metrics.begin(), metrics.end(), [&](const MetricSpec& ms) { return ms.name == owner; });
    throw InputError(spec != metrics.end() ? spec->name_pos : SourcePos{},
                     "metric name '" + d.name + "' is also the name of a sample of series '" + series +
                         "', which names each sample <name>_<YYYYMMDD>; rename one of them");
  }
}

}  // namespace

std::vector<MetricDef> resolve_metrics(const std::vector<MetricSpec>& metrics, const CompiledModel& m) {
  const Date start = m.scenario.start, end = m.scenario.end;
  const int step = m.params.step_days;
  auto check_inside = [&](Date d, const SourcePos& pos) {
    if (d < start || d > end)
      throw InputError(
          pos, "date " + format_date(d) + " is outside the scenario; allowed: " + format_date(start) +
                   " to " + format_date(end) + " (the [scenario] start and end of " + m.scenario.file + ")");
  };
  std::vector<MetricDef> out;
  for (const MetricSpec& ms : metrics) {
    MetricDef d;
    d.name = ms.name;
    d.stat = ms.stat;
    d.threshold = ms.threshold;

    const auto it = std::find(m.agent_ids.begin(), m.agent_ids.end(), ms.agent);
    if (it == m.agent_ids.end()) throw InputError(ms.agent_pos, m.unknown_agent(ms.agent));
    d.agent = static_cast<int>(it - m.agent_ids.begin());
    const bool hedger = m.agent_kinds[d.agent] == Kind::hedger;
    std::vector<std::string> own = m.variables_of(d.agent);
    if (hedger) own.emplace_back(kGapVariable);
    if (ms.variable == kGapVariable) {
      if (!hedger)
        throw InputError(ms.variable_pos,
                         "'gap' (signal - substance) is defined for 'hedger' agents only; '" + ms.agent +
                             "' is a 'patron', whose variables are " + join_quoted(m.variables_of(d.agent)));
      d.row = m.row(Var::signal, d.agent);
      d.minus_row = m.row(Var::substance, d.agent);
    } else {
      d.row = m.find_row(d.agent, ms.variable);
      if (d.row < 0) {
        const std::string base = ms.variable.substr(0, ms.variable.find('@'));
        const std::optional<Var> v = var_from_name(base);
        if (!v) {
          std::vector<std::string> names = var_names();
          names.emplace_back(kGapVariable);
          throw InputError(ms.variable_pos, "unknown variable '" + ms.variable + "'" +
                                                did_you_mean(ms.variable, own) + "; allowed for '" +
                                                ms.agent + "': " + join_quoted(own));
        }
        throw InputError(
            ms.variable_pos,
            "'" + ms.agent + "' is a '" + std::string(kKindNames[static_cast<int>(m.agent_kinds[d.agent])]) +
                "' agent and does not carry '" + ms.variable + "'" + did_you_mean(ms.variable, own) +
                "; allowed for '" + ms.agent + "': " + join_quoted(own) +
                " (a patron's relation to a hedger is written under the hedger as '<variable>@<patron>')");
      }
    }

    switch (ms.stat) {
      case Statistic::at: {
        if (!ms.date)
          throw InputError(ms.pos, "[[metrics]] '" + ms.name + "' has statistic 'at' but no 'date'");
        check_inside(*ms.date, ms.date_pos);
        d.step_at = days_between(start, *ms.date) / step;
        d.step_from = d.step_to = d.step_at;
        d.from = d.to = m.date_of_step(d.step_at);
        break;
      }
      case Statistic::final:
        d.step_at = d.step_from = d.step_to = m.steps;
        d.from = d.to = m.date_of_step(m.steps);
        break;
      default: {
        d.from = ms.from.value_or(start);
        d.to = ms.to.value_or(end);
        if (ms.from) check_inside(*ms.from, ms.from_pos);
        if (ms.to) check_inside(*ms.to, ms.to_pos);
        if (d.from > d.to)
          throw InputError(ms.to ? ms.to_pos : ms.from_pos,
                           "the window " + format_date(d.from) + " to " + format_date(d.to) +
                               " of [[metrics]] '" + ms.name +
                               "' ends before it begins; the window must have from <= to");
        // Steps k with from <= start + k * step <= to.
        d.step_from = -floor_div(-days_between(start, d.from), step);  // ceiling
        d.step_to = floor_div(days_between(start, d.to), step);
        if (d.step_from > d.step_to)
          throw InputError(
              ms.from ? ms.from_pos : ms.to_pos,
              "the window " + format_date(d.from) + " to " + format_date(d.to) + " of [[metrics]] '" +
                  ms.name + "' holds no recorded state; states are recorded every " + std::to_string(step) +
                  " days from " + format_date(start) + " (" + format_date(m.date_of_step(0)) + ", " +
                  format_date(m.date_of_step(1)) + ", ...); widen the window");
        if (ms.stat == Statistic::first_below || ms.stat == Statistic::first_above)
          d.censored_days = days_between(d.from, d.to) + step;
        break;
      }
    }
    if (ms.stat == Statistic::series)
      sample_series(d, ms, m, out);
    else
      out.push_back(std::move(d));
  }
  check_unique_names(out, metrics);
  return out;
}

ResolvedExperiment load_and_resolve_experiment(const std::string& path) {
  ResolvedExperiment r;
  r.spec = load_experiment(path);
  r.model = load_and_compile(r.spec.scenario_path);
  check_parameters(r.spec, r.model.spec);
  r.metrics = resolve_metrics(r.spec.metrics, r.model);
  return r;
}

}  // namespace hedgesim
