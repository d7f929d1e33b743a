// Tests for loading rule files through RuleSet::LoadFromString: every key, structural mistakes,
// diagnostics and their positions, the canonical hash, and lint warnings.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "engine/ruleset_impl.h"
#include "hunch/diagnostic.h"
#include "hunch/ruleset.h"

namespace hunch {
namespace {

struct Loaded {
  std::shared_ptr<const RuleSet> rs;  // null when the file has errors
  Status status;
  std::vector<Diagnostic> diags;

  // The diagnostics with `code`.
  std::vector<Diagnostic> With(const std::string& code) const {
    std::vector<Diagnostic> out;
    for (const auto& d : diags) {
      if (d.code == code) out.push_back(d);
    }
    return out;
  }
  // The one diagnostic with `code`.
  Diagnostic One(const std::string& code) const {
    std::vector<Diagnostic> found = With(code);
    INFO(FormatDiagnostics(diags));
    REQUIRE(found.size() == 1);
    return found[0];
  }
  int errors() const { return CountErrors(diags); }
  int warnings() const { return static_cast<int>(diags.size()) - errors(); }
};

Loaded Load(const std::string& text, const LoadOptions& options = {}) {
  Loaded out;
  auto result = RuleSet::LoadFromString(text, "rules.yaml", options, &out.diags);
  out.status = result.status();
  if (result.ok()) out.rs = *result;
  return out;
}

// Loads `text`, which must have no errors (warnings are fine).
Loaded LoadOk(const std::string& text, const LoadOptions& options = {}) {
  Loaded l = Load(text, options);
  INFO(FormatDiagnostics(l.diags));
  REQUIRE(l.rs != nullptr);
  REQUIRE(l.errors() == 0);
  return l;
}

// Loads `text`, which must have errors.
Loaded LoadBad(const std::string& text, const LoadOptions& options = {}) {
  Loaded l = Load(text, options);
  INFO(FormatDiagnostics(l.diags));
  REQUIRE(l.rs == nullptr);
  REQUIRE(l.status.code() == StatusCode::kRuleError);
  REQUIRE(l.errors() > 0);
  return l;
}

// A small valid header to which tests append rules.
const std::string kHeader =
    "name: t\n"
    "label: is_fraud\n"
    "classes: {0: legit, 1: fraud}\n"
    "default: legit\n";

std::string Rule(const std::string& name, const std::string& when, const std::string& predict) {
  return "  - name: " + name + "\n    when: " + when + "\n    predict: " + predict + "\n";
}

TEST_CASE("Every documented key of a rule file loads") {
  const std::string text =
      "name: fraud-baseline\n"                                // 1
      "description: Rules against card fraud.\n"              // 2
      "version: \"2\"\n"                                      // 3
      "label: is_fraud\n"                                     // 4
      "classes: {0: legit, 1: fraud}\n"                       // 5
      "positive: fraud\n"                                     // 6
      "default: legit\n"                                      // 7
      "missing: [\"\", NA, \"?\"]\n"                          // 8
      "inputs:\n"                                             // 9
      "  amount: double\n"                                    // 10
      "  account_age_days: int\n"                             // 11
      "  country: string\n"                                   // 12
      "  is_mobile: bool\n"                                   // 13
      "policy: first_match\n"                                 // 14
      "rules:\n"                                              // 15
      "  - name: new_account_big_amount\n"                    // 16
      "    description: New accounts moving big amounts.\n"   // 17
      "    when: amount > 5000 && account_age_days < 30\n"    // 18
      "    predict: fraud\n"                                  // 19
      "    confidence: 0.9\n"                                 // 20
      "    tags: [amount, account]\n"                         // 21
      "    enabled: true\n"                                   // 22
      "  - name: mobile_risky_country\n"                      // 23
      "    when: is_mobile && country in [\"NG\", \"RU\"]\n"  // 24
      "    predict: fraud\n"                                  // 25
      "    enabled: false\n"                                  // 26
      "  - name: tiny\n"                                      // 27
      "    when: amount < 5\n"                                // 28
      "    predict: legit\n"                                  // 29
      "slices:\n"                                             // 30
      "  by_country: country\n"                               // 31
      "  big: amount > 1000\n";                               // 32
  Loaded l = LoadOk(text);
  const RuleSet& rs = *l.rs;
  CHECK(rs.name() == "fraud-baseline");
  CHECK(rs.version() == "2");
  CHECK(rs.label_column() == "is_fraud");
  CHECK(rs.class_names() == std::vector<std::string>{"legit", "fraud"});
  CHECK(rs.raw_labels() == std::vector<std::string>{"0", "1"});
  CHECK(rs.positive_class() == 1);
  CHECK(rs.default_class() == 0);
  CHECK(rs.missing_values() == std::vector<std::string>{"", "NA", "?"});
  CHECK(rs.schema_known());
  REQUIRE(rs.schema().columns.size() == 4);
  CHECK(rs.schema().columns[0].name == "amount");
  CHECK(rs.schema().columns[0].type == ColumnType::kDouble);
  CHECK(rs.schema().columns[1].type == ColumnType::kInt);
  CHECK(rs.schema().columns[2].type == ColumnType::kString);
  CHECK(rs.schema().columns[3].type == ColumnType::kBool);
  REQUIRE(rs.rules().size() == 3);
  const RuleInfo& first = rs.rules()[0];
  CHECK(first.name == "new_account_big_amount");
  CHECK(first.condition == "amount > 5000 && account_age_days < 30");
  CHECK(first.predict == 1);
  CHECK(first.confidence == 0.9);
  CHECK(first.tags == std::vector<std::string>{"amount", "account"});
  CHECK(first.enabled);
  CHECK(first.line == 16);
  CHECK_FALSE(rs.rules()[1].enabled);
  CHECK_FALSE(rs.rules()[1].confidence.has_value());
  CHECK(rs.rules()[2].predict == 0);
  CHECK(rs.impl().checked.rules[0].description == "New accounts moving big amounts.");
  CHECK(rs.impl().checked.file.description == "Rules against card fraud.");
  REQUIRE(rs.impl().checked.slices.size() == 2);
  CHECK(rs.impl().checked.slices[0].name == "by_country");
  CHECK(rs.impl().checked.slices[1].source == "amount > 1000");
  // The disabled rule is the only remark.
  CHECK(l.warnings() == 1);
  CHECK(l.One("disabled-rule").message ==
        "rule 'mobile_risky_country' is disabled (enabled: false)");

  // First match, in schema order: amount, account_age_days, country, is_mobile.
  Prediction p = rs.Predict({"7200", "3", "US", "false"});
  CHECK(p.class_index == 1);
  CHECK(p.rule == 0);
  CHECK(p.confidence == 0.9);
  p = rs.Predict({"3", "100", "NG", "true"});  // the disabled rule does not fire
  CHECK(p.rule == 2);
  CHECK(p.class_index == 0);
  CHECK(p.fired == std::vector<int>{2});
  p = rs.Predict({"NA", "3", "US", "false"});  // a missing amount: no rule is definitely true
  CHECK(p.rule == -1);
  CHECK(p.class_index == 0);
  CHECK(p.errored.empty());
  p = rs.Predict({"lots", "3", "US", "false"});  // a bad cell is an error for each rule reading it
  CHECK(p.rule == -1);
  CHECK(p.errored == std::vector<int>{0, 2});
}

TEST_CASE("Classes given as a list are both the class names and the label values") {
  Loaded l = LoadOk("name: spam\nlabel: label\nclasses: [ham, spam]\ndefault: ham\nrules:\n" +
                    Rule("long_digit_run", "text.matches(\"\\\\d{5,}\")", "spam"));
  CHECK(l.rs->class_names() == std::vector<std::string>{"ham", "spam"});
  CHECK(l.rs->raw_labels() == std::vector<std::string>{"ham", "spam"});
  CHECK(l.rs->positive_class() == -1);
  CHECK_FALSE(l.rs->schema_known());
}

TEST_CASE("Classes given as a map name the label values") {
  Loaded l = LoadOk("name: t\nlabel: class\nclasses: {2: benign, 4: malignant}\nrules:\n" +
                    Rule("big", "size >= 3", "malignant") + Rule("small", "size < 3", "benign"));
  CHECK(l.rs->class_names() == std::vector<std::string>{"benign", "malignant"});
  CHECK(l.rs->raw_labels() == std::vector<std::string>{"2", "4"});
}

TEST_CASE("Without a default, rows that no rule fires on abstain") {
  Loaded l = LoadOk("name: t\nlabel: y\nclasses: [a, b]\nrules:\n" + Rule("r", "x > 1", "a") +
                    Rule("s", "x < 0", "b"));
  CHECK(l.rs->default_class() == -1);
  CHECK(l.rs->Predict({"0"}).class_index == -1);
  CHECK(l.rs->Predict({"5"}).class_index == 0);
  // `abstain` may also be written, as a default or as a rule's prediction.
  Loaded explicit_abstain =
      LoadOk("name: t\nlabel: y\nclasses: [a, b]\ndefault: abstain\nrules:\n" +
             Rule("r", "x > 1", "abstain") + Rule("s", "x > 2", "a") + Rule("t", "x < 0", "b"));
  CHECK(explicit_abstain.rs->default_class() == -1);
  CHECK(explicit_abstain.rs->rules()[0].predict == -1);
}

TEST_CASE("Unknown keys are errors with a did-you-mean hint, at the key") {
  Loaded l = LoadBad(
      "name: t\n"
      "lable: is_fraud\n"
      "classes: [legit, fraud]\n"
      "rules:\n"
      "  - name: r\n"
      "    when: x > 1\n"
      "    predcit: fraud\n"
      "    colour: red\n");
  std::vector<Diagnostic> unknown = l.With("unknown-key");
  REQUIRE(unknown.size() == 3);
  CHECK(unknown[0].message == "unknown key 'lable' in rule file (did you mean 'label'?)");
  CHECK(unknown[0].line == 2);
  CHECK(unknown[0].column == 1);
  CHECK(unknown[0].length == 5);
  CHECK(unknown[1].message == "unknown key 'predcit' in a rule (did you mean 'predict'?)");
  CHECK(unknown[1].line == 7);
  CHECK(unknown[1].column == 5);
  CHECK(unknown[2].message ==
        "unknown key 'colour' in a rule (expected one of: name, description, when, predict, "
        "confidence, tags, enabled, weight)");
  // The misspelled keys are not reported as missing as well, and lint stays quiet.
  CHECK(l.With("missing-key").empty());
  CHECK(l.warnings() == 0);
  CHECK(l.errors() == 3);
}

TEST_CASE("Missing required keys are errors") {
  Loaded l = LoadBad("description: nothing else\nrules:\n  - name: r\n    predict: a\n");
  std::vector<Diagnostic> missing = l.With("missing-key");
  REQUIRE(missing.size() == 4);
  CHECK(missing[0].message == "missing required key 'name' (the rule set's name)");
  CHECK(missing[0].line == 1);
  CHECK(missing[1].message ==
        "missing required key 'label' (the column that holds the ground truth)");
  CHECK(missing[2].message == "missing required key 'classes' (e.g. {0: legit, 1: fraud})");
  CHECK(missing[3].message == "rule has no 'when' condition");
  CHECK(missing[3].line == 3);
  CHECK(missing[3].column == 5);
}

TEST_CASE("A value of the wrong shape is reported once, without follow-on errors") {
  Loaded l = LoadBad(kHeader +
                     "policy: [first_match]\n"
                     "positive: {a: b}\n"
                     "rules:\n"
                     "  - name: r\n"
                     "    when: [x > 1]\n"
                     "    predict: [fraud]\n");
  CHECK(l.errors() == 4);
  CHECK(l.With("expected-scalar").size() == 4);
  // An empty value stands where its key does.
  Loaded empty = LoadBad("name: t\nlabel:\nclasses: [a, b]\nrules: []\n");
  Diagnostic d = empty.One("expected-scalar");
  CHECK(d.message == "expected a value for 'label', found none");
  CHECK(d.line == 2);
  CHECK(d.column == 1);
}

TEST_CASE("A file that is not a mapping is one error") {
  Loaded l = LoadBad("- name: r\n  when: x > 1\n");
  CHECK(l.errors() == 1);
  CHECK(l.One("expected-map").message ==
        "expected a mapping with keys such as name, label, classes, rules at the top level");
}

TEST_CASE("Duplicate rule names are an error that names the first definition's line") {
  Loaded l = LoadBad(kHeader + "rules:\n" + Rule("big", "x > 1", "fraud") +
                     Rule("small", "x < 1", "legit") + Rule("big", "x > 2", "fraud"));
  Diagnostic d = l.One("duplicate-rule");
  CHECK(d.message == "duplicate rule name 'big' (first defined on line 6)");
  CHECK(d.line == 12);
  CHECK(d.column == 11);
  CHECK(d.length == 3);
}

TEST_CASE("Class names must be unique, non-empty and not 'abstain'") {
  Loaded l = LoadBad("name: t\nlabel: y\nclasses: {0: a, 1: abstain, 2: a, 3: \"\"}\nrules: []\n");
  std::vector<Diagnostic> bad = l.With("bad-class");
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].message == "'abstain' is reserved and cannot be a class name");
  CHECK(bad[0].column == 20);  // at the name itself
  CHECK(bad[1].message == "a class name is empty");
  Diagnostic dup = l.One("duplicate-class");
  CHECK(dup.message == "class 'a' is listed twice");
  CHECK(dup.column == 32);
  CHECK(LoadBad("name: t\nlabel: y\nclasses: [a]\nrules: []\n").One("bad-class").message ==
        "expected at least two classes");
}

