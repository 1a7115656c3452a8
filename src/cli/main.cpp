// The `hedgesim` command line (CLI11): run, validate, explain, plot. It parses arguments, calls the
// experiment and report modules, and turns every InputError into `file:line:col: message` on stderr with
// exit code 2. It holds no model logic.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include "experiment/ensemble.hpp"
#include "experiment/run_outputs.hpp"
#include "io/atomic_file.hpp"
#include "model/compiled_model.hpp"
#include "model/load.hpp"
#include "report/explain.hpp"
#include "report/plot.hpp"

namespace {

using namespace hedgesim;

constexpr int kExitBadInput = 2;

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
  std::string out = "out";
  bool no_attribution = false;
};

int cmd_run(const RunArgs& a, const std::string& command_line) {
  const CompiledModel m = load_and_compile(a.scenario);
  EnsembleOptions opt;
  opt.seed = a.seed.value_or(m.scenario.seed);
  opt.replicates = a.replicates;
  opt.threads =
      a.threads > 0 ? a.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  opt.attribution = !a.no_attribution;
  io::ensure_output_dir(a.out);  // fail before the work, not after it
  const auto runs = run_ensemble(m, opt);
  const auto files = write_run_outputs(m, runs, a.out, {opt.seed, command_line});
  std::cout << "ran '" << m.scenario.name << "': " << a.replicates << " replicate(s) x " << m.steps
            << " steps of " << m.params.step_days << " days (" << format_date(m.scenario.start) << " to "
            << format_date(m.scenario.end) << "), seed " << opt.seed << "\n";
  for (const auto& f : files)
    std::cout << "  wrote " << f << "\n";
  std::cout << "next: hedgesim explain " << a.out << " --agent " << m.agent_ids[0] << "   or   hedgesim plot "
            << a.out << "\n";
  return 0;
}

int cmd_validate(const std::string& scenario) {
  const CompiledModel m = load_and_compile(scenario);
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

const char* kFooter = R"(
Examples:
  hedgesim validate scenarios/veto-2019.toml
  hedgesim run scenarios/veto-2019.toml --out out/veto
  hedgesim run scenarios/veto-2019.toml --replicates 200 --threads 2 --out out/veto-ens
  hedgesim explain out/veto --agent ID --from 2019-10-01 --to 2019-12-31
  hedgesim plot out/veto-ens --agents ID,ID

Agent ids (ID) come from the model's agents.toml; `hedgesim validate SCENARIO` lists them.

Model files live in model/ (agents, parameters, event types, influence matrix); a scenario names its model,
its dates, its seed and its events. Formats: docs/scenario-format.md, docs/model-format.md,
docs/output-format.md. The model itself (state variables, mechanisms, equations): docs/ODD.md.
Exit codes: 0 success, 2 bad input (the message says file:line:col and what is allowed).)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"hedgesim " + std::string(version()) +
               " - an agent-based simulator of geopolitical hedging: six Western Balkan states between the\n"
               "EU/France and Russia. Snubbed leaders court Moscow visibly to make the West less demanding;\n"
               "their gestures move signals, hardly substance; Russia reacts rather than leads."};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("hedgesim ") + version());

  RunArgs run_args;
  CLI::App* run =
      app.add_subcommand("run", "Simulate a scenario and write trajectory, events, attribution, meta");
  run->add_option("scenario", run_args.scenario, "Scenario file (TOML), e.g. scenarios/veto-2019.toml")
      ->required();
  run->add_option("--seed", run_args.seed, "Random seed (default: the scenario's seed)");
  run->add_option(
         "--replicates,-r", run_args.replicates,
         "Number of runs; replicate r uses random stream (seed, r). With more than one, bands.csv holds "
         "the per-step mean and 5/95 % quantiles")
      ->check(CLI::Range(1, 1000000));
  run->add_option("--threads,-t", run_args.threads,
                  "Worker threads (default: all cores); results do not depend on it")
      ->check(CLI::Range(0, 1024));
  run->add_option("--out,-o", run_args.out, "Output directory (created if missing)")->capture_default_str();
  run->add_flag("--no-attribution", run_args.no_attribution,
                "Skip attribution.csv contributions (faster for large ensembles; the file is written empty)");

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

  report::PlotOptions pl;
  CLI::App* plot =
      app.add_subcommand("plot", "Plot signal and substance over time with event markers (gnuplot)");
  plot->add_option("dir", pl.dir, "Output directory of `hedgesim run`")->required();
  plot->add_option("--agents", pl.agents, "Agents to plot, comma-separated ids (default: all hedgers)")
      ->delimiter(',');
  plot->add_option("--format", pl.format, "png or svg")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*run) return cmd_run(run_args, joined_command_line(argc, argv));
    if (*validate) return cmd_validate(validate_scenario);
    if (*explain) {
      ex.from = date_option(ex_from, "--from");
      ex.to = date_option(ex_to, "--to");
      std::cout << report::explain(ex);
      return 0;
    }
    if (*plot) {
      std::cout << "wrote " << report::plot(pl) << "\n";
      return 0;
    }
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  }
  return 0;
}
