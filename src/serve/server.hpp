// The JSON API behind `hedgesim serve` and its teaching page. This module owns the HTTP side only: routing
// (GET /api/scenarios, GET /api/model, POST /api/run), turning request JSON into a scenario branch (via
// branch.hpp, which leaves every check to the scenario loader so that a form gets the CLI's own messages),
// running the baseline and the branch at common random numbers, and shaping results and errors as JSON
// (every error is HTTP 400 with {"error": message}; oversized bodies 413). It serves only the scenarios in
// ROOT/scenarios, never another path. Requests share nothing mutable: each one loads and compiles its own
// model, so httplib's worker threads need no locks. ROOT/web, when it exists, is served as static files at /.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace hedgesim::serve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string root{};  ///< repository root: scenarios/ and web/ live here
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
