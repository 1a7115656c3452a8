// `hedgesim calibrate`: distances from model runs, ABC-SMC over them, and the calibration's outputs.
#include "calibration/fit.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/journal.hpp"
#include "io/sha256.hpp"
#include "model/input_error.hpp"
#include "model/toml_reader.hpp"
#include "results/build_info.hpp"
#include "results/calibration_files.hpp"
#include "results/provenance.hpp"

namespace hedgesim::calibration {
namespace {

namespace fs = std::filesystem;

/// Proposals x metric means, row-major: a row is one proposal's means, contiguous, as distance_to_data and
/// expected_of_row read them.
using MeanMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}

const IndicatorLink& link_of(const ResolvedCalibration& c, const Observation& o) {
  return c.observation.indicators[static_cast<std::size_t>(o.indicator)];
}

/// The standard deviation a residual of this indicator is measured in: its noise_sd, or 0.5 for a yes/no
/// indicator (a Bernoulli's largest).
double residual_scale(const IndicatorLink& link) {
  return link.error == ErrorModel::bernoulli ? 0.5 : link.noise_sd;
}

/// The parameters' values at each proposal (rows of u in the unit cube), by each prior's inverse CDF.
/// Row-major: a row is one proposal's values, contiguous, as ResolvedCalibration::links_at reads them.
using ValueMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
ValueMatrix values_at(const CalibrationSpec& spec, const Eigen::MatrixXd& u) {
  ValueMatrix v(u.rows(), u.cols());
  for (Eigen::Index i = 0; i < u.rows(); ++i)
    for (Eigen::Index j = 0; j < u.cols(); ++j)
      v(i, j) = spec.parameters[static_cast<std::size_t>(j)].value_at(u(i, j));
  return v;
}

/// The model's columns of `values`: what the model runs take (the link parameters stay with the distance).
Eigen::MatrixXd model_values(const ResolvedCalibration& c, const ValueMatrix& values) {
  Eigen::MatrixXd m(values.rows(), static_cast<Eigen::Index>(c.model_columns.size()));
  for (std::size_t j = 0; j < c.model_columns.size(); ++j)
    m.col(static_cast<Eigen::Index>(j)) = values.col(c.model_columns[j]);
  return m;
}

std::string journal_name(int generation, int batch) {
  char name[48];
  std::snprintf(name, sizeof name, "gen-%03d-batch-%04d.hsj", generation, batch);
  return name;
}

}  // namespace

void refuse_unfinished_calibration(const std::string& dir, bool resume) {
  if (resume) return;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("gen-", 0) == 0 && e.path().extension() == ".hsj")
      throw InputError(
          {dir, 0, 0},
          "this directory holds the journals of an unfinished calibration; add --resume to finish "
          "it, or delete them (or choose another --out) to start over");
  }
}

