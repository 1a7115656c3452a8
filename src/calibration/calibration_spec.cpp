// Reading and checking a calibration file and what it names.
#include "calibration/calibration_spec.hpp"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <filesystem>
#include <set>

#include "model/load.hpp"
#include "model/toml_reader.hpp"

namespace hedgesim::calibration {
namespace {

namespace fs = std::filesystem;
using toml_io::TableReader;

/// A path in the [calibration] table, resolved from the calibration file's directory; it must be a file.
std::string existing_file(const TableReader& head, const std::string& file, const char* key, const char* what,
                          SourcePos& pos) {
  pos = head.pos(key);
  const std::string path = (fs::path(file).parent_path() / head.string(key)).lexically_normal().string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw InputError(pos, "cannot read " + std::string(what) + " '" + path +
                              "': no such file; a relative path is taken from the directory of the "
                              "calibration file");
  return path;
}

void read_head(CalibrationSpec& c, const TableReader& head) {
  head.allow_only({"name", "scenario", "observation", "observed", "fit_until", "seed", "replicates"});
  c.name = head.has("name") ? toml_io::checked_id(head, "name") : fs::path(c.file).stem().string();
  c.scenario_path = existing_file(head, c.file, "scenario", "scenario file", c.scenario_pos);
  c.observation_path = existing_file(head, c.file, "observation", "observation model", c.observation_pos);
  c.observed_path = existing_file(head, c.file, "observed", "observed data", c.observed_pos);
  c.fit_until = static_cast<int>(head.integer("fit_until", 1900, 2100));
  c.fit_until_pos = head.pos("fit_until");
  c.seed = static_cast<std::uint64_t>(head.integer("seed", 0, INT64_MAX));
  c.replicates = static_cast<int>(head.integer_or("replicates", 4, 1, 1000));
}

void read_abc(AbcSettings& a, const TableReader& r) {
  r.allow_only({"particles", "generations", "tolerance_quantile", "min_acceptance", "max_simulations",
                "batch", "mcmc_steps", "temper_ess"});
  a.particles = static_cast<int>(r.integer_or("particles", a.particles, 10, 100000));
  a.generations = static_cast<int>(r.integer_or("generations", a.generations, 0, 100));
  a.tolerance_quantile = r.number_or("tolerance_quantile", a.tolerance_quantile, 0.05, 0.95);
  a.min_acceptance = r.number_or("min_acceptance", a.min_acceptance, 0.0, 1.0);
  a.max_simulations = r.integer_or("max_simulations", a.max_simulations, 1, 1000000000);
  a.batch = static_cast<int>(r.integer_or("batch", 0, 0, 1000000));
  a.mcmc_steps = static_cast<int>(r.integer_or("mcmc_steps", a.mcmc_steps, 0, 100));
  a.temper_ess = r.number_or("temper_ess", a.temper_ess, 0.05, 0.95);
}

/// [fixed]: each a parameter of the model inside its range, not also fitted; set on the compiled model.
void set_fixed_values(ResolvedCalibration& r) {
  for (std::size_t i = 0; i < r.spec.fixed.size(); ++i) {
    const auto& [name, value] = r.spec.fixed[i];
    const SourcePos& at = r.spec.fixed_pos[i];
    const ParameterSpec* p = r.model.spec.find_parameter(name);
    if (p == nullptr || name == "step_days") {
      std::vector<std::string> names;
      for (const ParameterSpec& q : r.model.spec.parameters)
        if (q.name != "step_days") names.push_back(q.name);
      throw InputError(at, "'" + name + "' in [fixed] is not a parameter of the model that can be set here" +
                               did_you_mean(name, names) + "; see " + r.model.spec.dir + "/parameters.toml");
    }
    if (value < p->min || value > p->max)
      throw InputError(at, "[fixed] " + name + " = " + toml_io::fmt_number(value) +
                               " is outside the model's range; allowed: " + toml_io::fmt_number(p->min) +
                               " to " + toml_io::fmt_number(p->max));
    for (const ParameterAxis& a : r.spec.parameters)
      if (a.name == name)
        throw InputError(at, "'" + name + "' is both fixed and fitted ([[parameters]]); keep one");
    const int index = static_cast<int>(p - r.model.spec.parameters.data());
    set_parameter_values(r.model, {index}, &value);
  }
}

/// `--fix NAME=VALUE`: a [fixed] value given on the command line; it replaces the file's value of that name.
void add_command_line_fixes(CalibrationSpec& c, const std::vector<std::string>& fix) {
  for (const std::string& setting : fix) {
    const SourcePos at{"<command line>", 1, 0};
    const std::size_t eq = setting.find('=');
    double value = 0;
    const char* first = eq == std::string::npos ? nullptr : setting.data() + eq + 1;
    const char* last = setting.data() + setting.size();
    const bool number = first != nullptr && first != last && std::from_chars(first, last, value).ptr == last;
    if (eq == 0 || !number || !std::isfinite(value))
      throw InputError(at, "--fix '" + setting +
                               "' is not NAME=VALUE; allowed: a parameter of the model and a "
                               "number, e.g. --fix rival_lead=0.4");
    const std::string name = setting.substr(0, eq);
    const auto same =
        std::find_if(c.fixed.begin(), c.fixed.end(), [&](const auto& f) { return f.first == name; });
    if (same != c.fixed.end()) {
      same->second = value;
      c.fixed_pos[static_cast<std::size_t>(same - c.fixed.begin())] = at;
    } else {
      c.fixed.emplace_back(name, value);
      c.fixed_pos.push_back(at);
    }
  }
}

}  // namespace

CalibrationSpec parse_calibration(std::string_view text, const std::string& path) {
  const toml::table root = toml_io::parse_toml_text(text, path);
  const TableReader r(path, root, "the calibration file");
  r.allow_only({"calibration", "abc", "fixed", "parameters"});
  CalibrationSpec c;
  c.file = path;
  read_head(c, TableReader(path, r.subtable("calibration"), "[calibration]"));
  if (r.has("abc")) read_abc(c.abc, TableReader(path, r.subtable("abc"), "[abc]"));
  if (r.has("fixed")) {
    const TableReader fixed(path, r.subtable("fixed"), "[fixed]");
    for (auto&& [key, node] : fixed.table()) {
      c.fixed.emplace_back(std::string(key.str()), fixed.number(key.str(), -1e300, 1e300));
      c.fixed_pos.push_back(fixed.key_pos(key.str()));
    }
  }
  std::set<std::string> seen;
  for (const toml::table* t : r.tables("parameters")) {
    const TableReader p(path, *t, "[[parameters]]");
    c.parameters.push_back(read_parameter_axis(p, seen, {"identifiable"}));
    c.identifiable.push_back(p.boolean_or("identifiable", true));
  }
  if (c.parameters.empty())
    throw InputError({path, 1, 1},
                     "the calibration has no [[parameters]]; add at least one (name, min, max: its prior)");
  return c;
}

CalibrationSpec load_calibration(const std::string& path) {
  return parse_calibration(toml_io::read_toml_file(path, {}, "calibration file"), path);
}

std::vector<const Observation*> ResolvedCalibration::fit_rows() const {
  std::vector<const Observation*> rows;
  for (const std::size_t i : fit_indices)
    rows.push_back(&observed.rows[i]);
  return rows;
}

std::vector<const Observation*> ResolvedCalibration::held_out_rows() const {
  std::vector<const Observation*> rows;
  for (const Observation& o : observed.rows)
    if (o.fit && o.year > spec.fit_until) rows.push_back(&o);
  return rows;
}

std::vector<IndicatorLink> ResolvedCalibration::links_at(const double* values) const {
  std::vector<IndicatorLink> links = observation.indicators;
  for (const LinkParameter& l : link_parameters)
    (l.slope ? links[static_cast<std::size_t>(l.indicator)].slope
             : links[static_cast<std::size_t>(l.indicator)].intercept) = values[l.column];
  return links;
}

namespace {

/// Splits the [[parameters]] into the model's and the observation model's (`<indicator>.intercept`,
/// `<indicator>.slope`); the model's are checked against its ranges, the others need only their prior.
void split_parameters(ResolvedCalibration& r) {
  std::vector<ParameterAxis> model_axes;
  for (std::size_t j = 0; j < r.spec.parameters.size(); ++j) {
    const ParameterAxis& a = r.spec.parameters[j];
    const std::size_t dot = a.name.find('.');
    if (dot == std::string::npos) {
      model_axes.push_back(a);
      r.model_columns.push_back(static_cast<int>(j));
      continue;
    }
    const std::string id = a.name.substr(0, dot), field = a.name.substr(dot + 1);
    const IndicatorLink* link = r.observation.find(id);
    if (link == nullptr)
      throw InputError(a.name_pos, "'" + a.name + "' names no indicator of the observation model " +
                                       r.observation.file + did_you_mean(id, r.observation.ids()) +
                                       "; a link parameter is <indicator>.intercept or <indicator>.slope, "
                                       "indicators: " +
                                       join_quoted(r.observation.ids()));
    if (field != "intercept" && field != "slope")
      throw InputError(a.name_pos, "'" + a.name + "' is not a parameter of the link" +
                                       did_you_mean(a.name, {id + ".intercept", id + ".slope"}) +
                                       "; allowed: '" + id + ".intercept' or '" + id + ".slope'");
    r.link_parameters.push_back(
        {static_cast<int>(j), static_cast<int>(link - r.observation.indicators.data()), field == "slope"});
  }
  check_parameter_axes(model_axes, r.model.spec);
  for (const ParameterAxis& a : model_axes)
    r.parameters.push_back(
        static_cast<int>(r.model.spec.find_parameter(a.name) - r.model.spec.parameters.data()));
}

}  // namespace

ResolvedCalibration resolve_calibration(const std::string& path, const std::vector<std::string>& fix) {
  ResolvedCalibration r;
  r.spec = load_calibration(path);
  add_command_line_fixes(r.spec, fix);
  r.model = load_and_compile(r.spec.scenario_path);
  r.observation = load_observation_model(r.spec.observation_path);
  split_parameters(r);
  set_fixed_values(r);
  r.observed = read_observed_data(r.spec.observed_path, r.observation, r.model.spec);
  const int first = year_of(r.model.scenario.start), last = year_of(r.model.scenario.end);
  for (const Observation& o : r.observed.rows)
    if (o.year < first || o.year > last)
      throw InputError(o.where, "the row's year " + std::to_string(o.year) + " is outside the scenario '" +
                                    r.model.scenario.name + "' (" + std::to_string(first) + " to " +
                                    std::to_string(last) + "); allowed: the years the scenario runs through");
  for (std::size_t i = 0; i < r.observed.rows.size(); ++i)
    if (r.observed.rows[i].fit && r.observed.rows[i].year <= r.spec.fit_until) r.fit_indices.push_back(i);
  if (r.fit_indices.empty())
    throw InputError(r.spec.fit_until_pos, "no observed row of " + r.observed.file + " is in a year up to " +
                                               std::to_string(r.spec.fit_until) +
                                               " with use = fit: there is nothing to fit");
  return r;
}

}  // namespace hedgesim::calibration
