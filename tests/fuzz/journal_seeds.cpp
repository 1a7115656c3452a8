// Writes the seed journals of the journal fuzz target (tests/fuzz/corpus/journal/) with the real sweep code:
// for each job of journal_jobs.hpp, a sweep that records a chosen set of chunks (computed by the real
// evaluate_chunk and appended by the real Journal) and then stops, as an interrupted sweep does. Also writes
// the journal reproducers of issue 15, item 1 (tests/fuzz/regressions/journal/): such a header followed by
// forged records whose checksums match (tests/support/journal_bytes.hpp), so that only the plan's checks
// can refuse them, and damaged headers and torn records. Built on demand:
//   cmake --build --preset release --target fuzz_journal_seeds
//   build/release/tests/fuzz/fuzz_journal_seeds tests/fuzz/corpus/journal tests/fuzz/regressions/journal
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "io/atomic_file.hpp"
#include "journal_jobs.hpp"
#include "support/journal_bytes.hpp"

using namespace hedgesim;
namespace fs = std::filesystem;

namespace {

const fs::path scratch = fs::temp_directory_path() / "fuzz-journal-seeds";

/// The journal a sweep of `design` leaves after recording `chunks` and stopping.
std::string stopped_sweep(const char* design, const std::vector<std::int64_t>& chunks) {
  fs::remove_all(scratch);
  const ChunkExecutor some_chunks = [&chunks](const WorkPlan& plan, const PointEvaluator& e,
                                              io::Journal& journal, const RunChunksOptions&) {
    auto worker = e.make_worker();
    for (const std::int64_t c : chunks)
      journal.append(c, evaluate_chunk(plan, *worker, c));
    return false;  // stopped, as an interrupted sweep
  };
  run_sweep(fuzz::journal_job(design), fuzz::journal_evaluator(),
            {.out_dir = scratch.string(), .execute = some_chunks});
  std::string bytes = io::read_file((scratch / kJournalName).string());
  fs::remove_all(scratch);
  return bytes;
}

void put(const fs::path& dir, const char* name, const std::string& bytes) {
  std::ofstream((dir / name), std::ios::binary | std::ios::trunc) << bytes;
  std::printf("%s (%zu bytes)\n", (dir / name).c_str(), bytes.size());
}

std::vector<double> values(std::size_t n, double v = 0.5) {
  return std::vector<double>(n, v);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR REGRESSIONS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path corpus = argv[1], regressions = argv[2];
  fs::create_directories(corpus);
  fs::create_directories(regressions);

  put(corpus, "lhs-header-only", stopped_sweep("lhs", {}));
  put(corpus, "lhs-chunk-0", stopped_sweep("lhs", {0}));
  put(corpus, "lhs-chunks-2-1", stopped_sweep("lhs", {2, 1}));
  put(corpus, "lhs-complete", stopped_sweep("lhs", {0, 1, 2}));
  put(corpus, "sobol-header-only", stopped_sweep("sobol", {}));
  put(corpus, "sobol-chunk-3", stopped_sweep("sobol", {3}));
  put(corpus, "sobol-complete", stopped_sweep("sobol", {1, 0, 3, 2}));

  // Issue 15, item 1, on the lhs job (chunks 0, 1, 2 of 16, 16 and 8 values).
  using testing::journal_record;
  const std::string lhs = stopped_sweep("lhs", {}), sobol = stopped_sweep("sobol", {});
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  std::vector<double> with_nan = values(16), with_inf = values(8);
  with_nan[5] = nan;
  with_inf[7] = -inf;
  put(regressions, "issue15-short-record", lhs + journal_record(1, values(15)));
  put(regressions, "issue15-empty-record", lhs + journal_record(2, {}));
  put(regressions, "issue15-count-2pow32", lhs + journal_record(0, std::uint64_t{1} << 32, {}));
  put(regressions, "issue15-count-0x7fffffff", lhs + journal_record(0, 0x7FFFFFFF, {}));
  put(regressions, "issue15-count-max", lhs + journal_record(0, ~std::uint64_t{0}, values(16)));
  put(regressions, "issue15-chunk-after-plan", lhs + journal_record(3, values(8)));
  put(regressions, "issue15-chunk-18-of-3",
      lhs + journal_record(0, values(16)) + journal_record(18, values(8)));
  put(regressions, "issue15-chunk-negative", lhs + journal_record(-1, values(8)));
  put(regressions, "issue15-chunk-min", lhs + journal_record(std::numeric_limits<std::int64_t>::min(), {}));
  put(regressions, "issue15-nan", lhs + journal_record(0, with_nan));
  put(regressions, "issue15-infinity", lhs + journal_record(2, with_inf));
  put(regressions, "issue15-repeated-chunk",
      lhs + journal_record(2, values(8)) + journal_record(2, values(8)));
  put(regressions, "issue15-sobol-short-record", sobol + journal_record(3, values(7)));
  put(regressions, "issue15-sobol-nan", sobol + journal_record(0, {1, 2, 3, nan, 5, 6, 7, 8}));
  // Damage a crash can explain (resumed: the torn or corrupt record counts as not done) ...
  const std::string chunk0 = journal_record(0, values(16));
  put(regressions, "torn-last-record", lhs + chunk0.substr(0, chunk0.size() - 5));
  std::string bad_sum = chunk0;
  bad_sum.back() ^= 1;
  put(regressions, "bad-record-checksum", lhs + journal_record(1, values(16, 2.0)) + bad_sum);
  put(regressions, "record-magic-only", lhs + "REC1");
  // ... and damage it cannot (refused).
  std::string header = lhs;
  header[20] ^= 0x20;
  put(regressions, "header-damaged", header);
  {
    fs::create_directories(scratch);
    const std::string other = (scratch / "other.hsj").string();
    io::Journal::create(other, {{"version", "0.0.9"}, {"design", "lhs"}});  // another program's journal
    put(regressions, "header-of-another-job", io::read_file(other) + journal_record(0, values(16)));
    fs::remove_all(scratch);
  }
  std::string huge = lhs;
  const std::uint64_t len = std::uint64_t{1} << 63;
  std::memcpy(huge.data() + 4, &len, 8);
  put(regressions, "header-length-2pow63", huge);
  put(regressions, "not-a-journal", "HSJ2");
  put(regressions, "empty", "");
  return 0;
}
