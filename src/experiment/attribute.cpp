#include "experiment/attribute.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "engine/engine.hpp"
#include "experiment/metrics.hpp"
#include "experiment/parallel.hpp"
#include "experiment/statistics.hpp"
#include "io/atomic_file.hpp"
#include "io/csv_writer.hpp"
#include "io/sha256.hpp"
#include "model/input_error.hpp"
#include "model/load.hpp"
#include "results/attribute_files.hpp"
#include "results/build_info.hpp"
#include "results/provenance.hpp"

namespace hedgesim {
namespace {

constexpr int kBatch = 32;
/// Permutations run at once: bounds the marginal contributions kept in memory, and fixes the order in which
/// they are summed (whatever the threads), so that the bytes do not depend on the thread count.
constexpr int kPermutationGroup = 16;

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

/// Runs one coalition: the scenario with the players outside `present` removed, `replicates` runs from stream
/// `first_run`, metrics written to out[r * metrics + j].
void run_coalition(const ModelSpec& spec, const Scenario& base,
                   const std::vector<AttributeResult::Player>& players, const std::vector<char>& present,
                   const std::vector<MetricDef>& metrics, const AttributeOptions& opt,
                   std::uint64_t first_run, double* out) {
  std::vector<std::size_t> removed;
  for (std::size_t p = 0; p < players.size(); ++p)
    if (!present[p]) removed.push_back(players[p].event);
  Scenario variant = base;
  remove_events(variant, removed);
  const CompiledModel m = compile(spec, variant);
  MetricRecorder recorder(m, metrics);
  Batch b;
  Workspace ws;
  const int nm = static_cast<int>(metrics.size());
  for (int first = 0; first < opt.replicates; first += kBatch) {
    const int count = std::min(kBatch, opt.replicates - first);
    run_metrics(m, opt.seed, first_run + static_cast<std::uint64_t>(first), count, recorder, b, ws,
                out + static_cast<std::size_t>(first) * nm);
  }
}

/// The per-replicate values of each effect, [(player * metrics + j) * replicates + r].
struct PerReplicate {
  std::vector<double> knockout, shapley;
  std::vector<double>
      permutation_means;  ///< sampled only: [(p * players + i) * metrics + j], replicate means
};

PerReplicate exact_effects(const ModelSpec& spec, const Scenario& base,
                           const std::vector<AttributeResult::Player>& players,
                           const std::vector<MetricDef>& metrics, const AttributeOptions& opt,
                           AttributeResult& res) {
  const int n = static_cast<int>(players.size()), nm = static_cast<int>(metrics.size()), R = opt.replicates;
  const std::int64_t coalitions = std::int64_t{1} << n;
  const std::size_t per = static_cast<std::size_t>(R) * nm;
  std::vector<double> v(static_cast<std::size_t>(coalitions) * per);
  parallel_for(coalitions, opt.threads, [&](std::int64_t c, int) {
    std::vector<char> present(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      present[static_cast<std::size_t>(i)] = static_cast<char>((c >> i) & 1);
    const std::uint64_t first_run = opt.common_random_numbers ? 0 : static_cast<std::uint64_t>(c) * R;
    run_coalition(spec, base, players, present, metrics, opt, first_run,
                  &v[static_cast<std::size_t>(c) * per]);
    if (opt.on_done) opt.on_done(1);
  });
  res.coalitions = coalitions;
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

PerReplicate sampled_effects(const ModelSpec& spec, const Scenario& base,
                             const std::vector<AttributeResult::Player>& players,
                             const std::vector<MetricDef>& metrics, const AttributeOptions& opt,
                             AttributeResult& res) {
  const int n = static_cast<int>(players.size()), nm = static_cast<int>(metrics.size()), R = opt.replicates;
  const int P = opt.permutations;
  const std::size_t per = static_cast<std::size_t>(R) * nm;
  // v(N), v(N \ i) and v(empty): the knock-outs and the two ends of every permutation.
  std::vector<double> ends(static_cast<std::size_t>(n + 2) * per);
  parallel_for(n + 2, opt.threads, [&](std::int64_t t, int) {
    std::vector<char> present(static_cast<std::size_t>(n), t == n + 1 ? 0 : 1);
    if (t < n) present[static_cast<std::size_t>(t)] = 0;
    const std::uint64_t first_run = opt.common_random_numbers ? 0 : static_cast<std::uint64_t>(t) * R;
    run_coalition(spec, base, players, present, metrics, opt, first_run,
                  &ends[static_cast<std::size_t>(t) * per]);
    if (opt.on_done) opt.on_done(1);
  });
  const double* all = &ends[static_cast<std::size_t>(n) * per];
  const double* none = &ends[static_cast<std::size_t>(n + 1) * per];
  PerReplicate out;
  out.knockout.assign(static_cast<std::size_t>(n) * per, 0.0);
  out.shapley.assign(static_cast<std::size_t>(n) * per, 0.0);
  out.permutation_means.assign(static_cast<std::size_t>(P) * n * nm, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < nm; ++j)
      for (int r = 0; r < R; ++r)
        out.knockout[(static_cast<std::size_t>(i) * nm + j) * R + r] =
            all[static_cast<std::size_t>(r) * nm + j] - ends[static_cast<std::size_t>(i) * per + r * nm + j];
  // Each permutation's inner prefixes (sizes 1 .. n - 1), in groups; marginal contributions summed in order.
  std::vector<double> prefix;
  for (int g = 0; g < P; g += kPermutationGroup) {
    const int count = std::min(kPermutationGroup, P - g), inner = n - 1;
    prefix.assign(static_cast<std::size_t>(count) * std::max(inner, 0) * per, 0.0);
    parallel_for(static_cast<std::int64_t>(count) * inner, opt.threads, [&](std::int64_t t, int) {
      const int p = g + static_cast<int>(t / inner), size = static_cast<int>(t % inner) + 1;
      const std::vector<int> order = permutation(opt.seed, p, n);
      std::vector<char> present(static_cast<std::size_t>(n), 0);
      for (int k = 0; k < size; ++k)
        present[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])] = 1;
      const std::uint64_t first_run =
          opt.common_random_numbers ? 0
                                    : static_cast<std::uint64_t>(n + 2 + std::int64_t{p} * inner + size) * R;
      run_coalition(spec, base, players, present, metrics, opt, first_run,
                    &prefix[static_cast<std::size_t>(t) * per]);
      if (opt.on_done) opt.on_done(1);
    });
    for (int q = 0; q < count; ++q) {
      const int p = g + q;
      const std::vector<int> order = permutation(opt.seed, p, n);
      for (int k = 0; k < n; ++k) {  // player order[k] joins the prefix of size k
        const double* before = k == 0 ? none : &prefix[(static_cast<std::size_t>(q) * inner + (k - 1)) * per];
        const double* after = k == n - 1 ? all : &prefix[(static_cast<std::size_t>(q) * inner + k) * per];
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
  }
  res.coalitions = n + 2 + static_cast<std::int64_t>(P) * std::max(n - 1, 0);
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
  const PerReplicate pr = res.exact ? exact_effects(spec, base, res.players, metrics, opt, res)
                                    : sampled_effects(spec, base, res.players, metrics, opt, res);
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
