// `hedgesim serve` as a process: it prints the address to open, answers the API there, refuses a root
// without scenarios (exit 2), and stops cleanly on Ctrl-C.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/files.hpp"
#include "support/sweep_process.hpp"

// Last: httplib.h pulls in <resolv.h>, whose `_res` macro breaks Eigen headers included after it.
#include <httplib.h>

namespace hedgesim {
namespace {

using namespace testing;

/// The port in "open http://127.0.0.1:PORT/", once the log shows it; 0 if it never does.
int announced_port(const std::string& log) {
  const std::string marker = "open http://127.0.0.1:";
  for (int i = 0; i < 5000; ++i) {
    const std::string text = slurp(log);
    if (const auto at = text.find(marker);
        at != std::string::npos && text.find('/', at + marker.size()) != std::string::npos)
      return std::stoi(text.substr(at + marker.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return 0;
}

TEST(ServeCli, PrintsTheAddressAnswersThereAndStopsOnCtrlC) {
  TempDir dir;
  Process server(hedgesim_argv({"serve", "--port", "0", "--root", HEDGESIM_SOURCE_DIR}),
                 dir.file("serve.log"));
  const int port = announced_port(dir.file("serve.log"));
  ASSERT_GT(port, 0) << slurp(dir.file("serve.log"));
  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/api/scenarios");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("scenarios/veto-2019.toml"), std::string::npos) << res->body;
  server.signal(SIGINT);
  const int status = server.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(slurp(dir.file("serve.log")).find("hedgesim serve: stopped"), std::string::npos);
}

TEST(ServeCli, ARootWithoutScenariosExitsTwo) {
  TempDir dir;
  const Outcome r = hedgesim({"serve", "--port", "0", "--root", dir.path()}, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("has no scenarios/ directory"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace hedgesim