namespace {

/// Each particle's means of the plan's metrics (particles x metrics), looked up where it was simulated.
MeanMatrix particle_means(const Population& p, const std::map<std::pair<int, int>, MeanMatrix>& batches) {
  MeanMatrix m(p.u.rows(), batches.begin()->second.cols());
  for (Eigen::Index i = 0; i < p.u.rows(); ++i) {
    const Origin& o = p.origin[static_cast<std::size_t>(i)];
    m.row(i) = batches.at({o.generation, o.batch}).row(o.row);
  }
  return m;
}

/// Weighted mean and 5 % / 95 % quantiles of E[y] of every observed row over a population.
struct Band {
  double mean = 0, q05 = 0, q95 = 0;
};
std::vector<Band> predictive_bands(const ResolvedCalibration& c, const ObservationPlan& plan,
                                   const Population& p, const MeanMatrix& means) {
  std::vector<Band> bands;
  const ValueMatrix values = values_at(c.spec, p.u);
  std::vector<std::vector<IndicatorLink>> links;  // each particle's links (its link parameters)
  for (Eigen::Index i = 0; i < p.u.rows(); ++i)
    links.push_back(c.links_at(values.row(i).data()));
  Eigen::VectorXd e(p.u.rows());
  for (std::size_t row = 0; row < c.observed.rows.size(); ++row) {
    for (Eigen::Index i = 0; i < p.u.rows(); ++i)
      e(i) = expected_of_row(c, plan, row, means.row(i).data(), links[static_cast<std::size_t>(i)]);
    bands.push_back(
        {e.dot(p.weight), weighted_quantile(e, p.weight, 0.05), weighted_quantile(e, p.weight, 0.95)});
  }
  return bands;
}

std::string use_of(const ResolvedCalibration& c, const Observation& o) {
  if (!o.fit) return "alt";
  return o.year <= c.spec.fit_until ? "fit" : "held_out";
}

void add_file(const std::string& dir, const char* name, io::CsvBuffer& csv,
              std::vector<std::pair<std::string, std::string>>& files) {
  files.emplace_back((fs::path(dir) / name).string(), std::move(csv.str()));
}

/// posterior.csv: the last generation's particles, weights, distances and parameter values.
void posterior_csv(const ResolvedCalibration& c, const Population& p, io::CsvBuffer& out) {
  out.text("particle").text("weight").text("distance");
  for (const ParameterAxis& a : c.spec.parameters)
    out.text(a.name);
  out.end();
  const Eigen::MatrixXd v = values_at(c.spec, p.u);
  for (Eigen::Index i = 0; i < v.rows(); ++i) {
    out.integer(i).num(p.weight(i)).num(p.distance(i));
    for (Eigen::Index j = 0; j < v.cols(); ++j)
      out.num(v(i, j));
    out.end();
  }
}

/// generations.csv: per generation its stage (prior, abc, temper), tolerance, temperature, proposals,
/// acceptance (of a tempering move: the share of particles moved), ESS (of a tempering move: of the
/// reweighting to its temperature, before resampling) and each parameter's median.
void generations_csv(const ResolvedCalibration& c, const AbcResult& r, io::CsvBuffer& out) {
  out.text("generation")
      .text("stage")
      .text("epsilon")
      .text("temperature")
      .text("proposed")
      .text("acceptance");
  out.text("ess");
  for (const ParameterAxis& a : c.spec.parameters)
    out.text(a.name + "_q50");
  out.end();
  for (std::size_t g = 0; g < r.generations.size(); ++g) {
    const Population& p = r.generations[g];
    out.integer(static_cast<std::int64_t>(g)).text(g == 0 ? "prior" : p.tempering() ? "temper" : "abc");
    if (std::isinf(p.epsilon))
      out.text("inf");
    else
      out.num(p.epsilon);
    out.num(p.temperature).integer(p.proposed).num(p.acceptance());
    out.num(p.tempering() ? p.reweighted_ess : p.effective_sample_size());
    const Eigen::MatrixXd v = values_at(c.spec, p.u);
    for (Eigen::Index j = 0; j < v.cols(); ++j)
      out.num(weighted_quantile(v.col(j), p.weight, 0.5));
    out.end();
  }
}

/// parameters.csv: each parameter's prior range and posterior mean and 5 / 50 / 95 % quantiles.
void parameters_csv(const ResolvedCalibration& c, const Population& p, io::CsvBuffer& out) {
  out.text("parameter").text("identifiable").text("prior_min").text("prior_max").text("mean").text("q05");
  out.text("q50").text("q95").end();
  const Eigen::MatrixXd v = values_at(c.spec, p.u);
  for (Eigen::Index j = 0; j < v.cols(); ++j) {
    const ParameterAxis& a = c.spec.parameters[static_cast<std::size_t>(j)];
    out.text(a.name).integer(c.spec.identifiable[static_cast<std::size_t>(j)] ? 1 : 0).num(a.lo).num(a.hi);
    out.num(v.col(j).dot(p.weight));
    for (double q : {0.05, 0.5, 0.95})
      out.num(weighted_quantile(v.col(j), p.weight, q));
    out.end();
  }
}

/// correlations.csv: the weighted correlation of each pair of parameters in the posterior: near +-1, the
/// data cannot tell the two apart (one trades off against the other).
void correlations_csv(const ResolvedCalibration& c, const Population& p, io::CsvBuffer& out) {
  out.text("parameter_a").text("parameter_b").text("correlation").end();
  Population values = p;
  values.u = values_at(c.spec, p.u);
  const Eigen::MatrixXd cov = weighted_covariance(values);
  for (Eigen::Index a = 0; a < cov.rows(); ++a)
    for (Eigen::Index b = a + 1; b < cov.cols(); ++b) {
      const double d = std::sqrt(cov(a, a) * cov(b, b));
      out.text(c.spec.parameters[static_cast<std::size_t>(a)].name)
          .text(c.spec.parameters[static_cast<std::size_t>(b)].name)
          .num(d > 0 ? cov(a, b) / d : 0.0)
          .end();
    }
}

/// predictive.csv: every observed row with the prior's and the posterior's predictive band of E[y].
void predictive_csv(const ResolvedCalibration& c, const std::vector<Band>& prior,
                    const std::vector<Band>& post, io::CsvBuffer& out) {
  results::predictive_header(out);
  for (std::size_t row = 0; row < c.observed.rows.size(); ++row) {
    const Observation& o = c.observed.rows[row];
    const IndicatorLink& link = link_of(c, o);
    results::predictive_row(
        out, {o.country, o.year, link.id, o.value, use_of(c, o), residual_scale(link), prior[row].mean,
              prior[row].q05, prior[row].q95, post[row].mean, post[row].q05, post[row].q95});
  }
}

/// The last fitted value of the same country and indicator at or before the cut-off, or none.
std::optional<double> last_observed(const ResolvedCalibration& c, const Observation& held) {
  const Observation* best = nullptr;
  for (const Observation* o : c.fit_rows())
    if (o->country == held.country && o->indicator == held.indicator && (!best || o->year > best->year))
      best = o;
  return best ? std::optional(best->value) : std::nullopt;
}

/// out_of_sample.csv: per indicator, the root mean square error on the held-out rows of the posterior
/// predictive mean, the prior predictive mean, and each indicator's last observed value (the rows that have
/// one).
void out_of_sample_csv(const ResolvedCalibration& c, const std::vector<Band>& prior,
                       const std::vector<Band>& post, io::CsvBuffer& out) {
  out.text("indicator").text("rows").text("rmse_posterior").text("rmse_prior").text("rows_last_value");
  out.text("rmse_last_value").end();
  for (std::size_t k = 0; k < c.observation.indicators.size(); ++k) {
    double se_post = 0, se_prior = 0, se_last = 0;
    int rows = 0, rows_last = 0;
    for (std::size_t row = 0; row < c.observed.rows.size(); ++row) {
      const Observation& o = c.observed.rows[row];
      if (!o.fit || o.year <= c.spec.fit_until || static_cast<std::size_t>(o.indicator) != k) continue;
      ++rows;
      se_post += std::pow(o.value - post[row].mean, 2);
      se_prior += std::pow(o.value - prior[row].mean, 2);
      if (const auto last = last_observed(c, o)) {
        ++rows_last;
        se_last += std::pow(o.value - *last, 2);
      }
    }
    if (rows == 0) continue;
    out.text(c.observation.indicators[k].id).integer(rows).num(std::sqrt(se_post / rows));
    out.num(std::sqrt(se_prior / rows)).integer(rows_last);
    if (rows_last > 0)
      out.num(std::sqrt(se_last / rows_last));
    else
      out.text("");
    out.end();
  }
}

std::string meta_json(const ResolvedCalibration& c, const AbcResult& r, const Population& posterior,
                      double log_evidence, const CalibrateOptions& opt) {
  nlohmann::ordered_json j;
  j["kind"] = "calibration";
  for (const auto& [key, value] : calibration_identity(c))
    j[key] = value;
  j["calibration"] = c.spec.file;
  j["calibration_name"] = c.spec.name;
  j["scenario"] = c.model.scenario.file;
  j["model_dir"] = c.model.spec.dir;
  j["observation"] = c.spec.observation_path;
  j["observed"] = c.spec.observed_path;
  j["fit_until"] = c.spec.fit_until;
  j["seed"] = c.spec.seed;
  j["replicates"] = c.spec.replicates;
  j["method"] = "ABC-SMC, adaptive tolerance, then likelihood tempering (docs/calibration.md)";
  j["particles"] = c.spec.abc.particles;
  j["generations"] = static_cast<int>(r.generations.size()) - 1;
  j["tolerance_quantile"] = c.spec.abc.tolerance_quantile;
  j["mcmc_steps"] = c.spec.abc.mcmc_steps;
  j["temper_ess"] = c.spec.abc.temper_ess;
  j["posterior_ess"] = posterior.effective_sample_size();
  j["posterior_distinct"] = posterior.distinct_particles();
  j["simulations"] = r.simulations;
  j["runs"] = r.simulations * c.spec.replicates;
  j["stop_reason"] = r.stop_reason;
  j["log_evidence"] = log_evidence;
  nlohmann::ordered_json fixed = nlohmann::ordered_json::object();
  for (const auto& [name, value] : c.spec.fixed)
    fixed[name] = value;
  j["fixed"] = fixed;
  j["fitted_rows"] = c.fit_rows().size();
  j["held_out_rows"] = c.held_out_rows().size();
  nlohmann::ordered_json params = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < c.spec.parameters.size(); ++i) {
    const ParameterAxis& p = c.spec.parameters[i];
    params.push_back({{"name", p.name},
                      {"min", p.lo},
                      {"max", p.hi},
                      {"distribution", distribution_name(p.dist)},
                      {"identifiable", static_cast<bool>(c.spec.identifiable[i])}});
  }
  j["parameters"] = params;
  j["command_line"] = opt.command_line;
  j["created"] = results::created_utc();
  return j.dump(2) + "\n";
}

}  // namespace

