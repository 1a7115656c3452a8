// Tests of io::ScratchDir: a fresh directory per object, removed with its contents on scope exit.
#include "io/scratch_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace hedgesim::io {
namespace {

TEST(ScratchDir, IsFreshAndGoesWithEverythingInItOnScopeExit) {
  std::filesystem::path kept;
  {
    const ScratchDir a, b;
    EXPECT_NE(a.path(), b.path());
    EXPECT_TRUE(std::filesystem::is_directory(a.path()));
    EXPECT_TRUE(std::filesystem::is_empty(a.path()));
    std::filesystem::create_directory(a.path() / "sub");
    std::ofstream(a.path() / "sub" / "file.txt") << "staged";
    kept = a.path();
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

}  // namespace
}  // namespace hedgesim::io
