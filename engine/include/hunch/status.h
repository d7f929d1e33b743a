// Status and Result<T>: the library's one error convention for operational failures
// (I/O, bad arguments, malformed input files). Mistakes in a rule file are reported as
// Diagnostics instead (see diagnostic.h); bad data cells become unknown values and are counted.
#ifndef HUNCH_STATUS_H_
#define HUNCH_STATUS_H_

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace hunch {

// What went wrong, coarsely, so callers (and the CLI's exit codes) can branch on it.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kIoError,
  kDataError,
  kRuleError,
  kUnimplemented,
  kInternal
};

// The outcome of an operation: ok, or a code and a message that names the place
// ("data.csv:12: error: ...") and what was expected.
class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status DataError(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
inline Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }

// Either a value or a non-ok Status. Accessing value() of an error is a programming error.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace hunch

#endif  // HUNCH_STATUS_H_
