// The YAML adapter: reads a rule file with yaml-cpp (whose exceptions stop here) into RuleFile.
#include "rules/rule_file.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "rules/text.h"

namespace hunch {

SourcePos SourceText::At(size_t offset) const {
  if (offsets.empty()) return pos;
  return offsets[std::min(offset, offsets.size() - 1)];
}

Diagnostic MakeDiagnostic(const RuleFile& file, Severity severity, SourcePos pos, int length,
                          std::string code, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.file = file.path;
  d.line = pos.line;
  d.column = pos.column;
  d.length = std::max(1, length);
  d.code = std::move(code);
  d.message = std::move(message);
  if (pos.line >= 1 && static_cast<size_t>(pos.line) <= file.lines.size()) {
    d.source_line = file.lines[pos.line - 1];
  }
  return d;
}

namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = nl + 1;
  }
  return lines;
}

// Byte length of the escape sequence starting at s[i] == '\\' in a YAML double-quoted scalar.
size_t EscapeLength(const std::string& s, size_t i) {
  if (i + 1 >= s.size()) return 1;
  switch (s[i + 1]) {
    case 'x': return 4;
    case 'u': return 6;
    case 'U': return 10;
    default: return 2;
  }
}

// Maps each byte of a scalar's value to its position in the file, for the styles where that is
// exact: plain and quoted scalars on one line, and literal block scalars ('|').
std::vector<SourcePos> MapOffsets(const std::string& value, const YAML::Mark& mark,
                                  const std::vector<std::string>& lines) {
  std::vector<SourcePos> out;
  if (mark.line < 0 || static_cast<size_t>(mark.line) >= lines.size()) return out;
  const std::string& line = lines[mark.line];
  const size_t col = static_cast<size_t>(mark.column);
  if (col >= line.size()) return out;
  const int lineno = mark.line + 1;
  const char first = line[col];
  if (first == '\'' || first == '"') {
    size_t i = col + 1;
    size_t produced = 0;
    while (produced < value.size()) {
      if (i >= line.size()) return {};  // continues on another line: fall back to the start
      size_t raw_len = 1, value_len = 1;
      if (first == '\'' && line[i] == '\'') raw_len = 2;
      if (first == '"' && line[i] == '\\') {
        raw_len = EscapeLength(line, i);
        value_len = line[i + 1] == 'u' || line[i + 1] == 'U' || line[i + 1] == 'x' ? 0 : 1;
      }
      if (value_len == 0) {
        // A code point escape: every byte of its UTF-8 encoding points at the escape.
        size_t bytes = 1;
        unsigned char lead = static_cast<unsigned char>(value[produced]);
        if (lead >= 0xF0) bytes = 4;
        else if (lead >= 0xE0) bytes = 3;
        else if (lead >= 0xC0) bytes = 2;
        value_len = bytes;
      }
      for (size_t k = 0; k < value_len; ++k) out.push_back({lineno, static_cast<int>(i + 1)});
      produced += value_len;
      i += raw_len;
    }
    out.push_back({lineno, static_cast<int>(i + 1)});
    return out;
  }
  if (first == '|') {
    size_t indent = std::string::npos;
    size_t produced = 0;
    for (size_t l = mark.line + 1; l < lines.size() && produced < value.size(); ++l) {
      const std::string& content = lines[l];
      size_t lead = content.find_first_not_of(' ');
      if (lead == std::string::npos) {  // blank line inside the block: a bare newline
        out.push_back({static_cast<int>(l + 1), 1});
        ++produced;
        continue;
      }
      if (indent == std::string::npos) indent = lead;
      for (size_t k = indent; k < content.size() && produced < value.size(); ++k, ++produced) {
        out.push_back({static_cast<int>(l + 1), static_cast<int>(k + 1)});
      }
      if (produced < value.size()) {
        out.push_back({static_cast<int>(l + 1), static_cast<int>(content.size() + 1)});
        ++produced;
      }
    }
    if (produced != value.size()) return {};
    out.push_back(out.empty() ? SourcePos{lineno, static_cast<int>(col + 1)} : out.back());
    return out;
  }
  if (line.compare(col, value.size(), value) == 0) {
    for (size_t k = 0; k <= value.size(); ++k) out.push_back({lineno, static_cast<int>(col + k + 1)});
  }
  return out;
}

class Reader {
 public:
  Reader(RuleFile* file, std::vector<Diagnostic>* diags, const RuleFileLimits& limits)
      : f_(*file), diags_(*diags), limits_(limits) {}

