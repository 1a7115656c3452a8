// The JSON API behind `hedgesim serve` and its teaching page. This module owns the HTTP side only: routing
// (GET /api/scenarios, GET /api/model, POST /api/run, POST /api/explain), turning request JSON into a
// scenario branch (via branch.hpp, which leaves every check to the scenario loader so that a form gets the
// CLI's own messages), running the baseline and the branch at common random numbers, explaining an agent's
// moves with report::explain (from the runs in memory, with the text `hedgesim explain` gives for their
// files), and shaping results and errors as JSON (every error is HTTP 400 with {"error": message}; oversized
// bodies 413). It serves only the scenarios in ROOT/scenarios, never another path. Requests share nothing
// mutable: each one loads and compiles its own model, so httplib's worker threads need no locks, and every
// browser keeps its own simulation state (the branch's events and parameters) and sends it with each request.
// ROOT/web, when it exists, is served as static files at /.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace hedgesim::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string root{};       ///< repository root: scenarios/ and web/ live here
  std::string model_dir{};  ///< a model directory used instead of each scenario's own (empty: theirs)
  std::size_t max_body_bytes = 64 * 1024;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds the listening socket (port 0: any free port) and returns the port. Throws InputError if it cannot.
  int bind_to_port();
  /// Serves until stop(); blocks. Call after bind_to_port().
  void listen_after_bind();
  /// Stops listen_after_bind() (from any thread); requests under way finish first.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hedgesim::serve
