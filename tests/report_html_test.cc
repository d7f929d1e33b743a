// The HTML report (engine/report_html.cc) and the JSON reader (engine/report_json.cc): escaping of
// hostile strings, the JSON round trip, errors that name the field, and the golden page of the
// bundled example. The browser test (tests/e2e/html_report_browser.py) checks the rendered pages.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "hunch/report.h"
#include "tests/temp_dir.h"

namespace hunch {
namespace {

// Strings that would break out of element content, an attribute or the page if not escaped.
const std::string kScript = "<script>alert('x')</script>";
const std::string kQuotes = "\"'><img src=x onerror=alert(1)>";
const std::string kAmp = "fish & chips &amp; <b>bold</b>";

MetricFigures Figures(double accuracy, int classes) {
  MetricFigures m;
  m.rows = 10;
  m.accuracy = accuracy;
  m.balanced_accuracy = 0.5;
  m.kappa = -0.125;
  m.coverage = 0.8;
  m.macro = {0.25, 0.5, 1.0 / 3, 0};
  m.weighted = {0.1, 0.2, 0.3, 0};
  for (int c = 0; c < classes; ++c) m.per_class.push_back({0.5, 0.25 * c, 0.4, 5});
  return m;
}

// A report whose every string comes from a hostile rule file and data file.
Report HostileReport() {
  Report r;
  r.ruleset_name = kScript;
  r.ruleset_version = kQuotes;
  r.ruleset_sha256 = std::string(64, 'a');
  r.classes = {kScript, kQuotes, kAmp};
  r.positive_class = 1;
  r.can_abstain = true;
  r.default_predicts_class = false;
  r.data_path = "/tmp/" + kAmp + ".csv";
  r.rows = 12;
  r.labeled_rows = 10;
  r.missing_label = 1;
  r.unknown_label = 1;
  r.unknown_label_values = {{kScript, 1}};
  r.bad_rows = 2;
  r.bad_cells = {{kQuotes, 3}};
  r.metrics = Figures(0.7, 3);
  r.covered = Figures(0.875, 3);
  r.confusion = {{3, 0, 1, 0}, {1, 2, 0, 1}, {0, 0, 1, 1}};
  r.majority_class = kAmp;
  r.majority = Figures(0.4, 3);
  r.stratified = Figures(0.34, 3);
  r.bootstrap_resamples = 100;
  r.bootstrap_seed = 7;
  r.small_sample = true;
  r.accuracy_ci = {0.5, 0.9};
  r.macro_f1_ci = {0.1, 0.6};
  r.precision_ci = {{0, 1}, {0.1, 0.9}, {0.2, 0.8}};
  r.recall_ci = {{0.3, 0.7}, {0.4, 0.6}, {0.45, 0.55}};
  RuleFigures a;
  a.name = kScript;
  a.predict = kQuotes;
  a.when = "name == \"</code></td><script>x</script>\" && n > 1 & 2";
  a.fires = 4;
  a.wins = 3;
  a.correct = 2;
  a.incorrect = 2;
  a.coverage = 0.4;
  a.precision = 0.5;
  a.overlaps = 0.1;
  a.conflicts = 0.1;
  RuleFigures b = a;
  b.name = kAmp;
  b.predict = "abstain";
  b.enabled = false;
  b.shadowed = true;
  r.rules = {a, b};
  r.default_rows = 2;
  r.slices = {{"city=" + kScript, 4, 0.25, 0.2, 1}, {"city=" + kQuotes, 6, 0.5, 0.4, 0.5}};
  r.shadow = ShadowFigures{kQuotes, 9, 1, 0.5, 0.7, 0.6};
  return r;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST_CASE("The HTML report escapes every string from the rule file and the data", "[report-html]") {
  const std::string page = ReportToHtml(HostileReport());
  CHECK(Count(page, "<script") == 0);
  CHECK(Count(page, "<img") == 0);
  CHECK(Count(page, "<b>") == 0);
  CHECK(Count(page, "</code></td><script") == 0);
  CHECK(page.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  CHECK(page.find("&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
  CHECK(page.find("fish &amp; chips &amp;amp; &lt;b&gt;bold&lt;/b&gt;") != std::string::npos);
  // Attribute values stay closed: a data-json pointer built from a class name is escaped too.
  CHECK(page.find("data-json=\"/metrics/per_class/&quot;&#39;&gt;&lt;img") != std::string::npos);
}

TEST_CASE("The HTML report is one self-contained, accessible page", "[report-html]") {
  const std::string page = ReportToHtml(HostileReport());
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(Count(page, "http://") == 0);
  CHECK(Count(page, "https://") == 0);
  CHECK(Count(page, "<link") == 0);
  CHECK(Count(page, "@import") == 0);
  CHECK(page.find("Content-Security-Policy") != std::string::npos);
  // Every table has column headers with a scope, every chart a text alternative.
  CHECK(Count(page, "<table>") > 0);
  CHECK(Count(page, "<thead><tr><th scope=\"col\"") == Count(page, "<table>"));
  CHECK(Count(page, "role=\"img\" aria-label=\"") ==
        Count(page, "<svg class=\"chart\"") + Count(page, "<svg class=\"heat\""));
  CHECK(Count(page, "<svg class=\"heat\"") == 1);
  // Rule states are words, not only colours.
  CHECK(page.find(">shadowed</span>") != std::string::npos);
  CHECK(page.find(">disabled</span>") != std::string::npos);
  CHECK(page.find(">conflicts</span>") != std::string::npos);
  CHECK(page.find(">Small sample</span>") != std::string::npos);
  // The same report renders to the same bytes.
  CHECK(ReportToHtml(HostileReport()) == page);
}

TEST_CASE("The HTML report sorts slices worst first and shows the error bars' figures",
          "[report-html]") {
  const std::string page = ReportToHtml(HostileReport());
  const size_t worst = page.find("<th scope=\"row\">city=&lt;script&gt;");
  const size_t better = page.find("<th scope=\"row\">city=&quot;");
  REQUIRE(worst != std::string::npos);
  REQUIRE(better != std::string::npos);
  CHECK(worst < better);
  CHECK(page.find("accuracy: rules 0.7000 (95% interval 0.5000 to 0.9000)") != std::string::npos);
  CHECK(page.find("<span data-json=\"/intervals/accuracy/0\">0.5000</span>") != std::string::npos);
}

TEST_CASE("ReportFromJson reads back exactly what ReportToJson writes", "[report-html]") {
  Report full = HostileReport();
  Report plain = HostileReport();
  plain.covered.reset();
  plain.shadow.reset();
  plain.can_abstain = false;
  plain.default_predicts_class = true;
  plain.positive_class = -1;
  for (auto& row : plain.confusion) row.pop_back();
  plain.bootstrap_resamples = 0;
  plain.precision_ci.clear();
  plain.recall_ci.clear();
  plain.slices.clear();
  for (const Report* r : {&full, &plain}) {
    const std::string json = ReportToJson(*r);
    auto back = ReportFromJson(json, "r.json");
    REQUIRE(back.ok());
    CHECK(ReportToJson(*back) == json);
    CHECK(back->default_predicts_class == r->default_predicts_class);
    CHECK(back->can_abstain == r->can_abstain);
    CHECK(back->positive_class == r->positive_class);
    CHECK(back->rules[0].when == r->rules[0].when);
  }
}

TEST_CASE("ReportFromJson names the file and the field that is wrong", "[report-html]") {
  const std::string json = ReportToJson(HostileReport());
  auto not_json = ReportFromJson("{\n  \"ruleset\": ,\n}", "saved.json");
  REQUIRE_FALSE(not_json.ok());
  CHECK(not_json.status().code() == StatusCode::kDataError);
  CHECK_THAT(not_json.status().message(),
             Catch::StartsWith("saved.json: error: not JSON: parse error at line 2, column"));

  std::string missing = json;
  missing.replace(missing.find("\"accuracy\": 0.7,"), 16, "");
  auto no_field = ReportFromJson(missing, "saved.json");
  REQUIRE_FALSE(no_field.ok());
  CHECK(no_field.status().message() ==
        "saved.json: error: not a hunch eval JSON report: /metrics/accuracy: missing field");

  std::string mistyped = json;
  mistyped.replace(mistyped.find("\"rows\": 12"), 10, "\"rows\": \"12\"");
  auto wrong_type = ReportFromJson(mistyped, "saved.json");
  REQUIRE_FALSE(wrong_type.ok());
  CHECK(wrong_type.status().message() ==
        "saved.json: error: not a hunch eval JSON report: /data/rows: expected an integer");

  auto other = ReportFromJson("[1, 2]", "saved.json");
  REQUIRE_FALSE(other.ok());
  CHECK(other.status().message() ==
        "saved.json: error: not a hunch eval JSON report: /: expected an object");
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

// Regenerate with HUNCH_UPDATE_GOLDEN=1 after a deliberate change, and review the diff.
TEST_CASE("The HTML report of the bundled fraud example matches its golden file", "[report-html]") {
  testing::TempDir dir("hunch_report_html");
  const std::string html = dir.Child("fraud.html"), json = dir.Child("fraud.json"),
                    again = dir.Child("again.html");
  REQUIRE(RunHunch("eval examples/fraud/rules.yaml examples/fraud/transactions.csv --format html "
                   "-o '" +
                   html + "'") == 0);
  const std::string golden_path = std::string(HUNCH_SOURCE_DIR) + "/tests/golden/fraud_report.html";
  if (std::getenv("HUNCH_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden_path, std::ios::binary) << ReadFile(html);
  }
  const std::string page = ReadFile(html), golden = ReadFile(golden_path);
  // On a mismatch, show the first line that differs rather than two whole pages.
  std::istringstream got_lines(page), want_lines(golden);
  std::string got, want;
  int line = 0;
  bool same = true;
  while (same) {
    const bool more_got = static_cast<bool>(std::getline(got_lines, got));
    const bool more_want = static_cast<bool>(std::getline(want_lines, want));
    ++line;
    if (!more_got && !more_want) break;
    same = more_got == more_want && got == want;
  }
  INFO("first difference at line " << line << ": got '" << got << "', golden '" << want
                                   << "'; regenerate with HUNCH_UPDATE_GOLDEN=1");
  CHECK(same);

  // `hunch report` renders the saved JSON to the same page.
  REQUIRE(RunHunch("eval examples/fraud/rules.yaml examples/fraud/transactions.csv --format json "
                   "-o '" +
                   json + "'") == 0);
  REQUIRE(RunHunch("report '" + json + "' -o '" + again + "'") == 0);
  CHECK((ReadFile(again) == page));
  CHECK(RunHunch("report examples/fraud/rules.yaml -o /dev/null 2>/dev/null") == 2);
}

}  // namespace
}  // namespace hunch
