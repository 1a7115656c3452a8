#include "results/meta_json.hpp"

#include <filesystem>

#include "io/csv_reader.hpp"
#include "model/input_error.hpp"
#include "results/run_meta.hpp"

namespace hedgesim::results {

void require_file(const std::string& path, std::string_view writer) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError({path, 0, 0}, "cannot read " + path + ": no such file; it is written by `" +
                                       std::string(writer) + "`");
}

nlohmann::json read_meta_json(const std::string& file, std::string_view writer) {
  require_file(file, writer);
  const std::string text = io::read_text_file(file);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(
        position_of_byte(file, text, e.byte),
        "this is not valid JSON; it should be the meta.json written by `" + std::string(writer) + "`");
  }
  if (!j.is_object())
    throw InputError({file, 1, 1}, "this is not a JSON object; it should be the meta.json written by `" +
                                       std::string(writer) + "`");
  return j;
}

nlohmann::json read_meta_json_of_kind(const std::string& file, std::string_view kind, std::string_view what,
                                      std::string_view writer) {
  nlohmann::json j = read_meta_json(file, writer);
  const std::string found = text_or(j, "kind");
  if (found != kind)
    throw InputError({file, 1, 1}, "this is the meta.json of `hedgesim " + (found.empty() ? "?" : found) +
                                       "`, not of " + std::string(what) +
                                       "; it should be the meta.json written by `" + std::string(writer) +
                                       "`");
  return j;
}

nlohmann::json meta_json_if_any(const std::string& dir) {
  const std::string file = (std::filesystem::path(dir) / "meta.json").string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return nlohmann::json::object();
  try {
    nlohmann::json meta = nlohmann::json::parse(io::read_text_file(file));
    return meta.is_object() ? meta : nlohmann::json::object();
  } catch (const std::exception&) {  // unreadable or not JSON
    return nlohmann::json::object();
  }
}

std::string recorded_kind(const std::string& dir) {
  return text_or(meta_json_if_any(dir), "kind", "");
}

std::string text_or(const nlohmann::json& j, const char* key, const std::string& fallback) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
}

long long integer_or(const nlohmann::json& j, const char* key, long long fallback) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<long long>() : fallback;
}

std::optional<std::uint64_t> unsigned_field(const nlohmann::json& j, const char* key) {
  if (j.is_object() && j.contains(key) && j[key].is_number_unsigned()) return j[key].get<std::uint64_t>();
  return std::nullopt;
}

std::string short_commit(const std::string& commit) {
  const bool hex = commit.size() >= 40 && commit.find_first_not_of("0123456789abcdef") >= 40;
  return hex ? commit.substr(0, 12) + commit.substr(40) : commit;
}

std::string provenance_line(const std::string& subject, std::optional<std::uint64_t> seed,
                            long long replicates, const std::string& version, const std::string& commit) {
  std::string line = subject;
  if (seed) line += " · seed " + std::to_string(*seed);
  if (replicates >= 0)
    line += " · " + std::to_string(replicates) + (replicates == 1 ? " replicate" : " replicates");
  if (!version.empty()) line += " · hedgesim " + version;
  if (!commit.empty()) line += " (commit " + short_commit(commit) + ")";
  return line;
}

}  // namespace hedgesim::results