TEST_CASE("Predicting an unknown class is an error; naming a raw label value says which class") {
  Loaded l =
      LoadBad(kHeader + "rules:\n" + Rule("raw", "x > 1", "\"1\"") + Rule("typo", "x > 2", "frod"));
  std::vector<Diagnostic> unknown = l.With("unknown-class");
  REQUIRE(unknown.size() == 2);
  CHECK(unknown[0].message ==
        "'1' for 'predict' is not a class: expected one of legit, fraud or abstain (label value "
        "1 is class 'fraud': write the class name)");
  CHECK(unknown[0].line == 8);
  CHECK(unknown[0].column == 15);  // at the 1, inside the quotes
  CHECK(unknown[1].message ==
        "'frod' for 'predict' is not a class: expected one of legit, fraud or abstain (did you "
        "mean 'fraud'?)");
  Loaded positive = LoadBad("name: t\nlabel: y\nclasses: [a, b]\npositive: abstain\nrules: []\n");
  CHECK(positive.One("unknown-class").message ==
        "'abstain' for 'positive' is not a class: expected one of a, b");
  Loaded def = LoadBad("name: t\nlabel: y\nclasses: [a, b]\ndefault: c\nrules: []\n");
  CHECK(def.One("unknown-class").message ==
        "'c' for 'default' is not a class: expected one of a, b or abstain (did you mean 'a'?)");
}

