// Tests of `hunch label` (engine/label.cc) and of the combining policies in `hunch eval`: the
// columnar path (vote patterns, fitted once) must give every row the label that the row-at-a-time
// interpreter path (RuleSet::Predict on the fitted rule set) gives it.
#include "hunch/label.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "hunch/data.h"
#include "hunch/eval.h"
#include "hunch/ruleset.h"
#include "temp_dir.h"

namespace hunch {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::shared_ptr<const RuleSet> LoadFor(const std::string& rules, const std::string& data) {
  std::vector<Diagnostic> diags;
  auto rs = LoadRuleSetForData(rules, data, {}, LoadOptions{.lint = false}, &diags);
  INFO(FormatDiagnostics(diags));
  REQUIRE(rs.ok());
  return *rs;
}

const char* kRules = R"(name: small
label: label
classes: {0: ham, 1: spam}
policy: vote
tie_break: abstain
rules:
  - name: money
    when: text.contains("$")
    predict: spam
  - name: shouting
    when: text.upperAscii() == text
    predict: spam
  - name: greeting
    when: text.startsWith("hi")
    predict: ham
  - name: never_mind
    when: text == "x"
    predict: abstain
)";

TEST_CASE("hunch label writes labels in input order and counts what it drops", "[label]") {
  testing::TempDir dir("hunch_label");
  const std::string data = dir.Write("d.csv",
                                     "id,text\n"
                                     "a,hi there\n"           // greeting: ham
                                     "b,WIN $$$\n"            // money + shouting: spam
                                     "c,\"hi, $5 please\"\n"  // money vs greeting: tie, abstain
                                     "d,x\n"                  // only an abstain rule: no vote
                                     "e,HI $\n");             // money + shouting: spam
  const std::string rules = dir.Write("r.yaml", kRules);
  auto rs = LoadFor(rules, data);
  LabelOptions options;
  options.id_column = "id";
  options.probabilities = true;
  auto s = LabelFile(*rs, data, dir.Child("out.csv"), options);
  REQUIRE(s.ok());
  CHECK(Lines(ReadAll(dir.Child("out.csv"))) ==
        std::vector<std::string>{"row,id,label,p_ham,p_spam,votes,rules", "1,a,0,1,0,1,greeting",
                                 "2,b,1,0,1,2,money;shouting", "5,e,1,0,1,2,money;shouting"});
  CHECK(s->rows == 5);
  CHECK(s->labeled == 3);
  CHECK(s->abstained == 2);
  CHECK(s->no_vote == 1);
  CHECK(s->ties == 1);
  CHECK(s->written == 3);
  CHECK(s->per_class == std::vector<int64_t>{1, 2});
  CHECK(s->rule_votes == std::vector<int64_t>{3, 2, 2, 0});

  options.keep_abstain = true;
  options.probabilities = false;
  options.id_column.clear();
  REQUIRE(LabelFile(*rs, data, dir.Child("all.csv"), options).ok());
  CHECK(Lines(ReadAll(dir.Child("all.csv"))) ==
        std::vector<std::string>{"row,label,votes,rules", "1,0,1,greeting", "2,1,2,money;shouting",
                                 "3,,2,money;greeting", "4,,0,", "5,1,2,money;shouting"});
}

TEST_CASE("hunch label --matrix writes Snorkel's label matrix for every row", "[label]") {
  testing::TempDir dir("hunch_label");
  const std::string data =
      dir.Write("d.csv", "id,text\na,hi there\nb,WIN $$$\nc,\"hi, $5\"\nd,x\n");
  auto rs = LoadFor(dir.Write("r.yaml", kRules), data);
  LabelOptions options;
  options.matrix = true;
  REQUIRE(LabelFile(*rs, data, dir.Child("L.csv"), options).ok());
  // Columns: the enabled rules; -1 where a rule does not vote (never_mind never votes).
  CHECK(Lines(ReadAll(dir.Child("L.csv"))) ==
        std::vector<std::string>{"money,shouting,greeting,never_mind", "-1,-1,0,-1", "1,1,-1,-1",
                                 "1,-1,0,-1", "-1,-1,-1,-1"});
}

TEST_CASE("hunch label reports a missing id column and leaves no output behind", "[label]") {
  testing::TempDir dir("hunch_label");
  const std::string data = dir.Write("d.csv", "id,text\na,hi\n");
  auto rs = LoadFor(dir.Write("r.yaml", kRules), data);
  LabelOptions options;
  options.id_column = "idd";
  auto s = LabelFile(*rs, data, dir.Child("out.csv"), options);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message() ==
        data + ": error: id column 'idd' is not in the data (did you mean 'id'?)");
  CHECK_FALSE(std::filesystem::exists(dir.Child("out.csv")));
  const std::string ragged = dir.Write("bad.csv", "id,text\na,hi\nb,c,d\n");
  s = LabelFile(*rs, ragged, dir.Child("out.csv"), {});
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().find(ragged + ":3: error: expected 2 fields") == 0);
  CHECK_FALSE(std::filesystem::exists(dir.Child("out.csv")));
}

