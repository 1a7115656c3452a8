// Fuzz target for the model reader: the input's first byte chooses one of the model directory's four files
// (byte % 4: agents.toml, parameters.toml, events.toml, influence.toml, as kModelFiles lists them) and the
// rest of the input replaces that file's text in the shipped model/ (read and parsed once); that file is
// parsed (toml++ and the depth check), the four are validated (validate_model: every file's structure and
// cross-references) and compile() checks the model against the shipped veto-2019 scenario. parse_model does
// exactly this with all four files parsed; parsing only the changed one made the target several times
// faster. InputError is the documented answer to a bad file; anything else is a finding.
#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "fuzz_support.hpp"
#include "model/compiled_model.hpp"
#include "model/load.hpp"
#include "model/model_tables.hpp"

using namespace hedgesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const ModelText shipped = read_model(fuzz::source_path("model"));
  static const std::array<toml::table, std::size(kModelFiles)> parsed = [] {
    std::array<toml::table, std::size(kModelFiles)> t;
    for (std::size_t f = 0; f < t.size(); ++f)
      t[f] = parse_model_file(shipped, f);
    return t;
  }();
  static const Scenario scenario = load_scenario(fuzz::source_path("scenarios/veto-2019.toml"));
  const std::size_t f = data[0] % shipped.files.size();
  ModelText text{shipped.dir, {}};
  text.files[f].assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  fuzz::documented_errors_only([&] {
    const toml::table changed = parse_model_file(text, f);
    ModelTables tables{};
    for (std::size_t g = 0; g < tables.size(); ++g)
      tables[g] = g == f ? &changed : &parsed[g];
    compile(validate_model(shipped.dir, tables), scenario);
  });
  return 0;
}