TEST_CASE("Confidence must be a number from 0 to 1") {
  auto with_confidence = [](const std::string& c) {
    return kHeader + "rules:\n" + Rule("r", "x > 1", "fraud") + "    confidence: " + c + "\n";
  };
  CHECK(LoadOk(with_confidence("0")).rs->rules()[0].confidence == 0.0);
  CHECK(LoadOk(with_confidence("1")).rs->rules()[0].confidence == 1.0);
  CHECK(LoadOk(with_confidence("0.75")).rs->rules()[0].confidence == 0.75);
  for (const char* bad : {"1.5", "-0.1", "high", "\"\"", "0.5x", ".nan"}) {
    INFO(bad);
    Loaded l = LoadBad(with_confidence(bad));
    Diagnostic d = l.One("bad-confidence");
    CHECK_THAT(d.message, Catch::StartsWith("confidence must be a number from 0 to 1, found '"));
    CHECK(d.line == 9);
    CHECK(d.column == 17);
  }
}

TEST_CASE("enabled must be true or false, and tags a list") {
  Loaded l = LoadBad(kHeader + "rules:\n" + Rule("r", "x > 1", "fraud") +
                     "    enabled: maybe\n    tags: urgent\n");
  CHECK(l.One("expected-bool").message == "expected true or false for 'enabled', found 'maybe'");
  CHECK(l.One("expected-list").message == "expected a list for 'tags', e.g. [\"\", \"NA\"]");
}

