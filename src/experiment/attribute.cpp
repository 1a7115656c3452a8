#include "experiment/attribute.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "engine/engine.hpp"
#include "experiment/metrics.hpp"
#include "experiment/statistics.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/scratch_dir.hpp"
#include "io/sha256.hpp"
#include "model/input_error.hpp"
#include "model/load.hpp"
#include "results/attribute_files.hpp"
#include "results/build_info.hpp"
#include "results/provenance.hpp"

namespace hedgesim {
namespace {

constexpr int kBatch = 32;

/// The players: the events named by `ids` (every event when empty), in the scenario's order.
std::vector<AttributeResult::Player> resolve_players(const Scenario& s, const std::vector<std::string>& ids) {
  const SourcePos at{"<command line>", 1, 0};
  std::vector<AttributeResult::Player> players;
  auto add = [&](std::size_t i) {
    const ScenarioEvent& e = s.events[i];
    players.push_back({i, e.id, e.label, e.date});
  };
  if (ids.empty()) {
    for (std::size_t i = 0; i < s.events.size(); ++i)
      add(i);
  } else {
    std::vector<std::string> known;
    for (const ScenarioEvent& e : s.events)
      if (!e.id.empty()) known.push_back(e.id);
    std::set<std::string> seen;
    for (std::size_t i = 0; i < s.events.size(); ++i)
      if (std::find(ids.begin(), ids.end(), s.events[i].id) != ids.end()) add(i);
    for (const std::string& id : ids) {
      if (!seen.insert(id).second)
        throw InputError(at, "--events names '" + id + "' twice; name each event once");
      if (std::find(known.begin(), known.end(), id) == known.end())
        throw InputError(at, "no event of '" + s.file + "' has the id '" + id + "'" +
                                 did_you_mean(id, known) +
                                 (known.empty() ? "; it has no event ids: give the events an `id` in the file"
                                                : "; its ids: " + join_quoted(known)));
    }
  }
  if (players.empty())
    throw InputError(at,
                     "'" + s.file + "' has no events to attribute; add events or name some with --events");
  return players;
}

/// Each coalition as a design point: values(c, i) is 1 when player i is present, values(c, n) the first
/// random stream of its replicates (0 for all under common random numbers, else c * replicates).
Eigen::MatrixXd coalition_rows(const std::vector<std::vector<char>>& coalitions, int n, int replicates,
                               bool common_random_numbers) {
  Eigen::MatrixXd values(static_cast<Eigen::Index>(coalitions.size()), n + 1);
  for (std::size_t c = 0; c < coalitions.size(); ++c) {
    const auto row = static_cast<Eigen::Index>(c);
    for (int i = 0; i < n; ++i)
      values(row, i) = coalitions[c][static_cast<std::size_t>(i)];
    values(row, n) = common_random_numbers ? 0.0 : static_cast<double>(c) * replicates;
  }
  return values;
}

/// A uniformly random order of n players for permutation p (Fisher-Yates on its own stream).
std::vector<int> permutation(std::uint64_t seed, int p, int n) {
  boost::random::mt19937_64 rng(stream_seed(seed, 0x5348, static_cast<std::uint64_t>(p)));
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    order[static_cast<std::size_t>(i)] = i;
  for (int i = n - 1; i > 0; --i) {
    boost::random::uniform_int_distribution<int> pick(0, i);
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(pick(rng))]);
  }
  return order;
}

/// Exact: coalition c holds player i when bit i of c is set, c = 0 .. 2^n - 1.
std::vector<std::vector<char>> exact_coalitions(int n) {
  std::vector<std::vector<char>> all(std::size_t{1} << n, std::vector<char>(static_cast<std::size_t>(n)));
  for (std::size_t c = 0; c < all.size(); ++c)
    for (int i = 0; i < n; ++i)
      all[c][static_cast<std::size_t>(i)] = static_cast<char>((c >> i) & 1);
  return all;
}

