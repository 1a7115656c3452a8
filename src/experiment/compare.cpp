#include "experiment/compare.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "experiment/ensemble.hpp"
#include "experiment/metrics.hpp"
#include "experiment/parallel.hpp"
#include "experiment/run_outputs.hpp"
#include "experiment/statistics.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/sha256.hpp"
#include "results/build_info.hpp"
#include "results/compare_files.hpp"
#include "results/compare_meta.hpp"
#include "results/provenance.hpp"

namespace hedgesim {
namespace {

constexpr int kVars = static_cast<int>(std::size(kCompareVars));
constexpr int kBatch = 32;

std::string describe_grid(const CompiledModel& m) {
  return format_date(m.scenario.start) + " + " + std::to_string(m.steps) + " steps of " +
         std::to_string(m.params.step_days) + " days";
}

/// Per replicate: the metrics of A and B, and A - B of the kept variables at every step.
struct PairedRuns {
  std::vector<double> metrics_a, metrics_b;  ///< [r * metrics + j]
  std::vector<double> diff;                  ///< [((r * (steps + 1) + k) * n + i) * kVars + v]
};

void run_pair_batch(const CompiledModel& a, const CompiledModel& b, const std::vector<MetricDef>& metrics,
                    std::uint64_t seed, int first, int count, PairedRuns& out) {
  Batch ba, bb;
  Workspace wa, wb;
  MetricRecorder ra(a, metrics), rb(b, metrics);
  init_batch(a, seed, static_cast<std::uint64_t>(first), count, ba, wa);
  init_batch(b, seed, static_cast<std::uint64_t>(first), count, bb, wb);
  ra.reset(ba.width);
  rb.reset(bb.width);
  const int n = a.n_hedgers, steps = a.steps;
  auto keep = [&](int k) {
    for (int i = 0; i < n; ++i)
      for (int v = 0; v < kVars; ++v) {
        const double *pa = ba.row(a.row(kCompareVars[v], i)), *pb = bb.row(b.row(kCompareVars[v], i));
        for (int r = 0; r < count; ++r)
          out.diff[((static_cast<std::size_t>(first + r) * (steps + 1) + k) * n + i) * kVars + v] =
              pa[r] - pb[r];
      }
  };
  ra.observe(0, ba);
  rb.observe(0, bb);
  keep(0);
  for (int k = 1; k <= steps; ++k) {
    step(a, k, ba, wa, nullptr);
    step(b, k, bb, wb, nullptr);
    ra.observe(k, ba);
    rb.observe(k, bb);
    keep(k);
  }
  const int nm = static_cast<int>(metrics.size());
  for (int r = 0; r < count; ++r)
    for (int j = 0; j < nm; ++j) {
      out.metrics_a[static_cast<std::size_t>(first + r) * nm + j] = ra.value(j, r);
      out.metrics_b[static_cast<std::size_t>(first + r) * nm + j] = rb.value(j, r);
    }
}

/// Events of `x` that `y` does not have (same date, type, actor, targets and magnitude), marked `scenario`.
void add_events_only_in(const CompiledModel& x, const CompiledModel& y, char scenario,
                        std::vector<results::OneSidedEvent>& out) {
  auto key = [](const CompiledEvent& e) {
    return std::tie(e.date.days, e.type, e.actor, e.targets, e.magnitude);
  };
  for (const CompiledEvent& e : x.events) {
    const bool shared = std::any_of(y.events.begin(), y.events.end(),
                                    [&](const CompiledEvent& f) { return key(e) == key(f); });
    if (!shared)
      out.push_back({e.date, e.label, x.spec.event_types[e.type].id, x.agent_ids[e.actor], scenario});
  }
}

}  // namespace

bool is_material(const MetricDifference& m) {
  const bool excludes_zero = m.ci_low > 0 || m.ci_high < 0;
  if (!excludes_zero) return false;
  return m.spread > 0 ? std::abs(m.effect) >= kMaterialEffect : m.difference != 0;
}

void check_comparable(const CompiledModel& a, const CompiledModel& b) {
  const SourcePos at{b.scenario.file, 1, 1};
  if (a.agent_ids != b.agent_ids || a.n_hedgers != b.n_hedgers)
    throw InputError(at, "cannot pair '" + b.scenario.name + "' with '" + a.scenario.name +
                             "': their models have different agents; compare scenarios of the same model");
  if (a.scenario.start.days != b.scenario.start.days || a.steps != b.steps ||
      a.params.step_days != b.params.step_days)
    throw InputError(at, "cannot pair '" + b.scenario.name + "' with '" + a.scenario.name +
                             "': both must cover the same time grid, but '" + a.scenario.name + "' is " +
                             describe_grid(a) + " and '" + b.scenario.name + "' is " + describe_grid(b) +
                             "; give them the same start, end and step_days");
}

std::string metric_name_part(const std::string& id) {
  std::string out = id;
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '_';
  }
  return out;
}

