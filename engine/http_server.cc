// HttpServer: loads the transport module (engine/http_transport.h) on first use and forwards to
// it.
#include <dlfcn.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

#include "engine/http_transport.h"
#include "hunch/service.h"

namespace hunch {

struct HttpServer::Impl {
  std::unique_ptr<HttpTransport> transport;
};

namespace {

// Where the module may be, in order: $HUNCH_HTTP_MODULE; beside the running executable (the
// build tree puts it beside `hunch`); where this build wrote it.
std::vector<std::string> ModuleCandidates() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("HUNCH_HTTP_MODULE"); env != nullptr && *env != '\0') {
    out.push_back(env);
    return out;  // an explicit choice is not second-guessed
  }
  std::string exe(4096, '\0');
  const ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size());
  if (n > 0 && static_cast<size_t>(n) < exe.size()) {
    exe.resize(static_cast<size_t>(n));
    if (const size_t slash = exe.rfind('/'); slash != std::string::npos) {
      out.push_back(exe.substr(0, slash + 1) + "hunch_http.so");
    }
  }
#ifdef HUNCH_HTTP_MODULE_BUILT_AT
  out.push_back(HUNCH_HTTP_MODULE_BUILT_AT);
#endif
  return out;
}

// The module's entry point, loaded once per process and never unloaded.
Result<HunchHttpBindFn> LoadModule() {
  static std::once_flag once;
  static HunchHttpBindFn bind = nullptr;
  static std::string error;
  std::call_once(once, [] {
    std::string tried;
    for (const std::string& path : ModuleCandidates()) {
      void* module = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (module == nullptr) {
        tried += fmt::format("\n  {}", ::dlerror());
        continue;
      }
      bind = reinterpret_cast<HunchHttpBindFn>(::dlsym(module, kHttpBindSymbol));
      if (bind != nullptr) return;
      tried += fmt::format("\n  {}: no symbol {}", path, kHttpBindSymbol);
    }
    error = fmt::format(
        "error: cannot load the HTTP module hunch_http.so (it is built beside hunch; "
        "HUNCH_HTTP_MODULE names another path):{}",
        tried);
  });
  if (bind == nullptr) return Unimplemented(error);
  return bind;
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Bind(HttpHandler* handler,
                                                     const ServerOptions& options) {
  if (options.threads < 1) return InvalidArgument("--threads: expected at least 1");
  if (options.timeout_seconds < 1) return InvalidArgument("--timeout: expected at least 1 second");
  if (options.port < 0 || options.port > 65535) {
    return InvalidArgument(fmt::format("--port {}: expected 0..65535", options.port));
  }
  auto bind = LoadModule();
  if (!bind.ok()) return bind.status();
  std::string error;
  auto impl = std::make_unique<Impl>();
  impl->transport.reset((*bind)(kHttpTransportAbi, handler, &options, &error));
  if (impl->transport == nullptr) {
    return IoError(fmt::format("{}:{}: error: {}", options.host, options.port, error));
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->transport->port(); }

Status HttpServer::Serve() {
  impl_->transport->Serve();
  return Status::Ok();
}

void HttpServer::Stop() { impl_->transport->Stop(); }

}  // namespace hunch
