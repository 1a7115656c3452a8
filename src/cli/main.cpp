// The `hedgesim` command line (CLI11): run, validate, explain, plot, report, serve, sweep, compare. It parses
// arguments, calls the experiment and report modules, and turns every InputError into `file:line:col:
// message` on stderr with exit code 2. Started by mpirun or srun, it initialises MPI around the command: a
// sweep then spreads over the ranks (rank 0 speaks for the job), other commands run on rank 0 alone. It holds
// no model logic.
#include <sched.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "calibration/fit.hpp"
#include "experiment/attribute.hpp"
#include "experiment/compare.hpp"
#include "experiment/ensemble.hpp"
#include "experiment/mpi_runner.hpp"
#include "experiment/run_outputs.hpp"
#include "experiment/sweep.hpp"
#include "experiment/sweep_job.hpp"
#include "io/atomic_file.hpp"
#include "io/memory.hpp"
#include "io/progress.hpp"
#include "io/scratch_dir.hpp"
#include "model/compiled_model.hpp"
#include "model/date.hpp"
#include "model/input_error.hpp"
#include "model/load.hpp"
#include "report/explain.hpp"
#include "report/figure.hpp"
#include "report/gnuplot.hpp"
#include "report/html_report.hpp"
#include "report/plot.hpp"
#include "report/plot_study.hpp"
#include "results/build_info.hpp"
#include "serve/server.hpp"

namespace {

using namespace hedgesim;

constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

/// Set by the first SIGINT (or, for sweeps, SIGTERM); long jobs stop after the work in flight. A second
/// signal kills as usual.
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
  g_stop = true;
  std::signal(sig, SIG_DFL);
}

/// A seed is an unsigned 64-bit number; CLI11 would read "-1" as 2^64 - 1 without a word.
const CLI::Validator kSeedCheck(
    [](std::string& text) -> std::string {
      if (text.find('-') != std::string::npos)
        return "a seed must be a whole number from 0 to 2^64 - 1, got " + text;
      return {};
    },
    "SEED >= 0", "seed");

/// A progress bar only on a terminal, unless --quiet, and only for work worth watching.
bool show_progress(bool quiet, std::int64_t runs) {
  return !quiet && runs >= 64 && io::ProgressBar::stderr_is_terminal();
}

/// The ranks of this process's MPI job: {0, 1} without MPI.
MpiPlace g_mpi;

/// Whether srun started this process itself (direct launch: SLURM_STEP_ID set, and not mpirun's
/// OMPI_COMM_WORLD_SIZE, which mpirun sets even when it runs inside a Slurm job). Read before MPI_Init.
bool g_started_by_srun = false;

/// How the job was launched, for a "resume with:" line: "srun " for srun (within the job's allocation it
/// starts as many ranks again), "mpirun -np N " for mpirun, nothing for one process.
std::string relaunch_prefix() {
  if (g_mpi.size <= 1) return "";
  if (g_started_by_srun) return "srun ";
  return "mpirun -np " + std::to_string(g_mpi.size) + " ";
}

/// The cores this process may run on: its affinity mask (what mpirun's or Slurm's binding gives each rank,
/// as `nproc` reports), not every core of the machine.
int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

/// --threads, or by default one thread per usable core. More threads than usable cores only share them,
/// which under MPI usually means the ranks were bound to one core each: say so once.
int default_threads(int requested) {
  const int cores = usable_cores();
  if (requested > cores && g_mpi.size > 1 && g_mpi.rank == 0)
    std::cerr << "note: --threads " << requested << " but this rank may run on " << cores
              << " core(s) only (MPI binding); give each rank its cores, e.g. mpirun --map-by slot:PE="
              << requested << " or srun --cpus-per-task=" << requested << " (docs/cluster.md)\n";
  return requested > 0 ? requested : cores;
}

std::string joined_command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) s += ' ';
    s += argv[i];
  }
  return s;
}

std::optional<Date> date_option(const std::string& text, const char* flag) {
  if (text.empty()) return std::nullopt;
  if (auto d = parse_date(text)) return d;
  throw InputError({"<command line>", 1, 0},
                   std::string(flag) + " '" + text + "' is not a date; write YYYY-MM-DD, e.g. 2019-10-18");
}

struct RunArgs {
  std::string scenario;
  std::optional<std::uint64_t> seed;
  int replicates = 1;
  int threads = 0;
  std::string out;  ///< empty: out/<scenario name>
  bool force = false;
  bool no_attribution = false;
  bool quiet = false;
  std::vector<std::string> keep{std::begin(results::kRunFileKinds), std::end(results::kRunFileKinds)};
  std::string compress = "none";
};

/// `hedgesim run`'s options as the ensemble's and its files' (the workflow is experiment's run_and_write).
RunSetOptions run_set_options(const CompiledModel& m, const RunArgs& a) {
  RunSetOptions o;
  o.seed = a.seed.value_or(m.scenario.seed);
  o.replicates = a.replicates;
  o.threads = default_threads(a.threads);
  o.attribution = !a.no_attribution;
  o.files = results::RunFiles::keeping(a.keep);
  o.files.gzip = a.compress == "gzip";
  o.progress = show_progress(a.quiet, a.replicates);
  return o;
}

void print_run_summary(const CompiledModel& m, const RunArgs& a, std::uint64_t seed) {
  std::cout << "ran '" << m.scenario.name << "': " << a.replicates << " replicate(s) x " << m.steps
            << " steps of " << m.params.step_days << " days (" << format_date(m.scenario.start) << " to "
            << format_date(m.scenario.end) << "), seed " << seed << "\n";
}

int cmd_run(const RunArgs& a, const std::string& command_line) {
  const CompiledModel m = load_and_compile(a.scenario);
  const std::string out = a.out.empty() ? "out/" + m.scenario.name : a.out;
  check_run_directory(m, out, a.force);
  const RunSet done = run_and_write(m, run_set_options(m, a), out, command_line);
  print_run_summary(m, a, done.seed);
  for (const auto& f : done.files)
    std::cout << "  wrote " << f << "\n";
  std::cout << "next: hedgesim explain " << out << " --agent " << m.agent_ids[0] << "   or   hedgesim plot "
            << out << "\n";
  return 0;
}

struct ServeArgs {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string root = ".";
  std::string model_dir;
  std::vector<std::string> scenario_dirs;
};

