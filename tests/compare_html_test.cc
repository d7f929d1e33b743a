// The HTML pages of `hunch compare` and `hunch diff` (engine/compare_html.cc): escaping of hostile
// strings, the golden pages of the bundled fraud example, `hunch report` of their saved JSON, and
// errors that name the field. The browser test (tests/e2e/html_report_browser.py) checks the
// rendered pages' figures against the JSON.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "hunch/compare.h"
#include "hunch/diff.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

const std::string kScript = "<script>alert('x')</script>";
const std::string kQuotes = "\"'><img src=x onerror=alert(1)>";

MetricDelta Delta(const std::string& name, double a, double b, Interval ci) {
  return {name, a, b, b - a, ci};
}

// A comparison whose every string comes from a hostile rule file, data and predictions file.
Comparison HostileComparison() {
  Comparison c;
  c.a_report.ruleset_name = kScript;
  c.a_report.ruleset_version = kQuotes;
  c.a_report.ruleset_sha256 = std::string(64, 'a');
  c.a_report.data_path = "/tmp/" + kScript + ".csv";
  c.a_report.majority_class = kQuotes;
  c.b_description = kQuotes;
  c.classes = {kScript, kQuotes};
  c.positive_class = 1;
  c.rows = 10;
  c.bootstrap_resamples = 100;
  c.seed = 7;
  for (const auto& name : ReportMetricNames()) {
    if (name != "roc_auc" && name != "average_precision")
      c.metrics.push_back(Delta(name, 0.5, 0.7, {0.05, 0.3}));
  }
  c.metrics[1].interval = Interval{-0.4, -0.1};  // rules significantly better on one figure
  c.metrics[2].interval = Interval{-0.1, 0.3};   // and no clear difference on another
  for (const auto& cls : c.classes) {
    c.per_class.push_back({cls, 5, Delta("precision", 0.5, 0.6, {-0.1, 0.2}),
                           Delta("recall", 0.4, 0.2, {-0.3, -0.1}),
                           Delta("f1", 0.45, 0.3, {-0.2, 0.0})});
  }
  c.a_confusion = {{3, 2}, {1, 4}};
  c.b_confusion = {{4, 1}, {1, 4}};
  c.contingency = {6, 1, 2, 1, 1.0};
  c.slices = {{"city=" + kScript, 4, Delta("accuracy", 0.5, 0.25, {-0.5, 0}),
               Delta("macro_f1", 0.4, 0.3, {-0.4, 0.1})},
              {"city=" + kQuotes, 6, Delta("accuracy", 0.5, 0.75, {0, 0.5}),
               Delta("macro_f1", 0.4, 0.6, {-0.1, 0.4})}};
  c.verdict_metric = "macro_f1";
  c.winner = Winner::kB;
  c.verdict = "model beats rules " + kScript;
  c.predictions = PredictionSource{kQuotes, kScript, "", "", 10, 1, 0};
  return c;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST_CASE("The compare page escapes every string and reads without colour", "[compare-html]") {
  const std::string page = ComparisonToHtml(HostileComparison());
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(Count(page, "<script") == 0);
  CHECK(Count(page, "<img") == 0);
  CHECK(Count(page, "http://") + Count(page, "https://") + Count(page, "<link") == 0);
  CHECK(page.find("Content-Security-Policy") != std::string::npos);
  CHECK(page.find("Verdict: <span data-json=\"/verdict/text\">model beats rules "
                  "&lt;script&gt;") != std::string::npos);
  CHECK(Count(page, "<thead><tr><th scope=\"col\"") == Count(page, "<table>"));
  CHECK(Count(page, "role=\"img\" aria-label=\"") ==
        Count(page, "<svg class=\"chart") + Count(page, "<svg class=\"heat\""));
  // Who is better is said in words, not only by the filled or hollow marker.
  CHECK(page.find("<strong>model better</strong>") != std::string::npos);
  CHECK(page.find("<strong>rules better</strong>") != std::string::npos);
  CHECK(page.find("no clear difference") != std::string::npos);
  // Slices worst first: the one where the model loses comes before the one where it wins.
  const size_t worst = page.find("<th scope=\"row\">city=&lt;script&gt;");
  const size_t better = page.find("<th scope=\"row\">city=&quot;");
  REQUIRE(worst != std::string::npos);
  REQUIRE(better != std::string::npos);
  CHECK(worst < better);
  CHECK(ComparisonToHtml(HostileComparison()) == page);
}

TEST_CASE("A saved compare JSON renders to the same page as the comparison", "[compare-html]") {
  const Comparison c = HostileComparison();
  auto page = SavedComparisonToHtml(ComparisonToJson(c), "saved.json");
  REQUIRE(page.ok());
  CHECK(*page == ComparisonToHtml(c));
  CHECK(DetectSavedReport(ComparisonToJson(c)) == SavedReportKind::kComparison);
  CHECK(DetectSavedReport(ReportToJson(c.a_report)) == SavedReportKind::kEval);
  CHECK(DetectSavedReport("[1]") == SavedReportKind::kUnknown);
  CHECK(DetectSavedReport("not json") == SavedReportKind::kUnknown);
}

TEST_CASE("A damaged compare JSON is refused with the file and the field", "[compare-html]") {
  const std::string json = ComparisonToJson(HostileComparison());
  std::string missing = json;
  const std::string both_wrong = "\"both_wrong\": 1,";
  REQUIRE(missing.find(both_wrong) != std::string::npos);
  missing.replace(missing.find(both_wrong), both_wrong.size(), "");
  auto no_field = SavedComparisonToHtml(missing, "c.json");
  REQUIRE_FALSE(no_field.ok());
  CHECK(no_field.status().code() == StatusCode::kDataError);
  CHECK(no_field.status().message() ==
        "c.json: error: not a hunch compare JSON report: /contingency/both_wrong: missing field");

  auto not_json = SavedComparisonToHtml("{\"systems\": [", "c.json");
  REQUIRE_FALSE(not_json.ok());
  CHECK_THAT(not_json.status().message(), Catch::StartsWith("c.json: error: not JSON: "));

  auto eval = SavedComparisonToHtml(ReportToJson(HostileComparison().a_report), "r.json");
  REQUIRE_FALSE(eval.ok());
  CHECK(eval.status().message() ==
        "r.json: error: not a hunch compare or diff JSON report: no \"systems\" field");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int RunHunch(const std::string& arguments) {
  const std::string command =
      "cd '" + std::string(HUNCH_SOURCE_DIR) + "' && '" + HUNCH_BINARY + "' " + arguments;
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The page `command` writes with --format html against tests/golden/GOLDEN (regenerate with
// HUNCH_UPDATE_GOLDEN=1 and review the diff), and `hunch report` of its saved JSON.
void CheckGolden(const std::string& command, const std::string& golden) {
  testing::TempDir dir("hunch_compare_html");
  const std::string html = dir.Child("page.html"), json = dir.Child("saved.json"),
                    again = dir.Child("again.html");
  REQUIRE(RunHunch(command + " --format html -o '" + html + "'") == 0);
  const std::string golden_path = std::string(HUNCH_SOURCE_DIR) + "/tests/golden/" + golden;
  if (std::getenv("HUNCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path, std::ios::binary) << ReadFile(html);
  }
  const std::string page = ReadFile(html), want = ReadFile(golden_path);
  std::istringstream got_lines(page), want_lines(want);
  std::string got_line, want_line;
  int line = 0;
  bool same = true;
  while (same) {
    const bool more_got = static_cast<bool>(std::getline(got_lines, got_line));
    const bool more_want = static_cast<bool>(std::getline(want_lines, want_line));
    ++line;
    if (!more_got && !more_want) break;
    same = more_got == more_want && got_line == want_line;
  }
  INFO(golden << ": first difference at line " << line << ": got '" << got_line << "', golden '"
              << want_line << "'; regenerate with HUNCH_UPDATE_GOLDEN=1");
  CHECK(same);

  REQUIRE(RunHunch(command + " --format json -o '" + json + "'") == 0);
  REQUIRE(RunHunch("report '" + json + "' -o '" + again + "'") == 0);
  CHECK((ReadFile(again) == page));
  // Text and Markdown come from the commands themselves, not from a saved comparison.
  CHECK(RunHunch("report '" + json + "' --format text > /dev/null 2>&1") == 2);
}

TEST_CASE("The compare page of the fraud example matches its golden file", "[compare-html]") {
  CheckGolden(
      "compare examples/fraud/rules.yaml examples/fraud/transactions.csv -p "
      "examples/fraud/model_predictions.csv --score-column score --slice-by country",
      "fraud_compare.html");
}

TEST_CASE("The diff page of the fraud example matches its golden file", "[compare-html]") {
  CheckGolden(
      "diff examples/fraud/rules.yaml examples/fraud/rules_v2.yaml examples/fraud/transactions.csv "
      "--id-column id",
      "fraud_diff.html");
}

}  // namespace
}  // namespace hunch
