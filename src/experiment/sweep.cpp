#include "experiment/sweep.hpp"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "experiment/ensemble.hpp"
#include "experiment/run_outputs.hpp"
#include "experiment/statistics.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/sha256.hpp"
#include "model/input_error.hpp"
#include "results/build_info.hpp"
#include "results/provenance.hpp"
#include "results/sweep_files.hpp"

namespace hedgesim {
namespace {

namespace fs = std::filesystem;

std::string in_dir(const std::string& dir, const char* name) {
  return (fs::path(dir) / name).string();
}

/// Streams CSV rows to an atomic file, flushing the buffer every megabyte.
class CsvStream {
 public:
  explicit CsvStream(const std::string& path) : file_(path) {}
  io::CsvBuffer& row() { return buf_; }
  void flush_if_large() {
    if (buf_.str().size() > (1u << 20)) {
      file_.write(buf_.str());
      buf_.str().clear();
    }
  }
  std::string commit() {
    file_.write(buf_.str());
    file_.commit();
    return file_.path();
  }

 private:
  io::AtomicFile file_;
  io::CsvBuffer buf_;
};

/// design.csv: each point's parameter values and, for Sobol and Morris designs, which block (base sample or
/// trajectory) it belongs to and its role there (A, B, AB_<p>, BA_<p>; start, step_<p>), so that a SALib or
/// EMA Workbench user can check the layout the indices assume.
std::string write_design(const std::string& dir, const SweepJob& job, const SweepDesign& design,
                         const WorkPlan& plan) {
  CsvStream out(in_dir(dir, "design.csv"));
  std::vector<std::string> names;
  for (const ParameterAxis& p : job.spec.parameters)
    names.push_back(p.name);
  results::design_header(out.row(), names, design.saltelli || design.morris);
  const Eigen::MatrixXd values = plan.values.transpose();  // column p: point p's values, contiguous
  for (std::int64_t p = 0; p < plan.points(); ++p) {
    std::optional<results::DesignRole> role;
    if (design.saltelli)
      role =
          results::DesignRole{saltelli_block(*design.saltelli, p), saltelli_role(*design.saltelli, p, names)};
    else if (design.morris)
      role = results::DesignRole{p / (design.morris->k + 1), morris_role(*design.morris, p, names)};
    results::design_row(out.row(), p, role ? &*role : nullptr, values.col(p).data(),
                        static_cast<std::size_t>(values.rows()));
    out.flush_if_large();
  }
  return out.commit();
}

/// Mean, sd (n - 1) and type-7 quantiles of one point's replicates of one metric.
results::SummaryRow summary_of(std::int64_t point, const std::string& metric, std::vector<double>& v) {
  double mean = 0.0;
  for (double x : v)
    mean += x;
  mean /= static_cast<double>(v.size());
  double ss = 0.0;
  for (double x : v)
    ss += (x - mean) * (x - mean);
  const double sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
  return {point, metric, mean, sd, quantile7(v, 0.05), quantile7(v, 0.5), quantile7(v, 0.95)};
}

/// results.csv and summary.csv from the journal in chunk order; returns the per-point means (points x
/// metrics) that the sensitivity indices need.
Eigen::MatrixXd write_results(const std::string& dir, const SweepJob& job, const WorkPlan& plan,
                              const io::Journal& journal, std::vector<std::string>& files) {
  CsvStream results(in_dir(dir, "results.csv")), summary(in_dir(dir, "summary.csv"));
  results::results_header(results.row());
  results::summary_header(summary.row());
  Eigen::MatrixXd means(plan.points(), plan.metrics);
  std::vector<double> reps(static_cast<std::size_t>(plan.replicates));
  for (std::int64_t c = 0; c < plan.chunks(); ++c) {
    const std::vector<double> v = journal.read(c);
    for (std::int64_t p = plan.first_point(c); p < plan.end_point(c); ++p) {
      const double* at = v.data() + (p - plan.first_point(c)) * plan.per_point();
      for (int r = 0; r < plan.replicates; ++r)
        for (int j = 0; j < plan.metrics; ++j)
          results::results_row(results.row(), p, r, job.metric_names[j], at[r * plan.metrics + j]);
      for (int j = 0; j < plan.metrics; ++j) {
        double sum = 0.0;
        for (int r = 0; r < plan.replicates; ++r)
          sum += reps[r] = at[r * plan.metrics + j];
        means(p, j) = sum / plan.replicates;
        results::summary_row(summary.row(), summary_of(p, job.metric_names[j], reps));
      }
      results.flush_if_large();
      summary.flush_if_large();
    }
  }
  files.push_back(results.commit());
  files.push_back(summary.commit());
  return means;
}

void index_row(io::CsvBuffer& row, const std::string& metric, const char* index, const std::string& parameter,
               const std::string& other, const Estimate& e, std::string note = "") {
  results::index_row(row, {metric, index, parameter, other, e.value, e.lo, e.hi, std::move(note), {}});
}

void sobol_row(io::CsvBuffer& row, const std::string& metric, const char* index, const std::string& parameter,
               const std::string& other, const Estimate& e) {
  index_row(row, metric, index, parameter, other, e, sobol_note(index, e.value));
}

std::string write_indices(const std::string& dir, const SweepJob& job, const SweepDesign& design,
                          const Eigen::MatrixXd& means) {
  CsvStream out(in_dir(dir, "indices.csv"));
  results::indices_header(out.row());
  const ExperimentSpec& e = job.spec;
  const std::size_t k = e.parameters.size();
  for (int j = 0; j < static_cast<int>(job.metric_names.size()); ++j) {
    const Eigen::VectorXd y = means.col(j);
    const std::string& metric = job.metric_names[j];
    // Each metric's bootstrap has its own stream, derived from the experiment's seed and the metric's rank.
    const std::uint64_t seed = resampling_seed(e.seed, j);
    if (design.morris) {
      const MorrisIndices mi = morris_indices(*design.morris, y, e.bootstrap, e.confidence, seed);
      for (std::size_t i = 0; i < k; ++i) {
        index_row(out.row(), metric, "mu", e.parameters[i].name, "", mi.mu[i]);
        index_row(out.row(), metric, "mu_star", e.parameters[i].name, "", mi.mu_star[i]);
        index_row(out.row(), metric, "sigma", e.parameters[i].name, "", mi.sigma[i]);
      }
    } else if (design.saltelli) {
      const SobolIndices si =
          sobol_indices(*design.saltelli, y, e.bootstrap, e.confidence, seed, e.s1_estimator);
      for (std::size_t i = 0; i < k; ++i) {
        sobol_row(out.row(), metric, "S1", e.parameters[i].name, "", si.S1[i]);
        sobol_row(out.row(), metric, "ST", e.parameters[i].name, "", si.ST[i]);
      }
      for (std::size_t i = 0; i < si.S2.size(); ++i)
        for (std::size_t l = i + 1; l < si.S2.size(); ++l)
          sobol_row(out.row(), metric, "S2", e.parameters[i].name, e.parameters[l].name, si.S2[i][l]);
    }
  }
  return out.commit();
}

std::string write_meta(const std::string& dir, const SweepJob& job, const WorkPlan& plan,
                       const SweepOptions& opt) {
  nlohmann::ordered_json j;
  j["kind"] = "sweep";
  for (const auto& [key, value] : job.identity)
    j[key] = value;
  for (const auto& [key, value] : job.provenance)
    j[key] = value;
  const ExperimentSpec& e = job.spec;
  j["experiment_name"] = e.name;
  j["seed"] = e.seed;
  j["design"] = design_kind_name(e.design);
  j["samples"] = e.samples;
  j["levels"] = e.levels;
  j["second_order"] = e.second_order;
  if (e.design == DesignKind::sobol) {
    j["s1_estimator"] = s1_estimator_name(e.s1_estimator);
    j["sobol_skip"] = saltelli_skip(e.samples);
  }
  j["bootstrap"] = e.bootstrap;
  j["confidence"] = e.confidence;
  j["replicates"] = plan.replicates;
  j["points"] = plan.points();
  j["runs"] = plan.points() * plan.replicates;
  j["chunk_points"] = plan.chunk_points;
  j["common_random_numbers"] = "replicate r uses random stream (seed, r) at every design point";
  nlohmann::ordered_json params = nlohmann::ordered_json::array();
  for (const ParameterAxis& p : e.parameters)
    params.push_back(
        {{"name", p.name}, {"min", p.lo}, {"max", p.hi}, {"distribution", distribution_name(p.dist)}});
  j["parameters"] = params;
  j["metrics"] = job.metric_names;
  j["command_line"] = opt.command_line;
  j["created"] = results::created_utc();
  io::AtomicFile f(in_dir(dir, "meta.json"));
  f.write(j.dump(2) + "\n");
  f.commit();
  return f.path();
}

/// The files a finished sweep writes (indices.csv only for Morris and Sobol designs).
const char* const kOutputNames[] = {"design.csv", "results.csv", "summary.csv", "indices.csv", "meta.json"};

/// Removes what a sweep killed while writing its outputs leaves: `<output>.tmp-<pid>` (see AtomicFile) for
/// the outputs above, in `dir`, and nothing else.
void remove_stale_temporaries(const std::string& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const char* output : kOutputNames) {
      const std::string prefix = std::string(output) + ".tmp-";
      if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
          name.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
        stale.push_back(entry.path());
    }
  }
  for (const fs::path& p : stale)
    fs::remove(p, ec);
}

