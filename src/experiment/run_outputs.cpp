// Rendering of run outputs. Rows are produced in a fixed order (run, step, agent, variable) from the results
// array, never in thread completion order, so files are byte-identical for any thread count.
#include "experiment/run_outputs.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "experiment/ensemble.hpp"
#include "experiment/statistics.hpp"
#include "io/atomic_file.hpp"
#include "io/compression.hpp"
#include "io/csv_writer.hpp"
#include "io/memory.hpp"
#include "io/progress.hpp"
#include "io/sha256.hpp"
#include "model/input_error.hpp"
#include "results/meta_json.hpp"
#include "results/run_events.hpp"
#include "results/run_meta.hpp"

namespace hedgesim {

std::string render_trajectory(const CompiledModel& m, const std::vector<RunOutput>& runs) {
  io::CsvBuffer csv;
  csv.text("run").text("step").text("date").text("agent").text("variable").text("value").end();
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (int k = 0; k <= m.steps; ++k) {
      const std::string date = format_date(m.date_of_step(k));
      for (int a = 0; a < m.n_agents; ++a)
        for (const int row : m.agent_rows[a]) {
          csv.integer(static_cast<std::int64_t>(r)).integer(k).text(date).text(m.agent_ids[a]);
          csv.text(m.slots[row].variable).num(runs[r].value(m, k, row)).end();
        }
    }
  return std::move(csv.str());
}

std::string render_events(const CompiledModel& m) {
  io::CsvBuffer csv;
  csv.text("step")
      .text("date")
      .text("type")
      .text("actor")
      .text("target")
      .text("magnitude")
      .text("label")
      .end();
  for (const results::EventRow& e : results::event_rows_of(m))
    csv.integer(e.step)
        .text(format_date(e.date))
        .text(e.type)
        .text(e.actor)
        .text(e.target)
        .num(e.magnitude)
        .text(e.label)
        .end();
  return std::move(csv.str());
}

std::string render_attribution(const CompiledModel& m, const std::vector<RunOutput>& runs) {
  io::CsvBuffer csv;
  csv.text("run").text("step").text("agent").text("variable").text("source").text("delta").end();
  for (std::size_t r = 0; r < runs.size(); ++r)
    for (const AttributionEntry& e : runs[r].attribution) {
      const Slot& slot = m.slots[e.row];
      csv.integer(static_cast<std::int64_t>(r)).integer(e.step).text(m.agent_ids[slot.agent]);
      csv.text(slot.variable).text(source_name(m, e.source)).num(e.delta).end();
    }
  return std::move(csv.str());
}

std::string render_bands(const CompiledModel& m, const std::vector<RunOutput>& runs) {
  io::CsvBuffer csv;
  csv.text("step").text("date").text("agent").text("variable").text("mean").text("q05").text("q95").end();
  std::vector<double> values(runs.size());
  for (int k = 0; k <= m.steps; ++k) {
    const std::string date = format_date(m.date_of_step(k));
    for (int a = 0; a < m.n_agents; ++a)
      for (const int row : m.agent_rows[a]) {
        double sum = 0.0;
        for (std::size_t r = 0; r < runs.size(); ++r) {
          values[r] = runs[r].value(m, k, row);
          sum += values[r];
        }
        const double mean = sum / static_cast<double>(runs.size());
        const double q05 = quantile7(values, 0.05), q95 = quantile7(values, 0.95);
        csv.integer(k)
            .text(date)
            .text(m.agent_ids[a])
            .text(m.slots[row].variable)
            .num(mean)
            .num(q05)
            .num(q95)
            .end();
      }
  }
  return std::move(csv.str());
}

std::string render_meta(const CompiledModel& m, const std::vector<RunOutput>& runs, const RunInfo& info) {
  return results::render_run_meta(m, runs.size(), info);
}

namespace {
/// The figures `hedgesim plot` drew from a run's files: plot.png, plot.svg, plot-<agents>.png, ...
void remove_stale_figures(const std::string& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string(), ext = entry.path().extension().string();
    const bool figure =
        (name.rfind("plot.", 0) == 0 || name.rfind("plot-", 0) == 0) && (ext == ".png" || ext == ".svg");
    if (figure && entry.is_regular_file()) std::filesystem::remove(entry.path());
  }
}
}  // namespace

void check_run_directory(const CompiledModel& m, const std::string& dir, bool force) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(dir) / "meta.json", ec)) return;
  const nlohmann::json meta = results::meta_json_if_any(dir);
  const std::string kind =
      meta.contains("experiment_sha256") ? "sweep" : results::text_or(meta, "kind", "run");
  if (kind != "run")
    throw InputError({dir, 0, 0},
                     "this directory holds the outputs of a " + kind +
                         "; give `hedgesim run` another --out (the default is out/<scenario name>)");
  const std::string name = results::text_or(meta, "scenario_name", "");
  if (name == m.scenario.name || force) return;
  throw InputError(
      {dir, 0, 0},
      "this directory holds the runs of scenario '" + (name.empty() ? "?" : name) +
          "' (meta.json), not of '" + m.scenario.name +
          "'; give another --out (the default is out/<scenario name>), or --force to replace them");
}

std::vector<std::string> write_run_outputs(const CompiledModel& m, const std::vector<RunOutput>& runs,
                                           const std::string& dir, const RunInfo& info) {
  io::ensure_output_dir(dir);
  std::vector<std::pair<std::string, std::string>> files;
  const std::vector<std::string> names = results::run_file_names(info.files, runs.size());
  for (const std::string& name : names) {
    const std::string kind = name.substr(0, name.find('.'));
    std::string text = kind == "trajectory"    ? render_trajectory(m, runs)
                       : kind == "events"      ? render_events(m)
                       : kind == "attribution" ? render_attribution(m, runs)
                                               : render_bands(m, runs);
    files.emplace_back(name, info.files.gzip ? io::gzip(text) : std::move(text));
  }
  files.emplace_back("meta.json", render_meta(m, runs, info));
  // All or nothing: a full disk halfway leaves the directory's earlier run whole, never a mix of two runs.
  std::vector<std::string> written;
  for (auto& [name, content] : files)
    name = written.emplace_back((std::filesystem::path(dir) / name).string());
  io::write_all(files);
  results::remove_other_run_files(dir, names);  // they would describe other runs
  remove_stale_figures(dir);
  return written;
}

RunSet run_and_write(const CompiledModel& m, const RunSetOptions& o, const std::string& dir,
                     const std::string& command_line) {
  EnsembleOptions opt;
  opt.seed = o.seed;
  opt.replicates = o.replicates;
  opt.threads = o.threads;
  opt.attribution = o.attribution && o.files.attribution;  // what is not kept is not recorded
  check_fits_in_memory(m, static_cast<std::uint64_t>(o.replicates), opt.attribution,
                       io::available_memory_bytes());
  io::ensure_output_dir(dir);  // a bad directory fails before the work, not after it
  io::ProgressBar bar(o.replicates, stderr,
                      {.unit = "runs", .label = m.scenario.name, .enabled = o.progress});
  opt.on_done = [&](int n) { bar.advance(n); };
  RunSet out{o.seed, run_ensemble(m, opt), {}};
  bar.finish();
  out.files = write_run_outputs(m, out.runs, dir, {o.seed, command_line, o.files});
  return out;
}

}  // namespace hedgesim