namespace {
/// The [fixed] values as "name=value,..." in the journal's identity: `--fix` changes them without changing
/// the file, and a resume under other values must be refused, not mixed.
std::string fixed_values_text(const CalibrationSpec& spec) {
  std::string text;
  for (const auto& [name, value] : spec.fixed)
    text += (text.empty() ? "" : ",") + name + "=" + toml_io::fmt_number(value);
  return text;
}
}  // namespace

io::JournalHeader calibration_identity(const ResolvedCalibration& c) {
  return {{"version", results::version()},
          {"commit", results::build_commit()},
          {"calibration_sha256", io::sha256_file(c.spec.file)},
          {"scenario_sha256", results::scenario_sha256(c.model.scenario)},
          {"model_sha256", io::sha256_files(c.model.spec.files)},
          {"observation_sha256", io::sha256_file(c.spec.observation_path)},
          {"observed_sha256", io::sha256_file(c.spec.observed_path)},
          {"fixed", fixed_values_text(c.spec)}};
}

ObservationPlan observation_plan(const ResolvedCalibration& c) {
  ObservationPlan plan;
  std::map<std::tuple<std::string, int, int>, int> index;  // (country, year, variable) -> metric
  std::vector<MetricSpec> specs;
  const Date start = c.model.scenario.start, end = c.model.scenario.end;
  for (const Observation& o : c.observed.rows) {
    const IndicatorLink& link = link_of(c, o);
    const auto key = std::tuple{o.country, o.year, var_index(link.variable)};
    auto [it, added] = index.emplace(key, static_cast<int>(specs.size()));
    if (added) {
      MetricSpec m;
      const std::string variable(kVarInfo[static_cast<std::size_t>(var_index(link.variable))].name);
      m.name = lower(o.country) + "_" + variable + "_" + std::to_string(o.year);
      m.agent = o.country;
      m.variable = variable;
      m.stat = Statistic::mean;
      m.from = std::max(start, *make_date(o.year, 1, 1));
      m.to = std::min(end, *make_date(o.year, 12, 31));
      m.pos = o.where;
      specs.push_back(std::move(m));
    }
    plan.metric_of_row.push_back(it->second);
  }
  plan.metrics = resolve_metrics(specs, c.model);
  return plan;
}

