// What every output records of the program that wrote it: its version and the commit it was built from.
#pragma once

namespace hedgesim::results {

/// The program version recorded in outputs.
const char* version();

/// The git commit the program was built from (40 hexadecimal digits, "-dirty" appended if tracked files had
/// changes), or "unknown" if it was built outside a git checkout. Set at build time (build_info.cmake).
const char* build_commit();

}  // namespace hedgesim::results
