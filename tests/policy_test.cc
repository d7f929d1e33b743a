// Tests of the combining policies (engine/policy.cc) through RuleSet::Predict: majority vote
// against the documented examples of Snorkel's MajorityLabelVoter and probs_to_preds, the tie
// breaks, weighted votes, and the rule-file keys (errors, warnings, hash).
//
// Snorkel's label matrix lets one labeling function vote different classes on different rows;
// a hunch rule votes one class. A Snorkel LF j is therefore written as one rule per class c,
// `lf{j} == c`, which fires exactly where L[i, j] == c: the votes per row are the same.
#include "engine/policy.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "engine/ruleset_impl.h"
#include "hunch/ruleset.h"

namespace hunch {
namespace {

// A rule file whose rules reproduce an m-column label matrix over k classes.
std::string SnorkelRules(int m, int k, const std::string& policy = "vote",
                         const std::string& tie_break = "abstain") {
  std::string text = "name: snorkel\nlabel: y\nclasses: [";
  for (int c = 0; c < k; ++c) text += (c ? ", c" : "c") + std::to_string(c);
  text += "]\npolicy: " + policy + "\ntie_break: " + tie_break + "\ninputs:\n";
  for (int j = 0; j < m; ++j) text += "  lf" + std::to_string(j) + ": int\n";
  text += "rules:\n";
  for (int j = 0; j < m; ++j) {
    for (int c = 0; c < k; ++c) {
      text += "  - name: lf" + std::to_string(j) + "_" + std::to_string(c) + "\n    when: lf" +
              std::to_string(j) + " == " + std::to_string(c) + "\n    predict: c" +
              std::to_string(c) + "\n";
    }
  }
  return text;
}

std::shared_ptr<const RuleSet> Load(const std::string& text,
                                    std::vector<Diagnostic>* diags = nullptr) {
  std::vector<Diagnostic> local;
  auto rs = RuleSet::LoadFromString(text, "test.yaml", {}, diags ? diags : &local);
  INFO(FormatDiagnostics(diags ? *diags : local));
  REQUIRE(rs.ok());
  return *rs;
}

// Predicts every row of L (cells are the label matrix entries; -1 never equals a class).
std::vector<Prediction> PredictMatrix(const RuleSet& rs, const std::vector<std::vector<int>>& L) {
  std::vector<Prediction> out;
  for (const auto& line : L) {
    std::vector<std::string> cells;
    for (int v : line) cells.push_back(std::to_string(v));
    RawRow row(rs.schema().columns.size());
    for (size_t j = 0; j < cells.size(); ++j)
      row[rs.schema().Find("lf" + std::to_string(j))] = cells[j];
    out.push_back(rs.Predict(row));
  }
  return out;
}

void RequireProbabilities(const std::vector<Prediction>& got,
                          const std::vector<std::vector<double>>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    INFO("row " << i);
    REQUIRE(got[i].probabilities.size() == want[i].size());
    for (size_t c = 0; c < want[i].size(); ++c)
      CHECK(got[i].probabilities[c] == Approx(want[i][c]).margin(1e-12));
  }
}

std::vector<int> Classes(const std::vector<Prediction>& got) {
  std::vector<int> out;
  for (const auto& p : got) out.push_back(p.class_index);
  return out;
}

TEST_CASE("Majority vote matches the docstring example of Snorkel's MajorityLabelVoter",
          "[policy]") {
  // baselines.py: L = [[0, 0, -1], [-1, 0, 1], [1, -1, 0]] gives [[1, 0], [0.5, 0.5], [0.5, 0.5]];
  // predict's default tie_break_policy is "abstain": [0, -1, -1].
  auto rs = Load(SnorkelRules(3, 2));
  auto got = PredictMatrix(*rs, {{0, 0, -1}, {-1, 0, 1}, {1, -1, 0}});
  RequireProbabilities(got, {{1, 0}, {0.5, 0.5}, {0.5, 0.5}});
  CHECK(Classes(got) == std::vector<int>{0, -1, -1});
  CHECK(got[1].tie);
  CHECK(got[0].votes == 2);
}

TEST_CASE("Majority vote matches Snorkel's test_majority_label_vote", "[policy]") {
  // test/labeling/model/test_baseline.py: L = [[0, 1, 0], [0, 1, 0], [1, 0, 0], [-1, -1, 1]]
  // gives [[1, 0], [1, 0], [1, 0], [0, 1]].
  auto rs = Load(SnorkelRules(3, 2));
  auto got = PredictMatrix(*rs, {{0, 1, 0}, {0, 1, 0}, {1, 0, 0}, {-1, -1, 1}});
  RequireProbabilities(got, {{1, 0}, {1, 0}, {1, 0}, {0, 1}});
  CHECK(Classes(got) == std::vector<int>{0, 0, 0, 1});
}

TEST_CASE("A three-way tie abstains as in Snorkel's probs_to_preds example", "[policy]") {
  // probs_to_preds([[0.5, 0.5, 0.5]], tie_break_policy="abstain") == [-1]: three LFs voting
  // three classes give equal probabilities for all of them.
  auto rs = Load(SnorkelRules(3, 3));
  auto got = PredictMatrix(*rs, {{0, 1, 2}, {2, 2, 1}});
  RequireProbabilities(got, {{1.0 / 3, 1.0 / 3, 1.0 / 3}, {0, 0, 1}});
  CHECK(Classes(got) == std::vector<int>{-1, 2});
}

TEST_CASE("A row with no vote has uniform probabilities and gets the default", "[policy]") {
  // Snorkel: all counts are 0 == max, so every class shares the probability; the row abstains.
  auto rs = Load(SnorkelRules(2, 2));
  auto got = PredictMatrix(*rs, {{-1, -1}});
  RequireProbabilities(got, {{0.5, 0.5}});
  CHECK(got[0].class_index == -1);
  CHECK(got[0].votes == 0);
  CHECK_FALSE(got[0].tie);
  // With `default: c1` the row gets c1 (a rule file's default, not a Snorkel notion).
  std::string text = SnorkelRules(2, 2);
  text.replace(text.find("policy:"), 0, "default: c1\n");
  CHECK(PredictMatrix(*Load(text), {{-1, -1}})[0].class_index == 1);
}

const char* kTwoRules = R"(name: t
label: y
classes: [ham, spam]
policy: POLICY
tie_break: TIE
inputs: {a: int, b: int}
rules:
  - name: first
    when: a > 0
    predict: spam
    weight: 2
  - name: second
    when: b > 0
    predict: ham
  - name: third
    when: b > 1
    predict: ham
    weight: 0.5
  - name: stop
    when: a > 5
    predict: abstain
)";

