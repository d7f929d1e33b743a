// Internal to the engine: reading a saved JSON report with every field checked. A missing or
// mistyped field throws FieldError naming it by its JSON pointer; the readers (report_json.cc,
// compare_html.cc) turn that into a Status.
#ifndef HUNCH_ENGINE_JSON_NODE_H_
#define HUNCH_ENGINE_JSON_NODE_H_

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace hunch::json_node {

using nlohmann::json;

// Thrown inside the readers only; they turn it into a Status.
struct FieldError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string PointerEscape(const std::string& key) {
  std::string out;
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// A JSON value with the pointer that reached it, for error messages.
class Node {
 public:
  Node(const json& j, std::string pointer) : j_(j), pointer_(std::move(pointer)) {}

  bool Has(const std::string& key) const { return j_.is_object() && j_.contains(key); }
  bool IsNull() const { return j_.is_null(); }
  Node operator[](const std::string& key) const {
    if (!j_.is_object()) Fail("an object");
    auto it = j_.find(key);
    if (it == j_.end())
      throw FieldError(fmt::format("{}/{}: missing field", pointer_, PointerEscape(key)));
    return Node(*it, pointer_ + "/" + PointerEscape(key));
  }
  Node operator[](size_t i) const {
    if (!j_.is_array()) Fail("an array");
    if (i >= j_.size()) throw FieldError(fmt::format("{}/{}: missing element", pointer_, i));
    return Node(j_[i], fmt::format("{}/{}", pointer_, i));
  }
  size_t Size() const {
    if (!j_.is_array()) Fail("an array");
    return j_.size();
  }
  std::vector<std::string> Keys() const {
    if (!j_.is_object()) Fail("an object");
    std::vector<std::string> keys;
    for (const auto& [k, v] : j_.items()) keys.push_back(k);
    return keys;
  }
  double Number() const {
    if (!j_.is_number()) Fail("a number");
    return j_.get<double>();
  }
  int64_t Int() const {
    if (!j_.is_number_integer()) Fail("an integer");
    return j_.get<int64_t>();
  }
  uint64_t Unsigned() const {
    if (!j_.is_number_unsigned()) Fail("a non-negative integer");
    return j_.get<uint64_t>();
  }
  bool Bool() const {
    if (!j_.is_boolean()) Fail("true or false");
    return j_.get<bool>();
  }
  std::string String() const {
    if (!j_.is_string()) Fail("a string");
    return j_.get<std::string>();
  }
  std::vector<std::string> Strings() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < Size(); ++i) out.push_back((*this)[i].String());
    return out;
  }
  std::map<std::string, int64_t> Counts() const {
    std::map<std::string, int64_t> out;
    for (const auto& k : Keys()) out[k] = (*this)[k].Int();
    return out;
  }
  [[noreturn]] void Fail(const std::string& expected) const {
    throw FieldError(fmt::format("{}: expected {}", pointer_.empty() ? "/" : pointer_, expected));
  }
  const std::string& pointer() const { return pointer_; }
  const json& raw() const { return j_; }

 private:
  const json& j_;
  std::string pointer_;
};

// nlohmann's parse error without its "[json.exception.parse_error.101] " prefix.
inline std::string ParseErrorText(const json::parse_error& e) {
  std::string what = e.what();
  auto bracket = what.find("] ");
  if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
    what = what.substr(bracket + 2);
  return what;
}

}  // namespace hunch::json_node

#endif  // HUNCH_ENGINE_JSON_NODE_H_
