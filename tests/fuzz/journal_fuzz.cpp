// Fuzz target for the sweep journal: the input is a whole journal file (src/io/journal.cpp documents the
// layout), put where an interrupted sweep leaves it, and `sweep --resume` is done on it as sweep.cpp does:
// run_sweep with resume, which checks the journal against the plan (Journal::resume with the plan's layout),
// computes the chunks it lacks, and renders design.csv, results.csv, summary.csv, indices.csv and meta.json
// from it. The job is "sobol" when the input says `design = sobol` and "lhs" otherwise (journal_jobs.hpp);
// a header of another job is refused like any other bad journal. InputError is the documented answer;
// anything else is a finding, and so is a successful resume that leaves its journal or lacks an output.
//
// Durability is not what is tested here, and an fsync costs about a millisecond of disk: this program's own
// fsync (which, defined in the executable, takes the place of the C library's) returns at once.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "journal_jobs.hpp"

extern "C" int fsync(int) {
  return 0;
}

using namespace hedgesim;
namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const SweepJob lhs = fuzz::journal_job("lhs"), sobol = fuzz::journal_job("sobol");
  static const FunctionEvaluator evaluator = fuzz::journal_evaluator();
  static const fs::path out = fuzz::scratch_dir("journal") / "out";
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const SweepJob& job = bytes.find("design = sobol") != std::string_view::npos ? sobol : lhs;

  std::error_code ec;
  fs::remove_all(out, ec);
  fs::create_directories(out);
  fuzz::write_file(out / kJournalName, bytes);
  SweepResult result;
  const bool ok = fuzz::documented_errors_only(
      [&] { result = run_sweep(job, evaluator, {.out_dir = out.string(), .threads = 1, .resume = true}); });
  if (ok) {
    if (!result.finished || result.chunks_done != result.chunks)
      fuzz::finding("a resumed sweep did not finish",
                    std::to_string(result.chunks_done) + " of " + std::to_string(result.chunks) + " chunks");
    if (fs::exists(out / kJournalName)) fuzz::finding("a finished sweep left its journal", out.string());
    for (const char* name : {"design.csv", "results.csv", "summary.csv", "indices.csv", "meta.json"})
      if ((job.spec.design == DesignKind::sobol || std::string_view(name) != "indices.csv") &&
          !fs::is_regular_file(out / name))
        fuzz::finding("a finished sweep lacks an output", name);
  }
  return 0;
}
