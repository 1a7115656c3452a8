#include "calibration/observation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "io/csv_reader.hpp"
#include "model/toml_reader.hpp"

namespace hedgesim::calibration {
namespace {

using toml_io::TableReader;

/// The names the file may give for a hedger variable, in the model's order.
std::vector<std::string> hedger_variable_names() {
  std::vector<std::string> names;
  for (const VarInfo& v : kVarInfo)
    if (v.scope == Scope::hedger) names.emplace_back(v.name);
  return names;
}

/// `key`'s string, which must be one of `allowed`; the message lists them.
std::string choice(const TableReader& r, std::string_view key, const std::vector<std::string>& allowed) {
  const std::string v = r.string(key);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end())
    throw InputError(r.pos(key), "'" + std::string(key) + "' = \"" + v + "\" in " + r.context() +
                                     " is not allowed" + did_you_mean(v, allowed) +
                                     "; allowed: " + join_quoted(allowed));
  return v;
}

Var hedger_variable(const TableReader& r) {
  const std::string name = r.string("variable");
  const std::vector<std::string> allowed = hedger_variable_names();
  const auto v = var_from_name(name);
  if (!v || info(*v).scope != Scope::hedger)
    throw InputError(r.pos("variable"), "'variable' = \"" + name + "\" in " + r.context() +
                                            " is not a hedger variable" + did_you_mean(name, allowed) +
                                            "; an indicator observes one of " + join_quoted(allowed));
  return *v;
}

IndicatorLink read_indicator(const TableReader& r) {
  r.allow_only(
      {"id", "description", "unit", "variable", "link", "scale", "intercept", "slope", "error", "noise_sd"});
  IndicatorLink l;
  l.where = r.pos();
  l.id = toml_io::checked_id(r, "id");
  l.description = r.string_or("description", "");
  l.unit = r.string_or("unit", "");
  l.variable = hedger_variable(r);
  l.link = choice(r, "link", {"linear", "logistic"}) == "linear" ? Link::linear : Link::logistic;
  l.error =
      choice(r, "error", {"normal", "bernoulli"}) == "normal" ? ErrorModel::normal : ErrorModel::bernoulli;
  l.intercept = r.number("intercept", -1e6, 1e6);
  l.slope = r.number("slope", -1e6, 1e6);
  if (l.link == Link::logistic) {
    l.scale = r.number("scale", 1e-9, 1e6);
  } else if (r.has("scale")) {
    throw InputError(r.key_pos("scale"), "'scale' in " + r.context() +
                                             " applies to a logistic link only; a linear link is intercept + "
                                             "slope * x");
  }
  if (l.error == ErrorModel::normal) {
    l.noise_sd = r.number("noise_sd", 1e-9, 1e6);
  } else {
    // A yes/no indicator draws its value with the link's probability: the link must give one.
    if (l.link != Link::logistic || l.scale != 1)
      throw InputError(r.pos("error"),
                       "error = \"bernoulli\" in " + r.context() +
                           " needs link = \"logistic\" with scale = 1, so that the link gives a "
                           "probability");
    if (r.has("noise_sd"))
      throw InputError(r.key_pos("noise_sd"), "'noise_sd' in " + r.context() +
                                                  " applies to error = \"normal\" only; a bernoulli "
                                                  "indicator's spread follows from its probability");
  }
  return l;
}

}  // namespace

const IndicatorLink* ObservationModel::find(std::string_view id) const {
  const auto it =
      std::find_if(indicators.begin(), indicators.end(), [&](const IndicatorLink& l) { return l.id == id; });
  return it == indicators.end() ? nullptr : &*it;
}

std::vector<std::string> ObservationModel::ids() const {
  std::vector<std::string> out;
  for (const IndicatorLink& l : indicators)
    out.push_back(l.id);
  return out;
}

