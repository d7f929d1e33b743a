// The rule set as an HTTP service: `Service` answers requests (predict, feedback, reload,
// metrics) without touching sockets, so it can be unit-tested and fuzzed; `HttpServer` binds it to
// a TCP port. docs/serving.md documents the API.
//
//   auto service = hunch::Service::Create("rules.yaml", options, std::move(sink), &diags);
//   auto server = hunch::HttpServer::Bind(service->get(), {.host = "127.0.0.1", .port = 8080});
//   (*server)->Serve();  // until Stop() from another thread
#ifndef HUNCH_SERVICE_H_
#define HUNCH_SERVICE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hunch/diagnostic.h"
#include "hunch/prediction_log.h"
#include "hunch/ruleset.h"
#include "hunch/status.h"

namespace hunch {

// An HTTP request as the service sees it: the transport has already framed it and enforced the
// body size limit.
struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string path;                                          // without the query string
  std::vector<std::pair<std::string, std::string>> headers;  // names in any case
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
};

// Something that answers requests; HttpServer calls it from many threads at once.
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
  // The transport answered `status` itself (body too large, malformed request line, timeout).
  virtual void CountTransportError(int status) {}
};

struct ServiceOptions {
  size_t max_body_bytes = 1 << 20;    // enforced by the transport; quoted in 413 errors
  size_t max_batch = 1000;            // rows per /v1/predict request
  int max_json_depth = 64;            // nesting of arrays and objects in a request body
  std::string token;                  // when set, every route but /healthz needs "Bearer TOKEN"
  bool allow_unknown_inputs = false;  // accept (and log) input fields the rule set does not read
  std::string shadow_field;  // input field holding the existing system's decision (like predict)
  std::map<std::string, std::string> metadata;  // added to every logged record
  std::string labels_path;  // /v1/feedback appends here (JSONL); empty: feedback is disabled
  // The labels file's durability, as for the prediction log; give the log's mode here too (the
  // dropped metric counts lost records under kInterval only: the other modes answer 503 instead).
  FsyncMode fsync = FsyncMode::kInterval;
  LoadOptions load;  // for the rule file, on start and on every reload
};

// The service: the current rule set (swapped atomically on reload), the prediction sink and the
// metrics. Thread-safe: Handle and Reload may be called from any thread at any time.
class Service : public HttpHandler {
 public:
  // Loads the rule file; its mistakes go to `diagnostics`. `sink` may be null (no prediction log).
  static Result<std::unique_ptr<Service>> Create(const std::string& rules_path,
                                                 ServiceOptions options,
                                                 std::unique_ptr<PredictionSink> sink,
                                                 std::vector<Diagnostic>* diagnostics);
  ~Service() override;  // flushes the logs

  // Routes: POST /v1/predict, POST /v1/feedback, POST /v1/reload, GET /v1/ruleset,
  // GET /healthz, GET /metrics. Never throws; a 200 from /v1/predict means its records are
  // accepted by the sink (durable under FsyncMode::kAlways).
  HttpResponse Handle(const HttpRequest& request) override;
  void CountTransportError(int status) override;

  // Re-reads the rule file. On errors the current rules keep serving and `diagnostics` says why.
  Status Reload(std::vector<Diagnostic>* diagnostics);
  // Makes every logged prediction and label durable.
  Status Flush();

  std::shared_ptr<const RuleSet> rules() const;
  // The metrics in Prometheus' text format (what GET /metrics returns).
  std::string MetricsText() const;

  struct Impl;

 private:
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0: any free port (see HttpServer::port)
  int threads = 16;                 // each open connection holds one while it is kept alive
  int timeout_seconds = 5;          // to read a request, write a response, or idle between requests
  size_t max_body_bytes = 1 << 20;  // larger bodies get 413 before they are read
  int keep_alive_max_requests = 1000;  // then the connection is closed (fairness across clients)
};

// An HTTP/1.1 server (cpp-httplib) in front of a handler.
class HttpServer {
 public:
  // Binds the listening socket (so port() is known before Serve). `handler` must outlive it.
  static Result<std::unique_ptr<HttpServer>> Bind(HttpHandler* handler,
                                                  const ServerOptions& options);
  ~HttpServer();
  int port() const;  // the bound port
  // Accepts and answers requests until Stop(); then finishes the requests in flight and returns.
  Status Serve();
  // Stops accepting; thread-safe, may be called before or during Serve.
  void Stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hunch

#endif  // HUNCH_SERVICE_H_