/// Sampled: N \ {i} for each i, then N, the empty set, and permutation p's prefix of size s at
/// n + 2 + p (n - 1) + (s - 1), s = 1 .. n - 1.
std::vector<std::vector<char>> sampled_coalitions(int n, int permutations, std::uint64_t seed) {
  std::vector<std::vector<char>> all;
  for (int t = 0; t < n + 2; ++t) {
    all.emplace_back(static_cast<std::size_t>(n), t == n + 1 ? 0 : 1);
    if (t < n) all.back()[static_cast<std::size_t>(t)] = 0;
  }
  for (int p = 0; p < permutations; ++p) {
    const std::vector<int> order = permutation(seed, p, n);
    std::vector<char> present(static_cast<std::size_t>(n), 0);
    for (int s = 1; s < n; ++s) {
      present[static_cast<std::size_t>(order[static_cast<std::size_t>(s - 1)])] = 1;
      all.push_back(present);
    }
  }
  return all;
}

/// The model with some events removed: each coalition's scenario compiled (patch semantics, remove_events)
/// and run for the point's replicates from its first stream.
class CoalitionEvaluator : public PointEvaluator {
 public:
  CoalitionEvaluator(const ModelSpec& spec, const Scenario& base, std::vector<std::size_t> events,
                     std::vector<MetricDef> metrics, std::uint64_t seed)
      : spec_(spec), base_(base), events_(std::move(events)), metrics_(std::move(metrics)), seed_(seed) {}
  int metric_count() const override { return static_cast<int>(metrics_.size()); }
  std::unique_ptr<Worker> make_worker() const override { return std::make_unique<CoalitionWorker>(*this); }

 private:
  class CoalitionWorker : public Worker {
   public:
    explicit CoalitionWorker(const CoalitionEvaluator& e) : e_(e) {}
    void evaluate(const Eigen::Ref<const Eigen::VectorXd>& values, int replicates, double* out) override {
      const auto n = static_cast<Eigen::Index>(e_.events_.size());
      std::vector<std::size_t> removed;
      for (Eigen::Index i = 0; i < n; ++i)
        if (values(i) == 0.0) removed.push_back(e_.events_[static_cast<std::size_t>(i)]);
      Scenario variant = e_.base_;
      remove_events(variant, removed);
      const CompiledModel m = compile(e_.spec_, variant);
      MetricRecorder recorder(m, e_.metrics_);
      const auto first_run = static_cast<std::uint64_t>(values(n));
      const int nm = e_.metric_count();
      for (int first = 0; first < replicates; first += kBatch) {
        const int count = std::min(kBatch, replicates - first);
        run_metrics(m, e_.seed_, first_run + static_cast<std::uint64_t>(first), count, recorder, b_, ws_,
                    out + static_cast<std::size_t>(first) * nm);
      }
    }

   private:
    const CoalitionEvaluator& e_;
    Batch b_;
    Workspace ws_;
  };
  const ModelSpec& spec_;
  const Scenario& base_;
  std::vector<std::size_t> events_;  ///< the players' indices in the scenario's events
  std::vector<MetricDef> metrics_;
  std::uint64_t seed_;
};

/// The per-replicate values of each effect, [(player * metrics + j) * replicates + r].
struct PerReplicate {
  std::vector<double> knockout, shapley;
  std::vector<double>
      permutation_means;  ///< sampled only: [(p * players + i) * metrics + j], replicate means
};

