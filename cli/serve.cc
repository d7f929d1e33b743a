// `hunch serve`: the rule set as an HTTP service, with the prediction log built in.
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "hunch/prediction_log.h"
#include "hunch/service.h"

namespace hunch::cli {
namespace {

struct ServeArgs {
  std::string rules, host = "127.0.0.1", log, labels, fsync = "interval", token_file, shadow_field;
  int port = 8080, threads = 16, timeout = 5;
  size_t max_body = 1 << 20, max_batch = 1000;
  double sample_percent = 100;
  std::vector<std::string> metadata;
  bool allow_unknown_inputs = false, noop = false;
};

// The ceiling for the benchmark: the same server and library, no parsing, no rules, no log.
class NoopHandler : public HttpHandler {
 public:
  HttpResponse Handle(const HttpRequest&) override {
    HttpResponse r;
    r.body = "{\"prediction\":\"noop\"}\n";
    return r;
  }
};

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.starts_with("127.");
}

int RunServe(const ServeArgs& args) {
  const std::string me = "hunch serve";
  // Signals are taken by one thread with sigwait, so what they do may lock and allocate. The mask
  // is set before any thread starts (the log's flusher too), so every thread inherits it.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  ServiceOptions so;
  so.max_body_bytes = args.max_body;
  so.max_batch = args.max_batch;
  so.allow_unknown_inputs = args.allow_unknown_inputs;
  so.shadow_field = args.shadow_field;
  so.fsync = args.fsync == "always"  ? FsyncMode::kAlways
             : args.fsync == "never" ? FsyncMode::kNever
                                     : FsyncMode::kInterval;
  so.load.lint = false;
  for (const auto& kv : args.metadata) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << fmt::format("{}: error: --metadata '{}': expected KEY=VALUE\n", me, kv);
      return kUsage;
    }
    so.metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (!args.token_file.empty()) {
    std::ifstream in(args.token_file, std::ios::binary);
    if (!in) {
      std::cerr << fmt::format("{}: error: cannot open: {}\n", args.token_file,
                               std::strerror(errno));
      return kUsage;
    }
    std::stringstream text;
    text << in.rdbuf();
    so.token = text.str();
    while (!so.token.empty() && std::isspace(static_cast<unsigned char>(so.token.back()))) {
      so.token.pop_back();
    }
    if (so.token.empty() || so.token.find_first_of(" \t\r\n") != std::string::npos) {
      std::cerr << fmt::format("{}: error: expected one token (no spaces) in the file\n",
                               args.token_file);
      return kUsage;
    }
    struct stat st;
    if (::stat(args.token_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      std::cerr << fmt::format("{}: warning: the token file is readable by other users\n",
                               args.token_file);
    }
  }
  if (!IsLoopback(args.host) && so.token.empty()) {
    std::cerr << fmt::format(
        "{}: warning: listening on {} without --token-file: anyone who can reach it can "
        "predict, reload and send labels\n",
        me, args.host);
  }

  std::unique_ptr<Service> service;
  NoopHandler noop;
  HttpHandler* handler = &noop;
  if (!args.noop) {
    std::unique_ptr<PredictionSink> sink;
    if (!args.log.empty()) {
      LogOptions lo;
      lo.dir = args.log;
      lo.fsync = so.fsync;
      lo.sample_rate = args.sample_percent / 100.0;
      lo.validate_input = false;  // the service parses every input and writes it back as JSON
      auto opened = OpenPredictionSink(lo);
      if (!opened.ok()) {
        std::cerr << opened.status().message() << "\n";
        return kUsage;
      }
      sink = std::move(*opened);
    }
    so.labels_path = args.labels;
    if (so.labels_path.empty() && !args.log.empty() && !args.log.starts_with("sqlite:")) {
      std::error_code ignored;
      std::filesystem::create_directories(args.log, ignored);
      so.labels_path = (std::filesystem::path(args.log) / "labels.jsonl").string();
    }
    std::vector<Diagnostic> diags;
    auto created = Service::Create(args.rules, so, std::move(sink), &diags);
    if (!diags.empty()) std::cerr << FormatDiagnostics(diags);
    if (!created.ok()) {
      std::cerr << created.status().message() << "\n";
      return created.status().code() == StatusCode::kRuleError ? kErrors : kUsage;
    }
    service = std::move(*created);
    handler = service.get();
  }

  ServerOptions opts;
  opts.host = args.host;
  opts.port = args.port;
  opts.threads = args.threads;
  opts.timeout_seconds = args.timeout;
  opts.max_body_bytes = args.max_body;
  auto bound = HttpServer::Bind(handler, opts);
  if (!bound.ok()) {
    std::cerr << bound.status().message() << "\n";
    return kUsage;
  }
  HttpServer& server = **bound;
  std::atomic<bool> served{false};
  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP && service) {
        std::vector<Diagnostic> diags;
        Status s = service->Reload(&diags);
        if (!diags.empty()) std::cerr << FormatDiagnostics(diags);
        if (s.ok()) {
          std::cerr << fmt::format("{}: reloaded {} (sha256 {})\n", me, args.rules,
                                   service->rules()->sha256());
        } else {
          std::cerr << fmt::format("{}: reload failed, the previous rules keep serving: {}\n", me,
                                   s.message());
        }
        continue;
      }
      if (sig == SIGHUP) continue;
      if (sig == SIGINT && served) return;  // Serve ended by itself: main woke us
      std::cerr << fmt::format("{}: {}, finishing the requests in flight\n", me,
                               sig == SIGTERM ? "SIGTERM" : "SIGINT");
      // Stop() is a no-op until the server is running, so repeat it until Serve returns.
      while (!served) {
        server.Stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      return;
    }
  });

  std::cout << fmt::format(
                   "listening on http://{}:{}\n",
                   args.host.find(':') != std::string::npos ? "[" + args.host + "]" : args.host,
                   server.port())
            << std::flush;
  if (service) {
    std::cerr << fmt::format("{}: rules {} ({}), log {}, fsync {}, labels {}\n", me, args.rules,
                             service->rules()->name(), args.log.empty() ? "off" : args.log,
                             args.fsync, so.labels_path.empty() ? "off" : so.labels_path);
  }
  Status served_status = server.Serve();
  if (!served.exchange(true)) pthread_kill(signal_thread.native_handle(), SIGINT);
  signal_thread.join();
  int code = served_status.ok() ? kOk : kUsage;
  if (!served_status.ok()) std::cerr << served_status.message() << "\n";
  if (service) {
    if (Status s = service->Flush(); !s.ok()) {
      std::cerr << s.message() << "\n";
      code = kUsage;
    }
  }
  std::cerr << fmt::format("{}: stopped{}\n", me, service ? ", log flushed" : "");
  return code;
}

}  // namespace

