// Fuzz target for the experiment reader: the input is the text of an experiment file, read from memory as
// if it were experiments/fuzz.toml in a scratch root whose scenarios/ and model/ lead to the repository's,
// so that the shipped experiments' `scenario = "../scenarios/..."` resolve as they do in the tree. It is read
// as load_and_resolve_experiment does: parse_experiment (toml++, the depth check, the file's structure),
// the scenario compiled against its model, check_parameters and resolve_metrics; plus design_points. A
// shipped scenario is loaded and compiled once and kept (the files under scenarios/ do not change while
// fuzzing); any other is loaded every time. InputError is the documented answer; anything else a finding.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "experiment/experiment_spec.hpp"
#include "fuzz_support.hpp"

using namespace hedgesim;
namespace fs = std::filesystem;

namespace {

struct Root {
  Root() : dir(fuzz::scratch_dir("experiment") / "root") {
    fs::create_directories(dir / "experiments");
    fs::create_directory_symlink(fuzz::source_path("scenarios"), dir / "scenarios");
    fs::create_directory_symlink(fuzz::source_path("model"), dir / "model");
    file = (dir / "experiments" / "fuzz.toml").string();
    shipped = (dir / "scenarios").string() + "/";
  }
  fs::path dir;
  std::string file, shipped;
  std::map<std::string, CompiledModel> compiled;  ///< shipped scenarios, by path

  const CompiledModel& scenario(const std::string& path, CompiledModel& scratch) {
    if (path.rfind(shipped, 0) != 0) return scratch = load_and_compile(path);
    auto it = compiled.find(path);
    if (it == compiled.end()) it = compiled.emplace(path, load_and_compile(path)).first;
    return it->second;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Root root;
  fuzz::documented_errors_only([&] {
    const ExperimentSpec e =
        parse_experiment(std::string_view(reinterpret_cast<const char*>(data), size), root.file);
    (void)design_points(e);
    CompiledModel scratch;
    const CompiledModel& m = root.scenario(e.scenario_path, scratch);
    check_parameters(e, m.spec);
    (void)resolve_metrics(e.metrics, m);
  });
  return 0;
}