/// From every coalition's values v[(c * replicates + r) * metrics + j], c as exact_coalitions orders them.
PerReplicate exact_effects(const std::vector<double>& v, int n, int nm, int R, AttributeResult& res) {
  const std::int64_t coalitions = std::int64_t{1} << n;
  const std::size_t per = static_cast<std::size_t>(R) * nm;
  // w(s) = s! (n - s - 1)! / n!, by the recurrence w(s + 1) = w(s) (s + 1) / (n - s - 1).
  std::vector<double> w(static_cast<std::size_t>(n));
  w[0] = 1.0 / n;
  for (int s = 0; s + 1 < n; ++s)
    w[static_cast<std::size_t>(s + 1)] = w[static_cast<std::size_t>(s)] * (s + 1) / (n - s - 1);
  PerReplicate out;
  out.knockout.assign(static_cast<std::size_t>(n) * per, 0.0);
  out.shapley.assign(static_cast<std::size_t>(n) * per, 0.0);
  const std::int64_t full = coalitions - 1;
  auto at = [&](std::int64_t c, int r, int j) {
    return v[static_cast<std::size_t>(c) * per + static_cast<std::size_t>(r) * nm + j];
  };
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < nm; ++j)
      for (int r = 0; r < R; ++r) {
        const std::size_t k = (static_cast<std::size_t>(i) * nm + j) * R + r;
        out.knockout[k] = at(full, r, j) - at(full & ~(std::int64_t{1} << i), r, j);
        double phi = 0;
        for (std::int64_t c = 0; c < coalitions; ++c)
          if (!((c >> i) & 1))
            phi += w[static_cast<std::size_t>(std::popcount(static_cast<std::uint64_t>(c)))] *
                   (at(c | (std::int64_t{1} << i), r, j) - at(c, r, j));
        out.shapley[k] = phi;
      }
  for (int j = 0; j < nm; ++j) {
    double a = 0, z = 0;
    for (int r = 0; r < R; ++r)
      a += at(full, r, j), z += at(0, r, j);
    res.all.push_back(a / R);
    res.none.push_back(z / R);
  }
  return out;
}

/// From every coalition's values, c as sampled_coalitions orders them.
PerReplicate sampled_effects(const std::vector<double>& v, int n, int nm, int R, int P, std::uint64_t seed,
                             AttributeResult& res) {
  const std::size_t per = static_cast<std::size_t>(R) * nm;
  const int inner = n - 1;
  const double* all = &v[static_cast<std::size_t>(n) * per];
  const double* none = &v[static_cast<std::size_t>(n + 1) * per];
  PerReplicate out;
  out.knockout.assign(static_cast<std::size_t>(n) * per, 0.0);
  out.shapley.assign(static_cast<std::size_t>(n) * per, 0.0);
  out.permutation_means.assign(static_cast<std::size_t>(P) * n * nm, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < nm; ++j)
      for (int r = 0; r < R; ++r)
        out.knockout[(static_cast<std::size_t>(i) * nm + j) * R + r] =
            all[static_cast<std::size_t>(r) * nm + j] - v[static_cast<std::size_t>(i) * per + r * nm + j];
  // Each permutation's marginal contributions, summed in permutation order.
  for (int p = 0; p < P; ++p) {
    const std::vector<int> order = permutation(seed, p, n);
    const double* prefixes =
        v.data() + (static_cast<std::size_t>(n + 2) + static_cast<std::size_t>(p) * inner) * per;
    for (int k = 0; k < n; ++k) {  // player order[k] joins the prefix of size k
      const double* before = k == 0 ? none : prefixes + static_cast<std::size_t>(k - 1) * per;
      const double* after = k == n - 1 ? all : prefixes + static_cast<std::size_t>(k) * per;
      const int i = order[static_cast<std::size_t>(k)];
      for (int j = 0; j < nm; ++j) {
        double mean = 0;
        for (int r = 0; r < R; ++r) {
          const double d =
              after[static_cast<std::size_t>(r) * nm + j] - before[static_cast<std::size_t>(r) * nm + j];
          out.shapley[(static_cast<std::size_t>(i) * nm + j) * R + r] += d / P;
          mean += d / R;
        }
        out.permutation_means[(static_cast<std::size_t>(p) * n + i) * nm + j] = mean;
      }
    }
  }
  for (int j = 0; j < nm; ++j) {
    double a = 0, z = 0;
    for (int r = 0; r < R; ++r)
      a += all[static_cast<std::size_t>(r) * nm + j], z += none[static_cast<std::size_t>(r) * nm + j];
    res.all.push_back(a / R);
    res.none.push_back(z / R);
  }
  return out;
}