/// Where to open the page: the loopback address for a loopback host; otherwise the addresses students can
/// open (this machine's, for 0.0.0.0 — never 0.0.0.0 itself, which no browser can open) and a warning that
/// anyone on those networks can reach the page and run the model.
void print_addresses(const std::string& host, int port) {
  const auto url = [port](const std::string& address) {
    return "http://" + address + ":" + std::to_string(port) + "/";
  };
  const std::vector<std::string> addresses = serve::addresses_to_open(host);
  if (addresses.size() == 1 && addresses.front() == "127.0.0.1") {
    std::cout << "hedgesim serve: open " << url("127.0.0.1") << " in a browser (Ctrl-C stops)\n";
    return;
  }
  if (addresses.empty()) {
    std::cout << "hedgesim serve: open " << url("127.0.0.1")
              << " in a browser on this machine (Ctrl-C stops)\n"
              << "note: this machine has no network address other than loopback, so no other machine can "
                 "reach the page\n";
    return;
  }
  std::cout << "hedgesim serve: open " << url(addresses.front()) << " in a browser (Ctrl-C stops)\n";
  for (std::size_t i = 1; i < addresses.size(); ++i)
    std::cout << "  or " << url(addresses[i]) << "\n";
  if (serve::is_wildcard_host(host)) std::cout << "  or, on this machine, " << url("127.0.0.1") << "\n";
  std::cout << "warning: listening on " << (host.empty() ? "every interface" : host)
            << ", so anyone who can reach these addresses can open the page and run the model; use --host "
               "127.0.0.1 to keep it to this machine\n";
}