double expected_of_row(const ResolvedCalibration& c, const ObservationPlan& plan, std::size_t row,
                       const double* means, const std::vector<IndicatorLink>& links) {
  const Observation& o = c.observed.rows[row];
  return expected_observation(links[static_cast<std::size_t>(o.indicator)], means[plan.metric_of_row[row]]);
}

double distance_to_data(const ResolvedCalibration& c, const ObservationPlan& plan, const double* means,
                        const std::vector<IndicatorLink>& links) {
  double deviance = 0;
  int n = 0;
  for (const std::size_t row : c.fit_indices) {
    const Observation* o = &c.observed.rows[row];
    const IndicatorLink& link = links[static_cast<std::size_t>(o->indicator)];
    const double expected = expected_of_row(c, plan, row, means, links);
    if (link.error == ErrorModel::bernoulli) {
      const double p = std::clamp(expected, 1e-9, 1 - 1e-9);
      deviance += -2 * (o->value * std::log(p) + (1 - o->value) * std::log(1 - p));
    } else {
      const double r = (o->value - expected) / link.noise_sd;
      deviance += r * r;
    }
    ++n;
  }
  return std::sqrt(deviance / n);
}

double tolerance_floor(const ResolvedCalibration& c, double min_distance) {
  // The posterior's mass lies where the deviance exceeds its minimum by less than a chi-squared with k
  // degrees of freedom would (Wilks); its 99.9 % quantile keeps all but a negligible share inside.
  const double n = static_cast<double>(c.fit_indices.size());
  const boost::math::chi_squared chi2(static_cast<double>(c.spec.parameters.size()));
  return std::sqrt(min_distance * min_distance + boost::math::quantile(chi2, 0.999) / n);
}