/// The outputs need finite numbers (quantiles sort them; the indices refuse NaN): a NaN or an infinity in a
/// finished journal is refused before any output is written, naming where it is. A resumed journal has
/// been checked already (Journal::resume); this catches what the model itself produced in this process.
void check_finite(const SweepJob& job, const WorkPlan& plan, const io::Journal& journal) {
  for (std::int64_t c = 0; c < plan.chunks(); ++c) {
    const std::vector<double> v = journal.read(c);
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (std::isfinite(v[i])) continue;
      const auto k = static_cast<std::int64_t>(i);
      const std::int64_t point = plan.first_point(c) + k / plan.per_point();
      const std::int64_t replicate = k % plan.per_point() / plan.metrics;
      throw InputError({journal.path(), 0, 0},
                       "metric '" + job.metric_names[static_cast<std::size_t>(k % plan.metrics)] + "' is " +
                           (std::isnan(v[i]) ? "NaN" : "infinite") + " at point " + std::to_string(point) +
                           ", replicate " + std::to_string(replicate) + " (chunk " + std::to_string(c) +
                           "); summary.csv and the indices need finite numbers, so no output was written");
    }
  }
}

}  // namespace

SweepDesign make_design(const ExperimentSpec& e) {
  SweepDesign d;
  const int k = static_cast<int>(e.parameters.size());
  switch (e.design) {
    case DesignKind::none:
      d.unit = Eigen::MatrixXd(1, 0);
      break;
    case DesignKind::grid:
      d.unit = grid_design(k, e.levels);
      break;
    case DesignKind::lhs:
      d.unit = lhs_design(k, e.samples, e.seed);
      break;
    case DesignKind::morris:
      d.morris = morris_design(k, e.samples, e.levels, e.seed);
      d.unit = d.morris->points;
      break;
    case DesignKind::sobol:
      d.saltelli = saltelli_design(k, e.samples, e.second_order);
      d.unit = d.saltelli->points;
      break;
  }
  return d;
}