  void Read(const YAML::Node& root) {
    if (!root.IsMap()) {
      Error(PosOf(root), "expected-map",
            "expected a mapping with keys such as name, label, classes, rules at the top level");
      return;
    }
    static const std::vector<std::string> kKeys = {
        "name", "description", "version", "label", "classes", "positive", "default",
        "missing", "inputs", "policy", "rules", "slices"};
    std::set<std::string> seen;
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (!KnownKey(kv.first, key, kKeys, "rule file", &seen)) continue;
      const YAML::Node& v = kv.second;
      if (key == "name") f_.name = Scalar(v, "name");
      else if (key == "description") f_.description = Scalar(v, "description").text;
      else if (key == "version") f_.version = Scalar(v, "version").text;
      else if (key == "label") f_.label = Scalar(v, "label");
      else if (key == "classes") ReadClasses(v);
      else if (key == "positive") f_.positive = Scalar(v, "positive");
      else if (key == "default") f_.default_class = Scalar(v, "default");
      else if (key == "missing") f_.missing = StringList(v, "missing");
      else if (key == "inputs") ReadInputs(v);
      else if (key == "policy") f_.policy = Scalar(v, "policy");
      else if (key == "rules") ReadRules(v);
      else if (key == "slices") ReadSlices(v);
    }
    const SourcePos top{1, 1};
    if (!seen.count("name")) Error(top, "missing-key", "missing required key 'name' (the rule set's name)");
    if (!seen.count("label")) Error(top, "missing-key", "missing required key 'label' (the column that holds the ground truth)");
    if (!seen.count("classes")) Error(top, "missing-key", "missing required key 'classes' (e.g. {0: legit, 1: fraud})");
    if (!seen.count("rules")) Error(top, "missing-key", "missing required key 'rules'");
    if (!seen.count("default")) f_.default_class = SourceText{"abstain", top, {}};
    if (!seen.count("policy")) f_.policy = SourceText{"first_match", top, {}};
  }

 private:
  SourcePos PosOf(const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    if (m.line < 0) return {1, 1};
    return {m.line + 1, m.column + 1};
  }

  void Error(SourcePos pos, std::string code, std::string message, int length = 1) {
    diags_.push_back(MakeDiagnostic(f_, Severity::kError, pos, length, std::move(code), std::move(message)));
  }

  bool KnownKey(const YAML::Node& key_node, const std::string& key,
                const std::vector<std::string>& known, std::string_view where,
                std::set<std::string>* seen) {
    SourcePos pos = PosOf(key_node);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string hint = ClosestMatch(key, known);
      Error(pos, "unknown-key",
            hint.empty() ? fmt::format("unknown key '{}' in {} (expected one of: {})", key, where,
                                       fmt::join(known, ", "))
                         : fmt::format("unknown key '{}' in {} (did you mean '{}'?)", key, where, hint),
            static_cast<int>(key.size()));
      return false;
    }
    if (!seen->insert(key).second) {
      Error(pos, "duplicate-key", fmt::format("duplicate key '{}' in {}", key, where),
            static_cast<int>(key.size()));
      return false;
    }
    return true;
  }

  SourceText Scalar(const YAML::Node& n, std::string_view what) {
    SourceText s;
    s.pos = PosOf(n);
    if (!n.IsScalar()) {
      Error(s.pos, "expected-scalar", fmt::format("expected a single value for '{}'", what));
      return s;
    }
    s.text = n.Scalar();
    s.offsets = MapOffsets(s.text, n.Mark(), f_.lines);
    return s;
  }

  std::vector<std::string> StringList(const YAML::Node& n, std::string_view what) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      Error(PosOf(n), "expected-list", fmt::format("expected a list for '{}', e.g. [\"\", \"NA\"]", what));
      return out;
    }
    for (const auto& item : n) out.push_back(Scalar(item, what).text);
    return out;
  }

  void ReadClasses(const YAML::Node& n) {
    f_.classes_pos = PosOf(n);
    if (n.IsSequence()) {
      for (const auto& item : n) {
        std::string v = Scalar(item, "classes").text;
        f_.classes.push_back({v, v});
      }
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        f_.classes.push_back({Scalar(kv.first, "classes").text, Scalar(kv.second, "classes").text});
      }
    } else {
      Error(f_.classes_pos, "expected-classes",
            "expected 'classes' to map label values to class names ({0: legit, 1: fraud}) or to "
            "list the class names ([ham, spam])");
      return;
    }
    std::set<std::string> names, raws;
    for (const auto& c : f_.classes) {
      if (c.name.empty()) Error(f_.classes_pos, "bad-class", "a class name is empty");
      if (c.name == "abstain") {
        Error(f_.classes_pos, "bad-class", "'abstain' is reserved and cannot be a class name");
      }
      if (!names.insert(c.name).second) {
        Error(f_.classes_pos, "duplicate-class", fmt::format("class '{}' is listed twice", c.name));
      }
      if (!raws.insert(c.raw).second) {
        Error(f_.classes_pos, "duplicate-class", fmt::format("label value '{}' is listed twice", c.raw));
      }
    }
    if (f_.classes.size() < 2 && !f_.classes.empty()) {
      Error(f_.classes_pos, "bad-class", "expected at least two classes");
    }
  }

  void ReadInputs(const YAML::Node& n) {
    if (!n.IsMap()) {
      Error(PosOf(n), "expected-map", "expected 'inputs' to map column names to types, e.g. {amount: double}");
      return;
    }
    for (const auto& kv : n) f_.inputs.emplace_back(Scalar(kv.first, "inputs"), Scalar(kv.second, "inputs"));
  }

  void ReadSlices(const YAML::Node& n) {
    if (!n.IsMap()) {
      Error(PosOf(n), "expected-map", "expected 'slices' to map slice names to expressions");
      return;
    }
    for (const auto& kv : n) f_.slices.emplace_back(Scalar(kv.first, "slices"), Scalar(kv.second, "slices"));
  }

  void ReadRules(const YAML::Node& n) {
    if (!n.IsSequence()) {
      Error(PosOf(n), "expected-list", "expected 'rules' to be a list of rules (items starting with '- name:')");
      return;
    }
    if (n.size() > limits_.max_rules) {
      Error(PosOf(n), "limit", fmt::format("{} rules is more than the limit of {}", n.size(), limits_.max_rules));
      return;
    }
    static const std::vector<std::string> kKeys = {"name", "description", "when", "predict",
                                                   "confidence", "tags", "enabled"};
    for (const auto& item : n) {
      RuleDef r;
      r.pos = PosOf(item);
      if (!item.IsMap()) {
        Error(r.pos, "expected-map", "expected a rule: a mapping with name, when and predict");
        continue;
      }
      std::set<std::string> seen;
      for (const auto& kv : item) {
        const std::string key = kv.first.Scalar();
        if (!KnownKey(kv.first, key, kKeys, "a rule", &seen)) continue;
        const YAML::Node& v = kv.second;
        if (key == "name") r.name = Scalar(v, "name");
        else if (key == "description") r.description = Scalar(v, "description").text;
        else if (key == "when") r.when = Scalar(v, "when");
        else if (key == "predict") r.predict = Scalar(v, "predict");
        else if (key == "tags") r.tags = StringList(v, "tags");
        else if (key == "enabled") r.enabled = Bool(v, "enabled");
        else if (key == "confidence") {
          SourceText c = Scalar(v, "confidence");
          char* end = nullptr;
          double d = std::strtod(c.text.c_str(), &end);
          if (c.text.empty() || *end != '\0' || !(d >= 0.0 && d <= 1.0)) {
            Error(c.pos, "bad-confidence",
                  fmt::format("confidence must be a number from 0 to 1, found '{}'", c.text));
          } else {
            r.confidence = d;
          }
        }
      }
      if (!seen.count("name")) Error(r.pos, "missing-key", "rule has no 'name'");
      if (!seen.count("when")) Error(r.pos, "missing-key", "rule has no 'when' condition");
      if (!seen.count("predict")) Error(r.pos, "missing-key", "rule has no 'predict' class");
      f_.rules.push_back(std::move(r));
    }
  }

  bool Bool(const YAML::Node& n, std::string_view what) {
    SourceText s = Scalar(n, what);
    if (s.text == "true" || s.text == "True" || s.text == "yes") return true;
    if (s.text == "false" || s.text == "False" || s.text == "no") return false;
    Error(s.pos, "expected-bool", fmt::format("expected true or false for '{}', found '{}'", what, s.text));
    return true;
  }

  RuleFile& f_;
  std::vector<Diagnostic>& diags_;
  const RuleFileLimits& limits_;
};

}  // namespace