// Random data and rules: eval's confusion matrix and hunch label's labels must equal, row by row,
// what the interpreter predicts with the fitted rule set.
std::string RandomData(int rows, uint64_t seed, std::vector<std::string>* labels) {
  std::mt19937_64 rng(seed);
  std::string csv = "a,b,s,label\n";
  for (int i = 0; i < rows; ++i) {
    const int a = static_cast<int>(rng() % 10), b = static_cast<int>(rng() % 7);
    const char* s = (rng() % 3 == 0) ? "" : (rng() % 2 ? "x" : "y");
    // The truth leans on the rules' conditions, with noise.
    int y = (a > 6 || (b < 2 && s[0] == 'x')) ? 2 : (a < 3 ? 0 : 1);
    if (rng() % 5 == 0) y = static_cast<int>(rng() % 3);
    labels->push_back(std::to_string(y));
    csv += std::to_string(a) + "," + std::to_string(b) + "," + s + "," + labels->back() + "\n";
  }
  return csv;
}

std::string PolicyRules(const std::string& policy, const std::string& tie_break) {
  return "name: random\nlabel: label\nclasses: {0: lo, 1: mid, 2: hi}\npolicy: " + policy +
         "\ntie_break: " + tie_break +
         "\nrules:\n"
         "  - {name: r1, when: a > 6, predict: hi, weight: 2}\n"
         "  - {name: r2, when: 'b < 2 && s == \"x\"', predict: hi}\n"
         "  - {name: r3, when: a < 3, predict: lo, weight: 1.5}\n"
         "  - {name: r4, when: a >= 3 && a <= 6, predict: mid}\n"
         "  - {name: r5, when: b > 4, predict: mid, weight: 0.5}\n"
         "  - {name: r6, when: s == \"y\", predict: lo}\n"
         "  - {name: r7, when: a == 9, predict: abstain}\n";
}

TEST_CASE("Eval and label agree row by row with Predict under every combining policy", "[label]") {
  testing::TempDir dir("hunch_label");
  std::vector<std::string> truth;
  const std::string data = dir.Write("d.csv", RandomData(3000, 17, &truth));
  for (const char* policy : {"vote", "weighted", "label_model"}) {
    for (const char* tie_break : {"abstain", "priority", "prior"}) {
      INFO(policy << " / " << tie_break);
      const std::string rules_path = dir.Write("r.yaml", PolicyRules(policy, tie_break));
      auto rs = LoadFor(rules_path, data);
      auto fitted = FitRuleSet(*rs, data, {});
      REQUIRE(fitted.ok());
      CHECK((*fitted)->fitted() == rs->needs_fit());
      // The interpreter, row by row.
      std::vector<std::vector<int64_t>> confusion(3, std::vector<int64_t>(4, 0));
      std::vector<int> predicted;
      auto cursor = RowCursor::Open(data, {});
      REQUIRE(cursor.ok());
      const auto& header = (*cursor)->header();
      for (size_t i = 0; i < truth.size(); ++i) {
        REQUIRE(*(*cursor)->Next());
        RawRow row((*fitted)->schema().columns.size());
        for (size_t c = 0; c < header.size(); ++c) {
          const int col = (*fitted)->schema().Find(header[c]);
          if (col >= 0) row[col] = (*cursor)->cells()[c];
        }
        const Prediction p = (*fitted)->Predict(row);
        predicted.push_back(p.class_index);
        ++confusion[std::stoi(truth[i])][p.class_index < 0 ? 3 : p.class_index];
      }
      // The columnar path of eval, on one and on two threads.
      for (int threads : {1, 2}) {
        EvalOptions eo;
        eo.bootstrap = 0;
        eo.threads = threads;
        auto report = EvaluateFile(*rs, data, eo);
        REQUIRE(report.ok());
        REQUIRE(report->policy.has_value());
        for (int a = 0; a < 3; ++a) {
          for (int c = 0; c < 3; ++c) CHECK(report->confusion[a][c] == confusion[a][c]);
          if (report->can_abstain)
            CHECK(report->confusion[a][3] == confusion[a][3]);
          else
            CHECK(confusion[a][3] == 0);
        }
      }
      // hunch label, with abstained rows kept so that every row is there.
      LabelOptions lo;
      lo.keep_abstain = true;
      REQUIRE(LabelFile(*rs, data, dir.Child("labels.csv"), lo).ok());
      const auto lines = Lines(ReadAll(dir.Child("labels.csv")));
      REQUIRE(lines.size() == truth.size() + 1);
      for (size_t i = 0; i < truth.size(); ++i) {
        const std::string label = lines[i + 1].substr(lines[i + 1].find(',') + 1, 1);
        CHECK(label == (predicted[i] < 0 ? "," : std::to_string(predicted[i])));
      }
    }
  }
}

