// What memory this machine has left: the one question the memory checks of run, report, compare and
// validate ask of the operating system (Linux's MemAvailable, the kernel's estimate of what can be allocated
// without swapping).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hedgesim::io {

/// MemAvailable from /proc/meminfo in bytes, or nothing if it cannot be read (another system).
std::optional<std::uint64_t> available_memory_bytes();

/// Parses the MemAvailable line of a /proc/meminfo text (kB) into bytes; nothing if absent or malformed.
std::optional<std::uint64_t> parse_mem_available(const std::string& meminfo);

}  // namespace hedgesim::io
