// results: what the three meta.json readers (run_meta, sweep_meta, compare_meta) and the figures share —
// reading the file with a message that names the command that writes it, the tolerant field getters that
// let files of older versions still be read, and the provenance line a figure prints at its foot.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace hedgesim::results {

/// InputError naming the file and the command that writes it (`writer`, e.g. "hedgesim sweep") when `path`
/// does not exist: io's own message would send the user to `hedgesim run`.
void require_file(const std::string& path, std::string_view writer);

/// The JSON object in `file`: require_file, then InputError at the line and column of a syntax error, or at
/// 1:1 if it is not an object, each saying it should be the meta.json written by `writer`.
nlohmann::json read_meta_json(const std::string& file, std::string_view writer);

/// read_meta_json, and an InputError at 1:1 unless its `kind` is `kind`: "this is the meta.json of `hedgesim
/// sweep`, not of <what>; it should be the meta.json written by `<writer>`".
nlohmann::json read_meta_json_of_kind(const std::string& file, std::string_view kind, std::string_view what,
                                      std::string_view writer);

/// A directory's meta.json as a JSON object, or an empty object when there is none or it cannot be read or
/// parsed: never throws, for callers that only look (which figure, may a run overwrite it) and fall back on
/// the files the directory holds; the figure that reads the file in earnest reports its defects.
nlohmann::json meta_json_if_any(const std::string& dir);

/// The `kind` a directory's meta.json records ("run", "sweep" or "compare"), or "" (meta_json_if_any, or a
/// file of a version that recorded none).
std::string recorded_kind(const std::string& dir);

/// The text field `key`, or `fallback` when it is missing or not text.
std::string text_or(const nlohmann::json& j, const char* key, const std::string& fallback = "");
/// The whole-number field `key`, or `fallback`.
long long integer_or(const nlohmann::json& j, const char* key, long long fallback = -1);
/// The unsigned whole-number field `key` (a seed), or nothing.
std::optional<std::uint64_t> unsigned_field(const nlohmann::json& j, const char* key);

/// A commit as a figure prints it: the first 12 of 40 hexadecimal digits (and "-dirty" if so); any other text
/// as it is.
std::string short_commit(const std::string& commit);

/// "<subject> · seed 42 · 200 replicates · hedgesim 0.9.0 (commit 1a2b3c4d5e6f)", leaving out what is not
/// recorded (no seed, replicates < 0, an empty version or commit).
std::string provenance_line(const std::string& subject, std::optional<std::uint64_t> seed,
                            long long replicates, const std::string& version, const std::string& commit);

}  // namespace hedgesim::results