std::optional<RuleFile> ReadRuleFile(const std::string& path, const std::string& text,
                                     const RuleFileLimits& limits,
                                     std::vector<Diagnostic>* diagnostics) {
  RuleFile file;
  file.path = path;
  file.lines = SplitLines(text);
  if (text.size() > limits.max_file_bytes) {
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, {1, 1}, 1, "limit",
                                          fmt::format("rule file is {} bytes (limit {})",
                                                      text.size(), limits.max_file_bytes)));
    return std::nullopt;
  }
  if (!IsValidUtf8(text)) {
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, {1, 1}, 1, "bad-encoding",
                                          "rule file is not valid UTF-8"));
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourcePos pos{e.mark.line >= 0 ? e.mark.line + 1 : 1, e.mark.column >= 0 ? e.mark.column + 1 : 1};
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, pos, 1, "bad-yaml",
                                          fmt::format("invalid YAML: {}", e.msg)));
    return std::nullopt;
  }
  if (!root.IsDefined() || root.IsNull()) {
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, {1, 1}, 1, "empty",
                                          "rule file is empty: expected name, label, classes and rules"));
    return std::nullopt;
  }
  try {
    Reader(&file, diagnostics, limits).Read(root);
  } catch (const YAML::Exception& e) {
    SourcePos pos{e.mark.line >= 0 ? e.mark.line + 1 : 1, e.mark.column >= 0 ? e.mark.column + 1 : 1};
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, pos, 1, "bad-yaml",
                                          fmt::format("unexpected YAML structure: {}", e.msg)));
  }
  return file;
}

}  // namespace hunch