std::string TwoRules(const std::string& policy, const std::string& tie) {
  std::string text = kTwoRules;
  text.replace(text.find("POLICY"), 6, policy);
  text.replace(text.find("TIE"), 3, tie);
  return text;
}

Prediction PredictAB(const RuleSet& rs, const std::string& a, const std::string& b) {
  RawRow row(rs.schema().columns.size());
  row[rs.schema().Find("a")] = a;
  row[rs.schema().Find("b")] = b;
  return rs.Predict(row);
}

TEST_CASE("Tie breaks: abstain, priority (file order) and prior (class order unfitted)",
          "[policy]") {
  // first (spam) and second (ham) both fire: one vote each.
  CHECK(PredictAB(*Load(TwoRules("vote", "abstain")), "1", "1").class_index == -1);
  auto priority = PredictAB(*Load(TwoRules("vote", "priority")), "1", "1");
  CHECK(priority.class_index == 1);  // `first` comes first in the file
  CHECK(priority.rule == 0);
  CHECK(priority.tie);
  auto prior = Load(TwoRules("vote", "prior"));
  CHECK(prior->needs_fit());
  CHECK_FALSE(prior->fitted());
  CHECK(PredictAB(*prior, "1", "1").class_index == 0);  // unfitted: the first class
  // Two ham votes beat one spam vote; the winning rule is the first that voted ham.
  auto two = PredictAB(*Load(TwoRules("vote", "abstain")), "1", "2");
  CHECK(two.class_index == 0);
  CHECK(two.rule == 1);
  CHECK_FALSE(two.tie);
  // A rule predicting abstain fires but does not vote under vote.
  auto stop = PredictAB(*Load(TwoRules("vote", "abstain")), "9", "0");
  CHECK(stop.class_index == 1);
  CHECK(stop.votes == 1);
  CHECK(stop.fired == std::vector<int>{0, 3});
}