void AddServe(CLI::App& app, Runner* run) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* sub = app.add_subcommand(
      "serve", "Serve the rules over HTTP (predict, feedback, reload, metrics), logging each");
  sub->add_option("RULES", args->rules, "Rule file (YAML)")->required();
  sub->add_option("--host", args->host, "Address to listen on (default 127.0.0.1: this machine)");
  sub->add_option("--port", args->port, "TCP port (default 8080; 0: any free port, printed)")
      ->check(CLI::Range(0, 65535));
  sub->add_option("--log", args->log,
                  "Prediction log: a directory, or sqlite:PATH (default: no log)");
  sub->add_option("--labels", args->labels,
                  "JSONL file /v1/feedback appends to (default DIR/labels.jsonl with --log DIR)");
  sub->add_option("--fsync", args->fsync,
                  "always, interval (100 ms, default) or never; for the log and the labels")
      ->check(CLI::IsMember({"always", "interval", "never"}));
  sub->add_option("--sample", args->sample_percent, "Percent of predictions to log (default 100)")
      ->check(CLI::Range(0.0, 100.0));
  sub->add_option("--metadata", args->metadata,
                  "KEY=VALUE recorded with every logged prediction (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--shadow-field", args->shadow_field,
                  "Input field holding the existing system's decision (or send \"shadow\")");
  sub->add_flag("--allow-unknown-inputs", args->allow_unknown_inputs,
                "Accept input fields the rule set does not read (logged, not used)");
  sub->add_option("--max-body", args->max_body, "Largest request body in bytes (default 1048576)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  sub->add_option("--max-batch", args->max_batch, "Most rows per /v1/predict (default 1000)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  sub->add_option("--timeout", args->timeout,
                  "Seconds to read a request, write a response, or keep an idle connection "
                  "(default 5)")
      ->check(CLI::Range(1, 3600));
  sub->add_option("--threads", args->threads,
                  "Worker threads; each open connection holds one (default 16)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--token-file", args->token_file,
                  "File holding a shared secret: requests then need 'Authorization: Bearer "
                  "SECRET' (all routes but /healthz)");
  sub->add_flag("--noop", args->noop, "")->group("");  // benchmark ceiling: answers without work
  sub->footer(
      "Routes: POST /v1/predict, POST /v1/feedback, POST /v1/reload, GET /v1/ruleset, GET "
      "/healthz, GET /metrics.\n"
      "SIGHUP reloads the rule file (an invalid one leaves the old rules serving); SIGTERM "
      "finishes the\n"
      "requests in flight, flushes the log and exits. See docs/serving.md.\n"
      "Example:\n"
      "  hunch serve examples/fraud/rules.yaml --log /var/log/hunch --port 8080\n"
      "  curl -s localhost:8080/v1/predict -H 'Content-Type: application/json' \\\n"
      "       -d '{\"id\": \"t1\", \"inputs\": {\"amount\": 7200, \"account_age_days\": 3}}'");
  sub->callback([run, args] { *run = [args] { return RunServe(*args); }; });
}

}  // namespace hunch::cli