Estimate estimate(const std::vector<double>& per_replicate, const AttributeOptions& opt, int rank) {
  const auto [lo, hi] =
      bootstrap_mean_interval(per_replicate, opt.bootstrap, opt.confidence, resampling_seed(opt.seed, rank));
  return {mean_of(per_replicate), lo, hi};
}

/// An event as event-effects.csv names it: its id, or "#k" (its place in the scenario) if it has none.
std::string event_name(const AttributeResult::Player& p) {
  return p.id.empty() ? "#" + std::to_string(p.event + 1) : p.id;
}

/// An event as the table names it: its id, or "#k" and the start of its label.
std::string event_title(const AttributeResult::Player& p) {
  return p.id.empty() ? event_name(p) + " " + p.label : p.id;
}

}  // namespace

void refuse_unfinished_attribution(const std::string& dir, bool resume) {
  const std::string journal = (std::filesystem::path(dir) / kAttributeJournal).string();
  if (!resume && io::Journal::exists(journal))
    throw InputError(
        {journal, 0, 0},
        "this directory holds the journal of an unfinished attribution; add --resume to finish it, "
        "or delete the journal (or choose another --out) to start over");
}

std::int64_t attribute_coalitions(std::int64_t players, const AttributeOptions& opt) {
  return players <= opt.exact_limit ? std::int64_t{1} << players
                                    : players + 2 + std::int64_t{opt.permutations} * (players - 1);
}

io::JournalHeader attribute_identity(const ModelSpec& spec, const Scenario& base,
                                     const std::vector<MetricDef>& metrics, const AttributeOptions& opt) {
  const std::vector<AttributeResult::Player> resolved = resolve_players(base, opt.events);
  std::string players, defs;
  for (const AttributeResult::Player& p : resolved)
    players += (players.empty() ? "" : ",") + event_name(p);
  for (const MetricDef& d : metrics) {
    std::ostringstream one;
    one.precision(17);
    one << d.name << ":" << d.agent << ":" << d.row << ":" << d.minus_row << ":" << static_cast<int>(d.stat)
        << ":" << d.step_at << ":" << d.step_from << ":" << d.step_to << ":" << d.threshold << ":"
        << d.censored_days << ";";
    defs += one.str();
  }
  const bool exact = static_cast<int>(resolved.size()) <= opt.exact_limit;
  return {{"kind", "attribute"},
          {"version", results::version()},
          {"commit", results::build_commit()},
          {"scenario_sha256", results::scenario_sha256(base)},
          {"model_sha256", io::sha256_files(spec.files)},
          {"seed", std::to_string(opt.seed)},
          {"players", players},
          {"metric_definitions", defs},
          {"method", exact ? "exact" : "permutations " + std::to_string(opt.permutations)},
          {"common_random_numbers", opt.common_random_numbers ? "yes" : "no"}};
}

