// Reads MemAvailable (memory.hpp).
#include "io/memory.hpp"

#include <fstream>
#include <sstream>

namespace hedgesim::io {

std::optional<std::uint64_t> parse_mem_available(const std::string& meminfo) {
  std::istringstream in(meminfo);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    std::uint64_t kb = 0;
    std::string unit;
    if (!(fields >> kb >> unit) || unit != "kB") return std::nullopt;
    return kb * 1024;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return parse_mem_available(text.str());
}

}  // namespace hedgesim::io