/// The log likelihood of a proposal at distance d: -deviance / 2 = -n d^2 / 2 (up to the observation model's
/// constant, the same for any calibration of the same rows).
double log_likelihood(const ResolvedCalibration& c, double d) {
  return -0.5 * static_cast<double>(c.fit_indices.size()) * d * d;
}

/// log p(data): the tempering's estimate when it reached the likelihood, else the log of the mean likelihood
/// over the prior's generation (unbiased too, but noisy when the posterior is much narrower than the prior:
/// few prior draws carry the likelihood).
double log_evidence(const ResolvedCalibration& c, const AbcResult& r) {
  if (std::isfinite(r.log_evidence)) return r.log_evidence;
  Eigen::ArrayXd log_l(r.generations.front().distance.size());
  for (Eigen::Index i = 0; i < log_l.size(); ++i)
    log_l(i) = log_likelihood(c, r.generations.front().distance(i));
  const double top = log_l.maxCoeff();
  return top + std::log((log_l - top).exp().mean());
}

/// The posterior sample: the last population reweighted by the likelihood it does not yet carry, L^(1 -
/// temperature): nothing after a tempering that reached 1; the whole likelihood for the last ABC population
/// (Wilkinson 2013; the floor keeps the likelihood's mass inside its tolerance).
Population posterior_of(const ResolvedCalibration& c, const AbcResult& r) {
  const Population& last = r.generations.back();
  if (last.temperature >= 1) return last;
  const double rest = 1 - last.temperature;
  return likelihood_weighted(last, [&c, rest](double d) { return rest * log_likelihood(c, d); });
}

namespace {

/// The means over replicates of each proposal's metrics (proposals x metrics) from a batch's results
/// ((p * replicates + r) * metrics + j).
MeanMatrix replicate_means(const std::vector<double>& all, std::int64_t points, int replicates, int metrics) {
  MeanMatrix means = MeanMatrix::Zero(points, metrics);
  for (Eigen::Index p = 0; p < points; ++p)
    for (int r = 0; r < replicates; ++r)
      for (int j = 0; j < metrics; ++j)
        means(p, j) += all[static_cast<std::size_t>((p * replicates + r) * metrics + j)] / replicates;
  return means;
}

}  // namespace

