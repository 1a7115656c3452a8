// The JSON API behind `hedgesim serve` and its teaching page. This module owns the HTTP side only: routing
// (GET /api/scenarios, GET /api/model, POST /api/run, POST /api/explain), turning request JSON into a
// scenario branch (via branch.hpp, which leaves every check to the scenario loader so that a form gets the
// CLI's own messages), running the baseline and the branch at common random numbers, explaining an agent's
// moves with report::explain (from the runs in memory, with the text `hedgesim explain` gives for their
// files), and shaping results and errors as JSON (every error is HTTP 400 with {"error": message}; oversized
// bodies 413; bodies nested too deep 400 before parsing). Slow and numerous clients are bounded by
// ServerLimits. It serves only the scenarios in ROOT/scenarios and the teacher's --scenarios directories,
// never another path. Requests share nothing
// mutable: each one loads and compiles its own model, so httplib's worker threads need no locks, and every
// browser keeps its own simulation state (the branch's events and parameters) and sends it with each request.
// ROOT/web, when it exists, is served as static files at /.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace hedgesim::serve {

/// What keeps slow, many or hostile clients from starving the others (docs/architecture.md, "The server's
/// limits"). Each connection has a thread of its own, up to max_connections; beyond that, or beyond
/// max_connections_per_client from one address, a connection is answered 503 at once and closed. A request
/// (line, headers and body) must arrive within request_seconds of its first byte, and every wait for a
/// byte from the client is at most read_timeout_seconds, so a client that trickles a header line every few
/// seconds is cut off; an idle keep-alive connection is closed after keep_alive_seconds. Connections are
/// cheap (a thread waiting on a socket); runs are not, so at most max_running run at once.
struct ServerLimits {
  std::size_t max_connections = 256;
  std::size_t max_connections_per_client = 32;
  int max_running = 8;  ///< requests that run the model at once (/api/run, /api/explain); others wait
  int read_timeout_seconds = 5;
  int write_timeout_seconds = 5;
  int request_seconds = 10;
  int keep_alive_seconds = 5;
  std::size_t keep_alive_max_requests = 100;
  int max_json_depth = 64;  ///< arrays and objects nested in a request body
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string root{};       ///< repository root: scenarios/ and web/ live here
  std::string model_dir{};  ///< a model directory used instead of each scenario's own (empty: theirs)
  /// The teacher's scenario directories (`--scenarios DIR`), listed after the shipped ones as "yours/FILE"
  /// (the second as "yours-2/FILE", ...); only their .toml files are served.
  std::vector<std::string> scenario_dirs{};
  std::size_t max_body_bytes = 64 * 1024;
  ServerLimits limits{};
};

/// Throws RequestError "the request body is nested N levels deep; at most `limit` allowed" when arrays and
/// objects in `body` (JSON text) nest deeper than `limit`. A linear scan outside strings, without recursion,
/// done before the body is parsed.
void check_json_depth(const std::string& body, int limit);

/// The addresses a browser on another machine can open when the server listens on `host`: for a wildcard
/// ("0.0.0.0", "::", ""), this machine's IPv4 addresses on interfaces that are up, loopback excluded
/// (getifaddrs), in the order the system lists them; for a loopback host, {"127.0.0.1"}; else {host}.
std::vector<std::string> addresses_to_open(const std::string& host);
/// Whether `host` listens on every interface.
bool is_wildcard_host(const std::string& host);

/// An answer of the API as the server sends it: the HTTP status and the body (JSON text).
struct ApiAnswer {
  int status = 200;
  std::string body;
};

/// What the server answers to `POST endpoint` ("/api/run" or "/api/explain") with this body, computed by the
/// code behind its routes but without a socket: 200 and the result, or 400 {"error": message} for a request
/// the API refuses (a RequestError or an InputError). Any other exception is a bug and propagates here (the
/// server answers it 400 as well, to stay up); the fuzz target tests/fuzz/branch_fuzz.cpp looks for them.
/// Throws RequestError for another endpoint.
ApiAnswer answer_post(const ServerOptions& options, const std::string& endpoint, const std::string& body);

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