TEST_CASE("An unknown policy is an error") {
  Loaded l = LoadBad(kHeader + "policy: majority\nrules:\n" + Rule("r", "x > 1", "fraud"));
  Diagnostic d = l.One("unsupported-policy");
  CHECK(d.message ==
        "unknown policy 'majority': expected first_match, vote, weighted, label_model");
  CHECK(d.line == 5);
  CHECK(d.column == 9);
  CHECK(d.length == 8);
  CHECK(LoadOk(kHeader + "policy: first_match\nrules:\n" + Rule("r", "x > 1", "fraud")).rs);
}

TEST_CASE("A YAML syntax error is one error at yaml-cpp's position") {
  Loaded l = LoadBad("name: t\nlabel: y\nclasses: [a, b\nrules: []\n");
  Diagnostic d = l.One("bad-yaml");
  CHECK(d.message ==
        "invalid YAML: end of sequence flow not found (a '[' above is never closed with ']')");
  CHECK(d.line == 4);
  CHECK(d.column == 6);
  CHECK(l.errors() == 1);
  Loaded tab = LoadBad("name: t\nrules:\n  - name: r\n\twhen: x\n");
  CHECK(tab.One("bad-yaml").message == "invalid YAML: illegal tab when looking for indentation");
  CHECK(tab.One("bad-yaml").line == 4);
  Loaded colon = LoadBad(kHeader + "rules:\n  - name: r\n    when: a ? b : c\n");
  CHECK(colon.One("bad-yaml").message ==
        "invalid YAML: illegal map value (': ' inside an unquoted value starts a mapping: quote "
        "the value)");
  Loaded escape = LoadBad(kHeader + "rules:\n  - name: r\n    when: \"s.matches('\\d')\"\n");
  Diagnostic bad_escape = escape.One("bad-yaml");
  CHECK_THAT(bad_escape.message, Catch::StartsWith("invalid YAML: unknown escape character: d ("));
  CHECK(bad_escape.line == 7);
  CHECK(bad_escape.column == 23);  // at the backslash
  CHECK(bad_escape.length == 2);
}