AttributeResult attribute(const ModelSpec& spec, const Scenario& base, const std::vector<MetricDef>& metrics,
                          const AttributeOptions& opt) {
  AttributeResult res;
  res.players = resolve_players(base, opt.events);
  for (const MetricDef& m : metrics)
    res.metrics.push_back(m.name);
  const int n = static_cast<int>(res.players.size()), nm = static_cast<int>(metrics.size()),
            R = opt.replicates;
  res.exact = n <= opt.exact_limit;
  res.permutations = res.exact ? 0 : opt.permutations;
  std::vector<std::size_t> events;
  for (const AttributeResult::Player& p : res.players)
    events.push_back(p.event);
  const CoalitionEvaluator evaluator(spec, base, std::move(events), metrics, opt.seed);
  WorkPlan plan;
  plan.values =
      coalition_rows(res.exact ? exact_coalitions(n) : sampled_coalitions(n, opt.permutations, opt.seed), n,
                     R, opt.common_random_numbers);
  plan.replicates = R;
  plan.metrics = nm;
  plan.chunk_points = automatic_chunk_points(plan.points(), R);
  res.coalitions = plan.points();
  res.chunks = plan.chunks();
  if (opt.serve) {  // a serving MPI rank: rank 0 hands out the chunks and keeps the results
    opt.serve(plan, evaluator);
    res.finished = false;
    return res;
  }
  std::optional<io::ScratchDir> scratch;
  if (opt.journal_dir.empty()) {
    scratch.emplace();
    res.journal = (scratch->path() / kAttributeJournal).string();
  } else {
    io::ensure_output_dir(opt.journal_dir);
    refuse_unfinished_attribution(opt.journal_dir, opt.resume);
    res.journal = (std::filesystem::path(opt.journal_dir) / kAttributeJournal).string();
  }
  PlanRun run = run_plan(plan, evaluator, res.journal, attribute_identity(spec, base, metrics, opt),
                         {opt.execute, opt.threads, opt.resume, opt.progress, opt.stop, "attribute"});
  res.finished = run.finished;
  res.chunks_done = run.journal.chunks_done();
  if (scratch) res.journal.clear();
  if (!res.finished) return res;
  const std::vector<double> v = plan_results(plan, run.journal);
  for (const double x : v)
    if (!std::isfinite(x))
      throw InputError({"<command line>", 1, 0},
                       "a metric is not a finite number in some run: check the model's parameters");
  const PerReplicate pr = res.exact ? exact_effects(v, n, nm, R, res)
                                    : sampled_effects(v, n, nm, R, res.permutations, opt.seed, res);
  std::vector<double> k(static_cast<std::size_t>(R)), phi(static_cast<std::size_t>(R)),
      x(static_cast<std::size_t>(R));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < nm; ++j) {
      const std::size_t at = (static_cast<std::size_t>(i) * nm + j) * R;
      for (int r = 0; r < R; ++r) {
        k[static_cast<std::size_t>(r)] = pr.knockout[at + r];
        phi[static_cast<std::size_t>(r)] = pr.shapley[at + r];
        x[static_cast<std::size_t>(r)] = phi[static_cast<std::size_t>(r)] - k[static_cast<std::size_t>(r)];
      }
      const int rank = (i * nm + j) * 3;
      EventEffect e{estimate(k, opt, rank), estimate(phi, opt, rank + 1), estimate(x, opt, rank + 2), 0.0};
      if (!res.exact && res.permutations > 1) {
        std::vector<double> means(static_cast<std::size_t>(res.permutations));
        for (int p = 0; p < res.permutations; ++p)
          means[static_cast<std::size_t>(p)] =
              pr.permutation_means[(static_cast<std::size_t>(p) * n + i) * nm + j];
        e.permutation_se = std::sqrt(sample_variance(means) / res.permutations);
        // The bootstrap over replicates does not see which permutations were drawn: widen the Shapley and
        // interaction intervals by that error too (in quadrature, at the normal quantile of `confidence`).
        const double z = boost::math::quantile(boost::math::normal(), (1 + opt.confidence) / 2);
        for (Estimate* x : {&e.shapley, &e.interaction}) {
          const double half_low = x->value - x->lo, half_high = x->hi - x->value,
                       extra = z * e.permutation_se;
          x->lo = x->value - std::hypot(half_low, extra);
          x->hi = x->value + std::hypot(half_high, extra);
        }
      }
      res.effects.push_back(e);
    }
  return res;
}