/// `hedgesim serve`: the API (and web/, when present) until Ctrl-C or SIGTERM. The signal only sets a flag;
/// a watcher thread turns it into Server::stop(), which is not safe to call from a signal handler.
int cmd_serve(const ServeArgs& a) {
  if (!std::filesystem::is_directory(std::filesystem::path(a.root) / "scenarios"))
    throw InputError({"<command line>", 1, 0},
                     "--root '" + a.root +
                         "' has no scenarios/ directory; run from the hedgesim repository or give its path");
  if (!a.model_dir.empty())
    load_model(a.model_dir, {"<command line>", 1, 0});  // a bad model fails now, not per request
  for (const std::string& dir : a.scenario_dirs)
    if (!std::filesystem::is_directory(dir))
      throw InputError({"<command line>", 1, 0}, "--scenarios '" + dir +
                                                     "' is not a directory; give the directory that holds "
                                                     "your scenario files (*.toml)");
  serve::ServerOptions options{a.host, a.port, a.root, a.model_dir};
  options.scenario_dirs = a.scenario_dirs;
  serve::Server server(options);
  const int port = server.bind_to_port();
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  print_addresses(a.host, port);
  const std::filesystem::path web = std::filesystem::path(a.root) / "web";
  if (std::filesystem::is_directory(web) && !std::filesystem::exists(web / "node_modules" / "chart.js"))
    std::cout << "note: the page's chart library is not installed (web/node_modules); run "
                 "scripts/web-deps.sh, or the charts stay empty\n";
  std::cout << std::flush;
  // stop() is repeated until listening has ended: a signal that arrives before listen_after_bind() has
  // started its loop would otherwise be lost (the library's stop() only ends a loop already running).
  std::atomic<bool> listening_ended{false};
  std::thread watcher([&server, &listening_ended] {
    while (!g_stop)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    while (!listening_ended) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  server.listen_after_bind();
  listening_ended = true;
  g_stop = true;
  watcher.join();
  std::cout << "hedgesim serve: stopped\n";
  return 0;
}

/// `hedgesim report`: the scenario is run into a scratch directory, whose files become one HTML page.
/// The report's "Which events mattered": every event's effect on each hedger's mean signal, by `hedgesim
/// attribute` at the report's replicates and seed (exact Shapley values up to 12 events, else `permutations`
/// sampled ones), written into `dir`.
void attribute_for_report(const CompiledModel& m, const RunArgs& a, int permutations, std::uint64_t seed,
                          const std::string& dir) {
  std::vector<MetricDef> metrics = default_compare_metrics(m);
  std::erase_if(metrics, [](const MetricDef& d) { return !d.name.ends_with("_signal_mean"); });
  AttributeOptions opt;
  opt.replicates = std::max(2, a.replicates);
  opt.seed = seed;
  opt.permutations = permutations;
  opt.threads = default_threads(a.threads);
  opt.progress = show_progress(a.quiet, 64);
  const AttributeResult r = attribute(m.spec, m.scenario, metrics, opt);
  write_attribute_outputs(m, r, opt, dir, "");
}

int cmd_report(const RunArgs& a, std::string out, int permutations, const std::string& command_line) {
  const CompiledModel m = load_and_compile(a.scenario);
  if (out.empty()) out = "out/" + m.scenario.name + "-report.html";
  const std::string parent = std::filesystem::path(out).parent_path().string();
  io::ensure_output_dir(parent.empty() ? "." : parent);  // fail before the work, not after it
  io::ScratchDir scratch;
  const RunSet done = run_and_write(m, run_set_options(m, a), scratch.path().string(), command_line);
  print_run_summary(m, a, done.seed);
  std::string attribute_dir;
  if (permutations > 0 && !m.scenario.events.empty()) {
    attribute_dir = (scratch.path() / "attribute").string();
    attribute_for_report(m, a, permutations, done.seed, attribute_dir);
  }
  // Explained from the runs in memory: the text of the files, without reading them again per hedger and
  // event.
  const auto explainer = [&](const report::ExplainOptions& e) { return report::explain(m, done.runs, e); };
  // Printed only once the page exists: a failure must not leave a "wrote" line behind.
  const std::string page =
      report::write_html_report({scratch.path().string(), out, "gnuplot", explainer, attribute_dir});
  std::cout << "  wrote " << page << "  (self-contained: open it in a browser, print it, or mail it)\n";
  return 0;
}

int cmd_validate(const std::string& scenario) {
  const CompiledModel m = load_and_compile(scenario);
  check_fits_in_memory(m, 1, true, io::available_memory_bytes());  // one run, as `run` makes by default
  std::cout << "ok: scenario '" << m.scenario.name << "' with model '" << m.spec.name << "' (" << m.n_agents
            << " agents, " << m.spec.event_types.size() << " event types, " << m.spec.parameters.size()
            << " parameters): " << m.events.size() << " events (" << m.effects.size() << " effects) over "
            << m.steps << " steps of " << m.params.step_days << " days, " << format_date(m.scenario.start)
            << " to " << format_date(m.scenario.end) << "; agents:";
  for (int a = 0; a < m.n_agents; ++a)
    std::cout << (a > 0 && m.agent_kinds[a] != m.agent_kinds[a - 1] ? " |" : "") << " " << m.agent_ids[a];
  std::cout << "\n";
  return 0;
}

/// A build without MPI started as K > 1 processes by mpirun or srun: each would write the same files.
void refuse_launch_without_mpi() {
  if (!mpi::built_with_mpi() && mpi::launcher_size() > 1)
    throw InputError({"<command line>", 1, 0},
                     "this hedgesim was built without MPI (-DHEDGESIM_MPI=OFF) but started as " +
                         std::to_string(mpi::launcher_size()) +
                         " processes by an MPI launcher: they would all write the same files. Rebuild with "
                         "-DHEDGESIM_MPI=ON, or run it without mpirun/srun");
}

/// What a long job (a sweep, a calibration) takes from its command line, alike: where it writes (default
/// out/<name>), threads, --resume, the progress bar, the stop flag that SIGINT and SIGTERM (what Slurm and
/// mpirun send to end a job) set, and the command line meta.json records.
template <class Options, class Args>
void set_job_options(Options& opt, const Args& a, const std::string& name, const std::string& command_line) {
  opt.out_dir = a.out.empty() ? "out/" + name : a.out;
  opt.threads = default_threads(a.threads);
  opt.resume = a.resume;
  opt.progress = show_progress(a.quiet, 64);
  opt.stop = &g_stop;
  opt.command_line = command_line;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

struct SweepArgs {
  std::string experiment;
  std::string out;
  int threads = 0;
  bool resume = false;
  bool quiet = false;
};

int cmd_sweep(const SweepArgs& a, const std::string& command_line) {
  std::optional<LoadedSweep> s;
  if (g_mpi.size > 1) {
    s = load_sweep_on_every_rank(a.experiment, g_mpi, std::cerr);
    if (!s) return kExitBadInput;
  }
  refuse_launch_without_mpi();
  if (!s) s.emplace(load_sweep(a.experiment));
  const ResolvedExperiment& e = s->e;
  SweepOptions opt;
  set_job_options(opt, a, e.spec.name, command_line);
  const std::optional<SweepResult> done = run_sweep_as_rank(*s, opt, g_mpi);
  if (!done) return 0;  // a serving rank
  const SweepResult& r = *done;
  if (!r.finished) {
    std::cerr << "interrupted: " << r.chunks_done << " of " << r.chunks << " chunks are done and kept in "
              << r.journal << ".\nresume with: " << relaunch_prefix() << "hedgesim sweep " << a.experiment
              << " --out " << opt.out_dir << " --resume\n";
    return kExitInterrupted;
  }
  std::cout << "swept '" << e.spec.name << "': " << design_kind_name(e.spec.design) << " design, " << r.runs
            << " runs (" << r.runs / e.spec.replicates << " points x " << e.spec.replicates
            << " replicates) of '" << e.model.scenario.name << "', seed " << e.spec.seed;
  if (g_mpi.size > 1) std::cout << ", on " << g_mpi.size << " MPI ranks";
  std::cout << "\n";
  for (const auto& f : r.files)
    std::cout << "  wrote " << f << "\n";
  return 0;
}

struct CalibrateArgs {
  std::string file;
  std::string out;
  int threads = 0;
  bool resume = false;
  bool quiet = false;
  std::vector<std::string> fix;
};

/// The calibration read on every rank of an MPI job, which must agree that they read the same inputs (and,
/// on rank 0, that the output directory may be used) before any work; nothing on a rank where it failed.
/// A job's inputs read on every rank of an MPI job by `load`, which throws InputError for a bad one; the
/// ranks agree that all could read them and that they read the same (`identity` of what was read) before
/// any work. Nothing on any rank if not, after rank 0 printed the message.
template <class T, class Load, class Identity>
std::optional<T> load_on_every_rank(Load load, Identity identity) {
  std::optional<T> loaded;
  std::optional<std::string> error;
  try {
    loaded.emplace(load());
  } catch (const InputError& e) {
    error = e.what();
  }
  const std::string id = loaded ? io::render_journal_header(identity(*loaded)) : "";
  if (auto message = mpi::agree_on_inputs(error, id)) {
    if (g_mpi.rank == 0) std::cerr << *message << "\n";
    return std::nullopt;
  }
  return loaded;
}

std::optional<calibration::ResolvedCalibration> load_calibration_on_every_rank(const CalibrateArgs& a) {
  return load_on_every_rank<calibration::ResolvedCalibration>(
      [&a] {
        calibration::ResolvedCalibration c = calibration::resolve_calibration(a.file, a.fix);
        if (g_mpi.rank == 0)
          calibration::refuse_unfinished_calibration(a.out.empty() ? "out/" + c.spec.name : a.out, a.resume);
        return c;
      },
      [](const calibration::ResolvedCalibration& c) { return calibration::calibration_identity(c); });
}

int cmd_calibrate(const CalibrateArgs& a, const std::string& command_line) {
  refuse_launch_without_mpi();
  std::optional<calibration::ResolvedCalibration> loaded;
  if (g_mpi.size > 1) {
    loaded = load_calibration_on_every_rank(a);
    if (!loaded) return kExitBadInput;
  } else {
    loaded.emplace(calibration::resolve_calibration(a.file, a.fix));
  }
  const calibration::ResolvedCalibration& c = *loaded;
  calibration::CalibrateOptions opt;
  set_job_options(opt, a, c.spec.name, command_line);
  if (g_mpi.size > 1) {
    opt.share = mpi::share_from_coordinator;
    if (g_mpi.rank > 0) {
      opt.serving = true;
      opt.serve = [&opt](const WorkPlan& plan, const PointEvaluator& evaluator) {
        mpi::serve_chunks(plan, evaluator, opt.threads);
      };
      calibration::run_calibration(c, opt);
      return 0;
    }
    opt.execute = mpi::coordinate_chunks;
  }
  calibration::CalibrationRun r;
  try {
    r = calibration::run_calibration(c, opt);
  } catch (const InputError& e) {
    if (g_mpi.size <= 1) throw;
    std::cerr << e.what() << std::endl;  // the other ranks wait for rank 0: end the whole job
    mpi::abort_all(kExitBadInput);
  }
  if (!r.finished) {
    std::cerr << "interrupted: the finished batches are kept in " << opt.out_dir
              << ".\nresume with: hedgesim calibrate " << a.file;
    for (const std::string& f : a.fix)
      std::cerr << " --fix " << f;
    std::cerr << " --out " << opt.out_dir << " --resume\n";
    return kExitInterrupted;
  }
  std::cout << "calibrated '" << c.spec.name << "': " << r.abc.generations.size() - 1 << " generations of "
            << c.spec.abc.particles << " particles, " << r.abc.simulations << " simulations x "
            << c.spec.replicates << " replicates of '" << c.model.scenario.name << "', seed " << c.spec.seed
            << "; tolerance " << r.abc.generations.back().epsilon << ", posterior ESS "
            << r.posterior.effective_sample_size() << " (" << r.posterior.distinct_particles()
            << " distinct particles), log evidence " << r.log_evidence << " (" << r.abc.stop_reason << ")\n";
  for (const auto& f : r.files)
    std::cout << "  wrote " << f << "\n";
  return 0;
}

struct CompareArgs {
  std::string a, b, metrics, out;
  std::vector<std::string> without, move;  ///< one-off patches of A that make B (instead of a file B)
  int replicates = 200;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  bool no_plot = false;
  bool quiet = false;
};

/// `--without ID` and `--move ID=DATE`: scenario A patched (docs/scenario-format.md, "Patches") into the
/// counterfactual B, named for what changed; errors are at "<command line>".
Scenario patched_counterfactual(const CompareArgs& c) {
  const SourcePos at{"<command line>", 1, 0};
  Scenario s = load_scenario(c.a);
  const std::string base = s.name;
  std::vector<EventPatch> patches;
  for (const std::string& id : c.without) {
    EventPatch p;
    p.event = id;
    p.remove = true;
    p.pos = p.event_pos = at;
    patches.push_back(p);
    s.name += "-without-" + id;
  }
  for (const std::string& setting : c.move) {
    const std::size_t eq = setting.find('=');
    const std::optional<Date> date =
        eq == std::string::npos ? std::nullopt : parse_date(setting.substr(eq + 1));
    if (eq == 0 || !date)
      throw InputError(at, "--move '" + setting + "' is not ID=DATE; allowed: an event id of " + c.a +
                               " and a date YYYY-MM-DD, e.g. --move fra-veto-2019=2019-12-15");
    EventPatch p;
    p.event = setting.substr(0, eq);
    p.date = date;
    p.pos = p.event_pos = p.date_pos = at;
    patches.push_back(p);
    s.name += "-moving-" + p.event;
  }
  apply_event_patches(s, patches, c.a);
  s.title = "Counterfactual of " + base + ": " + s.name.substr(base.size() + 1);
  return s;
}

int cmd_compare(const CompareArgs& c, const std::string& command_line) {
  const bool patched = !c.without.empty() || !c.move.empty();
  if (patched == !c.b.empty())
    throw InputError({"<command line>", 1, 0},
                     patched ? "give either scenario B or --without/--move (which make B from A), not both"
                             : "give scenario B, or --without ID / --move ID=DATE to make B from A");
  const CompiledModel a = load_and_compile(c.a);
  const CompiledModel b = patched ? [&] {
    const Scenario sb = patched_counterfactual(c);
    return compile(load_model(sb.model_dir, sb.model_pos), sb);
  }()
                                  : load_and_compile(c.b);
  check_comparable(a, b);
  // Both scenarios' paired values per step are kept for the bands of difference-over-time.csv.
  check_fits_in_memory(a, 2 * static_cast<std::uint64_t>(c.replicates), false, io::available_memory_bytes());
  std::vector<MetricDef> metrics = default_compare_metrics(a);
  if (!c.metrics.empty()) {
    const ExperimentSpec spec = load_experiment(c.metrics);
    resolve_metrics(spec.metrics, b);  // checked against both scenarios
    metrics = resolve_metrics(spec.metrics, a);
  }
  CompareOptions opt;
  opt.replicates = c.replicates;
  opt.seed = c.seed.value_or(a.scenario.seed);
  opt.threads = default_threads(c.threads);
  opt.metrics_file = c.metrics;
  const std::string out = c.out.empty() ? "out/compare-" + a.scenario.name + "-vs-" + b.scenario.name : c.out;
  io::ensure_output_dir(out);
  io::ProgressBar bar(c.replicates, stderr,
                      {.unit = "pairs", .label = "compare", .enabled = show_progress(c.quiet, c.replicates)});
  opt.on_done = [&](int n) { bar.advance(n); };
  const CompareResult r = compare(a, b, metrics, opt);
  bar.finish();
  auto files = write_compare_outputs(a, b, r, opt, out, command_line);
  std::cout << render_compare_table(a, b, r, opt);
  if (!c.no_plot) {
    report::PlotStudyOptions plot;
    plot.dir = out;
    files.push_back(report::plot_difference(plot));
  }
  for (const auto& f : files)
    std::cout << "  wrote " << f << "\n";
  return 0;
}

struct AttributeArgs {
  std::string scenario, metrics_file, out;
  std::vector<std::string> metrics, events;
  int replicates = 200, permutations = 200, exact_limit = 12, threads = 0;
  std::optional<std::uint64_t> seed;
  bool independent = false, quiet = false, resume = false;
};

/// The metrics attribute reports: the defaults or a file's, narrowed to --metric names if given.
std::vector<MetricDef> attribute_metrics(const AttributeArgs& a, const CompiledModel& m) {
  std::vector<MetricDef> all = default_compare_metrics(m);
  if (!a.metrics_file.empty()) all = resolve_metrics(load_experiment(a.metrics_file).metrics, m);
  if (a.metrics.empty()) return all;
  std::vector<std::string> names;
  for (const MetricDef& d : all)
    names.push_back(d.name);
  std::vector<MetricDef> chosen;
  for (const std::string& name : a.metrics) {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw InputError({"<command line>", 1, 0}, "--metric '" + name + "' is not a metric here" +
                                                     did_you_mean(name, names) +
                                                     "; metrics: " + join_quoted(names));
    chosen.push_back(all[static_cast<std::size_t>(it - names.begin())]);
  }
  return chosen;
}

/// The scenario, its model, the base compiled and the metrics of an attribution; under MPI, every rank reads
/// them and the ranks agree that they read the same (and, on rank 0, that --out may be used) before any work.
struct LoadedAttribution {
  Scenario scenario;
  ModelSpec spec;
  CompiledModel base;
  std::vector<MetricDef> metrics;
  AttributeOptions opt;
};

LoadedAttribution load_attribution(const AttributeArgs& a, const std::string& command_line) {
  Scenario scenario = load_scenario(a.scenario);
  ModelSpec spec = load_model(scenario.model_dir, scenario.model_pos);
  CompiledModel base = compile(spec, scenario);
  check_fits_in_memory(base, 1, false, io::available_memory_bytes());
  std::vector<MetricDef> metrics = attribute_metrics(a, base);
  AttributeOptions opt;
  opt.replicates = a.replicates;
  opt.seed = a.seed.value_or(scenario.seed);
  opt.events = a.events;
  opt.permutations = a.permutations;
  opt.exact_limit = a.exact_limit;
  opt.common_random_numbers = !a.independent;
  SweepOptions so;  // the options every long job takes alike
  set_job_options(so, a, "attribute-" + scenario.name, command_line);
  opt.journal_dir = so.out_dir;
  opt.threads = so.threads;
  opt.resume = so.resume;
  opt.progress = so.progress;
  opt.stop = so.stop;
  return {std::move(scenario), std::move(spec), std::move(base), std::move(metrics), std::move(opt)};
}

int cmd_attribute(const AttributeArgs& a, const std::string& command_line) {
  refuse_launch_without_mpi();
  std::optional<LoadedAttribution> loaded;
  if (g_mpi.size > 1) {
    loaded = load_on_every_rank<LoadedAttribution>(
        [&] {
          LoadedAttribution l = load_attribution(a, command_line);
          if (g_mpi.rank == 0) refuse_unfinished_attribution(l.opt.journal_dir, a.resume);
          return l;
        },
        [](const LoadedAttribution& l) { return attribute_identity(l.spec, l.scenario, l.metrics, l.opt); });
    if (!loaded) return kExitBadInput;
  } else {
    loaded.emplace(load_attribution(a, command_line));
  }
  LoadedAttribution& l = *loaded;
  if (g_mpi.size > 1) {
    if (g_mpi.rank > 0) {
      l.opt.serve = [&l](const WorkPlan& plan, const PointEvaluator& evaluator) {
        mpi::serve_chunks(plan, evaluator, l.opt.threads);
      };
      attribute(l.spec, l.scenario, l.metrics, l.opt);
      return 0;
    }
    l.opt.execute = mpi::coordinate_chunks;
  }
  AttributeResult r;
  try {
    r = attribute(l.spec, l.scenario, l.metrics, l.opt);
  } catch (const InputError& e) {
    if (g_mpi.size <= 1) throw;
    std::cerr << e.what() << std::endl;  // the other ranks wait for rank 0: end the whole job
    mpi::abort_all(kExitBadInput);
  }
  if (!r.finished) {
    std::cerr << "interrupted: " << r.chunks_done << " of " << r.chunks << " chunks are done and kept in "
              << r.journal << ".\nresume with: " << relaunch_prefix() << "hedgesim attribute " << a.scenario
              << " --out " << l.opt.journal_dir << " --resume (and the same options)\n";
    return kExitInterrupted;
  }
  const auto files = write_attribute_outputs(l.base, r, l.opt, l.opt.journal_dir, command_line);
  std::cout << render_attribute_table(r, l.opt);
  for (const auto& f : files)
    std::cout << "  wrote " << f << "\n";
  return 0;
}

const char* kFooter = R"(
Examples:
  hedgesim validate scenarios/veto-2019.toml
  hedgesim run scenarios/veto-2019.toml --out out/veto
  hedgesim run scenarios/veto-2019.toml --replicates 200 --threads 2 --out out/veto-ens
  hedgesim explain out/veto --agent ID --from 2019-10-01 --to 2019-12-31
  hedgesim plot out/veto-ens --agents ID,ID
  hedgesim report scenarios/veto-2019.toml --out out/veto-2019.html
  hedgesim compare scenarios/veto-2019.toml scenarios/no-veto-2019.toml --metrics experiments/veto-vs-no-veto.toml
  hedgesim sweep experiments/hedging-sobol-small.toml --out out/sobol-small
  hedgesim sweep experiments/hedging-sobol.toml --out out/sobol --resume     (after an interruption)

Agent ids (ID) come from the model's agents.toml; `hedgesim validate SCENARIO` lists them.

Model files live in model/ (agents, parameters, event types, influence matrix); a scenario names its model,
its dates, its seed and its events. Formats: docs/scenario-format.md, docs/model-format.md,
docs/output-format.md. The model itself (state variables, mechanisms, equations): docs/ODD.md.
Exit codes: 0 success; 2 bad input, a bad command line or an output that cannot be written (the message says
file:line:col and what is allowed); 3 an unexpected failure, e.g. out of memory (one line says what to do);
130 a sweep stopped by Ctrl-C or SIGTERM after its chunks in flight (it says how to resume).)";

int cli_main(int argc, char** argv) {
  CLI::App app{"hedgesim " + std::string(version()) +
               " - an agent-based simulator of geopolitical hedging: six Western Balkan states between the\n"
               "EU/France and Russia. Snubbed leaders court Moscow visibly to make the West less demanding;\n"
               "their gestures move signals, hardly substance; Russia reacts rather than leads."};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("hedgesim ") + version() + " (commit " + results::build_commit() + ")");

  RunArgs run_args;
  CLI::App* run =
      app.add_subcommand("run", "Simulate a scenario and write trajectory, events, attribution, meta");
  run->add_option("scenario", run_args.scenario, "Scenario file (TOML), e.g. scenarios/veto-2019.toml")
      ->required();
  run->add_option("--seed", run_args.seed, "Random seed, 0 or more (default: the scenario's seed)")
      ->check(kSeedCheck);
  run->add_option(
         "--replicates,-r", run_args.replicates,
         "Number of runs; replicate r uses random stream (seed, r). With more than one, bands.csv holds "
         "the per-step mean and 5/95 % quantiles")
      ->check(CLI::Range(1, 1000000));
  run->add_option("--threads,-t", run_args.threads,
                  "Worker threads (default: one per core this process may use); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  run->add_option(
      "--out,-o", run_args.out,
      "Output directory (created if missing; default: out/<scenario name>). A directory that holds "
      "another scenario's runs is refused");
  run->add_flag("--force", run_args.force, "Replace the runs of another scenario in --out");
  run->add_flag("--quiet,-q", run_args.quiet, "No progress bar (it is shown only when stderr is a terminal)");
  run->add_flag("--no-attribution", run_args.no_attribution,
                "Skip attribution.csv contributions (faster for large ensembles; the file is written empty)");
  run->add_option("--keep", run_args.keep,
                  "Which CSV files to write, comma-separated (default: all): trajectory (every run's path), "
                  "events, attribution (what moved each variable; the largest), bands (per-step mean and "
                  "5-95 % band, R > 1). meta.json is always written and lists them")
      ->delimiter(',')
      ->check(CLI::IsMember(
          std::vector<std::string>(std::begin(results::kRunFileKinds), std::end(results::kRunFileKinds))));
  run->add_option("--compress", run_args.compress,
                  "none (default) or gzip: write <name>.csv.gz, which pandas, R, zcat and hedgesim's own "
                  "plot, explain and report read as they are")
      ->check(CLI::IsMember({"none", "gzip"}));

  RunArgs report_args;
  report_args.replicates = 20;
  std::string report_out;
  int report_permutations = 50;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Run a scenario and write one self-contained HTML page about it: for a class handout");
  report_cmd
      ->add_option("scenario", report_args.scenario, "Scenario file (TOML), e.g. scenarios/veto-2019.toml")
      ->required();
  report_cmd->add_option("--out,-o", report_out,
                         "The page to write (default: out/<scenario name>-report.html)");
  report_cmd->add_option("--seed", report_args.seed, "Random seed, 0 or more (default: the scenario's seed)")
      ->check(kSeedCheck);
  report_cmd
      ->add_option("--replicates,-r", report_args.replicates,
                   "Runs behind the page: the figure shows their mean and 5-95 % band, the explanations "
                   "their mean contributions")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  report_cmd
      ->add_option("--threads,-t", report_args.threads,
                   "Worker threads (default: one per core this process may use); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  report_cmd
      ->add_option("--permutations", report_permutations,
                   "Which events mattered: each event's effect on each state's mean signal, by `hedgesim "
                   "attribute` at --replicates (exact Shapley values up to 12 events, else this many sampled "
                   "permutations); 0 leaves the section out")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));
  report_cmd->add_flag("--quiet,-q", report_args.quiet, "No progress bar");
  report_cmd->footer(R"(
The page holds the run's provenance (scenario, seed, version, SHA-256 of model and scenario), the figure of
every state's signal and substance with the events marked, the table of events, why each state moved over
the whole run (as `hedgesim explain` says it), which events mattered to each state's mean signal (knock-out
and Shapley values with intervals, as `hedgesim attribute` finds them), and what each event set off in the
weeks after it. It loads
nothing from the network and needs no script. Format: docs/output-format.md.)");

  ServeArgs serve_args;
  CLI::App* serve_cmd =
      app.add_subcommand("serve", "Serve the interactive teaching page (web/) and its JSON API to a browser");
  serve_cmd->add_option("--host", serve_args.host, "Address to listen on (loopback unless told otherwise)")
      ->capture_default_str();
  serve_cmd->add_option("--port,-p", serve_args.port, "Port (0: any free port, printed at start)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--root", serve_args.root, "The hedgesim repository: its scenarios/ and web/")
      ->capture_default_str();
  serve_cmd->add_option("--model", serve_args.model_dir,
                        "A model directory (agents, parameters, events, influence .toml) to use for every "
                        "scenario instead of the one each scenario names");
  serve_cmd->add_option("--scenarios", serve_args.scenario_dirs,
                        "A directory of your own scenario files, listed after the shipped ones as "
                        "yours/FILE (repeat for more: yours-2/FILE, ...)");
  serve_cmd->footer(R"(
Open the printed address in a browser: pick a scenario, play it, fire events (the branch is drawn next to
the baseline at common random numbers), ask why an agent moved, move parameters, follow a lesson
(web/lessons/). Teacher's guide: docs/teaching.md.

Examples:
  hedgesim serve                        # http://127.0.0.1:8080/, this repository's scenarios and web/
  hedgesim serve --port 0               # any free port (printed)
  hedgesim serve --model my-model/      # the shipped scenarios on a model of your own
  hedgesim serve --scenarios my-class/  # your scenarios too, as yours/FILE (a broken one shows its error)
  hedgesim serve --host 0.0.0.0         # reachable from the classroom: prints this machine's addresses

API (JSON; errors are HTTP 400 {"error": the CLI's message}): GET /api/scenarios;
GET /api/model?scenario=scenarios/veto-2019.toml; POST /api/run with {"scenario", "replicates", "seed",
"parameters": {name: value}, "events": [{date, type, actor, targets, label}]} runs the scenario and its
branch; POST /api/explain with the same plus "agent", "from", "to" returns `hedgesim explain`'s text for
both; POST /api/attribute with the same body returns which events mattered to the agent's mean signal
(knock-out and Shapley values with intervals); POST /api/save-branch returns the branch as a patch scenario
file. Format: docs/teaching.md.)");

  std::string validate_scenario;
  CLI::App* validate =
      app.add_subcommand("validate", "Check a scenario and its model; print a one-line summary");
  validate->add_option("scenario", validate_scenario, "Scenario file (TOML)")->required();

  report::ExplainOptions ex;
  std::string ex_from, ex_to;
  CLI::App* explain = app.add_subcommand(
      "explain",
      "Explain in plain sentences why an agent's signal and substance moved (from attribution.csv)");
  explain->add_option("dir", ex.dir, "Output directory of `hedgesim run`")->required();
  explain->add_option("--agent,-a", ex.agent, "Agent id from the model (listed by `hedgesim validate`)")
      ->required();
  explain->add_option("--from", ex_from, "First date of the window (YYYY-MM-DD; default: start of the run)");
  explain->add_option("--to", ex_to, "Last date of the window (YYYY-MM-DD; default: end of the run)");
  explain->add_option("--top", ex.top, "How many contributions to list per variable")
      ->check(CLI::Range(1, 50));

  report::FigureOptions pl;
  CLI::App* plot =
      app.add_subcommand("plot",
                         "Plot a run, a sweep (indices or metrics against parameters), a comparison, a "
                         "calibration or an attribution (gnuplot)");
  plot->add_option("dir", pl.dir,
                   "Output directory of `hedgesim run`, `sweep`, `compare`, `calibrate` or `attribute`")
      ->required();
  plot->add_option("--agents", pl.agents, "Agents to plot, comma-separated ids (default: all hedgers)")
      ->delimiter(',');
  plot->add_option("--format", pl.format, "png or svg")->capture_default_str();
  plot->add_option(
      "--out,-o", pl.out,
      "The figure to write, ending in .png or .svg (default: in DIR, plot.png, plot-<agents>.png with "
      "--agents, indices.png, scatter.png, difference.png, predictive.png or effects.png)");
  plot->add_option("--metrics", pl.metrics,
                   "For a sweep: the metrics to draw, comma-separated (default: up to six, in file order)")
      ->delimiter(',');
  plot->footer(R"(
DIR may be the output of `hedgesim run` (plot.png: signal and substance per agent, with event markers), of
`hedgesim sweep` with a Morris or Sobol design (indices.png: the indices of each metric with their bootstrap
intervals, parameters sorted by influence), of `hedgesim sweep` with a grid or LHS design (scatter.png: a
panel per metric and parameter, a dot per design point at the parameter's value with the metric's mean over
the replicates; for a grid, a line through the mean at each level) or of `hedgesim compare` (difference.png:
A - B over time with 5-95 % bands). --agents selects agents for runs and comparisons, --metrics metrics for
sweeps. `wrote FILE` is printed only once FILE is complete; on an error nothing is written (exit 2).)");

  SweepArgs sw;
  CLI::App* sweep = app.add_subcommand(
      "sweep",
      "Run an experiment file's design (grid, lhs, morris, sobol): design.csv, results.csv, summary.csv, "
      "indices.csv");
  sweep->add_option("experiment", sw.experiment, "Experiment file (TOML), see docs/experiment-format.md")
      ->required();
  sweep->add_option("--out,-o", sw.out, "Output directory (default: out/<experiment name>)");
  sweep
      ->add_option("--threads,-t", sw.threads,
                   "Worker threads (default: one per core this process may use); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  sweep->add_flag("--resume", sw.resume,
                  "Finish an interrupted sweep from its journal in the output directory (refused if the "
                  "experiment, model, scenario or program version changed)");
  sweep->add_flag("--quiet,-q", sw.quiet, "No progress bar (it is shown only when stderr is a terminal)");
  sweep->footer(R"(
A sweep runs every design point for the experiment's replicates; replicate r uses random stream (seed, r) at
every point. Work is done in chunks of points; each finished chunk is appended to DIR/journal.hsj and
fsync'd. Ctrl-C stops after the chunks in flight (exit 130) and prints the command that resumes; a killed
sweep resumes the same way. The outputs are byte-identical whatever --threads and however many times the
sweep was interrupted. SIGTERM (as sent by Slurm or mpirun at the end of a job) stops like Ctrl-C.

On a cluster: `mpirun -np K hedgesim sweep EXPERIMENT --out DIR` spreads the chunks over K MPI ranks, each
with --threads threads; rank 0 keeps the journal and writes the same bytes as one process. --resume works
with any K, or without MPI. Recipe, chunk sizing and scaling: docs/cluster.md.
Formats: docs/experiment-format.md, docs/output-format.md.)");

  CalibrateArgs cal;
  CLI::App* calibrate_cmd = app.add_subcommand("calibrate",
                                               "Fit the model's parameters to observed data by ABC-SMC and "
                                               "likelihood tempering (a calibration file, TOML)");
  calibrate_cmd->add_option("calibration", cal.file, "Calibration file (TOML), see docs/calibration.md")
      ->required();
  calibrate_cmd->add_option("--out,-o", cal.out, "Output directory (default: out/<calibration name>)");
  calibrate_cmd
      ->add_option("--threads,-t", cal.threads,
                   "Worker threads (default: one per core this process may use); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  calibrate_cmd->add_flag(
      "--resume", cal.resume,
      "Finish an interrupted calibration from the batch journals in the output directory");
  calibrate_cmd->add_option(
      "--fix", cal.fix,
      "NAME=VALUE: hold a parameter at a value (added to the file's [fixed]), repeatable; "
      "e.g. --fix rival_lead=0.4 for a rival hypothesis on the same file and data");
  calibrate_cmd->add_flag("--quiet,-q", cal.quiet, "No progress bar (shown only when stderr is a terminal)");
  calibrate_cmd->footer(R"(
ABC-SMC: generation 0 draws the priors' particles; each later generation keeps the proposals whose distance to
the observed rows up to `fit_until` (the root mean square of standardised residuals) is within the previous
generation's median distance (`tolerance_quantile`), down to a floor that keeps the likelihood's mass inside.
Then the likelihood is brought in by tempering: its power rises from 0 to 1 in steps that halve the effective
sample size (`temper_ess`), each followed by `mcmc_steps` Metropolis-Hastings moves of every particle; the last
population is the posterior, and the steps estimate the evidence (log_evidence in meta.json) that compares
rival hypotheses (--fix). Rows after `fit_until` are never fitted: they are the out-of-sample test. Each batch of proposals is a journal in the output directory; Ctrl-C stops after the work
in flight (exit 130) and --resume continues, with byte-identical outputs whatever --threads.
Outputs: posterior.csv, parameters.csv, generations.csv, correlations.csv, predictive.csv, out_of_sample.csv,
meta.json. Format and method: docs/calibration.md. On a cluster, `mpirun -np K hedgesim calibrate FILE` spreads
each batch over K ranks with the bytes of one process.)");

  CompareArgs cmp;
  CLI::App* compare_cmd = app.add_subcommand(
      "compare",
      "Run a scenario and its counterfactual with common random numbers; report paired differences");
  compare_cmd->add_option("scenario_a", cmp.a, "The scenario (TOML), e.g. scenarios/veto-2019.toml")
      ->required();
  compare_cmd->add_option("scenario_b", cmp.b,
                          "Its counterfactual, e.g. scenarios/no-veto-2019.toml (or --without / --move)");
  compare_cmd->add_option(
      "--without", cmp.without,
      "ID: the counterfactual is A without its event of this id (repeatable), instead of a "
      "file B, e.g. --without fra-veto-2019");
  compare_cmd->add_option("--move", cmp.move,
                          "ID=DATE: the counterfactual is A with this event moved to DATE (repeatable), e.g. "
                          "--move fra-veto-2019=2019-12-15");
  compare_cmd->add_option("--replicates,-r", cmp.replicates, "Paired replicates")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  compare_cmd->add_option("--seed", cmp.seed, "Random seed, 0 or more (default: scenario A's seed)")
      ->check(kSeedCheck);
  compare_cmd->add_option(
      "--metrics,-m", cmp.metrics,
      "A file with [[metrics]] tables (an experiment file; see docs/experiment-format.md). "
      "Default: each hedger's mean signal and mean substance");
  compare_cmd
      ->add_option("--threads,-t", cmp.threads,
                   "Worker threads (default: one per core this process may use); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  compare_cmd->add_option("--out,-o", cmp.out, "Output directory (default: out/compare-<A>-vs-<B>)");
  compare_cmd->add_flag("--no-plot", cmp.no_plot, "Do not draw difference.png (gnuplot)");
  compare_cmd->add_flag("--quiet,-q", cmp.quiet,
                        "No progress bar (it is shown only when stderr is a terminal)");
  compare_cmd->footer(R"(
Replicate r of A and replicate r of B use the same random stream, so their difference isolates what the
scenarios change (common random numbers). Writes differences.csv (per metric: means of A and B, mean of
A - B and its bootstrap CI), difference-over-time.csv (per step, hedger and variable: mean and 5-95 % band
of A - B), meta.json and difference.png. Formats: docs/output-format.md.)");

  AttributeArgs att;
  CLI::App* attribute_cmd = app.add_subcommand(
      "attribute",
      "What each event of a scenario did to each metric: knock-out and Shapley values, with intervals");
  attribute_cmd->add_option("scenario", att.scenario, "The scenario (TOML), e.g. scenarios/veto-2019.toml")
      ->required();
  attribute_cmd->add_option(
      "--metrics,-m", att.metrics_file,
      "A file with [[metrics]] tables (an experiment file). Default: each hedger's mean "
      "signal and mean substance");
  attribute_cmd->add_option("--metric", att.metrics,
                            "Only this metric (repeatable), e.g. --metric mkd_signal_mean");
  attribute_cmd
      ->add_option("--events", att.events,
                   "The events to attribute to, by id (repeatable or comma-separated); the others stay "
                   "in every run. Default: every event")
      ->delimiter(',');
  attribute_cmd->add_option("--replicates,-r", att.replicates, "Replicates per coalition")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  attribute_cmd
      ->add_option("--exact-limit", att.exact_limit,
                   "Exact Shapley values (all 2^n coalitions) up to this many events; sampled "
                   "permutations beyond")
      ->capture_default_str()
      ->check(CLI::Range(1, 14));
  attribute_cmd
      ->add_option("--permutations", att.permutations, "Sampled permutations, beyond the exact limit")
      ->capture_default_str()
      ->check(CLI::Range(2, 100000));
  attribute_cmd->add_option("--seed", att.seed, "Random seed, 0 or more (default: the scenario's)")
      ->check(kSeedCheck);
  attribute_cmd->add_flag("--independent-streams", att.independent,
                          "Give each coalition its own random streams instead of common random numbers (to "
                          "measure what the pairing gains; intervals are then wider)");
  attribute_cmd
      ->add_option("--threads,-t", att.threads,
                   "Worker threads (default: one per core this process may use); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  attribute_cmd->add_option("--out,-o", att.out, "Output directory (default: out/attribute-<scenario name>)");
  attribute_cmd->add_flag("--resume", att.resume,
                          "Finish an interrupted attribution from the journal in --out (same scenario, "
                          "options and version; any --threads or number of MPI ranks)");
  attribute_cmd->add_flag("--quiet,-q", att.quiet,
                          "No progress bar (it is shown only when stderr is a terminal)");
  attribute_cmd->footer(R"(
Each event is a player; the value of a set S of events is a metric of the scenario run with only the events
of S (the others removed, by patch semantics). Knock-out: all events minus all but this one. Shapley value:
the event's average marginal contribution over all orders in which events could be added (exact over the
2^n subsets up to --exact-limit events, else over sampled permutations, with its standard error).
Interaction = Shapley - knock-out: zero for every event when the effects add up. All coalitions share the
random streams (common random numbers). Writes event-effects.csv and meta.json. Method and reading:
docs/experiments.md.

The coalitions run on the experiments runner, as a sweep's points do: threads, MPI ranks (mpirun -np 4
hedgesim attribute ...), and a journal in --out that keeps finished chunks, so that a killed or stopped
(Ctrl-C, SIGTERM) attribution resumes with --resume; the outputs are the same bytes either way.)");

  // CLI11 says only "A subcommand is required", for a misspelt one too: name the nearest and list them all.
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({}))
    names.push_back(sub->get_name());
  const std::string listed = join_quoted(names) + " (hedgesim --help explains each)\n";
  if (argc == 1) {
    std::cerr << "hedgesim: a subcommand is required: " << listed;
    return kExitBadInput;
  }
  if (argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    std::cerr << "hedgesim: unknown subcommand '" << argv[1] << "'" << did_you_mean(argv[1], names)
              << "; subcommands: " << listed;
    return kExitBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  if (g_mpi.rank > 0 && !*sweep && !*calibrate_cmd && !*attribute_cmd)
    return 0;  // only these use other ranks

  try {
    if (*run) return cmd_run(run_args, joined_command_line(argc, argv));
    if (*serve_cmd) return cmd_serve(serve_args);
    if (*report_cmd)
      return cmd_report(report_args, report_out, report_permutations, joined_command_line(argc, argv));
    if (*validate) return cmd_validate(validate_scenario);
    if (*sweep) return cmd_sweep(sw, joined_command_line(argc, argv));
    if (*compare_cmd) return cmd_compare(cmp, joined_command_line(argc, argv));
    if (*calibrate_cmd) return cmd_calibrate(cal, joined_command_line(argc, argv));
    if (*attribute_cmd) return cmd_attribute(att, joined_command_line(argc, argv));
    if (*explain) {
      ex.from = date_option(ex_from, "--from");
      ex.to = date_option(ex_to, "--to");
      std::cout << report::explain(ex);
      return 0;
    }
    if (*plot) {
      // Printed once the figure is in place: it is written under a temporary name and renamed.
      const std::string written = report::draw_figure(pl);
      std::cout << "wrote " << written << "\n";
      return 0;
    }
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  }
  return 0;
}

}  // namespace

