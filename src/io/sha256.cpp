// SHA-256 through OpenSSL's EVP digest API.
#include "io/sha256.hpp"

#include <openssl/evp.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include "io/atomic_file.hpp"

namespace hedgesim::io {

namespace {
std::string to_hex(const unsigned char* d, unsigned n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += digits[d[i] >> 4];
    out += digits[d[i] & 15];
  }
  return out;
}

std::string digest(const std::vector<std::string>& chunks) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 init failed");
  for (const auto& c : chunks)
    EVP_DigestUpdate(ctx.get(), c.data(), c.size());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  return to_hex(md, len);
}
}  // namespace

std::string sha256_hex(const std::string& bytes) {
  return digest({bytes});
}

std::string sha256_file(const std::string& path) {
  return digest({read_file(path)});
}

std::string sha256_files(const std::vector<std::string>& paths) {
  std::vector<std::string> chunks;
  for (const auto& p : paths) {
    chunks.push_back(std::filesystem::path(p).filename().string() + std::string(1, '\0'));
    chunks.push_back(read_file(p) + std::string(1, '\0'));
  }
  return digest(chunks);
}

}  // namespace hedgesim::io
