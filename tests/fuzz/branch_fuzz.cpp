// Fuzz target for the server's branch handling: the input is the JSON body of a request, answered as
// `hedgesim serve` answers it but without a socket (serve::answer_post): POST /api/explain when the body
// names an "agent" (as the teaching page sends it), POST /api/run otherwise. That covers the depth check,
// the JSON parser, the request's keys, the scenario path (only the shipped scenarios/ are served), the branch
// (make_branch writes the added parameters and events as TOML and reads them with the scenario loader), the
// runs and the explanation. A refusal is the documented answer (400 with {"error": message}); a finding is
// any other exception, a status other than 200 and 400, or an answer that is not a JSON object with
// "error" exactly when the status is 400.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_support.hpp"
#include "serve/branch.hpp"
#include "serve/server.hpp"

using namespace hedgesim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const serve::ServerOptions options = [] {
    fuzz::scratch_dir("branch");  // whatever the server might write goes there
    serve::ServerOptions o;
    o.root = fuzz::source_path("");
    return o;
  }();
  const std::string body(reinterpret_cast<const char*>(data), size);
  const std::string endpoint = body.find("\"agent\"") != std::string::npos ? "/api/explain" : "/api/run";
  serve::ApiAnswer answer;
  fuzz::documented_errors_only([&] { answer = serve::answer_post(options, endpoint, body); });
  if (answer.status != 200 && answer.status != 400)
    fuzz::finding("an answer with an unexpected status", std::to_string(answer.status));
  const nlohmann::json j = nlohmann::json::parse(answer.body, nullptr, false);
  if (!j.is_object()) fuzz::finding("an answer that is not a JSON object", answer.body.substr(0, 200));
  if (j.contains("error") != (answer.status == 400))
    fuzz::finding("an answer whose \"error\" does not match its status " + std::to_string(answer.status),
                  answer.body.substr(0, 200));
  return 0;
}
