// Internal to the engine: the HTTP transport behind hunch::HttpServer. It is built as a loadable
// module, hunch_http.so (engine/http_module/), so that cpp-httplib and the OpenSSL and brotli
// libraries it links are loaded by `hunch serve` only: linked into the binary, they cost every
// command about 3 ms of start-up (docs/performance.md). The engine and the module share nothing
// but this header: a virtual interface and one C entry point, found with dlsym.
#ifndef HUNCH_ENGINE_HTTP_TRANSPORT_H_
#define HUNCH_ENGINE_HTTP_TRANSPORT_H_

#include <string>

#include "hunch/service.h"

namespace hunch {

// A bound HTTP/1.1 server in front of an HttpHandler.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual int port() const = 0;
  // Answers requests until Stop(); returns once the requests in flight are finished.
  virtual void Serve() = 0;
  // Stops accepting; thread-safe.
  virtual void Stop() = 0;
};

// Changed with every change to this header, so that a module from another build is refused.
constexpr int kHttpTransportAbi = 1;

}  // namespace hunch

// The module's entry point, named kHttpBindSymbol: binds options->host and options->port (0: any
// free port). On failure returns null and sets *error to a message without the address.
// `abi` must be kHttpTransportAbi; `handler` must outlive the transport.
using HunchHttpBindFn = hunch::HttpTransport* (*)(int abi, hunch::HttpHandler* handler,
                                                  const hunch::ServerOptions* options,
                                                  std::string* error);
inline constexpr char kHttpBindSymbol[] = "hunch_http_bind";

#endif  // HUNCH_ENGINE_HTTP_TRANSPORT_H_