ObservationModel parse_observation_model(std::string_view text, const std::string& path) {
  const toml::table root = toml_io::parse_toml_text(text, path);
  const TableReader top(path, root, "the observation model");
  top.allow_only({"indicator"});
  ObservationModel m;
  m.file = path;
  for (const toml::table* t : top.tables("indicator")) {
    const TableReader r(path, *t, "an [[indicator]]");
    IndicatorLink l =
        read_indicator(TableReader(path, *t, "[[indicator]] '" + toml_io::checked_id(r, "id") + "'"));
    if (m.find(l.id) != nullptr)
      throw InputError(r.pos("id"), "indicator '" + l.id + "' is defined twice; each id names one indicator");
    m.indicators.push_back(std::move(l));
  }
  if (m.indicators.empty())
    throw InputError({path, 1, 1},
                     "the observation model links no indicator; add an [[indicator]] table "
                     "with id, variable, link, error and the link's parameters");
  return m;
}

ObservationModel load_observation_model(const std::string& path) {
  return parse_observation_model(toml_io::read_toml_file(path, {}, "observation model"), path);
}

double expected_observation(const IndicatorLink& link, double x) {
  const double z = link.intercept + link.slope * x;
  return link.link == Link::linear ? z : link.scale / (1 + std::exp(-z));
}

ObservedData read_observed_data(const std::string& path, const ObservationModel& observation,
                                const ModelSpec& spec) {
  std::vector<std::string> hedgers;
  for (const AgentSpec& a : spec.agents)
    if (a.kind == Kind::hedger) hedgers.push_back(a.id);
  io::CsvReader csv(path);
  const std::size_t c_country = csv.column("country"), c_year = csv.column("year"),
                    c_indicator = csv.column("indicator"), c_value = csv.column("value"),
                    c_use = csv.column("use");
  ObservedData data;
  data.file = path;
  std::map<std::tuple<std::string, int, int>, int> fitted;  // (country, year, indicator) -> line
  while (csv.next()) {
    Observation o;
    o.where = csv.pos(0);
    o.country = csv.text(c_country);
    if (std::find(hedgers.begin(), hedgers.end(), o.country) == hedgers.end())
      throw InputError(csv.pos(c_country), "country '" + o.country + "' is not a hedger of the model" +
                                               did_you_mean(o.country, hedgers) + "; its hedgers are " +
                                               join_quoted(hedgers));
    const long long year = csv.integer(c_year);
    if (year < 1900 || year > 2100)
      throw InputError(csv.pos(c_year),
                       "year " + std::to_string(year) + " is out of range; allowed: 1900 to 2100");
    o.year = static_cast<int>(year);
    const std::string& id = csv.text(c_indicator);
    const IndicatorLink* link = observation.find(id);
    if (link == nullptr)
      throw InputError(csv.pos(c_indicator), "indicator '" + id + "' has no link in " + observation.file +
                                                 did_you_mean(id, observation.ids()) +
                                                 "; linked indicators: " + join_quoted(observation.ids()));
    o.indicator = static_cast<int>(link - observation.indicators.data());
    o.value = csv.number(c_value);
    if (link->error == ErrorModel::bernoulli && o.value != 0 && o.value != 1)
      throw InputError(csv.pos(c_value), "indicator '" + id +
                                             "' is a yes/no indicator (error = \"bernoulli\"): "
                                             "its value must be 0 or 1, got " +
                                             csv.text(c_value));
    const std::string& use = csv.text(c_use);
    if (use != "fit" && use != "alt")
      throw InputError(csv.pos(c_use), "use = '" + use +
                                           "' is not allowed; allowed: 'fit' (the row the fit uses) "
                                           "or 'alt' (another source's figure, kept for the record)");
    o.fit = use == "fit";
    if (o.fit) {
      const auto [it, added] = fitted.emplace(std::tuple{o.country, o.year, o.indicator}, csv.line());
      if (!added)
        throw InputError(csv.pos(c_use), "a second 'fit' row for " + o.country + " " +
                                             std::to_string(o.year) + " " + id + " (the first is on line " +
                                             std::to_string(it->second) + "); mark all but one 'alt'");
    }
    data.rows.push_back(std::move(o));
  }
  return data;
}

}  // namespace hedgesim::calibration
