// Fuzz target for the scenario reader: the input is the text of a scenario file, read from memory by
// parse_scenario (toml++'s parser, the depth check before it, the scenario's own structure), then
// compiled against the shipped model (model/, loaded once) by compile(), which checks everything that needs
// both: agents, event types and kinds, parameter names and ranges, dates inside the window. InputError is
// the documented answer to a bad file; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "model/compiled_model.hpp"
#include "model/load.hpp"

using namespace hedgesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ModelSpec model = load_model(fuzz::source_path("model"));
  static const std::string path = (fuzz::scratch_dir("scenario") / "scenario.toml").string();
  fuzz::documented_errors_only([&] {
    compile(model, parse_scenario(std::string_view(reinterpret_cast<const char*>(data), size), path));
  });
  return 0;
}