std::vector<MetricDef> default_compare_metrics(const CompiledModel& m) {
  std::vector<MetricDef> out;
  for (int i = 0; i < m.n_hedgers; ++i)
    for (Var v : {Var::signal, Var::substance}) {
      MetricDef d;
      d.name = metric_name_part(m.agent_ids[i]) + "_" + std::string(kVarInfo[var_index(v)].name) + "_mean";
      d.agent = i;
      d.row = m.row(v, i);
      d.stat = Statistic::mean;
      d.step_from = 0;
      d.step_to = m.steps;
      d.from = m.date_of_step(0);
      d.to = m.date_of_step(m.steps);
      out.push_back(d);
    }
  return out;
}

CompareResult compare(const CompiledModel& a, const CompiledModel& b, const std::vector<MetricDef>& metrics,
                      const CompareOptions& opt) {
  check_comparable(a, b);
  const int R = opt.replicates, n = a.n_hedgers, steps = a.steps, nm = static_cast<int>(metrics.size());
  PairedRuns runs;
  runs.metrics_a.resize(static_cast<std::size_t>(R) * nm);
  runs.metrics_b.resize(static_cast<std::size_t>(R) * nm);
  runs.diff.resize(static_cast<std::size_t>(R) * (steps + 1) * n * kVars);
  const int batches = (R + kBatch - 1) / kBatch;
  parallel_for(batches, opt.threads, [&](std::int64_t i, int) {
    const int first = static_cast<int>(i) * kBatch, count = std::min(kBatch, R - first);
    run_pair_batch(a, b, metrics, opt.seed, first, count, runs);
    if (opt.on_done) opt.on_done(count);
  });

  CompareResult res;
  std::vector<double> va(R), vb(R), d(R);
  for (int j = 0; j < nm; ++j) {
    for (int r = 0; r < R; ++r) {
      va[r] = runs.metrics_a[static_cast<std::size_t>(r) * nm + j];
      vb[r] = runs.metrics_b[static_cast<std::size_t>(r) * nm + j];
      d[r] = va[r] - vb[r];
    }
    const auto [lo, hi] =
        bootstrap_mean_interval(d, opt.bootstrap, opt.confidence, resampling_seed(opt.seed, j));
    MetricDifference md{metrics[j].name, mean_of(va), mean_of(vb), mean_of(d), lo, hi};
    md.spread = std::sqrt((sample_variance(va) + sample_variance(vb)) / 2);
    md.effect = md.spread > 0 ? md.difference / md.spread : 0.0;
    md.material = is_material(md);
    res.metrics.push_back(md);
  }
  res.over_time.resize(static_cast<std::size_t>(steps + 1) * n * kVars * 3);
  std::vector<double> col(R);
  for (int k = 0; k <= steps; ++k)
    for (int i = 0; i < n; ++i)
      for (int v = 0; v < kVars; ++v) {
        for (int r = 0; r < R; ++r)
          col[r] = runs.diff[((static_cast<std::size_t>(r) * (steps + 1) + k) * n + i) * kVars + v];
        double* out = &res.over_time[((static_cast<std::size_t>(k) * n + i) * kVars + v) * 3];
        out[0] = mean_of(col);
        out[1] = quantile7(col, 0.05);
        out[2] = quantile7(col, 0.95);
      }
  return res;
}

