// The module hunch_http.so: cpp-httplib (the only code that includes it) as an HttpTransport.
// It links no part of the engine, only what engine/http_transport.h declares inline.
#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>

#include "engine/http_transport.h"

namespace hunch {
namespace {

// cpp-httplib 0.11 listens with a backlog of 5 (a compile-time constant of the Debian library):
// a burst of new connections then overflows the accept queue, and the kernel drops the clients'
// handshakes, which retry after a second. The socket is reachable here to listen() again.
class Server : public httplib::Server {
 public:
  int socket() const { return svr_sock_; }
};

std::string_view StatusText(int status) {
  switch (status) {
    case 400:
      return "bad request";
    case 408:
      return "request timeout";
    case 413:
      return "payload too large";
    case 414:
      return "URI too long";
    case 416:
      return "range not satisfiable";
    case 431:
      return "request header fields too large";
    default:
      return status >= 500 ? "server error" : "client error";
  }
}

// An error body; `message` is one of this file's own texts, which need no JSON escaping.
std::string ErrorBody(std::string_view message) {
  return fmt::format("{{\"error\":\"{}\"}}\n", message);
}

void Answer(HttpHandler* handler, const httplib::Request& req, httplib::Response& res) {
  HttpRequest request;
  request.method = req.method;
  request.path = req.path;
  request.headers.reserve(req.headers.size());
  for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
  request.body = req.body;
  HttpResponse response = handler->Handle(request);
  res.status = response.status;
  for (auto& [name, value] : response.headers) res.set_header(name, value);
  res.set_content(std::move(response.body), response.content_type.c_str());
}

class HttplibTransport final : public HttpTransport {
 public:
  // Configures the server; Bind() then opens the socket.
  HttplibTransport(HttpHandler* handler, const ServerOptions& options) {
    const int threads = options.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options.max_body_bytes);
    server_.set_read_timeout(options.timeout_seconds, 0);
    server_.set_write_timeout(options.timeout_seconds, 0);
    server_.set_keep_alive_timeout(options.timeout_seconds);
    server_.set_keep_alive_max_count(options.keep_alive_max_requests);
    server_.set_tcp_nodelay(true);
    // Every method and path goes to the handler, which routes itself (and answers 404 and 405).
    auto answer = [handler](const httplib::Request& req, httplib::Response& res) {
      Answer(handler, req, res);
    };
    server_.Get(".*", answer);
    server_.Post(".*", answer);
    server_.Put(".*", answer);
    server_.Patch(".*", answer);
    server_.Delete(".*", answer);
    server_.Options(".*", answer);
    // cpp-httplib 0.11 applies the body limit to Content-Length only, and would read a chunked
    // body of any size: chunked requests are refused before their body is read (this handler
    // runs first), and the connection is closed since the body stays unread.
    server_.set_pre_routing_handler([handler](const httplib::Request& req,
                                              httplib::Response& res) {
      if (!req.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
      handler->CountTransportError(411);
      res.status = 411;
      res.set_header("Connection", "close");
      res.set_content(ErrorBody("chunked request bodies are not accepted: send a Content-Length"),
                      "application/json");
      return httplib::Server::HandlerResponse::Handled;
    });
    // Errors the library answers itself (413 body too large, 400 bad request line, 414 URI too
    // long) get a JSON body too; the handler's own errors already have one.
    const size_t max_body = options.max_body_bytes;
    httplib::Server::HandlerWithResponse on_error = [handler, max_body](
                                                        const httplib::Request& req,
                                                        httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      handler->CountTransportError(res.status);
      std::string message(StatusText(res.status));
      if (res.status == 413) {
        message = fmt::format("request body over the limit of {} bytes", max_body);
      } else if (res.status == 400 && req.method == "POST" && !req.has_header("Content-Length") &&
                 !req.has_header("Transfer-Encoding")) {
        // cpp-httplib refuses a POST without either; curl -X POST sends neither.
        message =
            "a POST needs a Content-Length header (send a body, even an empty one: curl -d '')";
      }
      res.set_content(ErrorBody(message), "application/json");
      return httplib::Server::HandlerResponse::Handled;
    };
    server_.set_error_handler(std::move(on_error));
    server_.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
          res.status = 500;
          res.set_content(ErrorBody("internal error"), "application/json");
        });
  }

  // Opens the listening socket; false with *error set when it cannot.
  bool Bind(const ServerOptions& options, std::string* error) {
    int port = options.port;
    if (port == 0) {
      port = server_.bind_to_any_port(options.host);
    } else if (!server_.bind_to_port(options.host, port)) {
      port = -1;
    }
    if (port <= 0) {
      *error = fmt::format("cannot listen: {}", std::strerror(errno));
      return false;
    }
    // On Linux, listen() on a listening socket changes its backlog.
    if (::listen(server_.socket(), SOMAXCONN) != 0) {
      *error = fmt::format("listen: {}", std::strerror(errno));
      return false;
    }
    port_ = port;
    return true;
  }

  int port() const override { return port_; }

  void Serve() override {
    if (stop_requested_) return;
    // listen_after_bind returns when stop() closes the socket, after the worker threads have
    // finished the connections they hold.
    server_.listen_after_bind();
  }

  void Stop() override {
    stop_requested_ = true;
    server_.stop();
  }

 private:
  Server server_;
  int port_ = -1;
  std::atomic<bool> stop_requested_{false};
};

}  // namespace
}  // namespace hunch

extern "C" __attribute__((visibility("default"))) hunch::HttpTransport* hunch_http_bind(
    int abi, hunch::HttpHandler* handler, const hunch::ServerOptions* options,
    std::string* error) {
  if (abi != hunch::kHttpTransportAbi) {
    *error = fmt::format("the HTTP module was built for interface {}, not {}",
                         hunch::kHttpTransportAbi, abi);
    return nullptr;
  }
  try {
    auto transport = std::make_unique<hunch::HttplibTransport>(handler, *options);
    if (!transport->Bind(*options, error)) return nullptr;
    return transport.release();
  } catch (const std::exception& e) {
    *error = e.what();
    return nullptr;
  }
}
