// Fuzz target for the model reader: the input's first byte chooses one of the model directory's four files
// (byte % 4: agents.toml, parameters.toml, events.toml, influence.toml, as kModelFiles lists them) and the
// rest of the input replaces that file's text in the shipped model/ (read once); parse_model validates the
// four texts from memory (toml++, the depth check, every file's structure and cross-references) and
// compile() checks the model against the shipped veto-2019 scenario. InputError is the documented answer to
// a bad file; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "model/compiled_model.hpp"
#include "model/load.hpp"

using namespace hedgesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const ModelText shipped = read_model(fuzz::source_path("model"));
  static const Scenario scenario = load_scenario(fuzz::source_path("scenarios/veto-2019.toml"));
  ModelText text = shipped;
  text.files[data[0] % text.files.size()].assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::documented_errors_only([&] { compile(parse_model(text), scenario); });
  return 0;
}