TEST_CASE("Tie break prior uses the class shares of the rows decided without a tie", "[policy]") {
  auto rs = Load(TwoRules("vote", "prior"));
  Combiner combiner(rs->impl().checked);
  // Voters: 0 = first (spam), 1 = second (ham), 2 = third (ham). 30 rows spam alone, 10 ham
  // alone, 5 tied: the prior favours spam.
  PatternCounts patterns;
  patterns[EncodePattern(std::vector<int>{0})] = {30};
  patterns[EncodePattern(std::vector<int>{1})] = {10};
  patterns[EncodePattern(std::vector<int>{0, 1})] = {5};
  combiner.Fit(patterns, {});
  REQUIRE(combiner.prior() == std::vector<double>{10, 30});
  CHECK(combiner.Decide(std::vector<int>{0, 1}).class_index == 1);
  patterns[EncodePattern(std::vector<int>{1, 2})] = {40};  // now ham is the more frequent
  Combiner again(rs->impl().checked);
  again.Fit(patterns, {});
  CHECK(again.Decide(std::vector<int>{0, 1}).class_index == 0);
}

TEST_CASE("Weighted vote sums the weights of each class", "[policy]") {
  auto rs = Load(TwoRules("weighted", "abstain"));
  // spam 2 against ham 1: spam, with probabilities the shares of the weight.
  auto p = PredictAB(*rs, "1", "1");
  CHECK(p.class_index == 1);
  CHECK(p.probabilities[1] == Approx(2.0 / 3));
  // spam 2 against ham 1 + 0.5: still spam.
  CHECK(PredictAB(*rs, "1", "2").class_index == 1);
  // ham alone.
  CHECK(PredictAB(*rs, "0", "2").class_index == 0);
  // Equal sums tie (within rounding): 0.1 + 0.2 against 0.3.
  auto tied = Load(R"(name: t
label: y
classes: [ham, spam]
policy: weighted
tie_break: priority
inputs: {a: int}
rules:
  - {name: h1, when: a > 0, predict: ham, weight: 0.1}
  - {name: s1, when: a > 0, predict: spam, weight: 0.3}
  - {name: h2, when: a > 0, predict: ham, weight: 0.2}
  - {name: z, when: a > 1, predict: spam, weight: 0}
)");
  RawRow row(tied->schema().columns.size());
  row[tied->schema().Find("a")] = "1";
  auto t = tied->Predict(row);
  CHECK(t.tie);
  CHECK(t.class_index == 0);  // priority: h1 is first
  // A vote of weight 0 adds nothing.
  row[tied->schema().Find("a")] = "2";
  CHECK(tied->Predict(row).tie);
}

TEST_CASE("Unfitted label model decides by majority vote and says so", "[policy]") {
  auto rs = Load(TwoRules("label_model", "abstain"));
  CHECK(std::string(rs->policy()) == "label_model");
  CHECK(rs->needs_fit());
  CHECK(PredictAB(*rs, "1", "2").class_index == 0);
  CHECK(rs->Explain({std::string_view("1"), std::string_view("2")})
            .find("not fitted: majority vote") != std::string::npos);
}

TEST_CASE("Explain shows the votes of each class under a combining policy", "[policy]") {
  auto rs = Load(TwoRules("weighted", "abstain"));
  RawRow row(rs->schema().columns.size());
  row[rs->schema().Find("a")] = "1";
  row[rs->schema().Find("b")] = "2";
  const std::string text = rs->Explain(row);
  CHECK(text.find("policy: weighted, tie_break abstain") != std::string::npos);
  CHECK(text.find("ham: second x1, third x0.5 (p = 0.4286)") != std::string::npos);
  CHECK(text.find("spam: first x2 (p = 0.5714)") != std::string::npos);
  CHECK(text.find("prediction: spam") != std::string::npos);
}