Eigen::MatrixXd parameter_values(const ExperimentSpec& e, const Eigen::MatrixXd& unit) {
  Eigen::MatrixXd v(unit.rows(), unit.cols());
  for (Eigen::Index c = 0; c < unit.cols(); ++c)
    for (Eigen::Index r = 0; r < unit.rows(); ++r)
      v(r, c) = e.parameters[static_cast<std::size_t>(c)].value_at(unit(r, c));
  return v;
}

WorkPlan make_plan(const ExperimentSpec& e, const SweepDesign& design, int metrics) {
  WorkPlan plan;
  plan.values = parameter_values(e, design.unit);
  plan.replicates = e.replicates;
  plan.metrics = metrics;
  plan.chunk_points =
      e.chunk_points > 0 ? e.chunk_points : automatic_chunk_points(plan.points(), e.replicates);
  return plan;
}

io::JournalHeader experiment_identity(const ResolvedExperiment& e) {
  return {
      {"version", version()},
      {"commit", results::build_commit()},
      {"experiment_sha256", io::sha256_file(e.spec.file)},
      {"scenario_sha256", results::scenario_sha256(e.model.scenario)},
      {"model_sha256", io::sha256_files(e.model.spec.files)},
  };
}

io::JournalHeader experiment_provenance(const ResolvedExperiment& e) {
  return {{"experiment", e.spec.file}, {"scenario", e.model.scenario.file}, {"model_dir", e.model.spec.dir}};
}

SweepResult run_sweep(const SweepJob& job, const PointEvaluator& evaluator, const SweepOptions& opt) {
  const ExperimentSpec& e = job.spec;
  const SweepDesign design = make_design(e);
  const WorkPlan plan = make_plan(e, design, evaluator.metric_count());

  io::ensure_output_dir(opt.out_dir);
  SweepResult result;
  result.journal = in_dir(opt.out_dir, kJournalName);
  result.chunks = plan.chunks();
  result.runs = plan.points() * plan.replicates;
  if (!opt.resume && io::Journal::exists(result.journal))
    throw InputError({result.journal, 0, 0},
                     "this directory holds the journal of an unfinished sweep; add --resume to finish it, or "
                     "delete the journal (or choose another --out) to start over");
  PlanRun run = run_plan(plan, evaluator, result.journal, job.identity,
                         {opt.execute, opt.threads, opt.resume, opt.progress, opt.stop, e.name});
  io::Journal& journal = run.journal;
  result.finished = run.finished;
  result.chunks_done = journal.chunks_done();
  if (!result.finished) return result;

  check_finite(job, plan, journal);
  result.files.push_back(write_design(opt.out_dir, job, design, plan));
  const Eigen::MatrixXd means = write_results(opt.out_dir, job, plan, journal, result.files);
  if (design.morris || design.saltelli)
    result.files.push_back(write_indices(opt.out_dir, job, design, means));
  else
    fs::remove(in_dir(opt.out_dir, "indices.csv"));
  result.files.push_back(write_meta(opt.out_dir, job, plan, opt));
  remove_stale_temporaries(opt.out_dir);
  journal.remove();
  return result;
}

}  // namespace hedgesim
