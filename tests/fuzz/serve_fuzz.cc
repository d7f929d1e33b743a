// Fuzzes the request handling of `hunch serve` (Service::Handle, below the HTTP transport): the
// first line of the input is "METHOD PATH", the rest the body. Every request must get an answer
// with a valid status and, for JSON answers, a body that parses; never a crash, a hang or an
// escaped exception.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "hunch/service.h"

namespace {

constexpr const char* kRules = R"(name: fuzz
label: is_fraud
classes: {0: legit, 1: fraud}
default: legit
inputs: {amount: double, account_age_days: int, email: string, country: string, mobile: bool}
rules:
  - name: big_new
    when: amount > 5000.0 && account_age_days < 30
    predict: fraud
    confidence: 0.8
  - name: disposable
    when: email.matches("@(tempmail|mailinator)\\.")
    predict: fraud
  - name: risky
    when: country in ["NG", "RU"] && mobile
    predict: fraud
)";

hunch::Service* TheService() {
  static hunch::Service* service = [] {
    const std::string path = "/tmp/hunch_serve_fuzz_" + std::to_string(getpid()) + ".yaml";
    std::ofstream(path) << kRules;
    std::vector<hunch::Diagnostic> diagnostics;
    hunch::ServiceOptions options;
    options.max_batch = 50;
    auto created = hunch::Service::Create(path, options, nullptr, &diagnostics);
    if (!created.ok()) {
      std::fprintf(stderr, "cannot create the service: %s\n", created.status().message().c_str());
      std::abort();
    }
    return created->release();
  }();
  return service;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t line_end = input.find('\n');
  const std::string first = input.substr(0, line_end);
  hunch::HttpRequest request;
  const size_t space = first.find(' ');
  request.method = first.substr(0, space);
  request.path = space == std::string::npos ? "/" : first.substr(space + 1);
  if (line_end != std::string::npos) request.body = input.substr(line_end + 1);
  request.headers = {{"Content-Type", "application/json"}};
  const hunch::HttpResponse response = TheService()->Handle(request);
  if (response.status < 200 || response.status > 599) {
    std::fprintf(stderr, "status %d\n", response.status);
    std::abort();
  }
  if (response.content_type == "application/json" && !nlohmann::json::accept(response.body)) {
    std::fprintf(stderr, "a JSON answer that does not parse: %s\n", response.body.c_str());
    std::abort();
  }
  return 0;
}
