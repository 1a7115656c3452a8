// `hedgesim serve` as a process: it prints the address to open, answers the API there, refuses a root
// without scenarios (exit 2), and stops cleanly on Ctrl-C.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "serve/server.hpp"
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

/// `hedgesim serve --port 0 --root ROOT`, its output in `log`; `port` is where it listens (0 if it never
/// said).
struct Served {
  Served(const std::string& root, const std::string& log)
      : process(hedgesim_argv({"serve", "--port", "0", "--root", root}), log), port(announced_port(log)) {}
  Process process;
  int port;
};

TEST(ServeCli, PrintsTheAddressAnswersThereAndStopsOnCtrlC) {
  TempDir dir;
  Served server(HEDGESIM_SOURCE_DIR, dir.file("serve.log"));
  const int port = server.port;
  ASSERT_GT(port, 0) << slurp(dir.file("serve.log"));
  httplib::Client client("127.0.0.1", port);
  const auto res = client.Get("/api/scenarios");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("scenarios/veto-2019.toml"), std::string::npos) << res->body;
  server.process.signal(SIGINT);
  const int status = server.process.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_NE(slurp(dir.file("serve.log")).find("hedgesim serve: stopped"), std::string::npos);
}

TEST(ServeCli, SaysWhenThePagesChartLibraryIsNotInstalled) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() + "/root/scenarios");
  std::filesystem::create_directories(dir.path() + "/root/web");
  Served server(dir.path() + "/root", dir.file("serve.log"));
  ASSERT_GT(server.port, 0) << slurp(dir.file("serve.log"));
  server.process.signal(SIGINT);
  EXPECT_EQ(server.process.wait(), 0);
  EXPECT_NE(slurp(dir.file("serve.log")).find("run scripts/web-deps.sh"), std::string::npos)
      << slurp(dir.file("serve.log"));
  // The repository's own web/ has it (scripts/web-deps.sh ran before the tests), so no note there.
  Served shipped(HEDGESIM_SOURCE_DIR, dir.file("shipped.log"));
  ASSERT_GT(shipped.port, 0);
  shipped.process.signal(SIGINT);
  EXPECT_EQ(shipped.process.wait(), 0);
  EXPECT_EQ(slurp(dir.file("shipped.log")).find("web-deps"), std::string::npos)
      << slurp(dir.file("shipped.log"));
}

TEST(ServeCli, ARootWithoutScenariosExitsTwo) {
  TempDir dir;
  const Outcome r = hedgesim({"serve", "--port", "0", "--root", dir.path()}, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("has no scenarios/ directory"), std::string::npos) << r.out;
}

TEST(ServeCli, ExplainAnswersWithTheTextOfHedgesimExplain) {
  TempDir dir;
  const std::string scenario = std::string(HEDGESIM_SOURCE_DIR) + "/scenarios/veto-2019.toml";
  ASSERT_EQ(hedgesim({"run", scenario, "--out", dir.file("run"), "-r", "3", "-q"}, dir).code, 0);
  const Outcome cli = hedgesim(
      {"explain", dir.file("run"), "--agent", "SRB", "--from", "2019-10-01", "--to", "2020-01-31"}, dir);
  ASSERT_EQ(cli.code, 0) << cli.out;

  Served server(HEDGESIM_SOURCE_DIR, dir.file("serve.log"));
  const int port = server.port;
  ASSERT_GT(port, 0) << slurp(dir.file("serve.log"));
  const std::string body = R"({"scenario": "scenarios/veto-2019.toml", "replicates": 3, "agent": "SRB",
                               "from": "2019-10-01", "to": "2020-01-31"})";
  const auto res = httplib::Client("127.0.0.1", port).Post("/api/explain", body, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const auto answer = nlohmann::json::parse(res->body);
  EXPECT_EQ(answer["baseline"], cli.out);
  EXPECT_EQ(answer["branch"], cli.out);
  server.process.signal(SIGTERM);
  EXPECT_EQ(server.process.wait(), 0);
}

TEST(ServeCli, ABadModelDirectoryExitsTwoBeforeServing) {
  TempDir dir;
  const Outcome r =
      hedgesim({"serve", "--port", "0", "--root", HEDGESIM_SOURCE_DIR, "--model", dir.path()}, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("agents.toml"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("open http://"), std::string::npos) << r.out;
}

TEST(ServeCli, OnEveryInterfaceItPrintsTheMachinesAddressesAndWarns) {
  TempDir dir;
  const std::string log = dir.file("serve.log");
  Process server(hedgesim_argv({"serve", "--host", "0.0.0.0", "--port", "0", "--root", HEDGESIM_SOURCE_DIR}),
                 log);
  std::string text;
  for (int i = 0; i < 5000 && text.find("warning:") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    text = slurp(log);
  }
  EXPECT_EQ(text.find("http://0.0.0.0"), std::string::npos) << "no browser can open 0.0.0.0:\n" << text;
  EXPECT_NE(text.find("hedgesim serve: open http://"), std::string::npos) << text;
  const std::vector<std::string> addresses = serve::addresses_to_open("0.0.0.0");
  for (const std::string& a : addresses)
    EXPECT_NE(text.find("http://" + a + ":"), std::string::npos) << a << " is not printed:\n" << text;
  if (!addresses.empty()) {
    EXPECT_NE(text.find("warning: listening on 0.0.0.0, so anyone who can reach these addresses can open the "
                        "page and run the model"),
              std::string::npos)
        << text;
  }
  server.signal(SIGINT);
  server.wait();
}

TEST(ServeCli, AMissingScenariosDirectoryExitsTwo) {
  TempDir dir;
  const Outcome r =
      hedgesim({"serve", "--port", "0", "--root", HEDGESIM_SOURCE_DIR, "--scenarios", dir.file("nope")}, dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("--scenarios '" + dir.file("nope") + "' is not a directory"), std::string::npos)
      << r.out;
}

TEST(ServeCli, ASecondServeOnAPortInUseExitsTwo) {
  // httplib sets SO_REUSEPORT on its sockets, with which a second server would start silently and share
  // the port; hedgesim sets SO_REUSEADDR only.
  TempDir dir;
  Served first(HEDGESIM_SOURCE_DIR, dir.file("first.log"));
  const int port = first.port;
  ASSERT_GT(port, 0) << slurp(dir.file("first.log"));
  const Outcome second =
      hedgesim({"serve", "--port", std::to_string(port), "--root", HEDGESIM_SOURCE_DIR}, dir);
  EXPECT_EQ(second.code, 2);
  EXPECT_NE(second.out.find("cannot listen on 127.0.0.1:" + std::to_string(port) +
                            " (port in use, or not an address of this machine); try another --port"),
            std::string::npos)
      << second.out;
  EXPECT_EQ(second.out.find("open http://"), std::string::npos) << second.out;
  const auto res = httplib::Client("127.0.0.1", port).Get("/api/scenarios");  // the first one still answers
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  first.process.signal(SIGINT);
  EXPECT_EQ(first.process.wait(), 0);
}

}  // namespace
}  // namespace hedgesim
