// HttpServer: cpp-httplib (the only file that includes it) in front of an HttpHandler.
#include <fmt/format.h>
#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "hunch/data.h"
#include "hunch/service.h"

namespace hunch {

// cpp-httplib 0.11 listens with a backlog of 5 (a compile-time constant of the Debian library):
// a burst of new connections then overflows the accept queue, and the kernel drops the clients'
// handshakes, which retry after a second. The socket is reachable here to listen() again.
class Server : public httplib::Server {
 public:
  int socket() const { return svr_sock_; }
};

struct HttpServer::Impl {
  HttpHandler* handler = nullptr;
  ServerOptions options;
  Server server;
  int port = -1;
  std::atomic<bool> stop_requested{false};
};

namespace {

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

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(HttpHandler* handler,
                                                     const ServerOptions& options) {
  if (options.threads < 1) return InvalidArgument("--threads: expected at least 1");
  if (options.timeout_seconds < 1) return InvalidArgument("--timeout: expected at least 1 second");
  auto impl = std::make_unique<Impl>();
  impl->handler = handler;
  impl->options = options;
  Server& server = impl->server;
  const int threads = options.threads;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(options.max_body_bytes);
  server.set_read_timeout(options.timeout_seconds, 0);
  server.set_write_timeout(options.timeout_seconds, 0);
  server.set_keep_alive_timeout(options.timeout_seconds);
  server.set_keep_alive_max_count(options.keep_alive_max_requests);
  server.set_tcp_nodelay(true);
  // Every method and path goes to the handler, which routes itself (and answers 404 and 405).
  auto answer = [handler](const httplib::Request& req, httplib::Response& res) {
    Answer(handler, req, res);
  };
  server.Get(".*", answer);
  server.Post(".*", answer);
  server.Put(".*", answer);
  server.Patch(".*", answer);
  server.Delete(".*", answer);
  server.Options(".*", answer);
  // cpp-httplib 0.11 applies the body limit to Content-Length only, and would read a chunked
  // body of any size: chunked requests are refused before their body is read (this handler runs
  // first), and the connection is closed since the body stays unread.
  server.set_pre_routing_handler([handler](const httplib::Request& req, httplib::Response& res) {
    if (!req.has_header("Transfer-Encoding")) return httplib::Server::HandlerResponse::Unhandled;
    handler->CountTransportError(411);
    res.status = 411;
    res.set_header("Connection", "close");
    res.set_content(
        "{\"error\":\"chunked request bodies are not accepted: send a Content-Length\"}\n",
        "application/json");
    return httplib::Server::HandlerResponse::Handled;
  });
  // Errors the library answers itself (413 body too large, 400 bad request line, 414 URI too
  // long) get a JSON body too; the handler's own errors already have one.
  const size_t max_body = options.max_body_bytes;
  httplib::Server::HandlerWithResponse on_error = [handler, max_body](const httplib::Request& req,
                                                                      httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    handler->CountTransportError(res.status);
    std::string message(StatusText(res.status));
    if (res.status == 413) {
      message = fmt::format("request body over the limit of {} bytes", max_body);
    } else if (res.status == 400 && req.method == "POST" && !req.has_header("Content-Length") &&
               !req.has_header("Transfer-Encoding")) {
      // cpp-httplib refuses a POST without either; curl -X POST sends neither.
      message = "a POST needs a Content-Length header (send a body, even an empty one: curl -d '')";
    }
    std::string body = "{\"error\":";
    AppendJsonString(message, &body);
    res.set_content(body + "}\n", "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  server.set_error_handler(std::move(on_error));
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content("{\"error\":\"internal error\"}\n", "application/json");
      });
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgument(fmt::format("--port {}: expected 0..65535", options.port));
  }
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
    if (port < 0) port = -1;
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return IoError(fmt::format("{}:{}: error: cannot listen: {}", options.host, options.port,
                               std::strerror(errno)));
  }
  // On Linux, listen() on a listening socket changes its backlog.
  if (::listen(server.socket(), SOMAXCONN) != 0) {
    return IoError(
        fmt::format("{}:{}: error: listen: {}", options.host, port, std::strerror(errno)));
  }
  impl->port = port;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port; }

Status HttpServer::Serve() {
  if (impl_->stop_requested) return Status::Ok();
  // listen_after_bind returns when stop() closes the socket, after the worker threads have
  // finished the connections they hold.
  impl_->server.listen_after_bind();
  return Status::Ok();
}

void HttpServer::Stop() {
  impl_->stop_requested = true;
  impl_->server.stop();
}

}  // namespace hunch