std::vector<std::string> write_attribute_outputs(const CompiledModel& base, const AttributeResult& r,
                                                 const AttributeOptions& opt, const std::string& dir,
                                                 const std::string& command_line) {
  namespace fs = std::filesystem;
  io::ensure_output_dir(dir);
  io::CsvBuffer csv;
  results::event_effects_header(csv);
  for (std::size_t j = 0; j < r.metrics.size(); ++j)
    for (std::size_t i = 0; i < r.players.size(); ++i) {
      const AttributeResult::Player& p = r.players[i];
      const EventEffect& e = r.effect(i, j);
      results::event_effect_row(
          csv, {r.metrics[j], event_name(p), format_date(p.date), p.label, e.knockout.value, e.knockout.lo,
                e.knockout.hi, e.shapley.value, e.shapley.lo, e.shapley.hi, e.interaction.value,
                e.interaction.lo, e.interaction.hi, e.permutation_se});
    }
  nlohmann::ordered_json j;
  j["kind"] = "attribute";
  j["version"] = results::version();
  j["commit"] = results::build_commit();
  j["scenario"] = base.scenario.file;
  j["scenario_name"] = base.scenario.name;
  j["scenario_sha256"] = results::scenario_sha256(base.scenario);
  j["model_dir"] = base.spec.dir;
  j["model_sha256"] = io::sha256_files(base.spec.files);
  j["seed"] = opt.seed;
  j["replicates"] = opt.replicates;
  j["common_random_numbers"] = opt.common_random_numbers;
  j["method"] =
      r.exact ? "exact Shapley values over all coalitions" : "Shapley values over sampled permutations";
  j["players"] = r.players.size();
  j["permutations"] = r.permutations;
  j["coalitions"] = r.coalitions;
  j["runs"] = r.coalitions * opt.replicates;
  j["bootstrap"] = opt.bootstrap;
  j["confidence"] = opt.confidence;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::array();
  for (std::size_t m = 0; m < r.metrics.size(); ++m)
    metrics.push_back({{"name", r.metrics[m]}, {"all_events", r.all[m]}, {"no_events", r.none[m]}});
  j["metrics"] = metrics;
  j["command_line"] = command_line;
  j["created"] = results::created_utc();
  const std::vector<std::pair<std::string, std::string>> files = {
      {(fs::path(dir) / "event-effects.csv").string(), csv.str()},
      {(fs::path(dir) / "meta.json").string(), j.dump(2) + "\n"}};
  io::write_all(files);
  if (!r.journal.empty()) std::filesystem::remove(r.journal);  // rendered: the outputs now hold its work
  return {files[0].first, files[1].first};
}

std::string render_attribute_table(const AttributeResult& r, const AttributeOptions& opt) {
  std::ostringstream out;
  out << (r.exact ? "exact Shapley values over " + std::to_string(r.coalitions) + " coalitions"
                  : "Shapley values over " + std::to_string(r.permutations) + " sampled permutations")
      << " of " << r.players.size() << " events, " << opt.replicates << " replicates each"
      << (opt.common_random_numbers ? " (common random numbers)" : " (independent streams)") << "; "
      << static_cast<int>(opt.confidence * 100 + 0.5) << " % bootstrap intervals\n";
  char line[512];
  for (std::size_t j = 0; j < r.metrics.size(); ++j) {
    out << "\n" << r.metrics[j] << ": all events " << r.all[j] << ", none " << r.none[j] << "\n";
    std::snprintf(line, sizeof line, "  %-28s %11s %-25s %11s %-25s %11s\n", "event", "knock-out", "interval",
                  "Shapley", "interval", "interaction");
    out << line;
    std::vector<std::size_t> order(r.players.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::abs(r.effect(a, j).shapley.value) > std::abs(r.effect(b, j).shapley.value);
    });
    for (std::size_t i : order) {
      const EventEffect& e = r.effect(i, j);
      char ko[64], sh[64];
      std::snprintf(ko, sizeof ko, "[%+.3g, %+.3g]", e.knockout.lo, e.knockout.hi);
      std::snprintf(sh, sizeof sh, "[%+.3g, %+.3g]", e.shapley.lo, e.shapley.hi);
      std::snprintf(line, sizeof line, "  %-28.28s %+11.4g %-25s %+11.4g %-25s %+11.4g\n",
                    event_title(r.players[i]).c_str(), e.knockout.value, ko, e.shapley.value, sh,
                    e.interaction.value);
      out << line;
    }
  }
  return out.str();
}

}  // namespace hedgesim
