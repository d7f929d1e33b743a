// The YAML adapter: reads a rule file with yaml-cpp (whose exceptions stop here) into RuleFile.
#include "rules/rule_file.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <set>

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
    case 'x':
      return 4;
    case 'u':
      return 6;
    case 'U':
      return 10;
    default:
      return 2;
  }
}

// Bytes of the UTF-8 sequence that starts with `lead`.
size_t Utf8Length(char lead) {
  const auto c = static_cast<unsigned char>(lead);
  return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

bool IsBlank(const std::string& s, size_t from = 0) {
  return from >= s.size() || s.find_first_not_of(" \t", from) == std::string::npos;
}

// Maps each byte of a scalar's value to its position in the file (plus one position past the
// end) by replaying how YAML reads the scalar's source: quotes and escapes, the folding of line
// breaks in plain and quoted scalars that span lines, the indentation of block scalars ('|' and
// '>'). Every replayed byte is checked against the value; if the replay does not reproduce the
// value exactly, returns {} and callers fall back to the scalar's start: a position may be
// coarse, never wrong.
std::vector<SourcePos> MapOffsets(const std::string& value, const YAML::Mark& mark,
                                  const std::vector<std::string>& lines) {
  if (mark.line < 0 || static_cast<size_t>(mark.line) >= lines.size()) return {};
  size_t l = static_cast<size_t>(mark.line);
  size_t i = static_cast<size_t>(mark.column);
  if (i >= lines[l].size()) return {};
  const char style = lines[l][i];  // a quote, a block indicator, or a plain scalar's first byte
  std::vector<SourcePos> out;
  auto at = [&](size_t line, size_t column) {
    return SourcePos{static_cast<int>(line + 1), static_cast<int>(column + 1)};
  };
  // Appends the position of the next value byte if that byte is `expected`.
  auto emit = [&](char expected, SourcePos pos) {
    if (out.size() >= value.size() || value[out.size()] != expected) return false;
    out.push_back(pos);
    return true;
  };

  if (style == '|' || style == '>') {
    const std::string& header = lines[l];
    for (size_t k = i + 1; k < header.size() && header[k] != ' ' && header[k] != '#'; ++k) {
      if (header[k] >= '1' && header[k] <= '9') return {};  // explicit indentation: not replayed
    }
    size_t indent = std::string::npos;
    for (++l; l < lines.size() && out.size() < value.size(); ++l) {
      const std::string& line = lines[l];
      if (IsBlank(line)) {  // an empty line: a newline, unless folding trimmed it
        if (value[out.size()] == '\n') out.push_back(at(l, 0));
        continue;
      }
      if (indent == std::string::npos) indent = line.find_first_not_of(' ');
      if (line.find_first_not_of(' ') < indent) return {};  // the block ended early
      for (i = indent; i < line.size() && out.size() < value.size(); ++i) {
        if (!emit(line[i], at(l, i))) return {};
      }
      // The line break: '\n', or ' ' where '>' folds it.
      if (out.size() < value.size() && (value[out.size()] == '\n' || value[out.size()] == ' ')) {
        out.push_back(at(l, line.size()));
      }
    }
    if (out.size() != value.size()) return {};
    out.push_back(out.empty() ? at(static_cast<size_t>(mark.line), i) : out.back());
    return out;
  }

  const bool quoted = style == '\'' || style == '"';
  if (quoted) ++i;
  while (out.size() < value.size()) {
    const std::string& line = lines[l];
    if (IsBlank(line, i)) {
      // A line break inside the scalar, with the white space around it: one space, or a newline
      // for each empty line that follows.
      size_t next = l + 1;
      while (next < lines.size() && IsBlank(lines[next])) ++next;
      if (next >= lines.size()) {  // yaml-cpp ends an unclosed quote at the end of the file
        if (!emit(' ', at(l, i))) return {};
        l = lines.size() - 1;
        i = lines[l].size();
        continue;
      }
      if (next == l + 1) {
        if (!emit(' ', at(l, i))) return {};
      } else {
        for (size_t e = l + 1; e < next; ++e) {
          if (!emit('\n', at(e, 0))) return {};
        }
      }
      l = next;
      i = lines[l].find_first_not_of(" \t");
      continue;
    }
    const char c = line[i];
    if (style == '\'' && c == '\'') {  // '' is an escaped quote; a lone ' closes the scalar
      if (i + 1 >= line.size() || line[i + 1] != '\'' || !emit('\'', at(l, i))) return {};
      i += 2;
    } else if (style == '"' && c == '\\') {
      if (IsBlank(line, i + 1)) {  // an escaped line break joins the lines without a space
        if (++l >= lines.size()) return {};
        i = lines[l].find_first_not_of(" \t");
        if (i == std::string::npos) i = lines[l].size();
        continue;
      }
      // Every byte an escape decodes to (several for \u00e9) points at the escape.
      const size_t n = Utf8Length(value[out.size()]);
      for (size_t k = 0; k < n && out.size() < value.size(); ++k) out.push_back(at(l, i));
      i += EscapeLength(line, i);
    } else if (style == '"' && c == '"') {
      return {};  // closed before the value was complete
    } else {
      if (!emit(c, at(l, i))) return {};
      ++i;
    }
  }
  out.push_back(at(l, i));  // past the end: the closing quote, or just after a plain scalar
  return out;
}

class Reader {
 public:
  Reader(RuleFile* file, std::vector<Diagnostic>* diags, const RuleFileLimits& limits)
      : f_(*file), diags_(*diags), limits_(limits) {}

  void Read(const YAML::Node& root) {
    // Where the rule set starts, for what is missing; and what an absent key means, set first so
    // that a key the file lacks (or holds in the wrong shape) is not reported again downstream.
    const SourcePos top = PosOf(root);
    f_.default_class = SourceText{"abstain", top, {}};
    f_.policy = SourceText{"first_match", top, {}};
    if (!root.IsMap()) {
      Error(PosOf(root), "expected-map",
            "expected a mapping with keys such as name, label, classes, rules at the top level");
      return;
    }
    static const std::vector<std::string> kKeys = {
        "name",    "description", "version", "label", "classes", "positive", "default",
        "missing", "inputs",      "policy",  "rules", "slices",  "tie_break"};
    std::set<std::string> seen, suggested;
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (!KnownKey(kv.first, key, kKeys, "rule file", &seen, &suggested)) continue;
      const YAML::Node& v = kv.second;
      if (key == "name")
        ReadScalar(v, "name", &f_.name);
      else if (key == "description")
        f_.description = Scalar(v, "description").text;
      else if (key == "version")
        f_.version = Scalar(v, "version").text;
      else if (key == "label")
        ReadScalar(v, "label", &f_.label);
      else if (key == "classes")
        ReadClasses(v);
      else if (key == "positive")
        ReadScalar(v, "positive", &f_.positive);
      else if (key == "default")
        ReadScalar(v, "default", &f_.default_class);
      else if (key == "missing")
        f_.missing = StringList(v, "missing");
      else if (key == "inputs")
        ReadInputs(v);
      else if (key == "policy")
        ReadScalar(v, "policy", &f_.policy);
      else if (key == "tie_break")
        ReadScalar(v, "tie_break", &f_.tie_break);
      else if (key == "rules")
        ReadRules(v);
      else if (key == "slices")
        ReadSlices(v);
    }
    // A misspelled key was reported with the right name as a hint: it is not missing as well.
    auto missing = [&](const char* key) { return !seen.count(key) && !suggested.count(key); };
    if (missing("name")) {
      Error(top, "missing-key", "missing required key 'name' (the rule set's name)");
    }
    if (missing("label")) {
      Error(top, "missing-key",
            "missing required key 'label' (the column that holds the ground truth)");
    }
    if (missing("classes")) {
      Error(top, "missing-key", "missing required key 'classes' (e.g. {0: legit, 1: fraud})");
    }
    if (missing("rules")) Error(top, "missing-key", "missing required key 'rules'");
  }

 private:
  SourcePos PosOf(const YAML::Node& n) {
    // An empty value (`label:`) has no place of its own (its mark is wherever the next token
    // is): it stands where its key does.
    if (n.IsNull()) return key_pos_;
    const YAML::Mark m = n.Mark();
    if (m.line < 0) return {1, 1};
    return {m.line + 1, m.column + 1};
  }

  void Error(SourcePos pos, std::string code, std::string message, int length = 1) {
    diags_.push_back(
        MakeDiagnostic(f_, Severity::kError, pos, length, std::move(code), std::move(message)));
  }

  // Reports a key that is unknown (adding its "did you mean" hint to *suggested) or repeated.
  bool KnownKey(const YAML::Node& key_node, const std::string& key,
                const std::vector<std::string>& known, std::string_view where,
                std::set<std::string>* seen, std::set<std::string>* suggested) {
    SourcePos pos = PosOf(key_node);
    key_pos_ = pos;
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string hint = ClosestMatch(key, known);
      if (!hint.empty()) suggested->insert(hint);
      Error(pos, "unknown-key",
            hint.empty()
                ? fmt::format("unknown key '{}' in {} (expected one of: {})", key, where,
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
      Error(s.pos, "expected-scalar",
            n.IsNull() ? fmt::format("expected a value for '{}', found none", what)
                       : fmt::format("expected a single value for '{}'", what));
      return s;
    }
    s.text = n.Scalar();
    s.offsets = MapOffsets(s.text, n.Mark(), f_.lines);
    return s;
  }

  // A scalar into *out; a value of another shape is reported and leaves *out as it was (absent,
  // or the default), so that later stages do not report the same value again.
  template <typename T>
  void ReadScalar(const YAML::Node& n, std::string_view what, T* out) {
    SourceText s = Scalar(n, what);
    if (n.IsScalar()) *out = std::move(s);
  }

  std::vector<std::string> StringList(const YAML::Node& n, std::string_view what) {
    std::vector<std::string> out;
    if (!n.IsSequence()) {
      Error(PosOf(n), "expected-list",
            fmt::format("expected a list for '{}', e.g. [\"\", \"NA\"]", what));
      return out;
    }
    for (const auto& item : n) out.push_back(Scalar(item, what).text);
    return out;
  }

  void ReadClasses(const YAML::Node& n) {
    f_.classes_pos = PosOf(n);
    if (n.IsSequence()) {
      for (const auto& item : n) {
        SourceText v = Scalar(item, "classes");
        f_.classes.push_back({v.text, v.text, v.At(0), v.At(0)});
      }
    } else if (n.IsMap()) {
      for (const auto& kv : n) {
        key_pos_ = PosOf(kv.first);
        SourceText raw = Scalar(kv.first, "classes"), name = Scalar(kv.second, "classes");
        f_.classes.push_back({raw.text, name.text, raw.At(0), name.At(0)});
      }
    } else {
      Error(f_.classes_pos, "expected-classes",
            "expected 'classes' to map label values to class names ({0: legit, 1: fraud}) or to "
            "list the class names ([ham, spam])");
      return;
    }
    std::set<std::string> names, raws;
    for (const auto& c : f_.classes) {
      const int length = static_cast<int>(c.name.size());
      if (c.name.empty()) Error(c.name_pos, "bad-class", "a class name is empty");
      if (c.name == "abstain") {
        Error(c.name_pos, "bad-class", "'abstain' is reserved and cannot be a class name", length);
      }
      if (!names.insert(c.name).second) {
        Error(c.name_pos, "duplicate-class", fmt::format("class '{}' is listed twice", c.name),
              length);
      }
      if (!raws.insert(c.raw).second && c.raw != c.name) {  // a list's duplicate is reported once
        Error(c.raw_pos, "duplicate-class", fmt::format("label value '{}' is listed twice", c.raw),
              static_cast<int>(c.raw.size()));
      }
    }
    if (f_.classes.size() < 2 && !f_.classes.empty()) {
      Error(f_.classes_pos, "bad-class", "expected at least two classes");
    }
  }

  void ReadInputs(const YAML::Node& n) {
    if (!n.IsMap()) {
      Error(PosOf(n), "expected-map",
            "expected 'inputs' to map column names to types, e.g. {amount: double}");
      return;
    }
    for (const auto& kv : n) {
      key_pos_ = PosOf(kv.first);
      f_.inputs.emplace_back(Scalar(kv.first, "inputs"), Scalar(kv.second, "inputs"));
    }
  }

  void ReadSlices(const YAML::Node& n) {
    if (!n.IsMap()) {
      Error(PosOf(n), "expected-map", "expected 'slices' to map slice names to expressions");
      return;
    }
    for (const auto& kv : n) {
      key_pos_ = PosOf(kv.first);
      f_.slices.emplace_back(Scalar(kv.first, "slices"), Scalar(kv.second, "slices"));
    }
  }

  void ReadRules(const YAML::Node& n) {
    if (!n.IsSequence()) {
      Error(PosOf(n), "expected-list",
            "expected 'rules' to be a list of rules (items starting with '- name:')");
      return;
    }
    if (n.size() > limits_.max_rules) {
      Error(PosOf(n), "limit",
            fmt::format("{} rules is more than the limit of {}", n.size(), limits_.max_rules));
      return;
    }
    static const std::vector<std::string> kKeys = {
        "name", "description", "when", "predict", "confidence", "tags", "enabled", "weight"};
    for (const auto& item : n) {
      RuleDef r;
      r.pos = PosOf(item);
      if (!item.IsMap()) {
        Error(r.pos, "expected-map", "expected a rule: a mapping with name, when and predict");
        continue;
      }
      std::set<std::string> seen, suggested;
      for (const auto& kv : item) {
        const std::string key = kv.first.Scalar();
        if (!KnownKey(kv.first, key, kKeys, "a rule", &seen, &suggested)) continue;
        const YAML::Node& v = kv.second;
        if (key == "name")
          ReadScalar(v, "name", &r.name);
        else if (key == "description")
          r.description = Scalar(v, "description").text;
        else if (key == "when")
          ReadScalar(v, "when", &r.when);
        else if (key == "predict")
          ReadScalar(v, "predict", &r.predict);
        else if (key == "tags")
          r.tags = StringList(v, "tags");
        else if (key == "enabled")
          r.enabled = Bool(v, "enabled");
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
        } else if (key == "weight") {
          SourceText w = Scalar(v, "weight");
          char* end = nullptr;
          double d = std::strtod(w.text.c_str(), &end);
          r.weight_pos = w.At(0);
          if (w.text.empty() || *end != '\0' || !std::isfinite(d) || d < 0.0) {
            Error(w.At(0), "bad-weight",
                  fmt::format("weight must be a finite number >= 0, found '{}'", w.text),
                  static_cast<int>(w.text.size()));
          } else {
            r.weight = d;
          }
        }
      }
      auto missing = [&](const char* key) { return !seen.count(key) && !suggested.count(key); };
      if (missing("name")) Error(r.pos, "missing-key", "rule has no 'name'");
      if (seen.count("name") && r.name.pos.line > 0 && r.name.text.empty()) {
        Error(r.name.pos, "bad-rule-name", "a rule name is empty: expected a name to report it by");
      }
      if (missing("when")) Error(r.pos, "missing-key", "rule has no 'when' condition");
      if (missing("predict")) Error(r.pos, "missing-key", "rule has no 'predict' class");
      f_.rules.push_back(std::move(r));
    }
  }

  bool Bool(const YAML::Node& n, std::string_view what) {
    SourceText s = Scalar(n, what);
    if (s.text == "true" || s.text == "True" || s.text == "yes") return true;
    if (s.text == "false" || s.text == "False" || s.text == "no") return false;
    Error(s.pos, "expected-bool",
          fmt::format("expected true or false for '{}', found '{}'", what, s.text));
    return true;
  }

  RuleFile& f_;
  std::vector<Diagnostic>& diags_;
  const RuleFileLimits& limits_;
  SourcePos key_pos_{1, 1};  // of the mapping key being read
};

}  // namespace

