#include "results/run_files.hpp"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string_view>

#include "io/atomic_file.hpp"
#include "model/input_error.hpp"
#include "results/meta_json.hpp"

namespace hedgesim::results {
namespace {

namespace fs = std::filesystem;

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// The `files` meta.json lists, or nothing for a file without the list (or no readable meta.json).
std::optional<std::vector<std::string>> files_listed(const std::string& dir) {
  const nlohmann::json j = meta_json_if_any(dir);  // the readers of meta.json report what is wrong with it
  if (!j.contains("files") || !j["files"].is_array()) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& f : j["files"])
    if (f.is_string()) names.push_back(f.get<std::string>());
  return names;
}

/// The flag of `kind` in `f` (a RunFiles, const or not), or nullptr for a kind not in kRunFileKinds.
template <class Files>
auto* flag_of(Files& f, std::string_view kind) {
  return kind == "trajectory"    ? &f.trajectory
         : kind == "events"      ? &f.events
         : kind == "attribution" ? &f.attribution
         : kind == "bands"       ? &f.bands
                                 : nullptr;
}

}  // namespace

RunFiles RunFiles::keeping(const std::vector<std::string>& kinds, std::string* unknown) {
  RunFiles f{false, false, false, false, false};
  for (const std::string& k : kinds) {
    if (bool* keep = flag_of(f, k))
      *keep = true;
    else if (unknown != nullptr && unknown->empty())
      *unknown = k;
  }
  return f;
}

bool RunFiles::keeps(const std::string& kind) const {
  const bool* keep = flag_of(*this, kind);
  return keep != nullptr && *keep;
}

std::vector<std::string> run_file_names(const RunFiles& files, std::size_t replicates) {
  std::vector<std::string> names;
  for (const char* kind : kRunFileKinds) {
    const std::string k = kind;
    if (!files.keeps(k) || (k == "bands" && replicates <= 1)) continue;
    names.push_back(k + (files.gzip ? ".csv.gz" : ".csv"));
  }
  return names;
}

std::optional<std::string> find_run_file(const std::string& dir, const std::string& name) {
  std::error_code ec;
  for (const std::string& candidate : {name, name + ".gz"}) {
    const fs::path p = fs::path(dir) / candidate;
    if (fs::exists(p, ec)) return p.string();
  }
  return std::nullopt;
}

std::string run_file(const std::string& dir, const std::string& name) {
  if (auto found = find_run_file(dir, name)) return *found;
  const auto listed = files_listed(dir);
  if (listed && !contains(*listed, name) && !contains(*listed, name + ".gz")) {
    std::string kept;
    for (const auto& f : *listed)
      kept += (kept.empty() ? "" : ", ") + f;
    const std::string kind = name.substr(0, name.find('.'));
    throw InputError({(fs::path(dir) / name).string(), 0, 0},
                     "this run did not keep " + name + " (it wrote " + (kept.empty() ? "no CSV file" : kept) +
                         "); run it again with --keep including " + kind);
  }
  return (fs::path(dir) / name).string();
}

void remove_other_run_files(const std::string& dir, const std::vector<std::string>& written) {
  for (const char* kind : kRunFileKinds)
    for (const char* suffix : {".csv", ".csv.gz"}) {
      const std::string name = std::string(kind) + suffix;
      const fs::path p = fs::path(dir) / name;
      std::error_code ec;
      if (!contains(written, name) && fs::is_regular_file(p, ec)) fs::remove(p);
    }
}

}  // namespace hedgesim::results