namespace {

/// Ranks other than 0 print nothing (rank 0 speaks for the job): their cout and cerr go nowhere until
/// restored, which must happen before the null stream is destroyed.
class SilencedStreams {
 public:
  explicit SilencedStreams(bool silence) {
    if (!silence) return;
    out_ = std::cout.rdbuf(&null_);
    err_ = std::cerr.rdbuf(&null_);
  }
  ~SilencedStreams() { restore(); }
  SilencedStreams(const SilencedStreams&) = delete;
  SilencedStreams& operator=(const SilencedStreams&) = delete;
  void restore() {
    if (out_ != nullptr) std::cout.rdbuf(out_);
    if (err_ != nullptr) std::cerr.rdbuf(err_);
    out_ = err_ = nullptr;
  }

 private:
  struct NullBuffer : std::streambuf {
    int overflow(int c) override { return c; }
  } null_;
  std::streambuf* out_ = nullptr;
  std::streambuf* err_ = nullptr;
};

/// hedgesim started by mpirun or srun: MPI is initialised around the command, and an unexpected failure
/// on any rank ends the whole job (exit 3) with a message naming the rank, rather than leaving the other
/// ranks waiting for it.
int main_under_mpi(int argc, char** argv) {
  g_started_by_srun =
      std::getenv("SLURM_STEP_ID") != nullptr && std::getenv("OMPI_COMM_WORLD_SIZE") == nullptr;
  std::optional<mpi::Session> session;
  try {
    session.emplace(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "hedgesim: " << e.what() << "\n";
    return 3;
  }
  g_mpi = {session->rank(), session->size()};
  SilencedStreams silenced(g_mpi.rank > 0);
  try {
    return cli_main(argc, argv);
  } catch (const std::exception& e) {
    silenced.restore();
    std::cout.flush();
    std::cerr << "hedgesim: rank " << g_mpi.rank << " of " << g_mpi.size << " failed: " << e.what()
              << std::endl;
    mpi::abort_all(3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (mpi::launched_by_mpi()) return main_under_mpi(argc, argv);
  // Whatever escapes the commands (input errors are handled inside) becomes one line and exit 3, never an
  // abort: out of memory says what to do about it.
  try {
    return cli_main(argc, argv);
  } catch (const std::bad_alloc&) {
    std::cerr
        << "hedgesim: out of memory; use fewer replicates (-r), a shorter window or a longer step_days, "
           "or run a sweep, which streams its metrics instead of keeping trajectories\n";
  } catch (const std::exception& e) {
    std::cerr << "hedgesim: " << e.what() << "\n";
  }
  return 3;
}
