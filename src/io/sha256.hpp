// SHA-256 digests (OpenSSL's EVP interface) of the inputs, recorded in every output's meta.json.
#pragma once

#include <string>
#include <vector>

namespace hedgesim::io {

/// Hex SHA-256 of a byte string.
std::string sha256_hex(const std::string& bytes);
/// Hex SHA-256 of a file's bytes; throws InputError if unreadable.
std::string sha256_file(const std::string& path);
/// Hex SHA-256 over several files: for each, its file name (no directory), a NUL byte, its bytes, a NUL byte.
std::string sha256_files(const std::vector<std::string>& paths);

}  // namespace hedgesim::io