TEST_CASE("Eval under label_model reports estimated accuracies beside the empirical ones",
          "[label]") {
  testing::TempDir dir("hunch_label");
  std::vector<std::string> truth;
  const std::string data = dir.Write("d.csv", RandomData(3000, 23, &truth));
  const std::string rules_path = dir.Write("r.yaml", PolicyRules("label_model", "abstain"));
  auto rs = LoadFor(rules_path, data);
  EvalOptions eo;
  eo.bootstrap = 0;
  auto report = EvaluateFile(*rs, data, eo);
  REQUIRE(report.ok());
  const PolicyFigures& p = *report->policy;
  CHECK(p.label_model);
  CHECK(p.converged);
  CHECK(p.voters.size() == 6);  // r7 predicts abstain: not a voter
  CHECK(p.class_balance.size() == 3);
  CHECK(report->rules[0].estimated_accuracy.has_value());
  CHECK_FALSE(report->rules[6].estimated_accuracy.has_value());
  CHECK(report->rules[0].polarity == std::vector<std::string>{"hi"});
  CHECK(report->rules[6].polarity.empty());
  // r1 (a > 6) and r3 (a < 3) never fire together; r1 and r6 (s == "y") do, and disagree.
  CHECK(p.conflict_matrix[0][2] == 0);
  CHECK(p.conflict_matrix[0][5] > 0);
  CHECK(p.conflict_matrix[0][5] == p.conflict_matrix[5][0]);
  // Slices and the shadow column are decided with the fitted model too: slicing by the label
  // gives each class's recall, and the label as the existing system is always right.
  eo.slice_by = {"label"};
  eo.shadow_column = "label";
  auto sliced = EvaluateFile(*rs, data, eo);
  REQUIRE(sliced.ok());
  REQUIRE(sliced->slices.size() == 3);
  for (const auto& slice : sliced->slices) {
    const int c = std::stoi(slice.key.substr(slice.key.find('=') + 1));
    INFO(slice.key);
    CHECK(slice.accuracy == Approx(report->metrics.per_class[c].recall).margin(1e-12));
  }
  REQUIRE(sliced->shadow.has_value());
  CHECK(sliced->shadow->rows == report->labeled_rows);
  CHECK(sliced->shadow->rules_accuracy == Approx(report->metrics.accuracy).margin(1e-12));
  CHECK(sliced->shadow->shadow_accuracy == 1.0);
  const std::string json = ReportToJson(*report);
  CHECK(json.find("\"estimated_accuracy\"") != std::string::npos);
  CHECK(json.find("\"majority_vote\"") != std::string::npos);
  const std::string text = ReportToText(*report);
  CHECK(text.find("Policy beside plain majority vote") != std::string::npos);
  CHECK(text.find("label model converged after") != std::string::npos);
}

}  // namespace
}  // namespace hunch

namespace hunch {
namespace {

TEST_CASE("A rule set loaded without data is fitted like one loaded with it", "[label]") {
  testing::TempDir dir("hunch_label");
  std::vector<std::string> truth;
  const std::string data = dir.Write("d.csv", RandomData(2000, 29, &truth));
  const std::string rules_path = dir.Write("r.yaml", PolicyRules("label_model", "prior"));
  std::vector<Diagnostic> diags;
  auto untyped = RuleSet::Load(rules_path, {}, &diags);
  REQUIRE(untyped.ok());
  REQUIRE_FALSE((*untyped)->schema_known());
  LabelSummary a, b;
  auto fitted_untyped = FitRuleSet(**untyped, data, {}, &a);
  auto fitted_typed = FitRuleSet(*LoadFor(rules_path, data), data, {}, &b);
  REQUIRE(fitted_untyped.ok());
  REQUIRE(fitted_typed.ok());
  CHECK((*fitted_untyped)->fitted());
  CHECK(a.iterations == b.iterations);
  CHECK(a.class_balance == b.class_balance);
  CHECK(a.rule_accuracy == b.rule_accuracy);
  // And it predicts JSON rows with the fitted model: a row where r1 (hi) and r6 (lo) disagree.
  std::vector<std::string> storage, ignored;
  auto row = RowFromJson(R"({"a": 8, "b": 3, "s": "y"})", **fitted_untyped, &storage, &ignored);
  REQUIRE(row.ok());
  const Prediction p = (*fitted_untyped)->Predict(*row);
  CHECK(p.votes == 2);
  CHECK(p.probabilities.size() == 3);
  CHECK(p.probabilities[2] + p.probabilities[0] + p.probabilities[1] == Approx(1.0));
}

}  // namespace
}  // namespace hunch