TEST_CASE("First match ignores weights and tie breaks, with a warning for each", "[policy]") {
  std::vector<Diagnostic> diags;
  auto rs = Load(TwoRules("first_match", "prior"), &diags);
  std::vector<std::string> codes;
  for (const auto& d : diags) codes.push_back(d.code);
  CHECK(std::count(codes.begin(), codes.end(), "unused-weight") == 2);
  CHECK(std::count(codes.begin(), codes.end(), "unused-tie-break") == 1);
  CHECK_FALSE(rs->needs_fit());
  auto p = PredictAB(*rs, "1", "2");
  CHECK(p.class_index == 1);  // `first` fires first
  CHECK(p.rule == 0);
  CHECK(p.probabilities.empty());
  CHECK(PredictAB(*rs, "9", "0").class_index == 1);  // `first` still comes before `stop`
}

TEST_CASE("The hash ignores a tie break or weight written at its default", "[policy]") {
  const std::string base =
      "name: t\nlabel: y\nclasses: [a, b]\npolicy: vote\n"
      "rules:\n  - name: r\n    when: x > 1\n    predict: a\n";
  std::string explicit_defaults = base;
  explicit_defaults.replace(explicit_defaults.find("rules:"), 0, "tie_break: abstain\n");
  explicit_defaults += "    weight: 1.0\n";
  CHECK(Load(base)->sha256() == Load(explicit_defaults)->sha256());
  std::string other = base;
  other.replace(other.find("rules:"), 0, "tie_break: priority\n");
  CHECK(Load(base)->sha256() != Load(other)->sha256());
  std::string first_match = base;
  first_match.replace(first_match.find("vote"), 4, "first_match");
  CHECK(Load(first_match)->impl().checked.canonical.find("tie_break") == std::string::npos);
}

TEST_CASE("Bad policy keys are located errors", "[policy]") {
  std::vector<Diagnostic> diags;
  auto rs = RuleSet::LoadFromString(
      "name: t\nlabel: y\nclasses: [a, b]\npolicy: weigthed\ntie_break: coin\nrules:\n"
      "  - name: r\n    when: x > 1\n    predict: a\n    weight: -1\n",
      "t.yaml", {}, &diags);
  REQUIRE_FALSE(rs.ok());
  REQUIRE(diags.size() == 3);
  CHECK(diags[0].code == "unsupported-policy");
  CHECK(diags[0].line == 4);
  CHECK(diags[0].column == 9);
  CHECK(diags[0].message.find("did you mean 'weighted'?") != std::string::npos);
  CHECK(diags[1].code == "bad-tie-break");
  CHECK(diags[1].line == 5);
  CHECK(diags[1].message == "unknown tie_break 'coin': expected abstain, priority, prior");
  CHECK(diags[2].code == "bad-weight");
  CHECK(diags[2].line == 10);
  CHECK(diags[2].column == 13);
}

}  // namespace
}  // namespace hunch

namespace hunch {
namespace {

TEST_CASE("Lint reports shadowed rules only under first_match", "[policy]") {
  auto codes = [](const std::string& policy) {
    std::vector<Diagnostic> diags;
    Load("name: t\nlabel: y\nclasses: [a, b]\npolicy: " + policy +
             "\ninputs: {x: int}\nrules:\n  - {name: wide, when: x > 1, predict: a}\n"
             "  - {name: narrow, when: x > 5, predict: b}\n",
         &diags);
    std::vector<std::string> out;
    for (const auto& d : diags) out.push_back(d.code);
    return out;
  };
  CHECK(codes("first_match") == std::vector<std::string>{"shadowed-rule"});
  CHECK(codes("vote").empty());
  CHECK(codes("label_model").empty());
}

}  // namespace
}  // namespace hunch