std::vector<std::string> write_compare_outputs(const CompiledModel& a, const CompiledModel& b,
                                               const CompareResult& r, const CompareOptions& opt,
                                               const std::string& dir, const std::string& command_line) {
  io::ensure_output_dir(dir);
  namespace fs = std::filesystem;
  io::CsvBuffer diffs;
  results::differences_header(diffs);
  for (const MetricDifference& m : r.metrics)
    results::difference_row(diffs, {m.metric, m.mean_a, m.mean_b, m.difference, m.ci_low, m.ci_high,
                                    opt.replicates, m.spread, m.effect, m.material});
  io::CsvBuffer time;
  results::time_differences_header(time);
  const int n = a.n_hedgers;
  for (int k = 0; k <= a.steps; ++k) {
    for (int i = 0; i < n; ++i)
      for (int v = 0; v < kVars; ++v) {
        const double* x = &r.over_time[((static_cast<std::size_t>(k) * n + i) * kVars + v) * 3];
        results::TimeDifferenceRow row{k, a.date_of_step(k), a.agent_ids[i], "", x[0], x[1], x[2], {}};
        row.variable = kVarInfo[var_index(kCompareVars[v])].name;
        results::time_difference_row(time, row);
      }
  }
  results::CompareMeta meta;
  meta.version = version();
  meta.commit = results::build_commit();
  meta.a_path = a.scenario.file;
  meta.a_name = a.scenario.name;
  meta.a_sha256 = results::scenario_sha256(a.scenario);
  meta.b_path = b.scenario.file;
  meta.b_name = b.scenario.name;
  meta.b_sha256 = results::scenario_sha256(b.scenario);
  meta.model_dir = a.spec.dir;
  meta.model_sha256 = io::sha256_files(a.spec.files);
  meta.seed = opt.seed;
  meta.replicates = opt.replicates;
  meta.bootstrap = opt.bootstrap;
  meta.confidence = opt.confidence;
  meta.start = a.scenario.start;
  meta.steps = a.steps;
  meta.step_days = a.params.step_days;
  meta.agents = results::agents_of(a);
  add_events_only_in(a, b, 'A', meta.events);
  add_events_only_in(b, a, 'B', meta.events);
  for (const MetricDifference& m : r.metrics)
    meta.metrics.push_back(m.metric);
  if (!opt.metrics_file.empty()) {
    meta.metrics_file = opt.metrics_file;
    meta.metrics_sha256 = io::sha256_file(opt.metrics_file);
  }
  meta.command_line = command_line;
  meta.created = results::created_utc();
  // All or nothing, as a run's files (io::write_all).
  const std::vector<std::pair<std::string, std::string>> files = {
      {(fs::path(dir) / "differences.csv").string(), diffs.str()},
      {(fs::path(dir) / "difference-over-time.csv").string(), time.str()},
      {(fs::path(dir) / "meta.json").string(), results::render_compare_meta(meta)}};
  io::write_all(files);
  std::vector<std::string> written;
  for (const auto& f : files)
    written.push_back(f.first);
  return written;
}

std::string render_compare_table(const CompiledModel& a, const CompiledModel& b, const CompareResult& r,
                                 const CompareOptions& opt) {
  std::size_t w = 6;
  for (const MetricDifference& m : r.metrics)
    w = std::max(w, m.metric.size());
  std::string out = "A = " + a.scenario.name + ", B = " + b.scenario.name + "; " +
                    std::to_string(opt.replicates) + " paired replicates (common random numbers), " +
                    std::to_string(static_cast<int>(opt.confidence * 100 + 0.5)) + " % bootstrap CI\n";
  // Significant digits rather than fixed decimals: a difference of 3e-5 must not print as -0.0000.
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %10s %10s %11s  %-23s %7s\n", static_cast<int>(w), "metric", "A",
                "B", "A - B", "CI", "d");
  out += line;
  for (const MetricDifference& m : r.metrics) {
    const bool excludes_zero = m.ci_low > 0 || m.ci_high < 0;
    char ci[96], d[32];
    std::snprintf(ci, sizeof ci, "[%+.3g, %+.3g]", m.ci_low, m.ci_high);
    if (m.spread > 0)
      std::snprintf(d, sizeof d, "%+7.2f", m.effect);
    else
      std::snprintf(d, sizeof d, "%7s", "-");
    std::snprintf(line, sizeof line, "%-*s %10.4g %10.4g %+11.3g  %-23s %s  %s\n", static_cast<int>(w),
                  m.metric.c_str(), m.mean_a, m.mean_b, m.difference, ci, d,
                  m.material ? "material" : (excludes_zero ? "tiny" : ""));
    out += line;
  }
  out +=
      "d: A - B in units of the metric's spread between replicates (pooled SD; Cohen's d)\n"
      "material: the interval excludes 0 and |d| >= 0.2; tiny: it excludes 0 but |d| < 0.2 (common random\n"
      "numbers find differences too small to matter)\n";
  return out;
}

}  // namespace hedgesim
