// Fuzz target for the model reader: the input's first byte chooses one of the model directory's four files
// (byte % 4: agents.toml, parameters.toml, events.toml, influence.toml, as kModelFiles lists them) and the
// rest of the input replaces that file in a scratch copy of model/; load_model reads the directory (toml++,
// the depth check, every file's structure and cross-references) and compile() checks it against the shipped
// veto-2019 scenario. The file is restored after each input. InputError is the documented answer to a bad
// file; anything else is a finding.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "model/compiled_model.hpp"
#include "model/load.hpp"

using namespace hedgesim;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kFiles = std::size(kModelFiles);

struct ModelCopy {
  ModelCopy() : dir((fuzz::scratch_dir("model") / "model").string()) {
    fs::create_directories(dir);
    for (std::size_t i = 0; i < kFiles; ++i) {
      std::ifstream in(fs::path(fuzz::source_path("model")) / kModelFiles[i], std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      original[i] = text.str();
      fuzz::write_file(fs::path(dir) / kModelFiles[i], original[i]);
    }
  }
  std::string dir;
  std::array<std::string, kFiles> original;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const ModelCopy copy;
  static const Scenario scenario = load_scenario(fuzz::source_path("scenarios/veto-2019.toml"));
  const std::size_t which = data[0] % kFiles;
  const fs::path file = fs::path(copy.dir) / kModelFiles[which];
  fuzz::write_file(file, std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  fuzz::documented_errors_only([&] { compile(load_model(copy.dir), scenario); });
  fuzz::write_file(file, copy.original[which]);
  return 0;
}