CalibrationRun run_calibration(const ResolvedCalibration& c, const CalibrateOptions& opt) {
  const ObservationPlan plan = observation_plan(c);
  const ModelEvaluator evaluator(c.model, c.parameters, plan.metrics, c.spec.seed);
  if (!opt.serving) {
    io::ensure_output_dir(opt.out_dir);
    refuse_unfinished_calibration(opt.out_dir, opt.resume);
  }
  const io::JournalHeader identity = calibration_identity(c);
  const int metrics = static_cast<int>(plan.metrics.size());
  std::map<std::pair<int, int>, MeanMatrix> batches;  // (generation, batch) -> proposals x metric means
  std::vector<std::string> journals;
  // One batch's proposals run (rank 0 or one process: into a journal; a serving rank: the chunks rank 0
  // hands it), returning the means over replicates, or nothing when stopped.
  const auto run_batch = [&](const WorkPlan& work, int g, int b) -> std::optional<MeanMatrix> {
    std::vector<double> flat;
    if (opt.serving) {
      opt.serve(work, evaluator);
      if (!opt.share(false, flat)) return std::nullopt;
      return Eigen::Map<const MeanMatrix>(flat.data(), work.points(), metrics);
    }
    const std::string path = (fs::path(opt.out_dir) / journal_name(g, b)).string();
    io::JournalHeader header = identity;
    header.emplace_back("generation", std::to_string(g));
    header.emplace_back("batch", std::to_string(b));
    PlanRun run = run_plan(work, evaluator, path, header,
                           {opt.execute, opt.threads, io::Journal::exists(path), opt.progress, opt.stop,
                            c.spec.name + " gen " + std::to_string(g) + "." + std::to_string(b)});
    MeanMatrix means;
    if (run.finished) {
      journals.push_back(path);
      means = replicate_means(plan_results(work, run.journal), work.points(), work.replicates, metrics);
      flat.assign(means.data(), means.data() + means.size());
    }
    if (opt.share) opt.share(run.finished, flat);
    if (!run.finished) return std::nullopt;
    return means;
  };
  const BatchSimulator simulate = [&](const Eigen::MatrixXd& u, int g,
                                      int b) -> std::optional<Eigen::VectorXd> {
    const ValueMatrix values = values_at(c.spec, u);
    WorkPlan work;
    work.values = model_values(c, values);
    work.replicates = c.spec.replicates;
    work.metrics = metrics;
    work.chunk_points = automatic_chunk_points(work.points(), work.replicates);
    std::optional<MeanMatrix> means = run_batch(work, g, b);
    if (!means) return std::nullopt;
    Eigen::VectorXd d(work.points());
    for (Eigen::Index p = 0; p < work.points(); ++p) {
      d(p) = distance_to_data(c, plan, means->row(p).data(), c.links_at(values.row(p).data()));
      if (!std::isfinite(d(p)))
        throw InputError({opt.out_dir, 0, 0},
                         "proposal " + std::to_string(p) + " of generation " + std::to_string(g) +
                             " gave a distance that is not a finite number; the model produced NaN or "
                             "infinity at those parameter values");
    }
    batches[{g, b}] = std::move(*means);
    return d;
  };
  CalibrationRun out;
  out.abc = abc_smc(
      static_cast<int>(c.spec.parameters.size()), c.spec.abc, c.spec.seed, simulate,
      [&c](double d) { return tolerance_floor(c, d); }, [&c](double d) { return log_likelihood(c, d); });
  out.finished = out.abc.finished;
  if (!out.finished || opt.serving) return out;
  if (out.abc.generations.empty())
    throw InputError({c.spec.file, 0, 0},
                     "the calibration stopped before its first generation: " + out.abc.stop_reason);

  const Population& prior = out.abc.generations.front();
  out.posterior = posterior_of(c, out.abc);
  out.log_evidence = log_evidence(c, out.abc);
  const Population& posterior = out.posterior;
  const std::vector<Band> prior_bands = predictive_bands(c, plan, prior, particle_means(prior, batches));
  const std::vector<Band> post_bands =
      predictive_bands(c, plan, posterior, particle_means(posterior, batches));
  io::CsvBuffer post_csv, gen_csv, par_csv, cor_csv, pred_csv, oos_csv;
  posterior_csv(c, posterior, post_csv);
  generations_csv(c, out.abc, gen_csv);
  parameters_csv(c, posterior, par_csv);
  correlations_csv(c, posterior, cor_csv);
  predictive_csv(c, prior_bands, post_bands, pred_csv);
  out_of_sample_csv(c, prior_bands, post_bands, oos_csv);
  std::vector<std::pair<std::string, std::string>> files;
  add_file(opt.out_dir, "posterior.csv", post_csv, files);
  add_file(opt.out_dir, "generations.csv", gen_csv, files);
  add_file(opt.out_dir, "parameters.csv", par_csv, files);
  add_file(opt.out_dir, "correlations.csv", cor_csv, files);
  add_file(opt.out_dir, "predictive.csv", pred_csv, files);
  add_file(opt.out_dir, "out_of_sample.csv", oos_csv, files);
  files.emplace_back((fs::path(opt.out_dir) / "meta.json").string(),
                     meta_json(c, out.abc, out.posterior, out.log_evidence, opt));
  io::write_all(files);
  for (const auto& f : files)
    out.files.push_back(f.first);
  std::error_code ec;
  for (const std::string& j : journals)
    fs::remove(j, ec);
  return out;
}

}  // namespace hedgesim::calibration