TEST_CASE("An empty file is an error") {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "~\n"}) {
    INFO("text: " << text);
    Loaded l = LoadBad(text);
    CHECK(l.One("empty").message == "rule file is empty: expected name, label, classes and rules");
  }
}

TEST_CASE("A second YAML document is an error at its marker, not silently ignored") {
  const std::string one = "name: t\nlabel: y\nclasses: [a, b]\nrules: []\n";
  Loaded l = LoadBad(one + "---\nname: other\n");
  Diagnostic d = l.One("bad-yaml");
  CHECK_THAT(d.message, Catch::StartsWith("a second YAML document"));
  CHECK(d.line == 5);
  CHECK(d.column == 1);
  // A marker before the only document, an empty document after it, and comments are fine.
  LoadOk("%YAML 1.2\n---\n" + one);
  LoadOk("# rules\n--- # start\n" + one + "---\n# nothing more\n...\n");
  // Found by tests/fuzz/rules_fuzz: YAML::LoadAll, the obvious way to see all documents, never
  // returns on this input.
  std::ifstream in(std::string(HUNCH_SOURCE_DIR) + "/tests/fuzz/corpus/rules/regress-loadall-hang",
                   std::ios::binary);
  const std::string hang((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(hang.size() > 100);
  CHECK(LoadBad(hang).errors() > 0);
}

TEST_CASE("A file that is not UTF-8 is rejected at its first bad byte") {
  Loaded l = LoadBad("name: t\nlabel: y\nclasses: [caf\xE9, b]\nrules: []\n");
  Diagnostic d = l.One("bad-encoding");
  CHECK(d.message == "rule file is not valid UTF-8 (byte 0xE9): save it as UTF-8");
  CHECK(d.line == 3);
  CHECK(d.column == 14);
  CHECK(LoadBad("\xFF").One("bad-encoding").line == 1);
  CHECK(LoadBad("name: \xC3").One("bad-encoding").column == 7);          // a truncated sequence
  CHECK(LoadBad("name: \xED\xA0\x80").One("bad-encoding").column == 7);  // a surrogate
}

TEST_CASE("The rule count limit is an error") {
  LoadOptions options;
  options.max_rules = 2;
  Loaded l = LoadBad(kHeader + "rules:\n" + Rule("a", "x > 1", "fraud") +
                         Rule("b", "x > 2", "fraud") + Rule("c", "x > 3", "fraud"),
                     options);
  CHECK(l.One("limit").message == "3 rules is more than the limit of 2");
}

TEST_CASE("The expression length and depth limits come from the load options") {
  LoadOptions options;
  options.max_expression_length = 12;
  options.max_expression_depth = 8;
  Loaded l = LoadBad(kHeader + "rules:\n" + Rule("long", "amount > 5000000", "fraud") +
                         Rule("deep", "((((x))))", "fraud"),
                     options);
  std::vector<Diagnostic> syntax = l.With("syntax");
  REQUIRE(syntax.size() == 2);
  CHECK(syntax[0].message == "expression is 16 bytes long (limit 12)");
  CHECK(syntax[1].message == "expression is nested too deeply (limit 8)");
  CHECK(syntax[1].line == 10);
  CHECK(syntax[1].column == 15);
}

TEST_CASE("Expression errors point at the exact character in every scalar style") {
  Loaded l = LoadBad(kHeader +
                     "rules:\n"                                                      // 5
                     "  - name: plain\n"                                             // 6
                     "    when: amount > > 1\n"                                      // 7
                     "    predict: fraud\n"                                          // 8
                     "  - name: single\n"                                            // 9
                     "    when: 'x == ''it\\''s'' && y = 2'\n"                       // 10
                     "    predict: fraud\n"                                          // 11
                     "  - name: double\n"                                            // 12
                     "    when: \"s.matches(\\\"a\\\\\\\\d\\\") && \\u00e9 > 1\"\n"  // 13
                     "    predict: fraud\n"                                          // 14
                     "  - name: literal_block\n"                                     // 15
                     "    when: |\n"                                                 // 16
                     "      x > 1\n"                                                 // 17
                     "        && y <> 2\n"                                           // 18
                     "    predict: fraud\n"                                          // 19
                     "  - name: folded_plain\n"                                      // 20
                     "    when: x > 1\n"                                             // 21
                     "      && y >< 2\n"                                             // 22
                     "    predict: fraud\n"                                          // 23
                     "  - name: folded_quoted\n"                                     // 24
                     "    when: \"x > 1\n"                                           // 25
                     "\n"                                                            // 26
                     "      && y => 2\"\n"                                           // 27
                     "    predict: fraud\n");                                        // 28
  std::vector<Diagnostic> syntax = l.With("syntax");
  REQUIRE(syntax.size() == 6);
  auto at = [](const Diagnostic& d) {
    return std::to_string(d.line) + ":" + std::to_string(d.column);
  };
  CHECK(at(syntax[0]) == "7:20");
  CHECK(syntax[0].message == "expected an expression, found '>'");
  CHECK(at(syntax[1]) == "10:33");  // after '' escapes
  CHECK(syntax[1].message == "unexpected '=': did you mean '=='?");
  CHECK(at(syntax[2]) == "13:37");  // at the \u00e9 escape, after \" and \\ escapes
  CHECK(syntax[2].message == "unexpected character (byte 0xC3)");
  CHECK(at(syntax[3]) == "18:15");
  CHECK(at(syntax[4]) == "22:13");
  CHECK(at(syntax[5]) == "27:12");  // after an empty line inside the quotes
}

TEST_CASE("The caret stands under the mistake on lines with multi-byte characters") {
  Loaded l = LoadBad(
      "name: t\nlabel: y\nclasses: [a, b]\ninputs: {ville: string, montant: double}\n"
      "rules:\n  - name: r\n    when: ville == \"Orl\xC3\xA9"
      "ans\" && montnt > 1\n    predict: a\n");
  Diagnostic d = l.One("unknown-column");
  CHECK(d.line == 7);
  CHECK(d.column == 34);  // columns count bytes: é is two
  CHECK(FormatDiagnostic(d) ==
        "rules.yaml:7:34: error: unknown column 'montnt' (did you mean 'montant'?)\n"
        "    7 |     when: ville == \"Orl\xC3\xA9"
        "ans\" && montnt > 1\n"
        "      |                                 ^~~~~~\n");
}

TEST_CASE("Type errors need a schema: declared inputs or data") {
  const std::string rules = "rules:\n" + Rule("r", "country > 5", "fraud");
  // Without either, columns are not type-checked.
  Loaded unchecked = LoadOk(kHeader + rules);
  CHECK_FALSE(unchecked.rs->schema_known());
  // With declared inputs...
  Loaded declared = LoadBad(kHeader + "inputs: {country: string}\n" + rules);
  CHECK(declared.One("type-mismatch").message == "no operator '>' for string and int");
  // ...or the data's schema.
  Schema data;
  data.columns = {{"country", ColumnType::kString}, {"is_fraud", ColumnType::kInt}};
  LoadOptions options;
  options.data_schema = &data;
  Loaded with_data = LoadBad(kHeader + rules, options);
  CHECK(with_data.One("type-mismatch").message == "no operator '>' for string and int");
  // Declared inputs override the data's types.
  Loaded overridden = LoadOk(kHeader + "inputs: {country: int}\n" + rules, options);
  CHECK(overridden.rs->schema().columns[0].type == ColumnType::kInt);
}

TEST_CASE("An input with an unknown type is one error, not one more per use") {
  Loaded l = LoadBad(kHeader + "inputs: {amount: number, country: strng}\nrules:\n" +
                     Rule("r", "amount > 5 && country == 'x'", "fraud"));
  std::vector<Diagnostic> bad = l.With("bad-type");
  REQUIRE(bad.size() == 2);
  CHECK(bad[0].message ==
        "unknown type 'number' for input 'amount': expected bool, int, double or string");
  CHECK(bad[1].message ==
        "unknown type 'strng' for input 'country': expected bool, int, double or string (did "
        "you mean 'string'?)");
  CHECK(l.errors() == 2);
}

TEST_CASE("A label column that is not in the data is a warning with a hint") {
  Schema data;
  data.columns = {{"amount", ColumnType::kDouble}, {"is_frad", ColumnType::kInt}};
  LoadOptions options;
  options.data_schema = &data;
  Loaded l = LoadOk(kHeader + "rules:\n" + Rule("r", "amount > 5", "fraud"), options);
  CHECK(l.One("label-not-in-data").message ==
        "label column 'is_fraud' is not in the data (did you mean 'is_frad'?)");
}

TEST_CASE("The sha256 ignores white space, comments, quoting and redundant parentheses") {
  const std::string a =
      "name: fraud\n"
      "label: is_fraud\n"
      "classes: {0: legit, 1: fraud}\n"
      "rules:\n"
      "  - name: big\n"
      "    when: amount > 5000 && age < 30\n"
      "    predict: fraud\n"
      "  - name: odd\n"
      "    when: country not in ['NG', 'RU']\n"
      "    predict: legit\n";
  const std::string b =
      "# The same rule set, written differently.\n"
      "name: \"fraud\"\n"
      "label: 'is_fraud'\n"
      "classes:\n"
      "  0: legit   # the negatives\n"
      "  1: fraud\n"
      "\n"
      "rules:\n"
      "  - {predict: fraud, when: \"(amount>5000) and (age < 30)\", name: big}\n"
      "  - name: odd\n"
      "    when: |\n"
      "      !(country in [\"NG\",\n"
      "                    \"RU\"])  // written out\n"
      "    predict: \"legit\"\n";
  const std::string sha = LoadOk(a).rs->sha256();
  CHECK(sha.size() == 64);
  CHECK(LoadOk(b).rs->sha256() == sha);

  // Any change to what the rules mean changes it.
  auto changed = [&](const std::string& from, const std::string& to) {
    std::string text = a;
    text.replace(text.find(from), from.size(), to);
    return LoadOk(text).rs->sha256();
  };
  CHECK(changed("5000", "5001") != sha);
  CHECK(changed("predict: fraud", "predict: legit") != sha);
  CHECK(changed("name: big", "name: large") != sha);
  CHECK(changed("'RU'", "'VN'") != sha);
  CHECK(changed("    predict: legit\n", "    predict: legit\n    confidence: 0.5\n") != sha);
  CHECK(changed("    predict: legit\n", "    predict: legit\n    enabled: false\n") != sha);
  CHECK(changed("classes: {0: legit, 1: fraud}", "classes: {0: legit, 1: fraud}\ndefault: legit") !=
        sha);
  CHECK(changed("&& age < 30", "&& (age < 30 || age > 90)") != sha);
}

TEST_CASE("A rule that can only fire where an earlier rule fired is shadowed") {
  Loaded same_class = LoadOk(kHeader + "rules:\n" + Rule("big", "amount > 1000", "fraud") +
                             Rule("bigger", "amount > 5000", "fraud"));
  Diagnostic d = same_class.One("shadowed-rule");
  CHECK(d.severity == Severity::kWarning);
  CHECK(d.message ==
        "rule 'bigger' can never win: every row it fires on is taken first by rule 'big' (line "
        "6), whose condition is the same or wider");
  CHECK(d.line == 9);
  Loaded other_class = LoadOk(kHeader + "rules:\n" + Rule("big", "amount > 1000", "fraud") +
                              Rule("bigger", "amount > 5000", "legit"));
  CHECK(other_class.With("shadowed-rule").size() == 1);
  Loaded in_list = LoadOk(kHeader + "rules:\n" + Rule("ab", "x in [\"a\", \"b\"]", "fraud") +
                          Rule("a", "x == \"a\"", "legit"));
  CHECK(in_list.One("shadowed-rule").message ==
        "rule 'a' can never win: every row it fires on is taken first by rule 'ab' (line 6), "
        "whose condition is the same or wider");
  Loaded narrower_conjunction =
      LoadOk(kHeader + "rules:\n" + Rule("big", "amount > 1000", "fraud") +
             Rule("big_new", "amount >= 1001 && age < 30", "fraud"));
  CHECK(narrower_conjunction.With("shadowed-rule").size() == 1);
  Loaded same = LoadOk(kHeader + "rules:\n" + Rule("a", "x.contains('z')", "fraud") +
                       Rule("b", "x.contains('z')", "legit"));
  CHECK(same.With("shadowed-rule").size() == 1);
}

TEST_CASE("A later rule that is wider, or only overlaps, is not shadowed") {
  for (const auto& [first, second] : std::vector<std::pair<std::string, std::string>>{
           {"amount > 5000", "amount > 1000"},
           {"amount > 1000", "amount >= 1000"},
           {"x == \"a\"", "x in [\"a\", \"b\"]"},
           {"amount > 1000 && age < 30", "amount > 5000"},
           {"amount > 1000", "age > 1000"},
           {"amount < 10", "amount > 5"}}) {
    INFO(first << " then " << second);
    Loaded l = LoadOk(kHeader + "rules:\n" + Rule("first", first, "fraud") +
                      Rule("second", second, "legit"));
    CHECK(l.With("shadowed-rule").empty());
  }
  // A disabled rule shadows nothing.
  Loaded disabled = LoadOk(kHeader + "rules:\n" + Rule("big", "amount > 1000", "fraud") +
                           "    enabled: false\n" + Rule("bigger", "amount > 5000", "fraud"));
  CHECK(disabled.With("shadowed-rule").empty());
}

TEST_CASE("Lint warns about disabled rules, unused classes and rules reading the label") {
  Loaded l = LoadOk(
      "name: t\nlabel: species\nclasses: [Adelie, Chinstrap, Gentoo]\ndefault: Adelie\n"
      "rules:\n" +
      Rule("long_flippers", "flipper_length_mm >= 207", "Gentoo") +
      Rule("cheat", "species == \"Gentoo\"", "Gentoo") + Rule("off", "bill > 1", "Adelie") +
      "    enabled: false\n");
  CHECK(l.errors() == 0);
  CHECK(l.One("disabled-rule").message == "rule 'off' is disabled (enabled: false)");
  Diagnostic unused = l.One("unused-class");
  CHECK(unused.message ==
        "class 'Chinstrap' is never predicted: no enabled rule and not the default");
  CHECK(unused.line == 3);
  CHECK(unused.column == 19);  // at the class name
  CHECK(l.One("reads-label").message ==
        "rule 'cheat' reads the label column 'species': its predictions leak the ground truth");
  for (const auto& d : l.diags) CHECK(d.severity == Severity::kWarning);
  // Lint can be turned off.
  LoadOptions quiet;
  quiet.lint = false;
  Loaded silent = Load("name: t\nlabel: species\nclasses: [Adelie, Chinstrap, Gentoo]\nrules:\n" +
                           Rule("cheat", "species == \"Gentoo\"", "Gentoo"),
                       quiet);
  CHECK(silent.rs != nullptr);
  CHECK(silent.diags.empty());
}

TEST_CASE("Lint does not run on a file with errors") {
  Loaded l = LoadBad("name: t\nlabel: y\nclasses: [a, b, c]\nrules:\n" + Rule("r", "x > 1", "a") +
                     "    enabled: nope\n");
  CHECK(l.warnings() == 0);
}

TEST_CASE("The shared benchmark rule set loads unchanged, without errors or warnings") {
  std::vector<Diagnostic> diags;
  auto rs = RuleSet::Load(HUNCH_SHARED_DIR "/bench/fraud.rules.yaml", {}, &diags);
  INFO(FormatDiagnostics(diags));
  REQUIRE(rs.ok());
  CHECK(diags.empty());
  CHECK((*rs)->name() == "fraud-baseline");
  CHECK((*rs)->rules().size() == 8);
  CHECK((*rs)->class_names() == std::vector<std::string>{"legit", "fraud"});
  CHECK((*rs)->default_class() == 0);
}

TEST_CASE("Loading a file that does not exist is a NotFound status") {
  std::vector<Diagnostic> diags;
  auto rs = RuleSet::Load(HUNCH_SOURCE_DIR "/tests/no-such-file.yaml", {}, &diags);
  CHECK(rs.status().code() == StatusCode::kNotFound);
  CHECK(diags.empty());
}

}  // namespace
}  // namespace hunch