namespace {

// The line of a '---' marker that starts a second, non-empty YAML document; 0 if there is none.
// A marker is "---" at the start of a line, which YAML reserves (a scalar cannot continue there).
int SecondDocumentLine(std::string_view text) {
  bool in_document = false;  // content or a marker has been seen
  int marker_line = 0;       // of the marker after the first document, when there is one
  int line = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    const bool marker =
        l.substr(0, 3) == "---" && (l.size() == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r');
    std::string_view rest = marker ? l.substr(3) : l;
    const size_t first = rest.find_first_not_of(" \t\r");
    const bool content = first != std::string_view::npos && rest[first] != '#' &&
                         !(!marker && rest.substr(0, 3) == "...") &&
                         !(!in_document && !marker && rest[0] == '%');
    if (marker) {
      if (in_document && marker_line == 0) marker_line = line;
      in_document = true;
    }
    if (content) {
      if (marker_line > 0) return marker_line;
      in_document = true;
    }
  }
  return 0;
}

}  // namespace

std::optional<RuleFile> ReadRuleFile(const std::string& path, const std::string& text,
                                     const RuleFileLimits& limits,
                                     std::vector<Diagnostic>* diagnostics) {
  RuleFile file;
  file.path = path;
  file.lines = SplitLines(text);
  if (text.size() > limits.max_file_bytes) {
    diagnostics->push_back(MakeDiagnostic(
        file, Severity::kError, {1, 1}, 1, "limit",
        fmt::format("rule file is {} bytes (limit {})", text.size(), limits.max_file_bytes)));
    return std::nullopt;
  }
  if (const size_t bad = ValidUtf8Prefix(text); bad < text.size()) {
    const size_t line_start = text.rfind('\n', bad) + 1;  // npos + 1 == 0 on the first line
    const SourcePos pos{static_cast<int>(std::count(text.begin(), text.begin() + bad, '\n')) + 1,
                        static_cast<int>(bad - line_start) + 1};
    diagnostics->push_back(
        MakeDiagnostic(file, Severity::kError, pos, 1, "bad-encoding",
                       fmt::format("rule file is not valid UTF-8 (byte 0x{:02X}): save it as UTF-8",
                                   static_cast<unsigned char>(text[bad]))));
    return std::nullopt;
  }
  // YAML::Load reads the first document and ignores the rest. (YAML::LoadAll is no way out: it
  // loops forever on some malformed input, found by tests/fuzz/rules_fuzz.)
  if (const int line = SecondDocumentLine(text); line > 0) {
    diagnostics->push_back(MakeDiagnostic(
        file, Severity::kError, {line, 1}, 3, "bad-yaml",
        "a second YAML document: a rule file is one document (remove this '---' line, or split "
        "the file)"));
    return std::nullopt;
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourcePos pos{e.mark.line >= 0 ? e.mark.line + 1 : 1,
                  e.mark.column >= 0 ? e.mark.column + 1 : 1};
    int length = 1;
    if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
      // yaml-cpp's guard against stack exhaustion; its own message says "bad file".
      diagnostics->push_back(MakeDiagnostic(
          file, Severity::kError, pos, 1, "limit",
          "YAML nested too deeply (yaml-cpp stops at 2000 levels of lists and mappings)"));
      return std::nullopt;
    }
    // What the likeliest causes in a rule file are, and what to write instead.
    std::string hint;
    if (e.msg == YAML::ErrorMsg::MAP_VALUE) {
      hint = " (': ' inside an unquoted value starts a mapping: quote the value)";
    } else if (e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW ||
               e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) {
      const bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
      hint = fmt::format(" (a '{}' above is never closed with '{}')", seq ? '[' : '{',
                         seq ? ']' : '}');
    } else if (e.msg.rfind(YAML::ErrorMsg::INVALID_ESCAPE, 0) == 0) {
      // yaml-cpp marks the character after the escape: point at its backslash instead.
      pos.column = std::max(1, pos.column - 2);
      length = 2;
      hint =
          " (in a double-quoted value YAML reads backslash escapes first: write \\\\ for a "
          "backslash, or use single quotes)";
    }
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, pos, length, "bad-yaml",
                                          fmt::format("invalid YAML: {}{}", e.msg, hint)));
    return std::nullopt;
  }
  if (!root.IsDefined() || root.IsNull()) {
    diagnostics->push_back(
        MakeDiagnostic(file, Severity::kError, {1, 1}, 1, "empty",
                       "rule file is empty: expected name, label, classes and rules"));
    return std::nullopt;
  }
  try {
    Reader(&file, diagnostics, limits).Read(root);
  } catch (const YAML::Exception& e) {
    SourcePos pos{e.mark.line >= 0 ? e.mark.line + 1 : 1,
                  e.mark.column >= 0 ? e.mark.column + 1 : 1};
    diagnostics->push_back(MakeDiagnostic(file, Severity::kError, pos, 1, "bad-yaml",
                                          fmt::format("unexpected YAML structure: {}", e.msg)));
  }
  return file;
}

}  // namespace hunch
