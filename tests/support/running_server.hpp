// A serve::Server on a free port of 127.0.0.1, listening on a thread of its own for the life of the object:
// what the API tests talk to, with real httplib clients.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "serve/server.hpp"

// Last: httplib.h pulls in <resolv.h>, whose `_res` macro breaks Eigen headers included after it.
#include <httplib.h>

namespace hedgesim::testing {

class RunningServer {
 public:
  /// Serves `options` (the repository's own root when none is given) on a free port.
  explicit RunningServer(serve::ServerOptions options = {}) : server_(on_a_free_port(std::move(options))) {
    port_ = server_.bind_to_port();
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    wait_until_answering();
  }
  ~RunningServer() {
    server_.stop();
    thread_.join();
  }
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;

  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(60, 0);  // a sanitizer build runs 200 replicates slowly
    return c;
  }
  httplib::Result get(const std::string& path) const { return client().Get(path); }
  httplib::Result post(const std::string& path, const nlohmann::json& body) const {
    return client().Post(path, body.dump(), "application/json");
  }

 private:
  static serve::ServerOptions on_a_free_port(serve::ServerOptions o) {
    o.port = 0;
    if (o.root.empty()) o.root = HEDGESIM_SOURCE_DIR;
    return o;
  }
  // stop() before listen_after_bind() has started would be missed; the tests begin once it answers.
  void wait_until_answering() const {
    for (int i = 0; i < 500; ++i) {
      if (httplib::Client("127.0.0.1", port_).Get("/api/scenarios")) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "the server on port " << port_ << " did not answer";
  }

  serve::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace hedgesim::testing
